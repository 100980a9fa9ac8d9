"""Answering a request: an HTML page or its JSON twin, and exports with provenance.

Every page has a JSON twin: the same URL with ``.json``, or ``Accept:
application/json``.  Both are built from the same ``data`` dict, so the twin
holds exactly what the page shows.  Exports (CSV, JSON, Parquet) carry a
provenance record: the view, the case, the filters, the store and the time.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from redline.errors import InputError

__all__ = ["templates", "wants_json", "page", "json_url", "jsonable", "provenance", "export_response",
           "EXPORT_FORMATS", "records", "neutralise", "spreadsheet_safe"]

EXPORT_FORMATS = ("csv", "json", "parquet")
_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
          "parquet": "application/vnd.apache.parquet"}

templates = Jinja2Templates(directory=str(Path(str(resources.files("redline.web") / "templates"))))


def _qs(params: dict[str, Any], **changes: Any) -> str:
    """A query string from ``params`` with ``changes`` applied (None removes a key)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", [], ())}, doseq=True)


def _num(v: Any, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return f"{float(v):,.{digits}f}"


templates.env.filters["qs"] = _qs
templates.env.filters["num"] = _num
templates.env.globals["qs"] = _qs


def _term(key: str, text: str | None = None):
    from redline.reports.glossary import term_link
    return term_link(key, text)


templates.env.globals["term"] = _term


def _named(text, names):
    from redline.web.plain import named
    return named(str(text), names or {})


templates.env.filters["named"] = _named


def wants_json(request: Request) -> bool:
    """True for ``….json`` URLs and for clients that ask for JSON rather than HTML."""
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def jsonable(obj: Any) -> Any:
    """Plain JSON values from DataFrames, numpy scalars, dates and NaN (-> null)."""
    if isinstance(obj, pd.DataFrame):
        return records(obj)
    if isinstance(obj, pd.Series):
        return jsonable(obj.tolist())
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, decimal.Decimal):  # DuckDB sums of integers (HUGEINT, DECIMAL)
        return int(obj) if obj == obj.to_integral_value() else jsonable(float(obj))
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if obj is pd.NaT or obj is None or obj is pd.NA:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.date().isoformat() if obj == obj.normalize() else obj.isoformat()
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict") and not isinstance(obj, type):
        return jsonable(obj.to_dict())
    return obj


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (NaN/NaT -> None, dates -> ISO text)."""
    out = []
    cols = list(df.columns)
    for row in df.itertuples(index=False, name=None):
        out.append({str(c): jsonable(v) for c, v in zip(cols, row)})
    return out


def json_url(request: Request, path: str | None = None) -> str:
    """The URL of the page's JSON twin: its path with ``.json`` (``/`` is ``/index``), same query."""
    path = path or request.url.path
    path = "/index" if path in ("", "/") else path.rstrip("/")
    return path + ".json" + (f"?{request.url.query}" if request.url.query else "")


def page(request: Request, template: str, data: dict[str, Any], status: int = 200,
         twin: str | None = None) -> Response:
    """The page rendered from ``data``, or ``data`` as JSON for the twin.

    ``twin``: the path whose JSON twin the page links to, when not its own (a form
    that answers with another page).
    """
    if wants_json(request):
        return JSONResponse(jsonable(data), status_code=status)
    return templates.TemplateResponse(request, template, {"d": data, "request": request,
                                                          "json_url": json_url(request, twin)},
                                      status_code=status)


def _store_name(store) -> str:
    """The store as exports name it: its file name, never the server's absolute path."""
    where = getattr(store, "path", getattr(store, "location", None))
    return Path(str(where)).name if where is not None else type(store).__name__


def provenance(request: Request, state, view: str, filters: dict[str, Any] | None = None,
               case: str | None = None, **extra: Any) -> dict[str, Any]:
    """Where a table came from: view, case, filters, store (its file name), engine, time, URL."""
    import redline
    store = state.store
    return jsonable({
        "view": view, "case": case, "filters": filters or {},
        "store": _store_name(store),
        "engine": getattr(store, "engine", None),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "url": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        "redline_version": redline.__version__, **extra})


#: A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe to open in a spreadsheet: text that would start a formula gets a
    leading apostrophe (shown as text, not run); everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV: list cells joined with ' | ', text cells neutralised
    (:func:`neutralise`); numbers and dates untouched."""
    out = df.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)):
            continue  # numbers, dates, booleans cannot carry a formula
        out[col] = out[col].map(
            lambda v: neutralise(" | ".join(map(str, list(v))))
            if isinstance(v, (list, tuple, np.ndarray)) else neutralise(v))
    return out


def export_response(df: pd.DataFrame, fmt: str, prov: dict[str, Any], stem: str) -> Response:
    """``df`` as a downloadable CSV, JSON or Parquet file carrying ``prov``.

    CSV: a plain table a spreadsheet opens as it is (one header row, formula-like text
    neutralised); its provenance travels in the ``X-Redline-Provenance`` response header
    (JSON) and in the JSON and Parquet exports of the same URL.  JSON:
    ``{"provenance": ..., "rows": [...]}``; Parquet: the key-value metadata
    ``redline.provenance`` (JSON text).  An empty table is a file with its header only.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}", field="format",
                         expected="one of " + ", ".join(EXPORT_FORMATS))
    headers = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
               "X-Redline-Provenance": json.dumps(prov, ensure_ascii=True),
               "Cache-Control": "no-store"}
    if fmt == "json":
        body = json.dumps({"provenance": prov, "rows": records(df)}, indent=1)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)
    if fmt == "csv":
        return Response(spreadsheet_safe(df).to_csv(index=False), media_type=_MEDIA[fmt],
                        headers=headers)
    import pyarrow as pa
    import pyarrow.parquet as pq
    flat = df.reset_index(drop=True)
    for col in flat.columns:  # an all-empty object column has no Arrow type of its own
        if pd.api.types.is_object_dtype(flat[col].dtype) and flat[col].isna().all():
            flat[col] = flat[col].astype("string")
    table = pa.Table.from_pandas(flat, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"redline.provenance"] = json.dumps(prov).encode()
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return Response(buf.getvalue(), media_type=_MEDIA[fmt], headers=headers)
