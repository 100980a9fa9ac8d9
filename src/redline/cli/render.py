"""Turning DataFrames into terminal tables or files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from redline.data.export import portable as _portable, write_frame


def _cell(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
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


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _all_numbers(col: pd.Series) -> bool:
    """True for object columns holding only numbers and nulls (e.g. DuckDB sums)."""
    vals = col.dropna()
    return len(vals) > 0 and all(isinstance(v, (int, float)) or hasattr(v, "is_finite")
                                 for v in vals)


def frame_table(df: pd.DataFrame, title: str | None = None, max_rows: int = 60,
                max_width: int | None = 60, width: int | None = None) -> Table:
    """A rich table of ``df`` (first ``max_rows`` rows, long text folded).

    Every column keeps a minimum width so a wide neighbour cannot squeeze it to
    nothing: a number's column is as wide as its widest value (numbers never fold,
    their headers may); text columns get up to 10 characters (18 for the first).
    When those minimums do not fit ``width`` (the terminal's, by default) the text
    minimums shrink first.
    """
    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    shown = df.head(max_rows)
    cols = []
    for i, col in enumerate(df.columns):
        numeric = pd.api.types.is_numeric_dtype(df[col]) or _all_numbers(shown[col])
        cells = [_cell(v) for v in shown[col]]
        # dates read as one token: keep them whole like numbers
        whole = numeric or (bool(cells) and all(_DATE.match(c) or not c for c in cells))
        content = max([len(c) for c in cells] + [1])
        natural = max(len(str(col)), content)
        wanted = min(content, 12) if whole else min(natural, 18 if i == 0 else 10)
        # rich will not go below a cell's longest word unless max_width forces it
        floor = max(len(w) for text in [str(col), *cells] for w in (text.split() or [""]))
        cols.append({"name": str(col), "numeric": numeric, "whole": whole, "min": wanted,
                     "floor": floor, "content": content})
    if width is None:
        from rich.console import Console
        width = Console().width
    room = width - (3 * len(cols) + 1)  # borders and padding
    while sum(c["min"] for c in cols) > room:
        text = [c for c in cols if not c["whole"] and c["min"] > 4]
        if not text:
            break
        max(text, key=lambda c: c["min"])["min"] -= 1
    squeeze = sum(max(c["min"], c["floor"]) for c in cols) > room
    for c in cols:
        cap = max_width
        if squeeze:  # fold long words too, numbers stay whole
            cap = max(c["content"], 3) if c["whole"] else c["min"]
        table.add_column(c["name"], justify="right" if c["numeric"] else "left", overflow="fold",
                         min_width=c["min"], max_width=cap)
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

