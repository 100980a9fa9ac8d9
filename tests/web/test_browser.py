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
