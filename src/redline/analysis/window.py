"""What lies outside the case window, and how precisely the events inside it are dated.

A case models its streams between ``case.start`` and ``case.end``; the store may hold
events of the same streams before or after.  Those are not modelled, but a reader must
be told of them: a brief that says "0.00 attacks a day to the end of the data" when the
store holds attacks a month later misleads.  :func:`outside_window` counts them per
stream; :func:`date_precision` gives the share of each stream's events dated only to a
week, a month or a year (a daily model puts each on one day of its span).

What this is not: a check that the case window was well chosen, nor a model of the
events outside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from redline.data.case import Case
from redline.data.filters import EventFilter
from redline.data.streams import stream_filters
from redline.diagnostics import Diagnostics

__all__ = ["OutsideWindow", "outside_window", "date_precision", "COARSE_PRECISIONS"]

#: Precisions coarser than a day.
COARSE_PRECISIONS = ("week", "month", "year")


def _day(d) -> str:
    return pd.Timestamp(d).strftime("%-d %b %Y")


@dataclass
class OutsideWindow:
    """Events of the case's streams in the store before and after the case window.

    Attributes
    ----------
    start, end : date
        The case window.
    before, after : DataFrame
        One row per stream with events on that side: ``stream``, ``events``,
        ``first``, ``last``, ``event_ids``.
    n_before, n_after : int
        Distinct events of the streams on each side (an event in two streams counts once).
    all_before, all_after : int
        Events of the case's own file on each side, in a stream or not.
    diagnostics : Diagnostics
        ``analysis.events_outside_window`` when either side holds events.
    """

    start: dt.date
    end: dt.date
    before: pd.DataFrame
    after: pd.DataFrame
    n_before: int
    n_after: int
    all_before: int = 0
    all_after: int = 0
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def data_after_end(self) -> bool:
        """Whether the store holds stream events after the case window."""
        return self.n_after > 0

    def sentences(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """One sentence per side with events, e.g. "16 more events after 31 Mar 2024, not
        modelled: 14 attacks on ... (21 Apr 2024 – 1 Oct 2024), ..."."""
        labels = labels or {}
        out = []
        for n, n_all, rows, word, edge in (
                (self.n_before, self.all_before, self.before, "before", self.start),
                (self.n_after, self.all_after, self.after, "after", self.end)):
            if not n and not n_all:
                continue
            if not n:
                out.append(f"The store holds {n_all} more {'event' if n_all == 1 else 'events'} "
                           f"of the case {word} {_day(edge)}, none in its streams; not modelled.")
                continue
            parts = []
            for r in rows.itertuples(index=False):
                span = _day(r.first) if r.first == r.last else f"{_day(r.first)} – {_day(r.last)}"
                parts.append(f"{r.events} in “{labels.get(r.stream, r.stream)}” ({span})")
            total = max(n, n_all)
            noun = "event" if total == 1 else "events"
            inside = f" ({n} of them in its streams)" if n_all > n else ""
            out.append(f"The store holds {total} more {noun} of the case {word} "
                       f"{_day(edge)}{inside}, not modelled: " + "; ".join(parts) + ".")
        return out


def _side(store, filters, lo: dt.date | None, hi: dt.date | None) -> tuple[pd.DataFrame, int]:
    rows, ids_all = [], set()
    for name, f in filters.items():
        ev = store.events(dataclasses.replace(f, start=lo, end=hi))
        if ev.empty:
            continue
        ids = ev["event_id"].tolist()
        ids_all |= set(ids)
        dates = pd.to_datetime(ev["date"])
        rows.append({"stream": name, "events": len(ev), "first": dates.min().date(),
                     "last": dates.max().date(), "event_ids": ids})
    cols = ["stream", "events", "first", "last", "event_ids"]
    return pd.DataFrame(rows, columns=cols), len(ids_all)


def outside_window(store, case: Case, streams: list[str] | None = None) -> OutsideWindow:
    """Count the events of the case's streams that the store holds outside the case window.

    Parameters
    ----------
    store
        A redline store.
    case
        The case (its streams and window).
    streams
        Stream names to look at; all the case's streams when None.
    """
    filters = stream_filters(case, streams)
    one = dt.timedelta(days=1)
    before, nb = _side(store, filters, None, case.start - one)
    after, na = _side(store, filters, case.end + one, None)
    own = f"{case.name}:"
    all_b = store.count(EventFilter(id_prefix=own, end=case.start - one))
    all_a = store.count(EventFilter(id_prefix=own, start=case.end + one))
    res = OutsideWindow(case.start, case.end, before, after, nb, na, all_b, all_a)
    for s in res.sentences({s.name: s.label or s.name for s in case.streams}):
        res.diagnostics.add("analysis.events_outside_window", s, subject=("case", case.name))
    return res


def date_precision(events: pd.DataFrame, ids_by_stream: Mapping[str, list[str]],
                   threshold: float = 0.0) -> tuple[pd.DataFrame, Diagnostics]:
    """Share of each stream's events dated only to a week, a month or a year.

    Parameters
    ----------
    events : DataFrame
        Events with ``event_id`` and ``date_precision``.
    ids_by_stream
        Stream name -> event ids (``StreamData.event_ids``).
    threshold
        A diagnostic is recorded for a stream whose coarse share exceeds this.

    Returns
    -------
    (DataFrame, Diagnostics)
        Rows ``stream``, ``events``, ``coarse`` (events dated coarser than a day),
        ``share``; and ``analysis.imprecise_dates`` diagnostics.
    """
    prec = dict(zip(events["event_id"], events.get("date_precision", pd.Series(dtype=object))))
    rows = []
    diags = Diagnostics()
    for s, ids in ids_by_stream.items():
        n = len(ids)
        k = sum(1 for i in ids if str(prec.get(i) or "day") in COARSE_PRECISIONS)
        share = k / n if n else 0.0
        rows.append({"stream": s, "events": n, "coarse": k, "share": share})
        if k and share > threshold:
            diags.add("analysis.imprecise_dates",
                      f"{k} of the {n} events of stream {s} ({100 * share:.0f}%) are dated only "
                      "to a week, a month or a year; their day is a convention, not an observation.",
                      subject=("stream", s))
    return pd.DataFrame(rows, columns=["stream", "events", "coarse", "share"]), diags
