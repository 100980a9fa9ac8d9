"""Daily count series per unit (dyad or country) for the benchmark.

A unit's series runs from its first event to the last day of the selection
(so quiet spells after a conflict's last event are forecast too, as they would
be in real use), one row per day, zeros filled in.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from redline.data.filters import EventFilter
from redline.errors import InputError

__all__ = ["BY", "daily_units", "units_from_store"]

#: What a unit can be.
BY = ("dyad", "country")
_SEP = " – "


def _unit_key(events: pd.DataFrame, by: str, ordered: bool) -> pd.Series:
    if by == "country":
        return events["country"]
    a, b = events["actor"].astype(str), events["target"].astype(str)
    # Events between two sides that both act (UCDP's two-sided violence, flagged
    # ``mutual`` by its importer) have no direction: their unit is the unordered
    # pair even when directed events are kept apart.
    unordered = pd.Series(not ordered, index=events.index)
    if "mutual" in events.columns:
        unordered |= events["mutual"].fillna(False).astype(bool)
    swap = unordered & (a > b)
    a, b = a.where(~swap, b), b.where(~swap, a)
    return a + _SEP + b


def daily_units(events: pd.DataFrame, by: str = "dyad", min_events: int = 300,
                end: dt.date | pd.Timestamp | None = None,
                ordered: bool = False) -> dict[str, pd.Series]:
    """Daily counts of every unit with at least ``min_events`` events.

    Parameters
    ----------
    events : DataFrame
        Columns ``date`` and, for ``by="dyad"``, ``actor`` and ``target`` (rows
        without a target are skipped), for ``by="country"``, ``country``.
    by : {"dyad", "country"}
    min_events : int
    end : date, optional
        Last day of every series; default the last event's date.
    ordered : bool
        Whether ``actor → target`` and ``target → actor`` are different dyads;
        events flagged ``mutual`` (an optional boolean column) are unordered
        either way.

    Returns
    -------
    dict of str to Series
        Events per day, daily DatetimeIndex, sorted by unit name.
    """
    if by not in BY:
        raise InputError(f"unknown unit {by!r}", field="--by", expected="dyad or country")
    if int(min_events) < 1:
        raise InputError(f"min-events must be >= 1, got {min_events}", field="--min-events",
                         expected="a whole number such as 300")
    need = ["date", "country"] if by == "country" else ["date", "actor", "target"]
    extra = ["mutual"] if by == "dyad" and "mutual" in events.columns else []
    missing = [c for c in need if c not in events.columns]
    if missing:
        raise InputError(f"the events have no column {missing[0]!r}", field=missing[0],
                         expected="columns " + ", ".join(need))
    all_dates = pd.to_datetime(events["date"]).dropna()
    ev = events[need + extra].dropna(subset=need)
    if ev.empty:
        return {}
    dates = pd.to_datetime(ev["date"]).dt.normalize()
    # Every series ends on the selection's last day, events without a unit included.
    last = pd.Timestamp(end) if end is not None else all_dates.max().normalize()
    keys = _unit_key(ev, by, ordered)
    sizes = keys.value_counts()
    keep = sorted(sizes.index[sizes >= int(min_events)])
    out = {}
    for key in keep:
        d = dates[keys == key]
        d = d[d <= last]
        if d.empty:
            continue
        s = d.value_counts().sort_index()
        out[str(key)] = s.reindex(pd.date_range(d.min(), last, freq="D"), fill_value=0).astype(int)
    return out


def units_from_store(store, filt: EventFilter | None = None, by: str = "dyad",
                     min_events: int = 300, ordered: bool = False) -> dict[str, pd.Series]:
    """:func:`daily_units` over the store's events that match ``filt``.

    Series end on ``filt.end`` when given, else on the last selected event.
    """
    filt = filt or EventFilter()
    events = store.events(filt)
    return daily_units(events, by=by, min_events=min_events, end=filt.end, ordered=ordered)
