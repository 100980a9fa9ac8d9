"""The FastAPI app: routes, static files, security headers and the one error handler."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import redline
from redline.errors import InputError, RedlineError, UnknownActorError
from redline.web.respond import page
from redline.web.state import MAX_UPLOAD_BYTES, WebState

__all__ = ["create_app", "warm", "SECURITY_HEADERS", "CSP"]

#: Only this origin: no CDN, no inline script or style, no framing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "geolocation=(), camera=(), microphone=()",
}
_RAW_HEADERS = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response (streams too)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _RAW_HEADERS if k not in names]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _status(exc: RedlineError) -> int:
    return 404 if isinstance(exc, (LookupError, UnknownActorError)) else 400


def error_page(request: Request, status: int, message: str, *, field: str | None = None,
               expected: str | None = None):
    """The one shape of every error the app answers with: a page, or JSON ``{"error": ...}``."""
    data = {"error": {"status": status, "message": message, "field": field,
                      "expected": expected}, "title": "Error"}
    return page(request, "error.html", data, status=status)


_KNOWN: dict[int, frozenset[str]] = {}


def _query_names(dependant) -> set[str]:
    names = {q.alias for q in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_params(request: Request) -> None:
    """Refuse query parameters the route does not take (``?limit=-1`` on a page without
    ``limit`` is a mistake worth saying, not something to ignore)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    allowed = _KNOWN.get(id(route))
    if allowed is None:
        allowed = _KNOWN[id(route)] = frozenset(_query_names(dependant))
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InputError(f"unknown parameter {unknown[0]!r}", field=unknown[0],
                         expected=("one of " + ", ".join(sorted(allowed))) if allowed
                         else "no parameters")


#: Host names the app answers to besides the one it was started on (tests name the
#: server 127.0.0.1 too: no test-only name is accepted here).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _host_name(netloc: str) -> str:
    """``host[:port]`` or ``[v6]:port`` -> the lower-cased host name."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].split("]", 1)[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def same_origin(origin: str, host_header: str) -> bool:
    """True when ``origin`` (an Origin or Referer) names this server: the same host *and
    port* as the request's Host header (another local server on another port is another
    site and may not post here)."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    default = {"http": 80, "https": 443}[parts.scheme]

    def split(netloc: str) -> tuple[str, int]:
        name = _host_name(netloc)
        rest = netloc.strip().lower().rsplit("]", 1)[-1] if netloc.startswith("[") else netloc
        port = rest.rsplit(":", 1)[1] if rest.count(":") == 1 else ""
        return name, int(port) if port.isdigit() else default
    return split(parts.netloc) == split(host_header)


def create_app(store=None, *, cases: dict[str, Path] | None = None, allow_ingest: bool = False,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, host: str | None = None) -> FastAPI:
    """The web app over ``store`` (default: ``redline.open_store()``).

    Parameters
    ----------
    cases
        Case name -> folder the app may show (default: the built-in cases).
    allow_ingest
        Accept uploads of event files (read-only otherwise).
    max_upload_bytes
        The largest upload accepted.
    host
        The address the server listens on, when not a loopback one; requests must
        name it (or a loopback name) in their Host header.
    """
    from redline.web.routes import ROUTERS

    if store is None:
        store = redline.open_store()
    app = FastAPI(
        title="redline", version=redline.__version__,
        description="Escalation between states and armed proxies: every page of the local web "
                    "app as JSON (the same URL with `.json`, or `Accept: application/json`).",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
        dependencies=[Depends(known_params)],
    )
    app.state.web = WebState(store, cases, allow_ingest, max_upload_bytes)
    allowed = {h.lower() for h in LOCAL_HOSTS} | ({host.lower()} if host else set())

    @app.middleware("http")
    async def _same_origin_only(request: Request, call_next):
        # A web page the analyst visits could otherwise post uploads or runs here
        # (forms need no preflight), or read the JSON pages through DNS rebinding.
        name = _host_name(request.headers.get("host", ""))
        if name not in allowed:
            return PlainTextResponse(f"unknown host {name!r}", status_code=400)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin") or request.headers.get("referer")
            if origin and not same_origin(origin, request.headers.get("host", "")):
                return PlainTextResponse("cross-site request refused", status_code=403)
        return await call_next(request)

    static = Path(str(resources.files("redline.web") / "static"))
    # The borders are package data of the brief already; serve that one copy (mounted
    # before /static so it wins) instead of shipping the same 750 kB file twice.
    borders = Path(str(resources.files("redline.reports") / "assets"))
    app.mount("/static/borders", StaticFiles(directory=str(borders)), name="borders")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(RedlineError)
    async def _redline_error(request: Request, exc: RedlineError):
        # The web app's one place where a domain error becomes a message.
        return error_page(request, _status(exc), str(exc), field=exc.field, expected=exc.expected)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "no such page", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        if isinstance(exc.detail, str) and exc.status_code not in (404, 405):
            message = exc.detail
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _bad_params(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ())[1:]) or None
        msg = first.get("msg", "bad request")
        return error_page(request, 400, f"invalid parameter {where}: {msg}" if where
                          else f"invalid parameter: {msg}", field=where)

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon():
        from fastapi.responses import RedirectResponse
        return RedirectResponse("/static/favicon.svg", status_code=308)

    app.add_middleware(SecurityHeaders)
    return app


#: The pages every visitor of a case sees, rendered by :func:`warm` (HTML and JSON); those
#: that need the fitted model after it.
WARM_PAGES = ("", "/events", "/events/facets", "/events/points.json", "/events/timeline.json",
              "/actors")
WARM_FITTED = ("/dynamics", "/options", "/judgments")


def warm(app: FastAPI, case: str, pages: bool = True) -> None:
    """Render the case's pages (and each actor's) once, fit the model and run the analyses,
    then render the pages that need them: so no visitor waits, and concurrent first
    visitors of a page wait for one render (the caches are single-flight).

    The brief's key judgments (the overview loads them; thousands of simulated paths)
    come last.
    """
    from redline.web.routes.actors import actor_table
    from redline.web.routes.dynamics import analysis, fitted
    st: WebState = app.state.web
    c = st.case(case)
    base = f"/cases/{case}"

    def render_all(paths) -> None:
        for path in paths:
            render(app, path)
            if not path.endswith(".json"):
                render(app, ("/index" if path == "/" else path) + ".json")
    st.cached(("actors", c.name), lambda: actor_table(st.store, c))
    if pages:
        render_all(["/"] + [base + p for p in WARM_PAGES]
                   + [f"{base}/actors/{a.id}" for a in c.actors])
        warm_event_types(app, case)
    fitted(st, c)
    analysis(st, c)
    if pages:
        render_all([base + p for p in WARM_FITTED])  # the judgments last


def warm_event_types(app: FastAPI, case: str) -> None:
    """The day index (count and page starts) of the case's events of each PLOVER type: the
    type list is on every events page, so its filters are the likeliest next views."""
    from redline.data.schema import EVENT_TYPES
    from redline.web.params import FilterParams
    from redline.web.routes._common import case_filter
    from redline.web.routes.events import day_index
    st: WebState = app.state.web
    c = st.case(case)
    for t in EVENT_TYPES:
        day_index(st, case_filter(FilterParams(type=t), c))


def render(app: FastAPI, path: str, json: bool = False) -> int:
    """GET ``path`` from the app in-process (no socket): its status; the page cache keeps it."""
    import asyncio
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    headers = [(b"host", b"127.0.0.1"), (b"accept", b"application/json" if json else b"text/html")]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
             "query_string": parts.query.encode(), "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80)}
    status = [0]

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status[0] = message["status"]
    # A thread of its own: the caller may be inside an event loop (a test, a server).
    worker = threading.Thread(target=lambda: asyncio.run(app(scope, receive, send)))
    worker.start()
    worker.join()
    return status[0]
