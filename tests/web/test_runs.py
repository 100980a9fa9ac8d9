"""Scenario runs in the app: never cached while pending, a bounded queue, results kept as
files beside the store (permalinks after a restart); the brief's heavy downloads."""

from __future__ import annotations

import json
import threading
import time

import pytest
from fastapi import HTTPException

from tests.web.conftest import CASE, LOCAL

C = f"/cases/{CASE}"


def wait_for(pred, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def test_the_queue_is_bounded():
    from redline.web.runs import MAX_WAITING, RunBook
    book = RunBook(None)
    gate = threading.Event()
    started = [book.start(CASE, "s", 100, 1, lambda run: gate.wait(30) and None)
               for _ in range(MAX_WAITING + 1)]  # one running, MAX_WAITING waiting
    with pytest.raises(HTTPException) as exc:
        book.start(CASE, "s", 100, 1, lambda run: None)
    assert exc.value.status_code == 429
    gate.set()
    wait_for(lambda: all(r.finished for r in started))
    assert book.start(CASE, "s", 100, 1, lambda run: None)  # room again


def test_a_pending_run_is_never_cached_and_its_clock_stops(client, web_app):
    book = web_app.state.web.runs
    gate = threading.Event()
    run = book.start(CASE, "after-tower-22", 100, 1, lambda run: gate.wait(30) and None)
    for _ in range(2):
        r = client.get(f"{C}/runs/{run.id}.json")
        assert r.status_code == 202 and r.headers["cache-control"] == "no-store"
    gate.set()
    wait_for(lambda: run.finished)
    first = run.seconds
    time.sleep(0.3)
    assert run.seconds == first  # frozen at the end, not counting on


def test_a_finished_run_is_a_file_and_a_permalink(client, web_app, web_store):
    from fastapi.testclient import TestClient

    from redline.web import create_app
    r = client.post(f"{C}/options/run", data={"paths": "100", "option": ["a", "b"]},
                    headers={"Accept": "application/json"})
    assert r.status_code == 202, r.text
    run_id = r.json()["run"]["id"]
    book = web_app.state.web.runs
    wait_for(lambda: book.get(run_id).finished, 300)
    assert book.get(run_id).error is None
    saved = web_store.path.parent / "runs" / run_id / "result.json"
    assert saved.exists()
    assert json.loads(saved.read_text())["scenario"]
    page = client.get(f"{C}/runs/{run_id}")
    assert page.status_code == 200 and "Permanent link" in page.text
    # A new app over the same store (a restart) still has the run.
    with TestClient(create_app(web_store), base_url=LOCAL) as fresh:
        again = fresh.get(f"{C}/runs/{run_id}.json")
        assert again.status_code == 200
        assert again.json()["result"]["ranking"] == page_json(client, run_id)["result"]["ranking"]
        assert fresh.get(f"{C}/export/outcomes.csv?run={run_id}").status_code == 200
        assert any(x["id"] == run_id for x in fresh.get(f"{C}/options.json").json()["runs"])
    assert client.get(f"{C}/runs/../../etc.json").status_code == 404


def page_json(client, run_id):
    return client.get(f"{C}/runs/{run_id}.json").json()


def test_heavy_brief_downloads_refuse_other_sites(client):
    for path in ("/brief.pdf", "/brief.html", "/brief"):
        r = client.get(C + path, headers={"Sec-Fetch-Site": "cross-site"})
        assert r.status_code == 403, path


def test_the_pdf_is_built_once_per_store_version(client, monkeypatch):
    from redline.reports.brief import Brief
    calls = []
    real = Brief.write_pdf

    def counting(self, path):
        calls.append(path)
        return real(self, path)
    monkeypatch.setattr(Brief, "write_pdf", counting)
    a = client.get(f"{C}/brief.pdf", headers={"Sec-Fetch-Site": "same-origin"})
    b = client.get(f"{C}/brief.pdf")
    assert a.status_code == b.status_code == 200 and a.content[:4] == b"%PDF"
    assert a.content == b.content and len(calls) <= 1


def test_the_brief_reads_in_the_app(client):
    r = client.get(f"{C}/brief")
    assert r.status_code == 200
    assert 'class="app-bar"' in r.text and "Key judgments" in r.text
    csp = r.headers["content-security-policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp and "script-src 'none'" in csp
