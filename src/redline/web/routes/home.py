"""The start page (cases) and uploads of event files (only with --allow-ingest)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from redline.errors import InputError
from redline.web.respond import page
from redline.web.routes._common import cached_page, twin, web

router = APIRouter()
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
INGEST_FORMATS = ("csv", "acled", "gdelt", "icews", "plover")


@twin(router, "/index", summary="Cases and store", tags=["home"])
def index(request: Request,
          ingested: str | None = Query(None, description="After an upload: the file's name."),
          added: int | None = Query(None, ge=0, description="After an upload: events added.")):
    """The cases this app shows, and what the store holds."""
    st = web(request)
    cases = []
    for name in st.cases:
        c = st.case(name)
        cases.append({"name": c.name, "title": c.title, "description": c.description,
                      "start": c.start, "end": c.end, "actors": len(c.actors),
                      "streams": len(c.streams)})
    store = st.cached(("store-overview",), lambda: st.store.overview())
    data = {"title": "redline", "cases": cases, "store": {
        "location": str(getattr(st.store, "path", "")), "engine": st.store.engine, **store},
        "allow_ingest": st.allow_ingest, "formats": list(INGEST_FORMATS),
        "max_upload_mb": st.max_upload_bytes // (1024 * 1024)}
    return page(request, "index.html", data, twin="/")


router.add_api_route("/", cached_page(index), methods=["GET"], include_in_schema=False)


@router.post("/ingest", summary="Upload an event file into the store (needs --allow-ingest)",
             tags=["home"])
async def ingest(request: Request, file: UploadFile, format: str | None = Form(None),
                 case: str | None = Form(None)):
    """Add the events of an uploaded file, with the same validation as ``redline ingest``."""
    st = web(request)
    if not st.allow_ingest:
        raise InputError("this app is read-only", field="file",
                         expected="start it with `redline serve --allow-ingest` to upload files")
    if format and format not in INGEST_FORMATS:
        raise InputError(f"unknown format {format!r}", field="format",
                         expected="one of " + ", ".join(INGEST_FORMATS))
    case_obj = st.case(case) if case else None
    name = _SAFE.sub("_", Path(file.filename or "upload.csv").name).lstrip(".") or "upload.csv"
    folder = Path(tempfile.mkdtemp(prefix="redline-upload-"))
    try:
        dest = folder / name
        size = 0
        with open(dest, "wb") as fh:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > st.max_upload_bytes:
                    raise InputError(f"the file is larger than {st.max_upload_bytes // (1 << 20)} MB",
                                     file=name, expected="a smaller file, or `redline ingest` "
                                     "on the command line")
                fh.write(chunk)
        from starlette.concurrency import run_in_threadpool
        result = await run_in_threadpool(st.store.ingest, dest, format or None, case_obj)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.invalidate()
    data = {"title": "Ingested", "result": {
        "file": name, "format": result.format, "rows_read": result.rows_read,
        "rows_added": result.rows_added, "seconds": result.seconds, "sha256": result.sha256}}
    if "text/html" in request.headers.get("accept", "") and "json" not in request.url.path:
        return RedirectResponse(f"/?ingested={name}&added={result.rows_added}", status_code=303)
    return page(request, "index.html", data, twin="/")
