"""Writing tables out: CSV, JSON or Parquet, with list columns made portable."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from redline.errors import InputError

__all__ = ["write_frame", "portable", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("csv", "json", "parquet")


def write_frame(df: pd.DataFrame, dest: str | Path, fmt: str) -> None:
    """Write ``df`` to ``dest``; list columns become ' | '-joined text in CSV."""
    dest = Path(dest)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown output format {fmt!r}", field="--format",
                         expected="one of " + ", ".join(EXPORT_FORMATS))
    dest.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.to_parquet(dest, index=False)
        return
    out = portable(df)
    if fmt == "csv":
        out.to_csv(dest, index=False)
    else:
        out.to_json(dest, orient="records", date_format="iso", indent=1)


def portable(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose list columns (e.g. ``sources``) are ' | '-joined text."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
            out[col] = out[col].map(
                lambda v: " | ".join(map(str, list(v))) if v is not None and not isinstance(v, float) else None)
    return out
