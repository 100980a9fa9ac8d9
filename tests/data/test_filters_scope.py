"""EventFilter's case scope: (id prefix) OR (actor in scope) OR (target in scope), ANDed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from redline.data.filters import EventFilter
from redline.data.store import DuckDBStore

CASE = "us-iran-proxies-2023"


def _row(event_id, actor, target, day="2024-01-10", event_type="ASSAULT"):
    return {"event_id": event_id, "date": dt.date.fromisoformat(day), "actor": actor,
            "target": target, "event_type": event_type, "mode": None, "summary": "x",
            "machine_coded": True, "sources": ["s"], "killed": None}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = DuckDBStore(tmp_path_factory.mktemp("scope") / "s.duckdb")
    s.ingest_frame(pd.DataFrame([
        _row("mine:1", "nobody", None),                    # in scope by prefix
        _row("other:1", "alpha", "somebody"),              # by actor
        _row("other:2", "somebody", "beta"),               # by target
        _row("other:3", "somebody", None),                 # out: null target
        _row("other:4", "somebody", "else", "2014-06-01"),  # out
        _row("other:5", "alpha", None, "2014-06-01", "CONSULT"),  # by actor, old, other type
    ]), "scope-test")
    return s


def test_no_scope_is_every_event(store):
    f = EventFilter()
    assert not f.scoped and f.scope_actors == () and f.scope_prefix is None
    assert store.count(f) >= 6


def test_scope_is_prefix_or_actor_or_target(store):
    f = EventFilter(scope_prefix="mine:", scope_actors="alpha,beta")
    assert f.scoped and f.scope_actors == ("alpha", "beta")
    assert set(store.events(f)["event_id"]) == {"mine:1", "other:1", "other:2", "other:5"}
    assert store.count(f) == 4


def test_scope_parts_alone(store):
    assert set(store.events(EventFilter(scope_prefix="mine:"))["event_id"]) == {"mine:1"}
    assert set(store.events(EventFilter(scope_actors=("beta",)))["event_id"]) == {"other:2"}


def test_scope_is_anded_with_the_other_fields(store):
    f = EventFilter(scope_prefix="mine:", scope_actors=("alpha", "beta"), event_types="ASSAULT",
                    start="2020-01-01")
    assert set(store.events(f)["event_id"]) == {"mine:1", "other:1", "other:2"}
    f = EventFilter(actors="somebody", scope_actors=("beta",))
    assert set(store.events(f)["event_id"]) == {"other:2"}
    assert store.count(EventFilter(actors="nobody", scope_actors=("alpha",))) == 0


def test_with_scope_and_as_dict():
    f = EventFilter(event_types="assault").with_scope(f"{CASE}:", ["iran", "united_states"])
    assert f.scope_prefix == f"{CASE}:" and f.scope_actors == ("iran", "united_states")
    assert f.as_dict() == {"event_types": ["ASSAULT"], "scope_prefix": f"{CASE}:",
                           "scope_actors": ["iran", "united_states"]}
    assert not f.with_scope(None).scoped
    assert EventFilter() == EventFilter(scope_actors=None)


def test_scope_in_every_query(store):
    f = EventFilter(scope_prefix="mine:", scope_actors=("alpha", "beta"))
    assert store.overview(f)["events"] == 4
    assert store.dyads(f)["events"].sum() == 2  # rows with a target: other:1, other:2
    daily = store.daily_counts({"scoped": f, "all": EventFilter(event_types="ASSAULT,CONSULT")},
                               dt.date(2014, 1, 1), dt.date(2024, 12, 31))
    assert daily["scoped"].sum() == 4
    assert store.monthly_by(f, "actor")["events"].sum() == 4
