"""Small fixtures shared by the test suite (keep them generic and fast)."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def rng():
    """A seeded NumPy generator: tests that draw random numbers stay reproducible."""
    import numpy as np
    return np.random.default_rng(20240128)


@pytest.fixture
def store(tmp_path):
    """A fresh, empty DuckDB event store in a temporary folder."""
    from redline.data.store import DuckDBStore
    return DuckDBStore(tmp_path / "events.duckdb")


@pytest.fixture
def real_samples() -> Path:
    """``../shared/data/real-samples`` (third-party data kept out of the repo).

    Skipped when absent on a developer's machine; a failure under CI (see
    :func:`pytest_runtest_makereport`), which always has ``../shared``.
    """
    path = SHARED / "data" / "real-samples"
    if not path.is_dir():
        pytest.skip(f"real data samples not found at {path} (they live outside the repo)")
    return path


# -- no silent skips ------------------------------------------------------------------------
# Tests that need ../shared or Chromium skip on a laptop without them, wherever the
# skip is written (fixture, skipif marker, importorskip).  CI always has both (.ci/run
# installs Chromium; ../shared is laid beside the clone), so there such a skip means
# the tests did not run and must fail instead.  The reason texts are matched here,
# once, rather than every test file learning about CI.
NEEDS_IN_CI = re.compile(r"shared|real data|chromium|playwright", re.IGNORECASE)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = _skip_reason(report)
        if NEEDS_IN_CI.search(reason):
            report.outcome = "failed"
            report.longrepr = (f"{item.nodeid} would be skipped, but CI is set and CI must have "
                               f"what it needs: {reason}")


def pytest_terminal_summary(terminalreporter):
    """One line per reason: how many tests were skipped, and why."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons = Counter(_skip_reason(r) for r in skipped)
    terminalreporter.section("skipped tests by reason")
    for reason, n in reasons.most_common():
        terminalreporter.write_line(f"{n:4d} skipped: {reason}")
    if any(NEEDS_IN_CI.search(r) for r in reasons):
        terminalreporter.write_line("     (under CI=true these fail instead: CI has ../shared and Chromium)")


def store_state(store) -> tuple:
    """Everything a failed ingest must leave unchanged: row counts and a hash of the content."""
    import duckdb
    if not store.path.exists():
        return ("no store",)
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        out = []
        for table, order in (("events", "event_id"), ("ingest_log", "ingest_id")):
            n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            rows = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            out.append((table, n, hashlib.sha256(repr(rows).encode()).hexdigest()))
        return tuple(out)
    finally:
        con.close()


@pytest.fixture
def unchanged():
    """``with unchanged(store): ...`` asserts the store's rows and content are identical after."""
    import contextlib

    @contextlib.contextmanager
    def check(store):
        before = store_state(store)
        yield
        assert store_state(store) == before, "a failed ingest changed the store"
    return check


@pytest.fixture(scope="session")
def builtin_store(tmp_path_factory):
    """A DuckDB store holding the built-in case, shared by the whole session.

    Tests only read it (fits may save their model file beside it); a test that
    ingests more must make its own store.
    """
    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path_factory.mktemp("builtin") / "case.duckdb")
    store.ingest("us-iran-proxies-2023")
    return store
