"""Streams: a case's named filters turned into daily count series for the models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from redline.data.case import Case
from redline.data.filters import EventFilter
from redline.data.protocol import Store
from redline.diagnostics import Diagnostics
from redline.errors import InputError

__all__ = ["StreamData", "streams", "stream_filters", "covariate_frame"]


@dataclass
class StreamData:
    """Daily counts of a case's streams over its observation window.

    Attributes
    ----------
    counts
        DataFrame of shape (n_days, n_streams), events per day, indexed by date
        (every day of the window; days without events are 0).
    event_ids
        Per stream, the ids of the events counted, so every figure can cite them.
    diagnostics
        Problems of the series themselves (``data.*`` codes), e.g. events without
        direction counted in two streams.
    """

    counts: pd.DataFrame
    event_ids: dict[str, list[str]] = field(default_factory=dict)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    def __repr__(self) -> str:
        c = self.counts
        return (f"StreamData({c.shape[0]} days {c.index.min():%Y-%m-%d}..{c.index.max():%Y-%m-%d}, "
                f"streams: " + ", ".join(f"{k}={int(v)}" for k, v in c.sum().items()) + ")")


def stream_filters(case: Case, names: list[str] | None = None,
                   start: dt.date | None = None, end: dt.date | None = None,
                   scoped: bool = True) -> dict[str, EventFilter]:
    """The case's streams (all, or ``names`` in that order) as :class:`EventFilter`s,
    limited to the case's own events unless ``scoped`` is False (a stream without actors,
    "all CONSULT events", would otherwise count every case's events in a shared store)."""
    chosen = [case.stream(n) for n in names] if names else list(case.streams)
    if not chosen:
        raise InputError(f"case {case.name!r} defines no streams", field="streams",
                         expected="a `streams:` list in case.yaml")
    out = {s.name: EventFilter.from_stream(s, start, end) for s in chosen}
    return {k: f.in_case(case) for k, f in out.items()} if scoped else out


def streams(store: Store, case: Case, names: list[str] | None = None, start: dt.date | None = None,
            end: dt.date | None = None, scoped: bool = True) -> StreamData:
    """Daily counts (n_days, n_streams) of the case's streams from ``store``.

    Parameters
    ----------
    store
        Any redline store (DuckDB file or a Spark-backed Parquet dataset).
    case
        The case whose stream definitions and window to use.
    names
        Stream names to keep, in order; all streams when None.
    start, end
        Window (inclusive); the case's ``start``/``end`` when None.
    scoped
        Count only the case's own events (:func:`redline.data.filters.case_scope`), so
        another case's events in the same store never enter its streams.  False counts
        every event of the store that matches (a raw dataset, a benchmark).
    """
    start = start or case.start
    end = end or case.end
    if end < start:
        raise InputError(f"the window ends ({end}) before it starts ({start})", field="end",
                         expected=f"a date after {start}")
    filters = stream_filters(case, names, start, end, scoped=scoped)
    daily = store.daily_counts(filters, start, end)
    index = pd.date_range(start, end, freq="D", name="date")
    if len(daily):
        daily["date"] = pd.to_datetime(daily["date"])
        counts = daily.set_index("date").reindex(index, fill_value=0)
    else:
        counts = pd.DataFrame(0, index=index, columns=list(filters))
    counts = counts[list(filters)].astype("int64")
    ids: dict[str, list[str]] = {}
    mutual_ids: dict[str, set[str]] = {}
    for name, f in filters.items():
        ev = store.events(f)
        ids[name] = ev["event_id"].tolist()
        if "mutual" in ev:
            mutual_ids[name] = set(ev.loc[ev["mutual"].fillna(False).astype(bool), "event_id"])
    return StreamData(counts, ids, _shared_mutual(mutual_ids))


def _shared_mutual(mutual_ids: dict[str, set[str]]) -> Diagnostics:
    """A diagnostic for each pair of streams that count the same events without direction."""
    out = Diagnostics()
    names = list(mutual_ids)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = mutual_ids[a] & mutual_ids[b]
            if shared:
                out.add("data.mutual_in_two_streams",
                        f"{len(shared):,} events without direction are counted in both streams "
                        f"{a!r} and {b!r} (for example {sorted(shared)[0]})",
                        subject=("stream", a))
    return out


def covariate_frame(case: Case, index: pd.DatetimeIndex, names: list[str] | None = None) -> pd.DataFrame:
    """Step covariates of the case as 0/1 daily series on ``index`` (n_days, n_cov)."""
    chosen = [c for c in case.covariates if names is None or c.name in names]
    if names:
        unknown = set(names) - {c.name for c in case.covariates}
        if unknown:
            raise InputError(f"unknown covariate {sorted(unknown)[0]!r}", field="covariate",
                             expected="one of " + ", ".join(c.name for c in case.covariates)
                             + ", or NAME=YYYY-MM-DD:YYYY-MM-DD")
    out = pd.DataFrame(index=index)
    for c in chosen:
        end = pd.Timestamp(c.end) if c.end else index.max()
        out[c.name] = ((index >= pd.Timestamp(c.start)) & (index <= end)).astype(float)
    return out
