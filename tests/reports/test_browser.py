"""The brief in headless Chromium (Debian's /usr/bin/chromium): no console errors, no requests.

Screenshots of the first screen and of the map go to ``out/brief-screens/`` (kept
out of git) so a person can look at them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars"]
SCREENS = Path(__file__).resolve().parents[2] / "out" / "brief-screens"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    return sync_playwright


def _loop_running() -> bool:
    import asyncio
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_brief_renders_without_console_errors_or_requests(brief_file, tmp_path):
    SCREENS.mkdir(parents=True, exist_ok=True)
    sp = _playwright()
    if sp is None or _loop_running():
        # Without playwright, or when another test of the session (the web app's browser
        # fixture) holds the sync API's loop: chromium's own command line.
        _check_with_cli(brief_file, tmp_path)
        return
    with sp() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(brief_file.resolve().as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENS / "first-screen.png"))
        map_fig = page.locator("#fig-map")
        map_fig.screenshot(path=str(SCREENS / "map.png"))
        box = map_fig.bounding_box()
        heights = page.evaluate("[...document.querySelectorAll('figure.chart svg')]"
                                ".map(s => s.getBoundingClientRect().height)")
        fonts = page.evaluate("document.fonts.check('12px \"DejaVu Sans\"')")
        browser.close()
    assert not errors, errors
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert box and box["width"] > 500 and box["height"] > 300
    assert heights and min(heights) > 50, heights
    assert fonts
    assert (SCREENS / "first-screen.png").stat().st_size > 10_000
    assert (SCREENS / "map.png").stat().st_size > 10_000


def _check_with_cli(brief_file: Path, tmp_path: Path) -> None:
    """Without playwright: the browser's own log, and a screenshot of the map on its own."""
    html = brief_file.read_text(encoding="utf-8")
    a = html.index('<figure class="chart" id="fig-map">')
    map_only = tmp_path / "map.html"
    map_only.write_text("<!DOCTYPE html><meta charset=utf-8><body style='margin:0'>"
                        + html[a:html.index("</figure>", a) + 9], encoding="utf-8")
    for src, shot, size in ((brief_file, "first-screen.png", "1280,900"), (map_only, "map.png", "900,800")):
        proc = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
             "--v=0", f"--window-size={size}", f"--screenshot={SCREENS / shot}", src.resolve().as_uri()],
            capture_output=True, text=True, timeout=90)
        log = proc.stderr
        console = [ln for ln in log.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
        assert not console, console
        assert (SCREENS / shot).exists()
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_the_pdf_is_short_well_paginated_and_says_nothing_about_hovering(brief, tmp_path):
    """The printed brief: about 23 pages (it was 35), no near-empty page in the body, no
    screen-only words ("hover"), folded citations stay folded; pages rendered with pdftoppm
    for a person to look at (``out/brief-screens/pdf-*.png``)."""
    pypdf = pytest.importorskip("pypdf")
    path = brief.write_pdf(tmp_path / "brief.pdf")
    reader = pypdf.PdfReader(str(path))
    pages = [p.extract_text() or "" for p in reader.pages]
    assert len(pages) <= 26, len(pages)
    text = "\n".join(pages)
    assert "hover" not in text.lower()
    assert "\ndetails\n" not in text and not text.rstrip().endswith("details")
    # A page holding only a heading (or a few words) wastes a sheet: every page but the
    # last carries real content.
    words = [len(p.split()) for p in pages[:-1]]
    assert min(words) >= 40, words
    if shutil.which("pdftoppm"):
        SCREENS.mkdir(parents=True, exist_ok=True)
        for old in SCREENS.glob("pdf-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(SCREENS / "pdf")],
                       check=True, timeout=120)
        assert len(list(SCREENS.glob("pdf-*.png"))) == len(pages)
