"""Turning DataFrames into terminal tables or files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypedDict

import pandas as pd
from rich.table import Table

from redline.data.export import portable as _portable
from redline.data.export import write_frame


class _Column(TypedDict):
    name: str
    numeric: bool
    width: int
    floor: int


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
    """A rich table of ``df`` (first ``max_rows`` rows) that fits ``width`` columns.

    Column widths are chosen here, not by rich: each column starts at its natural
    width (header or widest value, at most ``max_width``); while the table is wider
    than the terminal, the widest column that can give way loses one character.
    Numbers and dates never fold (only their headers may); text folds, down to 6
    characters.
    """
    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    shown = df.head(max_rows)
    cols: list[_Column] = []
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) or _all_numbers(shown[col])
        cells = [_cell(v) for v in shown[col]]
        whole = numeric or (bool(cells) and all(_DATE.match(c) or not c for c in cells))
        content = max([len(c) for c in cells] + [1])
        natural = max(len(str(col)), content)
        if max_width is not None:
            natural = min(natural, max(max_width, content if whole else 0))
        floor = max(content, 3) if whole else min(natural, 6)
        cols.append({"name": str(col), "numeric": numeric, "width": natural, "floor": floor})
    if width is None:
        from rich.console import Console
        width = Console().width
    room = width - (3 * len(cols) + 1)  # borders and padding
    while sum(c["width"] for c in cols) > room:
        can = [c for c in cols if c["width"] > c["floor"]]
        if not can:
            break  # wider than the terminal even at the floors; rich crops the rest
        max(can, key=lambda c: c["width"])["width"] -= 1
    for c in cols:
        table.add_column(c["name"], justify="right" if c["numeric"] else "left", overflow="fold",
                         min_width=c["width"], max_width=c["width"])
    for row in shown.itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    if len(df) > max_rows:
        table.caption = f"{max_rows} of {len(df):,} rows shown; use --format csv -o FILE for all"
    return table


def plain_lines(df: pd.DataFrame, max_rows: int | None = None) -> str:
    """``df`` as tab-separated text, a header line then one line per row, nothing wrapped
    or cut: what a table becomes when the output goes to a pipe or a file."""
    shown = df if max_rows is None else df.head(max_rows)
    clean = [[_cell(v).replace("\t", " ").replace("\n", " ") for v in row]
             for row in shown.itertuples(index=False)]
    lines = ["\t".join(map(str, df.columns))] + ["\t".join(r) for r in clean]
    return "\n".join(lines) + "\n"


def show_table(df: pd.DataFrame, console, title: str | None = None, max_rows: int = 60,
               caption: str | None = None, **kw: Any) -> None:
    """A rich table on a terminal; plain tab-separated lines when piped (so
    ``redline cases | grep NAME`` finds whole names)."""
    if console.is_terminal:
        t = frame_table(df, title=title, max_rows=max_rows, **kw)
        if caption:
            t.caption = caption
        console.print(t)
    else:
        print(plain_lines(df, max_rows), end="")


def write_output(df: pd.DataFrame, fmt: str, out: Path | None, console) -> None:
    """Write ``df`` as csv/json/parquet to ``out`` (or csv/json to stdout when ``out`` is
    None or ``-``)."""
    if out is not None and str(out) == "-":
        out = None
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



_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def print_diagnostics(console, diagnostics, prefix: str = "") -> None:
    """One line per diagnostic, ``[severity] code: message``, coloured by severity.

    Printed without markup: a message may hold brackets, and ``[warning]`` itself would
    otherwise be read as a style tag and vanish.
    """
    for d in diagnostics:
        console.print(f"{prefix}{d}", style=_SEVERITY_STYLE.get(d.severity), markup=False,
                      highlight=False, soft_wrap=True)
