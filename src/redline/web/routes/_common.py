"""What every page module shares: the HTML/JSON route pair and the app's state."""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request

from redline.web.state import WebState

__all__ = ["twin", "web", "case_nav"]


def web(request: Request) -> WebState:
    return request.app.state.web


def twin(router: APIRouter, path: str, *, summary: str, tags: list[str],
         description: str | None = None) -> Callable:
    """Register a page at ``path`` and its JSON twin at ``path + '.json'``.

    The twin is registered first (so ``/cases/{case}.json`` is not read as a case
    called ``x.json``) and is the one the OpenAPI schema describes.
    """
    def deco(fn: Callable) -> Callable:
        router.add_api_route(path + ".json", fn, methods=["GET"], summary=summary, tags=tags,
                             description=description or fn.__doc__,
                             responses={200: {"content": {"application/json": {}}},
                                        400: {"description": "invalid parameter (JSON error)"},
                                        404: {"description": "unknown case, actor or event"}})
        router.add_api_route(path, fn, methods=["GET"], include_in_schema=False)
        return fn
    return deco


def case_nav(case, active: str) -> dict[str, Any]:
    """The case header every case page shows."""
    return {"name": case.name, "title": case.title, "active": active,
            "start": case.start, "end": case.end}
