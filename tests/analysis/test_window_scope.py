"""What lies outside a case's window is counted among the case's own events only."""

from __future__ import annotations

from tests.analysis.conftest import write_case

from redline.analysis.window import outside_window
from redline.data.case import load_case
from redline.data.store import DuckDBStore

ANY_ASSAULT = """  - name: any_assault
    event_types: [ASSAULT]"""


def test_a_stream_without_actors_counts_no_other_cases_events(tmp_path):
    """Two cases in one store; a stream of all ASSAULT events (no actors) of case A must
    not count case B's events, which lie after A's window."""
    a = write_case(tmp_path / "a", [{"day": d, "actor": "brigade", "target": "home"}
                                    for d in range(0, 40, 2)], 40, name="case-a", extra=ANY_ASSAULT)
    b = write_case(tmp_path / "b", [{"day": d, "actor": "brigade", "target": "home"}
                                    for d in range(0, 200, 5)], 200, name="case-b",
                   extra=ANY_ASSAULT)
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.ingest(a)
    store.ingest(b)
    res = outside_window(store, load_case(a))
    assert res.n_after == 0 and not res.diagnostics
    # case B's own file has no event outside its window either
    assert outside_window(store, load_case(b)).n_after == 0
