"""The glossary page: every technical term the app shows, in plain words."""

from __future__ import annotations

from fastapi import APIRouter, Request

from redline.web.respond import page
from redline.web.routes._common import twin

router = APIRouter()


@twin(router, "/glossary", summary="Glossary of the terms the app shows", tags=["home"])
def glossary(request: Request):
    """Each term with its plain explanation (the same list as ``docs/glossary.md``)."""
    from redline.reports.glossary import TERMS
    terms = sorted(TERMS.values(), key=lambda t: t.name.lower())
    data = {"title": "Glossary",
            "terms": [{"key": t.key, "name": t.name, "plain": t.plain} for t in terms]}
    return page(request, "glossary.html", data)
