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
           "EXPORT_FORMATS", "records"]

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


def provenance(request: Request, state, view: str, filters: dict[str, Any] | None = None,
               case: str | None = None, **extra: Any) -> dict[str, Any]:
    """Where a table came from: view, case, filters, store, engine, time, URL."""
    import redline
    store = state.store
    return jsonable({
        "view": view, "case": case, "filters": filters or {},
        "store": str(getattr(store, "path", getattr(store, "location", store))),
        "engine": getattr(store, "engine", None),
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "url": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        "redline_version": redline.__version__, **extra})


def export_response(df: pd.DataFrame, fmt: str, prov: dict[str, Any], stem: str) -> Response:
    """``df`` as a downloadable CSV, JSON or Parquet file carrying ``prov``.

    CSV: a leading block of ``# key: value`` comment lines (``pandas.read_csv(...,
    comment="#")`` skips it); JSON: ``{"provenance": ..., "rows": [...]}``;
    Parquet: the key-value metadata ``redline.provenance`` (JSON text).
    """
    from redline.data.export import portable
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}", field="format",
                         expected="one of " + ", ".join(EXPORT_FORMATS))
    headers = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    if fmt == "json":
        body = json.dumps({"provenance": prov, "rows": records(df)}, indent=1)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)
    if fmt == "csv":
        lines = [f"# {k}: {json.dumps(v) if not isinstance(v, str) else v}"
                 for k, v in prov.items()]
        body = "\n".join(lines) + "\n" + portable(df).to_csv(index=False)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"redline.provenance"] = json.dumps(prov).encode()
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return Response(buf.getvalue(), media_type=_MEDIA[fmt], headers=headers)
