"""Links from the web app's charts to the events page, filtered to what was clicked.

The charts are the brief's (:mod:`redline.reports.charts`); a record with an ``href``
becomes a link there.  Only the web routes call these helpers, so the brief's HTML and
PDF, drawn from the same specs without ``href``, never link to the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

__all__ = ["events_url", "with_day_links", "key_event_links", "KEY_EVENT_DAYS"]

#: A key event's link opens the events this many days either side of it (its run-up and
#: the reactions to it), not only its own day.
KEY_EVENT_DAYS = 3


def events_url(case: str, **params: Any) -> str:
    """The events page of ``case`` with ``params`` as filters (``from_`` for ``from``).

    Empty values are left out; dates are written as ISO days.
    """
    clean = {k.rstrip("_"): (v.isoformat() if isinstance(v, dt.date) else v)
             for k, v in params.items() if v not in (None, "")}
    query = urlencode(clean)
    return f"/cases/{quote(case, safe='')}/events" + (f"?{query}" if query else "")


def with_day_links(rows: Iterable[dict], case: str,
                   filters: Callable[[dict], dict[str, Any]]) -> list[dict]:
    """``rows`` (records with a ``date``) each with an ``href``: the events page filtered by
    ``filters(row)`` on that one day (a day without events too: its bar has no height, so
    no one clicks it, and a record without ``href`` would read "href: undefined")."""
    out = []
    for r in rows:
        day = str(r["date"])[:10]
        out.append({**r, "href": events_url(case, **filters(r), from_=day, to=day)})
    return out


def key_event_links(keys: Iterable[dict], case: str) -> list[dict]:
    """Key events (``{n, date, label}``) each with an ``href``: the case's events within
    :data:`KEY_EVENT_DAYS` days of it."""
    out = []
    for k in keys:
        day = dt.date.fromisoformat(str(k["date"])[:10])
        span = dt.timedelta(days=KEY_EVENT_DAYS)
        out.append({**k, "href": events_url(case, from_=day - span, to=day + span)})
    return out
