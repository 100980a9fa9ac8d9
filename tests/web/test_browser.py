"""End to end in a real browser (Debian's chromium through Playwright).

Every test fails on a request that leaves localhost and on any console error (the
``page`` fixture); every page is checked with axe-core for serious or critical
accessibility violations; screenshots go to tests/web/artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.web.conftest import ARTIFACTS, AXE, CASE

pytestmark = pytest.mark.browser
C = f"/cases/{CASE}"


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page (axe injected over CDP, not inline)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return found


def shot(page, name: str) -> None:
    # caret="initial": hiding the caret injects a <style>, which the page's CSP refuses.
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def until(page, expr: str, timeout: float = 30.0) -> None:
    """Poll a JS expression with page.evaluate (wait_for_function needs eval, which CSP forbids)."""
    end = time.monotonic() + timeout
    while not page.evaluate(expr):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {expr}")
        page.wait_for_timeout(100)


def wait_charts(page, n: int = 1) -> None:
    until(page, f"document.querySelectorAll('.vega svg').length >= {n}")


@pytest.mark.parametrize("path,name,charts", [
    ("/", "index", 0), (C, "overview", 1), (f"{C}/events", "events", 1),
    (f"{C}/actors", "actors", 0), (f"{C}/actors/kataib_hezbollah", "actor", 1),
    (f"{C}/dynamics", "dynamics", 1), (f"{C}/options", "options", 0),
    (f"{C}/events/{CASE}:USP-0153", "event", 0),
])
def test_page_loads_clean_and_accessible(page, path, name, charts):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if charts:
        wait_charts(page, charts)
    if name in ("actors", "actor"):
        page.wait_for_selector("#network canvas")
    if name == "events":
        until(page, "document.querySelectorAll('#map path.leaflet-interactive').length > 5")
        until(page, "document.querySelectorAll('#map path').length > 100")
    if name == "overview":
        page.wait_for_selector("#judgments ol.judgments", timeout=90000)
    if name == "dynamics":
        page.wait_for_selector("#backtest-body", timeout=90000, state="attached")
        wait_charts(page, 2)
    shot(page, name)
    assert axe_violations(page) == []


def test_filter_changes_url_and_table(page):
    page.goto(f"{C}/events")
    page.wait_for_load_state("networkidle")
    before = page.locator("#table-h").inner_text()
    page.select_option("#f-type", "SANCTION")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"type=SANCTION"))
    until(page, f"!document.querySelector('#table-h').innerText.startsWith({before.split()[0]!r})")
    types = page.locator("#events-table tbody tr td:nth-child(5)").all_inner_texts()
    assert types and set(types) == {"SANCTION"}
    page.wait_for_load_state("networkidle")
    shot(page, "events-filtered")
    # The URL is the view: loading it again shows the same table.
    page.goto(page.url)
    assert page.locator("#f-type").input_value() == "SANCTION"


def test_brushing_the_timeline_filters_map_and_table(page):
    page.goto(f"{C}/events")
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    total = int(page.locator("#table-h").inner_text().split()[0].replace(",", ""))
    until(page, "document.getElementById('map-note').textContent.length > 0")
    on_map = int(page.locator("#map-note").inner_text().split()[0])
    box = page.locator("#timeline svg").bounding_box()
    y = box["y"] + box["height"] * 0.55
    page.mouse.move(box["x"] + box["width"] * 0.45, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(r"from=\d{4}-\d\d-\d\d.*to=\d{4}-\d\d-\d\d"), timeout=10000)
    until(page, f"parseInt(document.querySelector('#table-h').innerText.replace(/,/g, '')) < {total}")
    page.wait_for_load_state("networkidle")
    until(page, f"parseInt(document.getElementById('map-note').textContent) < {on_map}")
    shot(page, "events-brushed")


def test_open_an_actor(page):
    page.goto(f"{C}/actors")
    page.wait_for_load_state("networkidle")
    page.click("text=Kata'ib Hezbollah")
    page.wait_for_url(re.compile(r"/actors/kataib_hezbollah$"))
    page.wait_for_selector("#network canvas")
    assert "Popular Mobilization" in page.locator("ul.ties").inner_text()
    assert page.locator("table").first.locator("tbody tr").count() > 0


def test_run_a_scenario_to_completion(page):
    page.goto(f"{C}/options")
    page.wait_for_load_state("networkidle")
    page.fill("#paths", "200")
    page.click("#run-button")
    page.wait_for_selector("#run-result #outcomes", timeout=120000)
    assert page.locator("#progress").inner_text().startswith("Done")
    wait_charts(page, 2)
    rows = page.locator("#run-result #outcomes tbody tr").count()
    assert rows >= 2
    page.wait_for_load_state("networkidle")
    shot(page, "options-run")
    assert axe_violations(page) == []


# ---------------------------------------------------------------- as an analyst sees it

def _chart_geometry(page, selector: str) -> dict:
    """Bar widths, numeric axis labels per axis, and the key-event number boxes of a chart."""
    return page.evaluate("""(sel) => {
        const svg = document.querySelector(sel + ' svg');
        const bars = [...svg.querySelectorAll('g.mark-rect.role-mark path')]
            .map(p => p.getBBox()).filter(b => b.height > 0).map(b => b.width);
        const axes = [...svg.querySelectorAll('g.role-axis')].map(a =>
            [...a.querySelectorAll('g.role-axis-label text')].map(t => t.textContent));
        const marks = [...svg.querySelectorAll('g.mark-text.role-mark text')]
            .filter(t => /^\\d+$/.test(t.textContent)).map(t => {
                const b = t.getBoundingClientRect();
                return {n: t.textContent, x0: b.left, x1: b.right, y0: b.top, y1: b.bottom};
            });
        return {bars, axes, marks};
    }""", selector)


def test_timeline_bars_are_a_day_wide_with_whole_ticks_and_apart_markers(page):
    import datetime as dt
    import json
    page.goto(C)
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    spec = json.loads(page.locator("#timeline-spec").get_attribute("data-vega"))
    panel = spec["vconcat"][0]
    days = [dt.date.fromisoformat(r[k]) for layer in panel["layer"]
            for r in layer["data"]["values"] for k in ("date", "end") if k in r]
    per_day = panel["width"] / (max(days) - min(days)).days
    g = _chart_geometry(page, "#timeline-spec")
    assert g["bars"], "no bars drawn"
    # One bar per day with events in each panel: each panel draws its own stream's data.
    with_events = sum(1 for p in spec["vconcat"] for layer in p.get("layer", [])
                      if layer["mark"]["type"] == "rect" and "y" in layer.get("encoding", {})
                      for r in layer["data"]["values"] if r["count"] > 0)
    assert len(g["bars"]) == with_events, (len(g["bars"]), with_events)
    # A day's bar is no wider than a day (plus anti-aliasing), so empty days stay visible.
    assert max(g["bars"]) <= per_day + 0.6, (max(g["bars"]), per_day)
    for labels in g["axes"]:
        nums = [x for x in labels if x.replace(",", "").lstrip("-").isdigit()]
        assert len(nums) == len(set(nums)), labels  # no "0, 1, 1, 2, 2"
    marks = g["marks"]
    assert len(marks) >= 5
    for i, a in enumerate(marks):
        for b in marks[i + 1:]:
            apart = a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["y1"] <= b["y0"] or b["y1"] <= a["y0"]
            assert apart, (a, b)  # markers 5 and 6 must not read as "56"


#: Heights at 1280 px a reader can scroll (the dynamics page was 57,457 px).
HEIGHTS = {"": 4000, "/events": 7000, "/dynamics": 8000, "/options": 4000}


@pytest.mark.parametrize("path,limit", HEIGHTS.items())
def test_page_heights_are_sane(page, path, limit):
    page.goto(C + path)
    page.wait_for_load_state("networkidle")
    if path == "/dynamics":
        page.wait_for_selector("#backtest-body", timeout=90000, state="attached")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < limit, height


@pytest.mark.parametrize("path", ["", "/events", f"/events/{CASE}:USP-0153", "/actors",
                                  "/actors/kataib_hezbollah", "/dynamics", "/options"])
def test_phone_layout_fits_390px(browser, live_server, path):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
    try:
        pg = ctx.new_page()
        pg.goto(C + path)
        pg.wait_for_load_state("networkidle")
        width = pg.evaluate("document.documentElement.scrollWidth")
        shot(pg, "phone" + (path.replace("/", "-") or "-overview").replace(":", "_"))
        assert width <= 392, width  # nothing wider than the screen: tables scroll in their box
    finally:
        ctx.close()


def test_map_tooltips_are_text_not_markup(page, web_app):
    import pandas as pd
    frame = pd.DataFrame([{"event_id": f"{CASE}:XSS-1", "date": pd.Timestamp("2024-01-10").date(),
                           # no case actor and no stream's type: the models do not see it
                           "actor": "somebody_else", "target": "another_one",
                           "event_type": "PROTEST", "mode": None, "summary": "xssmarker",
                           "place": "<img src=x onerror=alert(1)><b>bold</b>",
                           "machine_coded": False, "sources": ["x"], "killed": None,
                           "latitude": 25.0, "longitude": 55.0}])
    web_app.state.web.store.ingest_frame(frame, "xss-test")
    web_app.state.web.invalidate()
    page.goto(f"{C}/events?text=xssmarker")
    page.wait_for_load_state("networkidle")
    until(page, "document.querySelectorAll('#map path.leaflet-interactive').length > 0")
    page.locator("#map path.leaflet-interactive").first.dispatch_event("mouseover")
    until(page, "document.querySelector('.leaflet-tooltip') !== null", timeout=5)
    tip = page.locator(".leaflet-tooltip").first
    assert "<img" in tip.inner_text() and tip.locator("img, b").count() == 0


# ---------------------------------------------------------------- charts that filter on click

def _tallest_bar_centre(page, selector: str, group: str) -> dict:
    """Centre (viewport pixels, after scrolling the chart into view) of the tallest bar in the
    chart's mark group ``group``."""
    page.locator(selector).scroll_into_view_if_needed()
    return page.evaluate("""([sel, group]) => {
        const paths = [...document.querySelectorAll(sel + ' svg g.' + group + ' path')];
        let best = null, h = 0;
        for (const p of paths) {
            const b = p.getBoundingClientRect();
            if (b.height > h) { h = b.height; best = b; }
        }
        return {x: best.left + best.width / 2, y: best.top + best.height / 2, height: h};
    }""", [selector, group])


def _total(page) -> int:
    return int(page.locator("#table-h").inner_text().split()[0].replace(",", ""))


def test_clicking_a_timeline_bar_opens_that_days_events_of_its_stream(page):
    import json
    from urllib.parse import parse_qs, urlparse
    page.goto(C)
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    spec = json.loads(page.locator("#timeline-spec").get_attribute("data-vega"))
    bars = next(layer for layer in spec["vconcat"][0]["layer"]
                if layer["mark"]["type"] == "rect" and "y" in layer["encoding"])
    rows = bars["data"]["values"]
    top = max(r["count"] for r in rows)
    busiest = {r["date"] for r in rows if r["count"] == top}
    assert top >= 2, "the busiest day must hold several events for the count to tell"
    centre = _tallest_bar_centre(page, "#timeline-spec", "concat_0_layer_0_marks")
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_url(re.compile(r"/events\?"), timeout=10000)
    q = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert q["stream"] == rows[0]["stream"]  # the panel's stream, not another
    assert q["from"] == q["to"] and q["from"] in busiest, (q, busiest)
    page.wait_for_load_state("networkidle")
    assert _total(page) == top  # the bar's height is the number of events it opens
    assert page.locator("#f-stream").input_value() == q["stream"]
    shot(page, "events-from-timeline-click")


def test_clicking_a_forest_plot_row_opens_its_source_streams_events(page):
    import json
    page.goto(f"{C}/dynamics")
    page.wait_for_load_state("networkidle")
    until(page, "document.querySelector('#coupling-spec svg') !== null", timeout=90)
    rows = json.loads(page.locator("#coupling-spec").get_attribute("data-vega"))["data"]["values"]
    assert len({r["href"] for r in rows}) >= 2  # rows of different sources link apart
    page.locator("#coupling-spec").scroll_into_view_if_needed()
    # The last row's band, near its right end (away from the interval: the whole row is a link).
    band = page.evaluate("""() => {
        const ps = [...document.querySelectorAll('#coupling-spec svg g.layer_0_marks path')];
        const b = ps[ps.length - 1].getBoundingClientRect();
        return {n: ps.length, x: b.right - 4, y: b.top + b.height / 2};
    }""")
    assert band["n"] == len(rows)
    page.mouse.click(band["x"], band["y"])
    page.wait_for_url(re.compile(r"/events\?stream="), timeout=10000)
    assert page.url.endswith(rows[-1]["href"])
    stream = rows[-1]["href"].split("stream=")[1]
    page.wait_for_load_state("networkidle")
    assert page.locator("#f-stream").input_value() == stream
    assert _total(page) > 0


def test_clicking_an_actor_timeline_bar_opens_the_events_against_it_that_day(page):
    import json
    from urllib.parse import parse_qs, urlparse
    page.goto(f"{C}/actors/kataib_hezbollah")
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    spec = json.loads(page.locator("#actor-timeline").get_attribute("data-vega"))
    # The second panel: events against the actor (the first holds the key-event numbers).
    rows = next(layer for layer in spec["vconcat"][1]["layer"]
                if layer["mark"]["type"] == "rect" and "y" in layer["encoding"])["data"]["values"]
    top = max(r["count"] for r in rows)
    centre = _tallest_bar_centre(page, "#actor-timeline", "concat_1_layer_0_marks")
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_url(re.compile(r"/events\?"), timeout=10000)
    q = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert set(q) == {"target", "from", "to"} and q["target"] == "kataib_hezbollah", q
    assert q["from"] == q["to"] and q["from"] in {r["date"] for r in rows if r["count"] == top}
    page.wait_for_load_state("networkidle")
    assert _total(page) == top


def test_a_click_on_an_events_timeline_bar_sets_both_dates_to_its_day(page):
    import json
    page.goto(f"{C}/events?type=ASSAULT")
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    spec = page.evaluate("""async () => (await (await fetch(
        '/cases/' + document.getElementById('filters').dataset.case +
        '/events/timeline.json?type=ASSAULT')).json())""")
    assert "href" not in json.dumps(spec)  # here the click is the page's, not a link
    rows = spec["vconcat"][0]["layer"][-1]["data"]["values"]
    top = max(r["count"] for r in rows)
    busiest = {r["date"] for r in rows if r["count"] == top}
    centre = _tallest_bar_centre(page, "#timeline", "concat_0_layer_0_marks")
    # First a drag around the bar: the brush still sets a span of days.
    page.mouse.move(centre["x"] - 40, centre["y"])
    page.mouse.down()
    page.mouse.move(centre["x"] + 40, centre["y"], steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(r"from=\d{4}-\d\d-\d\d.*to=\d{4}-\d\d-\d\d"), timeout=10000)
    assert page.locator("#f-from").input_value() < page.locator("#f-to").input_value()
    page.wait_for_load_state("networkidle")
    # Then a click on the bar, under the brush's rectangle: that one day.
    page.mouse.click(centre["x"], centre["y"])
    until(page, "document.querySelector('#f-from').value === document.querySelector('#f-to').value",
          timeout=10)
    page.wait_for_url(re.compile(r"from=(\d{4}-\d\d-\d\d).*to=\1"), timeout=10000)
    day = page.locator("#f-from").input_value()
    assert day == page.locator("#f-to").input_value() and day in busiest, (day, busiest)
    until(page, f"parseInt(document.querySelector('#table-h').innerText) === {top}")
    assert "type=ASSAULT" in page.url  # the other filters stay
    # Nothing undoes the day a moment later (the click also cleared the brush), and the
    # chart shows no stale span.
    page.wait_for_timeout(800)
    assert page.locator("#f-from").input_value() == day
    wait_charts(page)
    spans = page.evaluate("""() => [...document.querySelectorAll(
        '#timeline svg g.brush_brush path, #timeline svg g.brush_brush_bg path')]
        .map(p => p.getBBox().width)""")
    assert all(w < 1 for w in spans), spans
    shot(page, "events-clicked-day")


def test_clicking_a_key_event_number_opens_the_events_around_it(page):
    import datetime as dt
    from urllib.parse import parse_qs, urlparse

    from redline.web.links import KEY_EVENT_DAYS
    page.goto(C)
    page.wait_for_load_state("networkidle")
    wait_charts(page)
    listed = dt.date.fromisoformat(
        page.locator("ol.keys li[value='4'] time").get_attribute("datetime"))
    page.locator("#timeline-spec").scroll_into_view_if_needed()
    box = page.evaluate("""() => {
        const t = [...document.querySelectorAll('#timeline-spec svg g.mark-text.role-mark text')]
            .find(t => t.textContent === '4');
        const b = t.getBoundingClientRect();
        return {x: b.left + b.width / 2, y: b.top + b.height / 2};
    }""")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(re.compile(r"/events\?"), timeout=10000)
    q = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    span = dt.timedelta(days=KEY_EVENT_DAYS)
    assert q == {"from": str(listed - span), "to": str(listed + span)}, (q, listed)
