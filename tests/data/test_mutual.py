"""Events without direction: filters, streams and dyads treat the pair as unordered."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from ucdphelpers import SYRIA_COLUMNS, ged_row, write_csv

from redline.data.case import StreamFilter
from redline.data.filters import EventFilter
from redline.data.store import DuckDBStore
from redline.data.streams import streams


@pytest.fixture
def store(tmp_path):
    """Mutual A-B fights stored in both side orders, directed events both ways, one
    one-sided event, so a filter that ignored the flag or the order would count wrong."""
    s = DuckDBStore(tmp_path / "m.duckdb")
    s.ingest(write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [
        ged_row(id="1", side_a="A", side_b="B", date_start="2020-01-01", date_end="2020-01-01"),
        ged_row(id="2", side_a="A", side_b="B", date_start="2020-01-02", date_end="2020-01-02"),
        ged_row(id="3", type_of_violence="2", side_a="B", side_b="A", date_start="2020-01-02",
                date_end="2020-01-02"),
        ged_row(id="4", type_of_violence="3", side_a="B", side_b="Civilians",
                date_start="2020-01-03", date_end="2020-01-03"),
    ]))
    directed = tmp_path / "directed.csv"
    directed.write_text("event_id,date,actor,target,event_type\n"
                        "d1,2020-01-01,A,B,ASSAULT\nd2,2020-01-03,A,B,ASSAULT\n"
                        "d3,2020-01-03,B,A,ACCUSE\n", encoding="utf-8")
    s.ingest(directed)
    return s


@pytest.mark.parametrize("filt, ids", [
    # mutual events match the pair in either order; directed ones only as stored
    (EventFilter(actors="A", targets="B"), {"ucdp:1", "ucdp:2", "ucdp:3", "csv:d1", "csv:d2"}),
    (EventFilter(actors="B", targets="A"), {"ucdp:1", "ucdp:2", "ucdp:3", "csv:d3"}),
    (EventFilter(actors="A", targets="B", mutual=True), {"ucdp:1", "ucdp:2", "ucdp:3"}),
    (EventFilter(actors="B", targets="A", mutual=False), {"csv:d3"}),
    (EventFilter(actors="B", mutual=False), {"csv:d3", "ucdp:4"}),
    (EventFilter(targets="B", mutual=True), {"ucdp:1", "ucdp:2", "ucdp:3"}),
    (EventFilter(mutual=False), {"csv:d1", "csv:d2", "csv:d3", "ucdp:4"}),
])
def test_filters_match_mutual_pairs_in_either_order(store, filt, ids):
    assert set(store.events(filt).event_id) == ids
    assert store.count(filt) == len(ids)


def test_dyads_list_a_mutual_pair_once(store):
    d = store.dyads().set_index(["actor", "target", "mutual"])
    assert d.loc[("A", "B", True), "events"] == 3  # stored as A-B twice and B-A once
    assert ("B", "A", True) not in d.index
    assert d.loc[("A", "B", False), "events"] == 2 and d.loc[("B", "A", False), "events"] == 1
    assert d.loc[("B", "Civilians", False), "events"] == 1
    assert d.events.sum() == 7


def _case(*stream_filters):
    by_name = {s.name: s for s in stream_filters}
    return SimpleNamespace(name="t", start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 3),
                           streams=list(stream_filters), stream=by_name.__getitem__)


def test_a_mutual_stream_counts_the_pair_whatever_its_order(store):
    case = _case(StreamFilter(name="a_b_fighting", actors=["A"], targets=["B"], mutual=True),
                 StreamFilter(name="b_on_a", actors=["B"], targets=["A"], mutual=False))
    data = streams(store, case, scoped=False)  # raw ingests: no case owns them
    assert data.counts["a_b_fighting"].tolist() == [1, 2, 0]
    assert data.counts["b_on_a"].tolist() == [0, 0, 1]
    assert not data.diagnostics


def test_mirror_streams_over_mutual_events_get_a_diagnostic(store):
    case = _case(StreamFilter(name="a_on_b", actors=["A"], targets=["B"]),
                 StreamFilter(name="b_on_a", actors=["B"], targets=["A"]))
    data = streams(store, case, scoped=False)  # raw ingests: no case owns them
    assert data.counts["a_on_b"].tolist() == [2, 2, 1]
    assert data.counts["b_on_a"].tolist() == [1, 2, 1]
    (d,) = list(data.diagnostics)
    assert d.code == "data.mutual_in_two_streams" and "3 events" in d.message
    assert (d.subject_kind, d.subject_id) == ("stream", "a_on_b")


def test_case_streams_accept_the_mutual_flag():
    s = StreamFilter(name="a_b", actors=["a"], targets=["b"], mutual=True)
    assert EventFilter.from_stream(s).mutual is True
    assert EventFilter.from_stream(StreamFilter(name="x")).mutual is None
