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

import lazy_loader as lazy

# FastAPI loads with the app, not with the package.
__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={"app": ["create_app"]})
