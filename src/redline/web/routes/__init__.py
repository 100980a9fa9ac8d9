"""One module per page; each defines ``router`` (HTML pages and their JSON twins)."""

from __future__ import annotations

from redline.web.routes import (
                                actors,
                                brief,
                                dynamics,
                                events,
                                export,
                                glossary,
                                home,
                                options,
                                overview,
)

ROUTERS = [home.router, overview.router, brief.router, export.router, events.router,
           actors.router, dynamics.router, options.router, glossary.router]

__all__ = ["ROUTERS"]
