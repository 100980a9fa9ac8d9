"""The start page (cases) and uploads of event files (only with --allow-ingest)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from redline.errors import InputError, RedlineError
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


#: An uploaded archive may unpack to at most this many times the upload limit, and no
#: member may be compressed more than :data:`MAX_RATIO` to 1 (a "zip bomb" of 300 kB
#: unpacks to 300 MB).
MAX_UNPACKED_FACTOR = 4
MAX_RATIO = 100


def check_archive(path: Path, name: str, max_upload: int) -> None:
    """Refuse a zip whose members would unpack too large or too compressed, before any
    importer extracts it (the sizes come from the archive's directory, read not unpacked)."""
    import zipfile
    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a readable zip archive ({exc})", file=name,
                         expected="a zip such as 20150218230000.export.CSV.zip") from None
    limit = MAX_UNPACKED_FACTOR * max_upload
    total = sum(m.file_size for m in members)
    if total > limit:
        raise InputError(f"the archive would unpack to {total / (1 << 20):,.0f} MB", file=name,
                         expected=f"at most {limit // (1 << 20):,} MB unpacked")
    for m in members:
        if m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > (1 << 20):
            raise InputError(f"the archive member {m.filename!r} is compressed "
                             f"{m.file_size // max(m.compress_size, 1):,} to 1", file=name,
                             expected=f"at most {MAX_RATIO} to 1 (event files compress about "
                             "10 to 1)")


def as_users_file(exc: RedlineError, folder: Path, name: str) -> RedlineError:
    """``exc`` naming the file as the user uploaded it, never the server's temporary path."""
    def clean(text):
        if text is None:
            return None
        return str(text).replace(str(folder / name), name).replace(str(folder), "upload")
    exc.message = clean(exc.message)
    exc.file = name if exc.file else None
    exc.expected = clean(exc.expected)
    exc.args = (exc.message,)
    return exc


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
        check_archive(dest, name, st.max_upload_bytes)
        from starlette.concurrency import run_in_threadpool
        try:
            result = await run_in_threadpool(st.store.ingest, dest, format or None, case_obj)
        except RedlineError as exc:
            raise as_users_file(exc, folder, name) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.invalidate()
    data = {"title": "Ingested", "result": {
        "file": name, "format": result.format, "rows_read": result.rows_read,
        "rows_added": result.rows_added, "seconds": result.seconds, "sha256": result.sha256}}
    if "text/html" in request.headers.get("accept", "") and "json" not in request.url.path:
        return RedirectResponse(f"/?ingested={name}&added={result.rows_added}", status_code=303)
    return page(request, "index.html", data, twin="/")
