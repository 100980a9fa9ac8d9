"""The app through its HTTP interface: pages, JSON twins, exports, errors, safety."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.web.conftest import CASE, LOCAL

C = f"/cases/{CASE}"
PAGES = ["/", C, f"{C}/events", f"{C}/events/facets", f"{C}/actors", f"{C}/actors/kataib_hezbollah",
         f"{C}/dynamics", f"{C}/options", f"{C}/events/{CASE}:USP-0002"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_json_twin(client, path):
    html = client.get(path)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    twin = client.get((path if path != "/" else "/index") + ".json")
    assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"
    accept = client.get(path, headers={"Accept": "application/json"})
    assert accept.status_code == 200 and accept.json() == twin.json() | {
        k: accept.json()[k] for k in ("exported_at",) if k in accept.json()}


def test_json_twins_are_in_the_openapi_schema(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ["/index.json", "/cases/{case}.json", "/cases/{case}/events.json",
              "/cases/{case}/actors/{actor}.json", "/cases/{case}/dynamics.json",
              "/cases/{case}/options.json", "/cases/{case}/events/{event_id}.json"]:
        assert p in paths, p
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_security_headers(client):
    r = client.get(C)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert client.get("/static/app.js").headers["x-content-type-options"] == "nosniff"


def test_no_inline_scripts_in_pages(client):
    import re
    for path in PAGES:
        html = client.get(path).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert " on" not in "".join(re.findall(r"<[a-z]+ [^>]*on[a-z]+=", html)), path


def test_overview_reports_change_against_four_weeks_before(client):
    d = client.get(f"{C}.json?asof=2024-02-05").json()
    assert d["asof"] == "2024-02-05"
    attacks = next(r for r in d["change"] if r["stream"] == "militia_attacks_on_us")
    w7 = attacks["windows"][0]
    assert w7["days"] == 7 and w7["days_before"] == 28
    assert w7["verdict"] in ("rise", "fall", "no clear change", "none")
    # The numbers are the store's own counts.
    ev = client.get(f"{C}/events.json?from=2024-01-30&to=2024-02-05&per_page=1").json()
    assert w7["events"] <= ev["total"]
    default = client.get(f"{C}.json").json()
    assert default["asof"] == default["last_event"]


def test_events_filters_paging_and_detail(client):
    d = client.get(f"{C}/events.json?type=ASSAULT&mode=drone&per_page=10&page=2").json()
    assert d["page"] == 2 and len(d["rows"]) <= 10 and d["total"] > 10
    assert all(r["event_type"] == "ASSAULT" and r["mode"] == "drone" for r in d["rows"])
    assert d["filters"] == {"type": "ASSAULT", "mode": "drone"}
    first = client.get(f"{C}/events.json?type=ASSAULT&mode=drone&per_page=10").json()["rows"]
    assert {r["event_id"] for r in first}.isdisjoint(r["event_id"] for r in d["rows"])
    text = client.get(f"{C}/events.json?text=tower 22").json()
    assert text["total"] >= 1
    detail = client.get(f"{C}/events/{text['rows'][0]['event_id']}.json").json()
    assert detail["event"]["sources"]


def test_machine_coded_event_shows_its_sentence(web_app, client):
    frame = pd.DataFrame([{"event_id": "text:web-test-1", "date": pd.Timestamp("2024-02-02").date(),
                           "actor": "united_states", "target": "kataib_hezbollah",
                           "event_type": "ASSAULT", "mode": "aerial", "summary": "US strikes",
                           "machine_coded": True, "sources": ["doc-1"], "killed": None,
                           "provenance": json.dumps({"document": "doc-1", "sentence":
                                                     "The US struck 85 targets.", "span": [0, 25]}),
                           # coded for the case, as `redline read --ingest --case` records it
                           "case_id": CASE}])
    # Through the app's own store: it keeps a read-only connection open while busy, and
    # DuckDB refuses a writer in the same process until that is closed (the store does that).
    web_app.state.web.store.ingest_frame(frame, "web-test")
    d = client.get(f"{C}/events/text:web-test-1.json").json()
    assert d["provenance"]["sentence"] == "The US struck 85 targets."
    assert "The US struck 85 targets." in client.get(f"{C}/events/text:web-test-1").text


def test_actor_page(client):
    d = client.get(f"{C}/actors/kataib_hezbollah.json").json()
    assert d["actor"]["id"] == "kataib_hezbollah"
    assert any(t["kind"] == "member_of" for t in d["ties"])
    assert d["dyads"] and any(e["data"].get("focus") for e in d["elements"])
    assert d["timeline"]["vconcat"]


def test_dynamics_has_the_fit_with_intervals(client):
    d = client.get(f"{C}/dynamics.json").json()
    rows = d["model"]["coupling"]
    assert rows and all(r["low"] <= r["effect"] <= r["high"] for r in rows)
    assert d["phases"]["segments"] and d["reciprocity"] and d["deterrence"]["rows"]
    # Effects in counts too, each inside its own interval.
    assert all(r["extra_low"] <= r["extra_events"] <= r["extra_high"] for r in rows)
    # Event-id lists became counts with links: no row carries a list of ids.
    for r in d["deterrence"]["rows"]:
        assert not any(isinstance(v, list) for v in r.values())
        assert r["before_query"]["stream"] == d["deterrence"]["attack"]


def test_effects_in_events_match_closed_forms():
    import math

    from redline.reports.units import extra_events, first_day_change_pct
    # Identity link: the coupling is already the expected number of extra events.
    assert extra_events(0.7, 2.0, 0.3, link="identity") == 0.7
    # Softplus, small coupling: the slope of softplus at the baseline is 1 - exp(-baseline).
    b = 0.8
    assert math.isclose(extra_events(1e-4, b, 0.5) / 1e-4, 1 - math.exp(-b), rel_tol=1e-3)
    # Signs and order follow the coupling; a large negative one cannot remove more events
    # than the baseline would have had over the kernel's reach.
    assert extra_events(-1.0, b, 0.5) < 0 < extra_events(1.0, b, 0.5)
    assert extra_events(2.0, b, 0.5) > extra_events(1.0, b, 0.5)
    assert first_day_change_pct(0.0, b, 0.5) == 0.0
    # First day: softplus(c + alpha (1 - e^-decay)) / baseline - 1, by hand.
    c = math.log(math.expm1(b))
    by_hand = 100 * (math.log1p(math.exp(c + 1.5 * (1 - math.exp(-0.5)))) / b - 1)
    assert math.isclose(first_day_change_pct(1.5, b, 0.5), by_hand, rel_tol=1e-9)


@pytest.mark.parametrize("path", [
    "/cases/..%2F..%2Fetc", "/cases/%2E%2E", "/cases/..", "/cases/../../etc/passwd",
    f"{C}/options.json?scenario=../../../etc/passwd", f"{C}/options.json?scenario=..%2Fcase",
    "/cases/%2Fetc%2Fpasswd.json", f"/cases/{CASE}%2F..%2F..%2F/events",
    f"{C}/export/..%2Fevents.csv", "/static/../app.py", "/static/%2e%2e/app.py",
])
def test_names_cannot_escape_their_folders(client, path):
    r = client.get(path)
    # The client normalises "/cases/.." to "/" itself; anything else must be refused.
    assert r.status_code in (400, 404) or r.url.path == "/", (path, r.status_code)
    assert "Traceback" not in r.text and "root:" not in r.text and "import " not in r.text


def test_errors_are_readable_not_traces(client):
    r = client.get(f"{C}/events.json?from=2024-99-01")
    assert r.status_code == 400
    assert r.json()["error"] == {"status": 400, "message": "field 'from': invalid date '2024-99-01' "
                                 "(expected YYYY-MM-DD)", "field": "from", "expected": "YYYY-MM-DD"}
    html = client.get(f"{C}/events?from=2024-99-01")
    assert html.status_code == 400 and "invalid date" in html.text and "Traceback" not in html.text
    assert client.get("/cases/nope.json").status_code == 404
    assert client.get(f"{C}/actors/nobody").status_code == 404
    assert client.get(f"{C}/events.json?per_page=100000").status_code == 400


def test_exports_carry_provenance(client):
    q = "type=ASSAULT&from=2024-01-01"
    csv = client.get(f"{C}/export/events.csv?{q}")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    # A plain table a spreadsheet opens: the header row first, no comment lines.
    assert csv.text.splitlines()[0].startswith("event_id,date,")
    assert not any(ln.startswith("#") for ln in csv.text.splitlines())
    prov = json.loads(csv.headers["x-redline-provenance"])
    assert prov["filters"]["event_types"] == ["ASSAULT"] and prov["exported_at"]
    df = pd.read_csv(io.StringIO(csv.text))
    assert len(df) and set(df["event_type"]) == {"ASSAULT"}
    js = client.get(f"{C}/export/events.json?{q}").json()
    assert js["provenance"]["filters"]["event_types"] == ["ASSAULT"]
    assert len(js["rows"]) == len(df)
    # The store is named by its file name: the server's folders stay private.
    assert js["provenance"]["store"] == "store.duckdb"
    assert "/" not in js["provenance"]["store"] and "\\" not in js["provenance"]["store"]
    pqt = pq.read_table(io.BytesIO(client.get(f"{C}/export/events.parquet?{q}").content))
    meta = json.loads(pqt.schema.metadata[b"redline.provenance"])
    assert meta["view"] == "events" and pqt.num_rows == len(df)
    for view in ("change", "actors", "coupling", "phases", "deterrence", "reciprocity"):
        r = client.get(f"{C}/export/{view}.json")
        assert r.status_code == 200 and r.json()["provenance"]["view"] == view, view
    dy = client.get(f"{C}/export/dyads.csv?actor=kataib_hezbollah")
    assert dy.status_code == 200 and "kataib_hezbollah" in dy.text


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_empty_exports_are_files_not_errors(client, fmt):
    """No event of type AID by Hamas: an empty table, with its header, is still a 200."""
    r = client.get(f"{C}/export/events.{fmt}?actor=hamas&type=AID")
    assert r.status_code == 200, r.text[:300]
    if fmt == "csv":
        assert r.text.splitlines() == [r.text.splitlines()[0]] and "event_id" in r.text
    elif fmt == "json":
        assert r.json()["rows"] == []
    else:
        assert pq.read_table(io.BytesIO(r.content)).num_rows == 0


def test_dyads_export_of_every_actor_answers(client):
    from redline.data.case import load_case
    case = load_case(CASE)
    for a in case.actors:
        r = client.get(f"{C}/export/dyads.csv?actor={a.id}")
        assert r.status_code == 200, (a.id, r.text[:200])


@pytest.mark.parametrize("url", [f"{C}.json?asof=0001-01-01", f"{C}/export/change.csv?asof=0001-01-01",
                                 f"{C}/export/change.json?asof=9999-12-31",
                                 f"{C}/events.json?from=0001-01-01"])
def test_extreme_dates_are_a_clear_400(client, url):
    r = client.get(url, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.text[:300]
    assert "between" in r.json()["error"]["expected"]


def test_csv_cells_cannot_run_as_formulas():
    from redline.web.respond import spreadsheet_safe
    df = pd.DataFrame({"summary": ["=cmd|' /C calc'!A0", "@SUM(A1:A2)", "+1", "-2+3", "plain",
                                   None], "n": [1, -2, 3, -4, 5, 6],
                       "sources": [["=HYPERLINK(\"x\")"], ["a", "b"], [], ["c"], ["d"], ["e"]]})
    out = spreadsheet_safe(df)
    assert out["summary"].tolist()[:5] == ["'=cmd|' /C calc'!A0", "'@SUM(A1:A2)", "'+1", "'-2+3",
                                           "plain"]
    assert out["n"].tolist() == [1, -2, 3, -4, 5, 6]  # numbers stay numbers
    assert out["sources"].tolist()[:2] == ["'=HYPERLINK(\"x\")", "a | b"]


def test_read_only_unless_allowed(client):
    r = client.post("/ingest", files={"file": ("x.csv", b"event_id,date\n1,2024-01-01\n")},
                    headers={"Accept": "application/json"})
    assert r.status_code == 400 and "read-only" in r.json()["error"]["message"]


@pytest.fixture
def ingest_client(tmp_path):
    from fastapi.testclient import TestClient

    from redline.data.store import DuckDBStore
    from redline.web import create_app
    store = DuckDBStore(tmp_path / "up.duckdb")
    store.ingest(CASE)
    with TestClient(create_app(store, allow_ingest=True, max_upload_bytes=4096), base_url=LOCAL) as c:
        yield c, store


def test_uploads_use_the_ingest_validation(ingest_client):
    c, store = ingest_client
    before = store.count()
    good = ("event_id,date,actor,target,event_type,mode,country,summary,sources\n"
            "W1,2024-03-01,Kata'ib Hezbollah,US forces,ASSAULT,drone,Iraq,test,https://example.org/a\n")
    r = c.post("/ingest", files={"file": ("mine.csv", good.encode())},
               data={"case": CASE}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["result"]["rows_added"] == 1 and store.count() == before + 1
    bad = good.replace("2024-03-01", "2024-13-01").replace("W1", "W2")
    r = c.post("/ingest", files={"file": ("bad.csv", bad.encode())},
               headers={"Accept": "application/json"})
    assert r.status_code == 400 and "date" in r.json()["error"]["message"]
    # The error names the file as the user called it, never the server's temporary folder.
    assert "bad.csv" in r.text and "redline-upload-" not in r.text and "/tmp" not in r.text
    assert store.count() == before + 1
    big = c.post("/ingest", files={"file": ("big.csv", good.encode() * 100)},
                 headers={"Accept": "application/json"})
    assert big.status_code == 400 and "larger than" in big.json()["error"]["message"]
    evil = c.post("/ingest", files={"file": ("../../evil.csv", good.encode())},
                  headers={"Accept": "application/json"})
    assert evil.status_code == 200 and evil.json()["result"]["file"] == "evil.csv"


def test_zip_bombs_are_refused_before_extraction(ingest_client, tmp_path):
    import zipfile
    c, store = ingest_client
    before = store.count()
    bomb = tmp_path / "20240101000000.export.CSV.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("20240101000000.export.CSV", b"\0" * 200_000)  # 200 kB -> a few hundred bytes
    assert bomb.stat().st_size < 4096
    r = c.post("/ingest", files={"file": (bomb.name, bomb.read_bytes())},
               headers={"Accept": "application/json"})
    assert r.status_code == 400 and "unpack" in r.json()["error"]["message"]
    assert r.json()["error"]["message"].startswith(bomb.name) or bomb.name in r.text
    assert store.count() == before


def test_archives_compressed_past_the_ratio_are_refused(tmp_path):
    import zipfile

    from redline.errors import InputError
    from redline.web.routes.home import MAX_RATIO, check_archive
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.csv", b"a" * (4 << 20))
    with pytest.raises(InputError, match=f"at most {MAX_RATIO} to 1"):
        check_archive(path, "x.zip", 1 << 30)
    ok = tmp_path / "ok.zip"
    with zipfile.ZipFile(ok, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("y.csv", bytes(range(256)) * 64)
    check_archive(ok, "ok.zip", 1 << 30)  # ordinary archives pass


def test_serve_warns_off_loopback(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from redline.cli.app import app, register_commands
    register_commands()
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda a, host, port, **kw: seen.update(host=host, port=port))
    store = str(tmp_path / "s.duckdb")
    r = CliRunner().invoke(app, ["--store", store, "serve", "--no-warm", "--port", "8123"])
    assert r.exit_code == 0 and seen == {"host": "127.0.0.1", "port": 8123}
    assert "warning" not in r.output
    r = CliRunner().invoke(app, ["--store", store, "serve", "--no-warm", "--host", "0.0.0.0"])
    assert r.exit_code == 0 and "warning" in r.output and seen["host"] == "0.0.0.0"


def test_serve_ingests_nothing_and_says_what_the_store_holds(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from redline.cli.app import app, register_commands
    from redline.data.store import DuckDBStore
    register_commands()
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    store = tmp_path / "s.duckdb"
    r = CliRunner().invoke(app, ["--store", str(store), "serve", "--no-warm"])
    assert r.exit_code == 0, r.output
    assert f"case {CASE}: 0 events" in r.output and f"redline ingest {CASE}" in r.output
    assert not store.exists()  # nothing was added (or created) unasked
    DuckDBStore(store).ingest(CASE)
    r = CliRunner().invoke(app, ["--store", str(store), "serve", "--no-warm"])
    n = DuckDBStore(store).count()
    # the other built-in case still has none, and says how to add it
    assert f"case {CASE}: {n:,} events" in r.output and f"redline ingest {CASE}" not in r.output


def test_borders_are_served_from_the_briefs_assets(client):
    """The map's borders are the brief's package data, served once at /static/borders/."""
    r = client.get("/static/borders/countries-50m.json")
    assert r.status_code == 200
    topo = r.json()
    assert topo["type"] == "Topology" and "countries" in topo["objects"]
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200


def test_other_sites_cannot_post_and_other_hosts_are_refused(web_store):
    """A page elsewhere cannot post uploads or runs here (no token needed for a form
    post, so the Origin is checked), and a foreign Host header (DNS rebinding) is
    refused even for reads."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from redline.web.app import create_app
    with TestClient(create_app(web_store, allow_ingest=True), base_url=LOCAL) as c:
        r = c.post("/ingest", headers={"Origin": "https://evil.example"},
                   files={"file": ("x.csv", b"date,actor,event_type\n2024-01-01,iran,ASSAULT\n")})
        assert r.status_code == 403
        r = c.post(f"/cases/{CASE}/options/run", headers={"Origin": "https://evil.example"},
                   data={"paths": "100"})
        assert r.status_code == 403
        assert c.get("/index.json", headers={"Host": "attacker.example"}).status_code == 400
        assert c.get("/index.json").status_code == 200
        # Another server on this machine is another site: the port must match too.
        r = c.post(f"/cases/{CASE}/options/run", headers={"Origin": "http://127.0.0.1:9999"},
                   data={"paths": "100"})
        assert r.status_code == 403
        # The test client's default host name is not special to the app.
        assert c.get("/index.json", headers={"Host": "testserver"}).status_code == 400


def test_same_origin_compares_host_and_port():
    from redline.web.app import same_origin
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("http://localhost", "localhost:80")
    assert same_origin("http://[::1]:8000/x", "[::1]:8000")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:8000", "localhost:8000")
    assert not same_origin("null", "127.0.0.1:8000")


def test_run_form_values_get_the_scenario_files_checks(client):
    bad = {"a.exchange_per_strike": "3", "paths": "100"}
    r = client.post(f"/cases/{CASE}/options/run", data=bad, headers={"Accept": "application/json"})
    assert r.status_code == 400 and "probability" in r.text
    r = client.post(f"/cases/{CASE}/options/run", data={"paths": "inf"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 400 and "finite" in r.text
