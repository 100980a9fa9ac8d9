"""Every store query compiles for BigQuery (where GDELT is public); no network needed."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from redline.data import queries
from redline.data.engines.base import ibis_event_schema
from redline.data.filters import EventFilter

FULL = EventFilter(actors="united_states", targets="iran", event_types="ASSAULT", modes="drone",
                   exclude_modes="statement", countries="Iraq", start="2024-01-01", end="2024-02-29",
                   text="tower", with_target_casualties=True, event_ids="a:1,a:2", id_prefix="a:",
                   scope_prefix="case:", scope_actors="iran,kataib_hezbollah")

BUILDERS = {
    "filter_predicate": lambda t: t.filter(queries.filter_predicate(t, FULL)).count(),
    "filter_events": lambda t: queries.filter_events(t, FULL).limit(50, offset=10),
    "dyads": lambda t: queries.dyads(t, FULL),
    "daily_counts": lambda t: queries.daily_counts(
        t, {"attacks": EventFilter(event_types="ASSAULT"), "threats": FULL},
        dt.date(2023, 10, 1), dt.date(2024, 3, 31)),
    "weekly_counts": lambda t: queries.weekly_counts(t, FULL, "country", ["Iraq", "Syria"]),
    "monthly_by": lambda t: queries.monthly_by(t, FULL, "actor"),
    "overview": lambda t: queries.overview(t, FULL),
}
SCOPED = EventFilter(scope_prefix="case:", scope_actors="iran,kataib_hezbollah")


def test_scope_compiles_for_bigquery():
    t = ibis.table(ibis_event_schema(), name="gdelt-bq.redline.events")
    sql = ibis.to_sql(t.filter(queries.filter_predicate(t, SCOPED)).count(), dialect="bigquery")
    assert "STARTS_WITH" in sql.upper() and " OR " in sql.upper() and "COALESCE" in sql.upper()


def test_every_query_has_a_builder():
    public = {n for n in queries.__all__ if callable(getattr(queries, n))}
    assert public == set(BUILDERS), "add new queries to BUILDERS so they are checked for BigQuery"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_compiles_for_bigquery(name):
    t = ibis.table(ibis_event_schema(), name="gdelt-bq.redline.events")
    sql = ibis.to_sql(BUILDERS[name](t), dialect="bigquery")
    assert "SELECT" in sql and "`" in sql
