"""Events: filters and facets in the URL, a paged table, a map, a brushable timeline, details."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from redline.data.filters import EventFilter
from redline.data.schema import EVENT_TYPES, MODES
from redline.errors import InputError
from redline.web.params import FilterParams, Paging
from redline.web.respond import jsonable, page, records
from redline.web.routes._common import (
    case_countries,
    case_filter,
    case_nav,
    resolved,
    scope_of,
    twin,
    web,
)

router = APIRouter()

TABLE_COLUMNS = ["event_id", "date", "date_precision", "actor", "target", "event_type", "mode",
                 "country", "place", "killed", "summary"]
#: Column headings of the events table (the JSON twin keeps the field names).
HEADINGS = {"event_id": "event", "date": "date", "actor": "by", "target": "against",
            "event_type": "type", "mode": "means", "country": "country", "place": "place",
            "killed": "killed", "summary": "what happened"}
FACETS = (("event_type", "type"), ("actor", "actor"), ("target", "target"),
          ("country", "country"), ("mode", "mode"))
#: The map draws at most this many events (the first by date); the page says so.
MAP_LIMIT = 5000
#: The events table reads rows in blocks of this many (a page is at most MAX_PER_PAGE):
#: one query serves 100 pages of 50, and a block costs little more than a page to read.
BLOCK_ROWS = 5000


#: At most this many suggestions in a filter's list beyond the case's own names: the
#: case's events hold hundreds of coded actor ids and countries, and a list of thousands is
#: slow to open and no help.  The most frequent values (by events) are the ones kept.
SUGGEST_LIMIT = 100


def suggestions(st, case) -> dict[str, list[str]]:
    """Values of the case's events a filter may take, most frequent first, that the case
    does not name itself: ``actor`` (ids in the actor or target column) and ``country``;
    each at most :data:`SUGGEST_LIMIT` (cached per case and store version)."""
    from collections import Counter
    filt = EventFilter(**scope_of(case))

    def compute() -> dict[str, list[str]]:
        def counts(column: str) -> Counter:
            m = st.store.monthly_by(filt, column)
            # A value with a comma is left out: the filter reads commas as "or", so picking
            # it would filter on its two halves.
            return Counter({str(k): int(v) for k, v in m.groupby("key")["events"].sum().items()
                            if k is not None and str(k).strip() and k != "(unknown)"
                            and "," not in str(k)})
        known = {a.id for a in case.actors}
        actors = counts("actor") + counts("target")
        countries = counts("country")
        named = {c.casefold() for c in case_countries(case)}
        return {"actor": [k for k, _ in actors.most_common() if k not in known][:SUGGEST_LIMIT],
                "country": [k for k, _ in countries.most_common()
                            if k.casefold() not in named][:SUGGEST_LIMIT]}
    return st.cached(("suggestions", case.name), compute)


def _vocab(case, more: dict[str, list[str]] | None = None) -> dict:
    """What the filter form offers: the case's actors (names and aliases) and countries, then
    ``more`` (:func:`suggestions`: other values of its events), types, modes, streams."""
    more = more or {}
    return {"actors": [{"id": a.id, "name": a.name, "aliases": list(a.aliases)}
                       for a in case.actors],
            "other_actors": more.get("actor", []),
            "event_types": list(EVENT_TYPES), "modes": list(MODES),
            "streams": [{"name": s.name, "label": s.label or s.name} for s in case.streams],
            "countries": case_countries(case) + more.get("country", [])}


def empty_help(case, f: FilterParams) -> list[dict]:
    """Why a filter may have matched nothing: each value that names nothing the case knows,
    with the closest names it does know."""
    from redline.web.names import suggest
    r = resolved(f, case)
    names = [a.name for a in case.actors] + [x for a in case.actors for x in a.aliases]
    out = []
    for fld, value in r.unknown:
        pool = case_countries(case) if fld == "country" else names
        out.append({"field": fld, "value": value, "suggestions": suggest(value, pool)})
    return out


@dataclass(frozen=True)
class DayIndex:
    """Events per day under one filter, cumulated: the total, and where each page starts.

    One grouped count per filter (cached); a page is then a query for the few days it
    covers (``date BETWEEN first AND last``, LIMIT/OFFSET within them), not a sort of
    every matching row to skip to row N.
    """

    dates: tuple
    cumulative: np.ndarray  # rows on or before each date

    @property
    def total(self) -> int:
        return int(self.cumulative[-1]) if len(self.cumulative) else 0

    @classmethod
    def of(cls, store, filt: EventFilter) -> DayIndex:
        from redline.data.webqueries import events_per_day
        days = events_per_day(store, filt)
        dates = tuple(pd.Timestamp(d).date() for d in days["date"])
        return cls(dates, np.cumsum(days["n"].to_numpy(dtype="int64")))

    def window(self, filt: EventFilter, offset: int, limit: int) -> tuple[EventFilter, int]:
        """``filt`` narrowed to the days that hold rows ``offset``..``offset + limit``, and
        where ``offset`` falls among the rows of those days."""
        last = len(self.dates) - 1
        first = min(int(np.searchsorted(self.cumulative, offset, side="right")), last)
        end = min(int(np.searchsorted(self.cumulative, min(offset + limit, self.total) - 1,
                                      side="right")), last)
        before = int(self.cumulative[first - 1]) if first else 0
        return replace(filt, start=self.dates[first], end=self.dates[max(first, end)]), \
            offset - before

    def rows(self, store, filt: EventFilter, offset: int, limit: int) -> pd.DataFrame:
        """Rows ``offset`` to ``offset + limit`` of ``filt`` by date and id, from the store."""
        if not self.dates:
            return store.events(filt, limit=limit, offset=offset)
        window, inner = self.window(filt, offset, limit)
        return store.events(window, limit=limit, offset=inner)

    def table_rows(self, store, filt: EventFilter, offset: int, limit: int) -> pd.DataFrame:
        """:meth:`rows` with only the table's columns (half the time on DuckDB: no lists of
        sources, no provenance to convert)."""
        if not self.dates or not getattr(store, "native_offset", True):
            rows = self.rows(store, filt, offset, limit)
            return rows[[c for c in TABLE_COLUMNS if c in rows.columns]]
        from redline.data.webqueries import event_columns
        window, inner = self.window(filt, offset, limit)
        return event_columns(store, window, TABLE_COLUMNS, limit, inner)

    def page(self, store, filt: EventFilter, offset: int, limit: int,
             cached=None) -> pd.DataFrame:
        """Like :meth:`rows` (the table's columns only), read in blocks of :data:`BLOCK_ROWS`
        that ``cached(key, compute)`` keeps: the pages of a block share one query."""
        if cached is None:
            return self.rows(store, filt, offset, limit)

        def block(b: int) -> pd.DataFrame:
            return self.table_rows(store, filt, b * BLOCK_ROWS, BLOCK_ROWS)
        first, last = offset // BLOCK_ROWS, (offset + limit - 1) // BLOCK_ROWS
        blocks = [cached(("events-block", repr(filt), b), lambda b=b: block(b))
                  for b in range(first, last + 1)]
        rows = pd.concat(blocks, ignore_index=True) if len(blocks) > 1 else blocks[0]
        start = offset - first * BLOCK_ROWS
        return rows.iloc[start:start + limit].reset_index(drop=True)


def day_index(st, filt: EventFilter) -> DayIndex:
    """The :class:`DayIndex` of ``filt``: computed once per filter and store version."""
    return st.cached(("day-index", repr(filt)), lambda: DayIndex.of(st.store, filt))


@twin(router, "/cases/{case}/events", summary="Events (filtered, paged)", tags=["events"])
def events_page(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep),
                p: Paging = Depends(Paging.dep)):
    """One page of the case's events matching the filters, with the total count.

    A case's events are those of its own file and those by or against its actors
    (``EventFilter`` scope); ``/`` counts the whole store.  Paging by ``page`` and
    ``per_page``, or by ``offset`` and ``limit`` (rows)."""
    st = web(request)
    c = st.case(case)
    filt = case_filter(f, c)
    index = day_index(st, filt)  # shared by every page of the filter
    total = index.total
    rows = index.page(st.store, filt, p.offset, p.per_page,
                      lambda key, compute: st.cached(key, compute, bucket="blocks"))
    pages = max(1, math.ceil(total / p.per_page))
    cols = [col for col in TABLE_COLUMNS if col in rows.columns]
    if "killed" in rows:
        rows = rows.assign(killed=rows["killed"].astype("Int64"))
    shown = {k: v for k, v in filt.as_dict().items() if not k.startswith("scope_")}
    outside = 0
    if not (f.start or f.end):  # events of the case's actors outside its window, reachable
        outside = st.cached(("outside", case, repr(filt)),
                            lambda: total - day_index(st, filt.with_dates(c.start, c.end)).total)
    data = {"title": f"Events · {c.title}", "case": case_nav(c, "events"),
            "filters": f.query(), "filter": shown, "total": total,
            "scope": {"case": filt.scope_case, "id_prefix": filt.scope_prefix,
                      "actors": list(filt.scope_actors)},
            "page": p.page, "per_page": p.per_page, "pages": pages, "offset": p.offset,
            "rows": records(rows[cols]), "columns": [x for x in cols if x != "date_precision"],
            "headings": HEADINGS, "vocab": _vocab(c, suggestions(st, c)), "map_limit": MAP_LIMIT,
            "names": {a.id: a.name for a in c.actors}, "outside_window": outside,
            "empty_help": empty_help(c, f) if total == 0 else []}
    return page(request, "events.html", data)


@twin(router, "/cases/{case}/events/facets", summary="Facet counts of the filtered events",
      tags=["events"])
def facets(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """The case's events per value of type, actor, target, country and mode under the filters."""
    st = web(request)
    c = st.case(case)
    filt = case_filter(f, c)

    def compute() -> dict:
        out = {}
        for column, param in FACETS:
            m = st.store.monthly_by(filt, column)
            counts = m.groupby("key")["events"].sum().sort_values(ascending=False).head(12)
            out[param] = [{"value": k, "events": int(v)} for k, v in counts.items()]
        return out
    data = {"title": "Facets", "case": case_nav(c, "events"), "filters": f.query(),
            "facets": st.cached(("facets", repr(filt)), compute),
            "names": {a.id: a.name for a in c.actors},
            "headings": {"type": "type", "actor": "by", "target": "against",
                         "country": "country", "mode": "means"}}
    return page(request, "facets.html", data)


@router.get("/cases/{case}/events/points.json", summary="Map points of the filtered events",
            tags=["events"])
def points(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """The case's events with coordinates (the first MAP_LIMIT by date) and its sites."""
    st = web(request)
    c = st.case(case)
    filt = case_filter(f, c)

    def compute() -> dict:
        ev = st.store.events(filt, limit=MAP_LIMIT)
        have = ev.dropna(subset=["latitude", "longitude"])
        pts = have[["event_id", "date", "actor", "target", "event_type", "place", "latitude",
                    "longitude"]]
        return {"points": records(pts), "shown": len(have), "limit": MAP_LIMIT,
                "sites": [{"name": s.name, "latitude": s.latitude, "longitude": s.longitude,
                           "kind": s.kind} for s in c.sites]}
    return JSONResponse(jsonable(st.cached(("points", repr(filt)), compute)))


def timeline_spec_for(store, case, filt: EventFilter) -> dict:
    """The brief's timeline chart of the filtered events, with an x-interval brush."""
    from redline.reports.charts import timeline_spec
    # Dated filter: an empty filter's predicate is a literal, which daily_counts cannot sum.
    counts = store.daily_counts({"events": filt.with_dates(case.start, case.end)}, case.start,
                                case.end)
    daily = [{"date": pd.Timestamp(d).date().isoformat(), "stream": "events", "count": int(n)}
             for d, n in zip(counts.get("date", []), counts.get("events", []))]
    keys = [{"n": i + 1, "date": k.date.isoformat(), "label": k.label}
            for i, k in enumerate(case.key_events)]
    spec = timeline_spec(daily, {"events": "Events matching the filters, per day"}, keys, width=440)
    # The bar layer of the (only) panel carries the brush the page listens to.
    panel = spec["vconcat"][0]
    bars = next(layer for layer in panel["layer"]
                if layer["mark"]["type"] == "rect" and "y" in layer.get("encoding", {}))
    bars["params"] = [{"name": "brush", "select": {"type": "interval", "encodings": ["x"]}}]
    # Key-event rules and numbers clutter a brush; keep the bars.
    panel["layer"] = [layer for layer in panel["layer"] if layer["mark"]["type"] not in ("rule", "text")]
    return spec


@router.get("/cases/{case}/events/timeline.json", summary="Timeline (Vega-Lite) of the filtered "
            "events", tags=["events"])
def timeline(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """A Vega-Lite spec: daily counts of the case's filtered events (dates ignored), brushable."""
    st = web(request)
    c = st.case(case)
    filt = case_filter(f, c)
    spec = st.cached(("timeline-events", case, repr(filt.with_dates(None, None))),
                     lambda: timeline_spec_for(st.store, c, filt))
    return JSONResponse(spec)


@twin(router, "/cases/{case}/events/{event_id}", summary="One event with its sources and "
      "provenance", tags=["events"])
def event_detail(request: Request, case: str, event_id: str):
    """Every column of one event; for machine-coded events the sentence it came from."""
    st = web(request)
    c = st.case(case)
    if len(event_id) > 300:
        raise InputError("event id too long", field="event_id", expected="an id from the table")
    df = st.store.events(EventFilter(event_ids=(event_id,), **scope_of(c)), limit=1)
    if not len(df):
        raise HTTPException(404, f"no event {event_id!r} among the events of case {case!r}")
    event = records(df)[0]
    prov = None
    if event.get("provenance"):
        try:
            prov = json.loads(event["provenance"])
        except (TypeError, ValueError):
            prov = {"text": event["provenance"]}
    from redline.reports.sources import case_grades, reliability_of
    names = {a.id: a.name for a in c.actors}
    grades = case_grades(c)
    data = {"title": f"Event {event_id}", "case": case_nav(c, "events"), "event": event,
            "provenance": prov, "actor_name": names.get(event.get("actor")),
            "target_name": names.get(event.get("target")),
            "source_grades": {s: reliability_of(s, grades) for s in event.get("sources") or []}}
    return page(request, "event.html", data)
