"""The local web app: pages and their JSON twins over the same functions as the CLI.

``redline serve`` starts it; :func:`create_app` builds it for tests and embedding::

    from redline.web import create_app
    app = create_app(store)          # a FastAPI app (ASGI)

Layout: :mod:`redline.web.app` (the app, security headers, the one error
handler), :mod:`redline.web.state` (the store, the cases it may show, caches),
:mod:`redline.web.respond` (HTML or JSON, exports with provenance),
``routes/`` (one module per page), ``templates/`` and ``static/`` (the vendored
JavaScript and CSS come from npm at build time: ``make web-assets``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from redline.web.app import create_app
        return create_app
    raise AttributeError(f"module 'redline.web' has no attribute {name!r}")
