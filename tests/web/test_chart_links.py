"""Charts link to the events they count in the web app, and only there.

The web routes put an ``href`` on chart records (:mod:`redline.web.links`); the brief
draws the same specs from records without one, so its HTML and PDF never link to the app.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.conftest import CASE


def _hrefs(spec) -> list:
    """Every ``href`` key anywhere in a spec (encodings and data records)."""
    found = []

    def walk(x):
        if isinstance(x, dict):
            found.extend(v for k, v in x.items() if k == "href")
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(spec)
    return found


DAILY = [{"date": f"2024-01-0{d}", "stream": s, "count": c}
         for d, s, c in [(1, "a", 2), (2, "a", 0), (3, "a", 1), (1, "b", 1), (3, "b", 4)]]
KEYS = [{"n": 1, "date": "2024-01-02", "label": "something"}]
OTHERS = [{"date": "2024-01-02", "stream": "c"}]
COUPLING = [{"pair": "a\n→ b", "effect": 0.4, "low": 0.1, "high": 0.8, "verdict": "excites"},
            {"pair": "b\n→ a", "effect": -0.1, "low": -0.5, "high": 0.2, "verdict": "unclear"}]


def test_chart_specs_without_hrefs_carry_no_link_and_no_pointer():
    from redline.reports.charts import coupling_spec, timeline_spec
    for spec in (timeline_spec(DAILY, {"a": "A", "b": "B"}, KEYS, others=OTHERS),
                 coupling_spec(COUPLING)):
        text = json.dumps(spec)
        assert _hrefs(spec) == [] and "pointer" not in text


def test_records_with_hrefs_make_bars_numbers_ticks_and_rows_links():
    from redline.reports.charts import coupling_spec, timeline_spec
    daily = [{**r, "href": f"/x?d={r['date']}&s={r['stream']}"} for r in DAILY]
    keys = [{**k, "href": "/k"} for k in KEYS]
    others = [{**o, "href": "/o"} for o in OTHERS]
    spec = timeline_spec(daily, {"a": "A", "b": "B"}, keys, others=others)
    linked = [(p_i, layer["mark"]["type"]) for p_i, p in enumerate(spec["vconcat"])
              for layer in p.get("layer", [p])
              if layer.get("encoding", {}).get("href") == {"field": "href", "type": "nominal"}
              and layer["mark"].get("cursor") == "pointer"]
    # Both panels' bars, the key-event numbers (first panel only) and the tick strip.
    assert sorted(linked) == [(0, "rect"), (0, "text"), (1, "rect"), (2, "tick")], linked
    # Each panel's bars carry their own stream's links.
    for i, name in enumerate(["a", "b"]):
        bars = next(x for x in spec["vconcat"][i]["layer"] if x["mark"]["type"] == "rect")
        assert {r["href"] for r in bars["data"]["values"]} == \
            {r["href"] for r in daily if r["stream"] == name}
    rows = [{**r, "href": f"/s/{i}"} for i, r in enumerate(COUPLING)]
    forest = coupling_spec(rows)
    band = forest["layer"][0]
    assert band["mark"]["type"] == "rect" and band["encoding"]["href"]["field"] == "href"
    assert [r["href"] for r in forest["data"]["values"]] == ["/s/0", "/s/1"]


def test_the_brief_draws_no_chart_with_a_link(builtin_store, monkeypatch):
    from redline.reports import charts
    from redline.reports.brief import build_brief, compute_results
    drawn = []
    render = charts.render_svg

    def recording(spec):
        drawn.append(spec)
        return render(spec)
    monkeypatch.setattr(charts, "render_svg", recording)
    res = compute_results(builtin_store, CASE, None, n_paths=100, backtest_paths=30)
    brief = build_brief(res)
    assert len(drawn) >= 3  # timeline, map, network, forest plot...: the recorder saw them
    assert [s for s in drawn if _hrefs(s) or "pointer" in json.dumps(s)] == []
    assert "/cases/" not in brief.html  # no link (or anything else) pointing into the app


def test_the_web_charts_link_to_the_filters_of_what_they_draw(client):
    from redline.web.links import KEY_EVENT_DAYS
    spec = client.get(f"/cases/{CASE}.json").json()["timeline"]["spec"]
    for panel in spec["vconcat"]:
        for layer in panel["layer"]:
            for r in layer["data"]["values"]:
                q = {k: v[0] for k, v in parse_qs(urlparse(r["href"]).query).items()}
                if "count" in r:  # a day's bar: its stream, that day
                    assert q == {"stream": r["stream"], "from": r["date"], "to": r["date"]}
                elif "n" in r:  # a key event: the days around it
                    import datetime as dt
                    day = dt.date.fromisoformat(r["date"])
                    span = dt.timedelta(days=KEY_EVENT_DAYS)
                    assert q == {"from": str(day - span), "to": str(day + span)}
    actor = client.get(f"/cases/{CASE}/actors/kataib_hezbollah.json").json()["timeline"]
    for i, field in enumerate(["actor", "target"]):
        bars = next(x for x in actor["vconcat"][i]["layer"] if x["mark"]["type"] == "rect"
                    and "y" in x["encoding"])
        assert all(f"{field}=kataib_hezbollah&from=" in r["href"] for r in bars["data"]["values"])


@pytest.mark.parametrize("page,spec_of", [
    ("", lambda d: d["timeline"]["spec"]),
    ("/actors/united_states", lambda d: d["timeline"]),  # an actor both built-in cases hold
    ("/actors/kataib_hezbollah", lambda d: d["timeline"])])
def test_a_bar_link_opens_exactly_the_events_the_bar_counts(client, page, spec_of):
    """Each day's link opens as many events as its bar is tall (every day with events, and
    every tenth empty day)."""
    spec = spec_of(client.get(f"/cases/{CASE}{page}.json").json())
    busy = empty = 0
    for panel in spec["vconcat"]:
        bars = [x for x in panel["layer"] if x["mark"]["type"] == "rect" and "y" in x["encoding"]]
        for i, r in enumerate(bars[0]["data"]["values"] if bars else []):
            if r["count"] == 0 and i % 10:
                continue
            got = client.get(r["href"].replace("/events?", "/events.json?")).json()["total"]
            assert got == r["count"], (r, got)
            busy, empty = busy + (r["count"] > 0), empty + (r["count"] == 0)
    assert busy > 5 and empty >= 1, (busy, empty)
