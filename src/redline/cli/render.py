"""Turning DataFrames into terminal tables or files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from redline.data.export import portable as _portable, write_frame


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return ""
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1e4 else f"{v:,.0f}"
    if hasattr(v, "tolist") and not isinstance(v, str):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return " | ".join(map(str, v))
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v)


def frame_table(df: pd.DataFrame, title: str | None = None, max_rows: int = 60,
                max_width: int | None = 60) -> Table:
    """A rich table of ``df`` (first ``max_rows`` rows, long text cut)."""
    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    shown = df.head(max_rows)
    for i, col in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[col])
        cells = [_cell(v) for v in shown[col]]
        content = max([len(c) for c in cells] + [1])
        natural = max(len(str(col)), content)
        # A number's column is at least as wide as its widest value, so numbers never
        # fold (their headers may); text keeps a minimum width so a wide neighbour
        # cannot squeeze it to nothing in a narrow terminal.
        no_wrap = False
        min_width = min(content, 12) if numeric else min(natural, 18 if i == 0 else 10)
        table.add_column(str(col), justify="right" if numeric else "left",
                         overflow="fold", no_wrap=no_wrap,
                         min_width=min_width, max_width=max_width)
    for row in shown.itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    if len(df) > max_rows:
        table.caption = f"{max_rows} of {len(df):,} rows shown; use --format csv -o FILE for all"
    return table


def write_output(df: pd.DataFrame, fmt: str, out: Path | None, console) -> None:
    """Write ``df`` as csv/json/parquet to ``out`` (or csv/json to stdout)."""
    if out is None:
        if fmt == "parquet":
            from redline.errors import InputError
            raise InputError("parquet needs a file", field="--output", expected="-o FILE.parquet")
        if fmt == "csv":
            print(_portable(df).to_csv(index=False), end="")
        else:
            print(json.dumps(json.loads(_portable(df).to_json(orient="records", date_format="iso")), indent=1))
        return
    write_frame(df, out, fmt)
    console.print(f"wrote {len(df):,} rows to {out}")

