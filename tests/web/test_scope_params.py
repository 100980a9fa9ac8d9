"""JSON-twin links, a case's own events, parameter checks, paging by day, the page cache."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from urllib.parse import urljoin, urlsplit

import pandas as pd
import pytest

from redline.data.filters import EventFilter
from tests.web.conftest import CASE

C = f"/cases/{CASE}"
# The brief (its page and downloads) is the document `redline brief` writes, not an app page.
SKIP = ("/static/", "/export/", "/brief", "/openapi.json", "/runs/")


def test_every_pages_json_twin_link_resolves(client):
    """Crawl the app from / (each path once, a few query variants); follow each JSON link."""
    seen, queue, checked = set(), ["/"], 0
    while queue and checked < 80:
        url = queue.pop(0)
        r = client.get(url)
        assert r.status_code == 200, url
        if not r.headers["content-type"].startswith("text/html"):
            continue
        links = re.findall(r'<a href="([^"]+)" rel="alternate" type="application/json"', r.text)
        assert len(links) == 1, url
        twin = client.get(links[0].replace("&amp;", "&"))
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", \
            (url, links[0])
        checked += 1
        for href in re.findall(r'<a [^>]*href="([^"#]+)"', r.text):
            href = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(href)
            if parts.netloc or any(s in href for s in SKIP) or parts.path.endswith(".json"):
                continue
            key = (parts.path, bool(parts.query))
            if key not in seen:
                seen.add(key)
                queue.append(href)
    assert checked >= 15 and ("/", False) in seen


def test_home_links_to_index_json(client):
    assert 'href="/index.json"' in client.get("/").text
    assert client.get("/index.json").status_code == 200


@pytest.fixture(scope="module")
def outsider(web_app):
    """An event of another ingest that is neither by nor against the case's actors."""
    frame = pd.DataFrame([{"event_id": "gdelt:web-out-1", "date": dt.date(2015, 3, 1),
                           "actor": "somebody_else", "target": "another_one",
                           "event_type": "ASSAULT", "mode": None, "summary": "far away",
                           "machine_coded": True, "sources": ["x"], "killed": None,
                           "latitude": 10.0, "longitude": 100.0}])
    web_app.state.web.store.ingest_frame(frame, "web-outsider")
    return "gdelt:web-out-1"


def test_case_pages_show_only_the_cases_events(client, outsider):
    d = client.get(f"{C}/events.json?per_page=500").json()
    assert outsider not in {r["event_id"] for r in d["rows"]}
    # the case's events are those ingested for it (redline.data.filters.case_scope)
    assert d["scope"]["case"] == CASE and d["scope"]["actors"] == []
    assert len(d["rows"]) >= 233  # the case's own file, and what other tests coded for it
    store = client.get("/index.json").json()["store"]["events"]
    assert d["total"] < store  # the start page counts the whole store
    pts = client.get(f"{C}/events/points.json").json()["points"]
    assert outsider not in {p["event_id"] for p in pts}
    assert client.get(f"{C}/events/{outsider}.json").status_code == 404
    facets = client.get(f"{C}/events/facets.json").json()["facets"]["actor"]
    assert "somebody_else" not in {f["value"] for f in facets}
    csv = client.get(f"{C}/export/events.csv")
    assert outsider not in csv.text and "scope_prefix" in csv.headers["x-redline-provenance"]


@pytest.mark.parametrize("query,field", [
    ("limit=-1", "limit"), ("limit=0", "limit"), ("limit=100000000000000000000", "limit"),
    ("offset=-1", "offset"), ("offset=99999999999", "offset"), ("per_page=-5", "per_page"),
    ("page=0", "page"), ("page=999999", "page"), ("type=EXPLODE", "type"),
    ("type=ASSAULT,nonsense", "type"), ("from=2024-02-30", "from"), ("to=yesterday", "to"),
    ("from=2024-03-01&to=2024-01-01", "to"), ("bogus=1", "bogus"),
])
def test_bad_parameters_are_400_with_a_message(client, query, field):
    for path in (f"{C}/events.json", f"{C}/events"):
        r = client.get(f"{path}?{query}")
        assert r.status_code == 400, (path, query, r.status_code)
    err = client.get(f"{C}/events.json?{query}").json()["error"]
    assert err["status"] == 400 and err["field"] == field and err["message"], err


def test_unknown_parameters_refused_on_every_page(client):
    for path in ("/index.json", f"{C}.json", f"{C}/dynamics.json", f"{C}/actors.json"):
        r = client.get(f"{path}?limit=-1")
        assert r.status_code == 400 and r.json()["error"]["field"] == "limit", path


def test_offset_and_limit_page_like_page_and_per_page(client):
    a = client.get(f"{C}/events.json?offset=20&limit=10").json()
    b = client.get(f"{C}/events.json?page=3&per_page=10").json()
    assert a["rows"] == b["rows"] and a["page"] == 3 and a["offset"] == 20
    assert client.get(f"{C}/events.json?type=assault").status_code == 200  # any case


def test_day_index_pages_match_the_store(web_app, monkeypatch):
    from redline.web.routes import events
    from redline.web.routes.events import DayIndex
    monkeypatch.setattr(events, "BLOCK_ROWS", 9)  # pages that straddle blocks
    blocks: dict = {}

    def cached(key, compute):
        if key not in blocks:
            blocks[key] = compute()
        return blocks[key]
    st = web_app.state.web
    c = st.case(CASE)
    for filt in (EventFilter(scope_prefix=f"{CASE}:"),
                 EventFilter(event_types="ASSAULT", scope_actors=[a.id for a in c.actors]),
                 EventFilter(text="no such words anywhere")):
        index = DayIndex.of(st.store, filt)
        assert index.total == st.store.count(filt)
        for offset, limit in ((0, 7), (3, 50), (41, 13), (index.total - 2, 10), (10**6, 5)):
            offset = max(offset, 0)
            want = list(st.store.events(filt, limit=limit, offset=offset)["event_id"])
            assert list(index.rows(st.store, filt, offset, limit)["event_id"]) == want
            got = index.page(st.store, filt, offset, limit, cached)
            assert list(got["event_id"]) == want, (filt, offset, limit)
    assert len(blocks) > 3


def test_concurrent_identical_requests_compute_once(web_app):
    st = web_app.state.web
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return 42
    got = []
    threads = [threading.Thread(target=lambda: got.append(st.cached(("test-once",), slow)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [42] * 8 and len(calls) == 1


def test_warm_renders_the_case_pages(web_store):
    from redline.web import create_app
    from redline.web.app import render, warm
    app = create_app(web_store)
    warm(app, CASE)
    pages = app.state.web._caches["pages"]
    assert any(k[1] == f"{C}/dynamics" for k in pages) and any(k[1] == "/" for k in pages)
    assert render(app, f"{C}/events.json?limit=-1") == 400
