"""What every page module shares: the HTML/JSON route pair, the app's state, the case scope."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from redline.data.filters import EventFilter
from redline.errors import InputError
from redline.web.respond import wants_json
from redline.web.state import WebState

__all__ = ["twin", "web", "case_nav", "case_filter", "scope_of", "resolved", "case_countries"]


def web(request: Request) -> WebState:
    return request.app.state.web


def scope_of(case) -> dict[str, Any]:
    """The case's events (:func:`redline.data.filters.case_scope`, the scope the CLI uses too)."""
    from redline.data.filters import case_scope
    return case_scope(case)


def case_countries(case) -> list[str]:
    """The countries the case names (its actors' and sites'), as spelled there."""
    named = [a.country for a in case.actors] + [getattr(s, "country", None) for s in case.sites]
    return sorted({c for c in named if c})


def resolved(params, case):
    """The URL's actor, target and country values mapped to the store's
    (:func:`redline.web.names.resolve_names`): names and aliases become ids."""
    from redline.web.names import resolve_names
    return resolve_names(case, params.actor, params.target, params.country,
                         case_countries(case))


def case_filter(params, case, **override: Any) -> EventFilter:
    """The URL's filter (:class:`~redline.web.params.FilterParams`) within the case's scope:
    actor and target names or aliases resolved to ids, countries to their spelling, a
    ``stream`` to its filter."""
    from redline.web.names import merge_stream
    r = resolved(params, case)
    names: dict[str, Any] = {"actors": r.actors, "targets": r.targets}
    if r.countries:
        # A country the case does not name is kept as typed, with its first letters raised
        # ("iraq" -> "Iraq"), the way event files spell them.
        names["countries"] = tuple(c if c[:1].isupper() else c.title() for c in r.countries)
    filt = params.to_filter(**scope_of(case), **{**names, **override})
    if params.stream:
        names_ = [s.name for s in case.streams]
        if params.stream not in names_:  # a bad parameter (400), not a missing page
            raise InputError(f"no stream {params.stream!r} in case {case.name!r}", field="stream",
                             expected="one of " + ", ".join(names_))
        filt = merge_stream(filt, case.stream(params.stream))
    return filt


def _snapshot(response: Response) -> tuple:
    headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"]
    return response.status_code, bytes(response.body), headers


def _replay(snapshot: tuple) -> Response:
    status, body, headers = snapshot
    r = Response(body, status_code=status)
    r.raw_headers = [h for h in r.raw_headers if h[0].lower() == b"content-length"] + headers
    return r


def cached_page(fn: Callable) -> Callable:
    """``fn`` answering from the page cache: one render per URL, format and store version.

    Concurrent requests for the same page wait for the first render (single-flight);
    a page that raises (a 400 or 404) is not kept.
    """
    @functools.wraps(fn)
    def handler(*args, **kw):
        request: Request = kw["request"]
        key = ("page", request.url.path, request.url.query, wants_json(request))
        return _replay(web(request).cached(key, lambda: _snapshot(fn(*args, **kw)),
                                           bucket="pages"))
    return handler


def twin(router: APIRouter, path: str, *, summary: str, tags: list[str | Enum],
         description: str | None = None, cache: bool = True) -> Callable:
    """Register a page at ``path`` and its JSON twin at ``path + '.json'``.

    The twin is registered first (so ``/cases/{case}.json`` is not read as a case
    called ``x.json``) and is the one the OpenAPI schema describes.  ``cache``:
    the page depends only on its URL and the store (not on runs in progress), so
    rendered pages are kept (:func:`cached_page`).
    """
    def deco(fn: Callable) -> Callable:
        handler = cached_page(fn) if cache else fn
        router.add_api_route(path + ".json", handler, methods=["GET"], summary=summary, tags=tags,
                             description=description or fn.__doc__,
                             responses={200: {"content": {"application/json": {}}},
                                        400: {"description": "invalid parameter (JSON error)"},
                                        404: {"description": "unknown case, actor or event"}})
        router.add_api_route(path, handler, methods=["GET"], include_in_schema=False)
        return fn
    return deco


def case_nav(case, active: str) -> dict[str, Any]:
    """The case header every case page shows."""
    return {"name": case.name, "title": case.title, "active": active,
            "start": case.start, "end": case.end}
