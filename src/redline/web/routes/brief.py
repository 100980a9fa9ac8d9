"""The brief: its key judgments for the overview, and downloads as HTML or PDF."""

from __future__ import annotations

import base64
import hashlib
import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from redline.errors import InputError
from redline.web.respond import page
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()
BRIEF_PATHS = 2000


def results(st, case, scenario: str | None, n_paths: int = BRIEF_PATHS):
    """``redline.reports.brief.compute_results`` of the case (cached per store version)."""
    from redline.reports.brief import compute_results

    return st.cached(("brief-results", case.name, scenario, n_paths),
                     lambda: compute_results(st.store, case, scenario, n_paths=n_paths),
                     single=True)


def key_judgments(st, case) -> list[dict]:
    """The brief's key judgments; ``text`` and ``method`` in a reader's words (no code
    names, no case-qualified ids), ``basis`` as the library states it."""
    from redline.reports.brief import select_judgments
    from redline.web.plain import case_names, named
    res = results(st, case, None)
    names = case_names(case)
    strip = re.compile(rf"{re.escape(case.name)}:")
    return [{"key": j.key, "text": strip.sub("", named(j.plain(), names)),
             "method": j.method, "section": j.section, "basis": j.basis,
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


def refuse_cross_site(request: Request) -> None:
    """Heavy work (a brief, a PDF) only for this app's own pages or a typed-in URL: a page
    elsewhere could otherwise set it off with an image tag (browsers send
    ``Sec-Fetch-Site``)."""
    if request.headers.get("sec-fetch-site", "none") not in ("same-origin", "none"):
        raise HTTPException(403, "the brief is built only for this app's own pages")


def built(st, c, scenario: str | None):
    """The composed brief (:func:`redline.reports.brief.build_brief`), cached like its
    results: one build per case, scenario and store version."""
    from redline.reports.brief import build_brief
    return st.cached(("brief", c.name, scenario),
                     lambda: build_brief(results(st, c, _scenario(c, scenario))), single=True)


def pdf_bytes(st, c, scenario: str | None) -> bytes:
    """The brief as PDF, rendered once per case, scenario and store version (6-8 s each)."""
    def render() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            return built(st, c, scenario).write_pdf(Path(tmp) / "brief.pdf").read_bytes()
    return st.cached(("brief-pdf", c.name, scenario), render, single=True)


_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


@router.get("/cases/{case}/brief", summary="Read the brief in the app", tags=["options"],
            include_in_schema=False)
def brief_page(request: Request, case: str,
               scenario: str | None = Query(None, description="A scenario of the case to include.")):
    """The brief as a page of the app: the document ``redline brief`` writes, with a bar
    back to the case and the downloads. Its own style sheet is allowed by its hash only."""
    refuse_cross_site(request)
    st = web(request)
    c = st.case(case)
    b = built(st, c, scenario)
    html = b.html
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()
                      + "'" for m in _STYLE.findall(html))
    q = f"?scenario={scenario}" if scenario else ""
    bar = (f'<nav class="app-bar" aria-label="App"><a href="/cases/{c.name}">← {c.name} in the '
           f'app</a> · download <a href="/cases/{c.name}/brief.html{q}">HTML</a> · '
           f'<a href="/cases/{c.name}/brief.pdf{q}">PDF</a> · <a href="/glossary">Glossary</a></nav>')
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/brief-app.css"></head>', 1)
    html = re.sub(r"<body([^>]*)>", lambda m: f"<body{m.group(1)}>{bar}", html, count=1)
    csp = ("default-src 'self'; script-src 'none'; style-src 'self' " + hashes + "; "
           "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
           "form-action 'self'; frame-ancestors 'none'")
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"content-security-policy": csp})


@router.get("/cases/{case}/brief.{fmt}", summary="Download the brief (HTML or PDF)",
            tags=["options"], include_in_schema=False)
def brief(request: Request, case: str, fmt: str,
          scenario: str | None = Query(None, description="A scenario of the case to include.")):
    """The brief ``redline brief`` writes, as a download (2,000 paths a scenario option; built
    once per store version and kept)."""
    if fmt not in ("html", "pdf"):
        raise InputError(f"unknown brief format {fmt!r}", field="format", expected="html or pdf")
    refuse_cross_site(request)
    st = web(request)
    c = st.case(case)
    stem = f"{c.name}-brief" + (f"-{scenario}" if scenario else "")
    headers = {"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'}
    if fmt == "html":
        return Response(built(st, c, scenario).html, media_type="text/html; charset=utf-8",
                        headers=headers)
    return Response(pdf_bytes(st, c, scenario), media_type="application/pdf", headers=headers)
