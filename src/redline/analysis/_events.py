"""The events of one case, read from the store once and shared by the analyses.

A *case event* is an event dated inside the analysis window whose actor or
target is one of the case's actors (the case is defined by who takes part in
it, so events another ingest added about other actors stay out), plus any
event a stream of the case selects and every event of the case's own events
file (ids ``<case name>:...``), whose actors may be names the case does not
resolve.  Stream
membership comes from the store's own stream queries
(:func:`redline.data.streams.streams`), so every analysis counts exactly what
the models count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from redline.data.case import Case, load_case
from redline.data.filters import EventFilter
from redline.data.streams import streams as read_streams
from redline.errors import AnalysisError

__all__ = ["CaseEvents", "load_case_events", "as_case"]


def as_case(case: Case | str) -> Case:
    """A :class:`Case` from itself, a built-in case name or a case folder."""
    return load_case(case) if not isinstance(case, Case) else case


@dataclass
class CaseEvents:
    """Events of a case in its analysis window, with the daily counts of every stream.

    Attributes
    ----------
    case
        The case.
    events
        DataFrame of the case events (canonical columns), one row per event,
        ordered by date then id; ``date`` is a pandas Timestamp (day).
    counts
        DataFrame of shape (n_days, n_streams), events per day of every stream
        of the case over the whole window (0 on days without events).
    stream_ids
        Stream name -> ids of its events in the window, by date.
    """

    case: Case
    events: pd.DataFrame
    counts: pd.DataFrame
    stream_ids: dict[str, list[str]]

    @property
    def start(self) -> pd.Timestamp:
        return self.counts.index.min()

    @property
    def end(self) -> pd.Timestamp:
        return self.counts.index.max()

    @property
    def n_days(self) -> int:
        return len(self.counts)

    def stream(self, name: str) -> pd.DataFrame:
        """The events of stream ``name`` (raises UnknownStreamError if the case lacks it)."""
        self.case.stream(name)
        ids = set(self.stream_ids[name])
        return self.events[self.events["event_id"].isin(ids)]

    def stream_days(self, name: str) -> np.ndarray:
        """Day offsets (0 = window start) of the events of ``name``, one per event."""
        ev = self.stream(name)
        return ((ev["date"] - self.start) / pd.Timedelta(days=1)).to_numpy(int)


def load_case_events(store, case: Case | str, start: dt.date | None = None,
                     end: dt.date | None = None) -> CaseEvents:
    """Read the case's events and stream counts from ``store`` (two queries per stream).

    Parameters
    ----------
    start, end
        Analysis window (inclusive); the case's ``start``/``end`` when None.

    Raises
    ------
    AnalysisError
        When the window is empty (ends before it starts).
    """
    case = as_case(case)
    start = start or case.start
    end = end or case.end
    if end < start:
        raise AnalysisError(f"the analysis window is empty: it ends ({end}) before it starts ({start})",
                            field="end", expected=f"a date on or after {start}")
    if not case.streams:
        raise AnalysisError(f"case {case.name!r} defines no streams", field="streams",
                            expected="a `streams:` list in case.yaml")
    data = read_streams(store, case, None, start, end)
    ev = store.events(EventFilter(start=start, end=end).in_case(case))
    ids = {a.id for a in case.actors}
    in_streams = {i for v in data.event_ids.values() for i in v}
    keep = (ev["actor"].isin(ids) | ev["target"].isin(ids) | ev["event_id"].isin(in_streams)
            | ev["event_id"].str.startswith(f"{case.name}:"))
    ev = ev[keep].copy()
    ev["date"] = pd.to_datetime(ev["date"])
    ev = ev.sort_values(["date", "event_id"]).reset_index(drop=True)
    return CaseEvents(case, ev, data.counts, data.event_ids)
