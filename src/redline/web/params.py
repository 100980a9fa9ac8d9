"""Query parameters shared by the pages: the event filter and paging.

The filter travels in the URL (so any view can be shared) and becomes the same
:class:`~redline.data.filters.EventFilter` the CLI's ``redline events`` builds;
the store turns it into a parameterised Ibis query.  No parameter takes SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import Query

from redline.data.filters import EventFilter
from redline.errors import InputError

__all__ = ["FilterParams", "Paging", "parse_date", "check_event_types", "MAX_PER_PAGE",
           "MAX_OFFSET"]

MAX_PER_PAGE = 500
#: The furthest row a page may start at (10 million: past any page a person reads).
MAX_OFFSET = 10_000_000
_MAX_TEXT = 200
#: Dates the pages accept: wide enough for any event record, narrow enough that a window
#: of weeks around them stays a valid date (``0001-01-01`` minus 55 days is not).
FIRST_DAY = dt.date(1000, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def parse_date(value: str | None, field: str) -> dt.date | None:
    """``YYYY-MM-DD`` -> date; empty -> None; anything else -> InputError (400)."""
    if value is None or not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"invalid date {value!r}", field=field, expected="YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:  # windows reach weeks before and after a date
        raise InputError(f"date {value!r} is out of range", field=field,
                         expected=f"YYYY-MM-DD between {FIRST_DAY} and {LAST_DAY}")
    return day


def check_event_types(value: str | None) -> None:
    """Each comma-separated type must be a PLOVER event type (any case); else InputError (400)."""
    from redline.data.schema import EVENT_TYPES
    for t in (value or "").split(","):
        t = t.strip()
        if t and t.upper() not in EVENT_TYPES:
            raise InputError(f"unknown event type {t!r}", field="type",
                             expected="PLOVER types, comma-separated: " + ", ".join(EVENT_TYPES))


def _clean(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > _MAX_TEXT:
        raise InputError(f"{field} is too long ({len(value)} characters)", field=field,
                         expected=f"at most {_MAX_TEXT} characters")
    if any(ord(ch) < 32 for ch in value):
        raise InputError(f"{field} holds control characters", field=field,
                         expected="plain text")
    return value or None


@dataclass
class FilterParams:
    """The event filter as URL parameters (comma-separated lists, ISO dates)."""

    actor: str | None = None
    target: str | None = None
    type: str | None = None
    mode: str | None = None
    country: str | None = None
    start: str | None = None
    end: str | None = None
    text: str | None = None
    stream: str | None = None

    @classmethod
    def dep(
        cls,
        actor: str | None = Query(None, description="Actor ids, comma-separated (OR)."),
        target: str | None = Query(None, description="Target ids, comma-separated (OR)."),
        type: str | None = Query(None, description="PLOVER event types, e.g. ASSAULT,THREATEN."),
        mode: str | None = Query(None, description="Modes, e.g. drone,rocket."),
        country: str | None = Query(None, description="Countries, comma-separated."),
        start: str | None = Query(None, alias="from", description="First date, YYYY-MM-DD."),
        end: str | None = Query(None, alias="to", description="Last date, YYYY-MM-DD."),
        text: str | None = Query(None, description="Words in the summary (case-insensitive)."),
        stream: str | None = Query(None, description="A stream of the case (its name): its "
                                   "filter, ANDed with the others."),
    ) -> FilterParams:
        return cls(*(_clean(v, f) for v, f in (
            (actor, "actor"), (target, "target"), (type, "type"), (mode, "mode"),
            (country, "country"), (start, "from"), (end, "to"), (text, "text"),
            (stream, "stream"))))

    def to_filter(self, **override: Any) -> EventFilter:
        check_event_types(self.type)
        start = parse_date(self.start, "from")
        end = parse_date(self.end, "to")
        if start and end and end < start:
            raise InputError(f"the dates end ({end}) before they start ({start})", field="to",
                             expected=f"a date on or after {start}")
        # comma-separated strings: EventFilter splits them into its tuples
        kw: dict[str, Any] = dict(actors=self.actor, targets=self.target, event_types=self.type,
                                  modes=self.mode, countries=self.country, start=start, end=end,
                                  text=self.text)
        kw.update(override)
        return EventFilter(**kw)

    def query(self) -> dict[str, str]:
        """The parameters as they appear in the URL (for links that keep the view)."""
        out = {"actor": self.actor, "target": self.target, "type": self.type, "mode": self.mode,
               "country": self.country, "from": self.start, "to": self.end, "text": self.text,
               "stream": self.stream}
        return {k: v for k, v in out.items() if v}


@dataclass
class Paging:
    """Which rows: ``page``/``per_page``, or ``offset``/``limit`` (rows), both bounded."""

    page: int = 1
    per_page: int = 50
    start_row: int | None = None

    @classmethod
    def dep(cls, page: int = Query(1, ge=1, le=1_000_000, description="Page number, from 1."),
            per_page: int = Query(50, ge=1, le=MAX_PER_PAGE, description="Rows per page."),
            limit: int | None = Query(None, ge=1, le=MAX_PER_PAGE,
                                      description="Rows per page (same as per_page)."),
            offset: int | None = Query(None, ge=0, le=MAX_OFFSET,
                                       description="First row, from 0 (instead of page).")
            ) -> Paging:
        per_page = limit or per_page
        if offset is not None:
            return cls(offset // per_page + 1, per_page, offset)
        if (page - 1) * per_page > MAX_OFFSET:
            raise InputError(f"page {page} starts past row {MAX_OFFSET:,}", field="page",
                             expected=f"a page up to {MAX_OFFSET // per_page + 1:,} at "
                             f"{per_page} rows a page")
        return cls(page, per_page)

    @property
    def offset(self) -> int:
        return self.start_row if self.start_row is not None else (self.page - 1) * self.per_page
