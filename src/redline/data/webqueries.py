"""Store reads the web app's events page needs beyond the common store API.

The page counts events per day under a filter (to find where page N starts without
sorting every row) and reads a few columns of a window of days.  Both are built
here, from the same :func:`~redline.data.queries.filter_predicate` the store uses,
so no query is assembled in the web layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from redline.data.filters import EventFilter

__all__ = ["event_columns", "events_per_day"]


def events_per_day(store, filt: EventFilter) -> pd.DataFrame:
    """Matching events per day: columns ``date`` and ``n``, by date (days with none absent)."""
    from redline.data.queries import filter_predicate

    def build(t):
        e = t.filter(filter_predicate(t, filt))
        return e.group_by("date").aggregate(n=e.count()).order_by("date")
    return store.execute(build)


def event_columns(store, filt: EventFilter, columns: Sequence[str], limit: int,
                  offset: int = 0) -> pd.DataFrame:
    """Only ``columns`` of the matching events in the store's order (date, id), rows
    ``offset`` to ``offset + limit``: half the time of full rows on DuckDB (no lists of
    sources, no provenance to convert)."""
    from redline.data.queries import filter_events
    cols = list(columns)
    return store.execute(lambda t: filter_events(t, filt).select(cols).limit(limit, offset=offset))
