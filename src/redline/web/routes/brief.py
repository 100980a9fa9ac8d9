"""The brief: its key judgments for the overview, and downloads as HTML or PDF."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redline.errors import InputError
from redline.web.respond import page
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()
BRIEF_PATHS = 2000


def results(st, case, scenario: str | None, n_paths: int = BRIEF_PATHS):
    """``redline.reports.brief.compute_results`` of the case (cached per store version)."""
    from redline.reports.brief import compute_results

    def compute():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compute_results(st.store, case, scenario, n_paths=n_paths)
    return st.cached(("brief-results", case.name, scenario, n_paths), compute, single=True)


def key_judgments(st, case) -> list[dict]:
    from redline.reports.brief import select_judgments
    res = results(st, case, None)
    return [{"key": j.key, "text": j.plain(), "section": j.section, "basis": j.basis,
             "sources": list(j.sources)} for j in select_judgments(res)]


@twin(router, "/cases/{case}/judgments", summary="Key judgments of the brief", tags=["overview"])
def judgments(request: Request, case: str):
    """The brief's key judgments, each computed from the fit, analyses and backtest."""
    st = web(request)
    c = st.case(case)
    data = {"title": f"Key judgments · {c.title}", "case": case_nav(c, "overview"),
            "judgments": key_judgments(st, c)}
    return page(request, "judgments.html", data)


def _scenario(c, name: str | None) -> str | None:
    if not name:
        return None
    from redline.scenarios import case_scenarios
    found = case_scenarios(c)
    if name not in found:
        raise InputError(f"no scenario {name!r} in case {c.name!r}", field="scenario",
                         expected="one of " + ", ".join(found) if found else "no scenario")
    return str(found[name])


@router.get("/cases/{case}/brief.{fmt}", summary="Download the brief (HTML or PDF)",
            tags=["options"], include_in_schema=False)
def brief(request: Request, case: str, fmt: str,
          scenario: str | None = Query(None, description="A scenario of the case to include."),
          paths: int = Query(BRIEF_PATHS, ge=100, le=20_000)):
    """The brief ``redline brief`` writes, as a download."""
    from redline.reports.brief import build_brief
    if fmt not in ("html", "pdf"):
        raise InputError(f"unknown brief format {fmt!r}", field="format", expected="html or pdf")
    st = web(request)
    c = st.case(case)
    res = results(st, c, _scenario(c, scenario), paths)
    b = build_brief(res)
    stem = f"{c.name}-brief" + (f"-{scenario}" if scenario else "")
    headers = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    if fmt == "html":
        return Response(b.html, media_type="text/html; charset=utf-8", headers=headers)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = b.write_pdf(Path(tmp) / "brief.pdf").read_bytes()
    return Response(pdf, media_type="application/pdf", headers=headers)
