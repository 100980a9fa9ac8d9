"""Fixtures of the web tests: a store with the built-in case, the app, a live server, a browser.

Browser tests drive Debian's chromium (``/usr/bin/chromium``) through Playwright and
are skipped, with the reason, when it is absent; ``playwright install`` is never needed.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest

CASE = "us-iran-proxies-2023"
#: The test client names the server as a browser on this machine would (no test-only host).
LOCAL = "http://127.0.0.1"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("REDLINE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def web_store(tmp_path_factory):
    from redline.data.store import DuckDBStore
    from redline.data.case import builtin_cases
    store = DuckDBStore(tmp_path_factory.mktemp("web") / "store.duckdb")
    # every built-in case the app lists (serve ingests nothing itself): two cases in one store
    for name in builtin_cases():
        store.ingest(name)
    return store


@pytest.fixture(scope="session")
def web_app(web_store):
    from redline.web import create_app
    return create_app(web_store)


@pytest.fixture(scope="session")
def client(web_app):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    with TestClient(web_app, base_url=LOCAL) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(web_app):
    """The app on a free loopback port, in a thread; yields its base URL."""
    import uvicorn
    from redline.web.app import warm
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    warmer = threading.Thread(target=warm, args=(web_app, CASE), daemon=True)
    warmer.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium, or set REDLINE_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    pw = sync_api.sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                           args=["--no-sandbox", "--disable-gpu"])
    ARTIFACTS.mkdir(exist_ok=True)
    yield b
    b.close()
    pw.stop()


class Guard:
    """Records requests that leave the machine (they are aborted) and console errors."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def check(self) -> None:
        assert not self.external, f"requests left localhost: {self.external}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def page(browser, live_server):
    """A fresh page with the guard; fails the test on external requests or console errors."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    guard = Guard()
    ctx.route("**/*", guard.route)
    pg = ctx.new_page()
    pg.on("console", lambda m: guard.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: guard.errors.append(f"page error: {e}"))
    pg.guard = guard
    yield pg
    ctx.close()
    guard.check()
