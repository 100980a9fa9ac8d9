"""The app as an analyst uses it: names instead of ids, helpful empty states, exports from
every page, runs that finish and stay, plain words (no internal names) in what a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests.web.conftest import CASE

C = f"/cases/{CASE}"


def total(client, query: str) -> int:
    r = client.get(f"{C}/events.json?{query}")
    assert r.status_code == 200, r.text[:300]
    return r.json()["total"]


def test_filters_take_names_and_aliases_as_well_as_ids(client):
    by_id = total(client, "actor=kataib_hezbollah")
    assert by_id > 0
    assert total(client, "actor=" + quote("Kata'ib Hezbollah")) == by_id
    assert total(client, "actor=KH") == by_id
    assert total(client, "actor=kh") == by_id  # any capitals
    iraq = total(client, "country=Iraq")
    assert iraq > 0 and total(client, "country=iraq") == iraq


def test_a_stream_filters_to_its_events(client):
    from redline.data.case import load_case
    case = load_case(CASE)
    s = case.stream("militia_attacks_on_us")
    d = client.get(f"{C}/events.json?stream={s.name}&per_page=500").json()
    everything = total(client, "")
    assert 0 < d["total"] < everything
    assert {r["event_type"] for r in d["rows"]} <= set(s.event_types)
    assert all(r["actor"] in s.actors for r in d["rows"]) if s.actors else True
    # ANDed with the URL's own filters, not replacing them.
    assert total(client, f"stream={s.name}&type=SANCTION") == 0
    assert client.get(f"{C}/events.json?stream=nope").status_code == 400


def test_an_empty_result_says_why_and_what_would_match(client):
    r = client.get(f"{C}/events?actor=" + quote("Kataib Hezbolah"))
    assert r.status_code == 200
    assert "No event matches" in r.text and "names nothing in this case" in r.text
    assert "Kata&#39;ib Hezbollah" in r.text or "Kata'ib Hezbollah" in r.text
    assert "remove this filter" in r.text


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/cases/") and "/export/" in href:
            self.links.append(href)


PAGES = ["", "/events", "/events?actor=hamas&type=AID", "/actors", "/dynamics", "/options"]


def test_every_export_link_on_every_page_answers(client):
    from redline.data.case import load_case
    pages = [C + p for p in PAGES] + [f"{C}/actors/{a.id}" for a in load_case(CASE).actors]
    seen = set()
    for url in pages:
        html = client.get(url)
        assert html.status_code == 200, url
        parser = _Links()
        parser.feed(html.text)
        for link in parser.links:
            link = link.replace("&amp;", "&")
            if link in seen:
                continue
            seen.add(link)
            r = client.get(link)
            assert r.status_code == 200 or 400 <= r.status_code < 500, (url, link, r.status_code)
            assert r.status_code != 500
    assert len(seen) > 20


#: Internal names a reader should never see: code calls, attribute paths, case-qualified
#: event ids, snake_case identifiers.
INTERNAL = [re.compile(p) for p in (r"\w+\(\)", r"ScenarioResult|fit_case|coupling_table",
                                    rf"{re.escape(CASE)}:", r"\b[a-z]+_[a-z]+_[a-z_]+\b")]


class _Visible(HTMLParser):
    """The text a reader sees or hears (titles, labels; no script, style; the address of an outside page
    shown as a link's text is the source's own name, not ours)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._links: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "datalist", "code"):
            self._skip += 1
        # hover text and what a screen reader says are read too
        for name in ("title", "aria-label", "alt"):
            value = dict(attrs).get(name)
            if value and not self._skip:
                self.parts.append(value)
        if tag == "a":
            outside = (dict(attrs).get("href") or "").startswith(("http://", "https://"))
            self._links.append(outside)
            self._skip += outside

    def handle_endtag(self, tag):
        if tag in ("script", "style", "datalist", "code"):
            self._skip -= 1
        if tag == "a" and self._links:
            self._skip -= self._links.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


@pytest.mark.parametrize("path", ["", "/dynamics", "/options", "/events", "/actors",
                                  "/actors/kataib_hezbollah", "/judgments", "/brief"])
def test_no_internal_names_in_what_a_reader_sees(client, path):
    r = client.get(C + path)
    assert r.status_code == 200
    text = visible_text(r.text)
    for pat in INTERNAL:
        found = pat.findall(text)
        assert not found, (path, pat.pattern, found[:5])


def test_the_glossary_page_docs_and_links_agree(client):
    from pathlib import Path

    from redline.reports.glossary import TERMS, markdown
    docs = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
    assert docs.read_text(encoding="utf-8") == markdown(), \
        "docs/glossary.md is stale: python -m redline.reports.glossary > docs/glossary.md"
    page = client.get("/glossary.json").json()
    assert {t["key"] for t in page["terms"]} == set(TERMS)
    # Every term a page links to is on the glossary page (no dangling anchors).
    linked = set()
    for path in ("/dynamics", "/options", "", "/actors"):
        linked |= set(re.findall(r'href="/glossary#([a-z-]+)"', client.get(C + path).text))
    assert linked and linked <= set(TERMS), linked - set(TERMS)
    assert {"branching-ratio", "softplus", "skill", "p-value", "interval"} <= linked


def test_web_filters_resolve_alias_patterns_as_the_command_line_does():
    """A name only an alias pattern matches resolves on the web as in `redline events`."""
    from tests.data.test_aliases import _case

    from redline.web.names import resolve_names
    case = _case(("us_navy", ["USS *"]), ("houthis", ["Ansar Allah"]))
    got = resolve_names(case, "USS Carney,ansar allah", "us_navy", None)
    assert got.actors == ("us_navy", "houthis") and got.targets == ("us_navy",)
    assert got.unknown == ()
    assert resolve_names(case, "HMS Diamond", None, None).unknown == (("actor", "HMS Diamond"),)


def test_deterrence_table_shows_the_interval_its_verdict_reads(client):
    """The verdict reads the negative binomial interval; the table showed the exact Poisson
    one beside it, so a row could read "inconclusive" under an interval wholly below 0%."""
    rows = client.get(f"{C}/dynamics.json").json()["deterrence"]["rows"]
    assert rows
    differ = 0
    for r in rows:
        if r["change_low"] is None:
            continue
        lo, hi = r["change_low"], r["change_high"]
        if r["verdict"] == "fewer after":
            assert hi < 0 and r["p_value"] < 0.05
        elif r["verdict"] == "more after":
            assert lo > 0 and r["p_value"] < 0.05
        else:  # the interval spans no change, or the adjusted p says chance could give it
            assert hi is None or lo <= 0 <= hi or r["p_value"] >= 0.05
        differ += abs(lo - r["exact_low"]) > 1
        assert r["p_value"] >= r["p_unadjusted"] - 1e-12  # Holm never lowers a p
    assert differ, "the table still shows the exact interval"
    assert "adjusted for" in client.get(f"{C}/dynamics").text


def test_a_long_deterrence_table_lists_the_rows_that_matter_and_folds_the_rest(web_store,
                                                                               monkeypatch):
    """A 30-year case compares hundreds of waves: the dynamics page was 56,000 px tall. Past
    DETERRENCE_ROWS_SHOWN rows the page lists the described waves and the rows that read a
    change, and folds the others (every row still on the page once)."""
    from redline.analysis.deterrence import deterrence
    from redline.data.case import load_case
    from redline.web.routes import dynamics
    case = load_case(CASE)
    det = deterrence(web_store, case, fit_model=False)
    full = dynamics._deterrence_table(det, case)
    assert full["folded"] == [] and full["shown"] == full["rows"] and len(full["rows"]) > 5
    monkeypatch.setattr(dynamics, "DETERRENCE_ROWS_SHOWN", 5)
    d = dynamics._deterrence_table(det, case)
    shown, folded = d["shown"], d["folded"]
    assert len(shown) + len(folded) == len(d["rows"]) and shown and folded
    assert all(r["verdict"] in ("inconclusive", "no data") for r in folded)
    assert any(r["verdict"] == "fewer after" for r in shown)


def test_covariates_read_as_the_brief_writes_them(client):
    """Statements named a covariate by its id with spaces ("kh suspension"); the brief and
    the app write it from its description ("KH suspension")."""
    from redline.data.case import load_case
    from redline.reports.judgments import covariate_label, proper_nouns
    case = load_case(CASE)
    text = visible_text(client.get(f"{C}/dynamics").text)
    proper = proper_nouns(case)
    changed = [c for c in case.covariates if covariate_label(c, proper) != c.name.replace("_", " ")]
    assert changed
    for c in changed:
        assert c.name.replace("_", " ") not in text, c.name
    assert "KH suspension" in text


def test_the_scenario_picker_shows_titles(client):
    from redline.scenarios import case_scenarios, load_scenario
    from redline.data.case import load_case
    html = client.get(f"{C}/options").text
    for name, path in case_scenarios(load_case(CASE)).items():
        title = load_scenario(path)[0].title
        assert f'value="{name}"' in html and f">{title}</option>" in html.replace("&#39;", "'")


def test_each_deterrence_count_links_to_exactly_its_events(client):
    """The before/after numbers link to the events page; its count must be the row's (the
    links take the windows as counted, cut at the case window's edges)."""
    from urllib.parse import urlencode
    rows = client.get(f"{C}/dynamics.json").json()["deterrence"]["rows"]
    assert rows
    for r in rows:
        for q, n in ((r["before_query"], r["attacks_before"]), (r["after_query"], r["attacks_after"])):
            if q is None:   # no window on that side (a wave on the case's first or last day)
                assert n == 0
                continue
            assert total(client, urlencode(q)) == n, (r["wave"], r["window_days"], q)


def test_an_event_page_explains_its_intensity_and_grades_its_sources(client):
    html = client.get(f"{C}/events/{CASE}:USP-0153").text
    text = visible_text(html)
    assert "most hostile" in text and 'href="/glossary#intensity"' in html
    assert re.search(r">(established|official|state media|partisan|unrated)</a>\)", html)
