"""Every query of the event store, written once as Ibis expressions.

These functions take an Ibis table of canonical events and return an
expression; the engine (DuckDB here, Spark for large data) executes it.  Only
small results come back: event pages, dyad tables, daily counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import ibis
import ibis.expr.types as ir

from redline.data.filters import EventFilter

__all__ = ["overview", "filter_predicate", "filter_events", "dyads", "daily_counts", "weekly_counts",
           "monthly_by", "EVENT_ORDER"]

EVENT_ORDER = ("date", "event_id")


def filter_predicate(t: ir.Table, f: EventFilter) -> ir.BooleanValue:
    """A boolean expression over ``t`` that is true for the events ``f`` selects."""
    parts: list[ir.BooleanValue] = []
    if f.actors or f.targets:
        parts.append(_pair_predicate(t, f))
    if f.mutual is True:
        parts.append(t.mutual.fill_null(False))
    elif f.mutual is False:
        parts.append(~t.mutual.fill_null(False))
    if f.event_types:
        parts.append(t.event_type.isin(list(f.event_types)))
    if f.modes:
        parts.append(t["mode"].isin(list(f.modes)))
    if f.exclude_modes:
        parts.append(t["mode"].isnull() | ~t["mode"].isin(list(f.exclude_modes)))
    if f.countries:
        parts.append(t.country.isin(list(f.countries)))
    if f.start is not None:
        parts.append(t.date >= ibis.literal(f.start, type="date"))
    if f.end is not None:
        parts.append(t.date <= ibis.literal(f.end, type="date"))
    if f.text:
        parts.append(t.summary.lower().contains(f.text.lower()))
    if f.with_target_casualties:
        parts.append((t.target_killed.fill_null(0) + t.target_injured.fill_null(0)) > 0)
    if f.event_ids:
        parts.append(t.event_id.isin(list(f.event_ids)))
    if f.id_prefix:
        parts.append(t.event_id.startswith(f.id_prefix))
    if f.scope_prefix or f.scope_actors or f.scope_case:
        parts.append(scope_predicate(t, f))
    if not parts:
        return ibis.literal(True)
    # No leading TRUE: DuckDB pushes a plain conjunction into the Parquet scan.
    pred = parts[0]
    for p in parts[1:]:
        pred &= p
    return pred


def _pair_predicate(t: ir.Table, f: EventFilter) -> ir.BooleanValue:
    """Actor in ``f.actors`` and target in ``f.targets`` (an empty side matches anything);
    for a mutual event, which has no direction, the two sides in either order."""
    def both(a: ir.Column, b: ir.Column) -> ir.BooleanValue:
        parts = ([a.isin(list(f.actors))] if f.actors else []) + \
                ([b.isin(list(f.targets))] if f.targets else [])
        return parts[0] & parts[1] if len(parts) == 2 else parts[0]
    directed = both(t.actor, t.target)
    if f.mutual is False:
        return directed
    # NULL (unknown actor, or no flag) counts as not matching, as in every filter
    return directed | (t.mutual.fill_null(False) & both(t.target, t.actor))


def scope_predicate(t: ir.Table, f: EventFilter) -> ir.BooleanValue:
    """The case scope of ``f``: id starts with the prefix OR actor OR target in the scope actors.

    A NULL target is "not in scope" (``fill_null(False)``), so the OR never turns NULL
    and the predicate can be negated or used as a ``count(where=...)`` on every engine.
    """
    alts: list[ir.BooleanValue] = []
    if f.scope_case:
        alts.append((t.case_id == f.scope_case).fill_null(False))
    if f.scope_prefix:
        # with a case, the prefix only finds rows of stores older than case_id
        pre = t.event_id.startswith(f.scope_prefix)
        alts.append(pre & t.case_id.isnull() if f.scope_case else pre)
    if f.scope_actors:
        actors = list(f.scope_actors)
        alts.append(t.actor.isin(actors).fill_null(False))
        alts.append(t.target.isin(actors).fill_null(False))
    pred = alts[0]
    for p in alts[1:]:
        pred |= p
    return pred


def filter_events(t: ir.Table, f: EventFilter) -> ir.Table:
    """Events selected by ``f``, ordered by date then id."""
    return t.filter(filter_predicate(t, f)).order_by([t.date, t.event_id])


def dyads(t: ir.Table, f: EventFilter) -> ir.Table:
    """Who acted on whom: events, violent events, deaths and summed intensity per dyad.

    Mutual events (fighting with no direction) form one row per unordered pair, with
    ``mutual`` true and the two sides in alphabetical order as ``actor``/``target``;
    directed events keep their direction (``mutual`` false)."""
    e = t.filter(filter_predicate(t, f) & t.target.notnull())
    m = e.mutual.fill_null(False)
    flip = m & (e.target < e.actor)
    e = e.mutate(actor=ibis.ifelse(flip, e.target, e.actor),
                 target=ibis.ifelse(flip, e.actor, e.target), mutual=m)
    return (
        e.group_by([e.actor, e.target, e.mutual])
        .aggregate(
            events=e.count(),
            assaults=(e.event_type == "ASSAULT").cast("int64").sum(),
            killed=e.killed.sum(),
            intensity=e.intensity.sum(),
            first=e.date.min(),
            last=e.date.max(),
        )
        .order_by([ibis.desc("events"), "actor", "target", "mutual"])
    )


def daily_counts(t: ir.Table, streams: Mapping[str, EventFilter], start: dt.date,
                 end: dt.date) -> ir.Table:
    """One row per day that has any event of any stream, one column per stream.

    Days without events are absent here; :func:`redline.data.streams.stream_counts`
    fills them with zeros over the whole window.
    """
    window = (t.date >= ibis.literal(start, type="date")) & (t.date <= ibis.literal(end, type="date"))
    # A stream's own dates matter only where they are narrower than the window; dropping
    # the others and counting with COUNT(*) FILTER (not SUM(CAST(...))) halves the time
    # of this hot query on DuckDB (bench/scale.py).
    inner = {name: replace(f, start=None if f.start is None or f.start <= start else f.start,
                           end=None if f.end is None or f.end >= end else f.end)
             for name, f in streams.items()}
    any_stream = ibis.literal(False)
    for f in inner.values():
        any_stream |= filter_predicate(t, f)
    e = t.filter(window & any_stream)
    metrics = {name: e.count(where=filter_predicate(e, f)) for name, f in inner.items()}
    return e.group_by(e.date).aggregate(**metrics).order_by("date")


def weekly_counts(t: ir.Table, f: EventFilter, by: str, names: list[str]) -> ir.Table:
    """Weeks (Monday start) by values of column ``by``: a pivot with one column per name."""
    e = t.filter(filter_predicate(t, f) & t[by].isin(names))
    g = e.mutate(week=e.date.truncate("W")).group_by(["week", by]).aggregate(n=lambda x: x.count())
    return g.pivot_wider(names_from=by, values_from="n", names=names, values_fill=0).order_by("week")


def monthly_by(t: ir.Table, f: EventFilter, by: str) -> ir.Table:
    """Events per calendar month and value of ``by`` (long form)."""
    e = t.filter(filter_predicate(t, f))
    e = e.mutate(month=e.date.truncate("M"), key=e[by].fill_null("(unknown)"))
    return e.group_by(["month", "key"]).aggregate(events=e.count()).order_by(["month", "key"])


def overview(t: ir.Table, f: EventFilter) -> ir.Table:
    """One row: events, first and last date, distinct sources cited."""
    e = t.filter(filter_predicate(t, f))
    counts = e.aggregate(events=e.count(), first=e.date.min(), last=e.date.max(),
                         machine_coded=e.machine_coded.cast("int64").sum())
    src = e.select(source=e.sources.unnest()).aggregate(sources=lambda x: x.source.nunique())
    return counts.cross_join(src)
