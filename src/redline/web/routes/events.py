"""Events: filters and facets in the URL, a paged table, a map, a brushable timeline, details."""

from __future__ import annotations

import json
import math

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from redline.data.filters import EventFilter
from redline.data.schema import EVENT_TYPES, MODES
from redline.errors import InputError
from redline.web.params import FilterParams, Paging
from redline.web.respond import jsonable, page, records
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()

TABLE_COLUMNS = ["event_id", "date", "actor", "target", "event_type", "mode", "country", "place",
                 "killed", "summary"]
FACETS = (("event_type", "type"), ("actor", "actor"), ("target", "target"),
          ("country", "country"), ("mode", "mode"))
#: The map draws at most this many events (the first by date); the page says so.
MAP_LIMIT = 5000


def _vocab(case) -> dict:
    return {"actors": [{"id": a.id, "name": a.name} for a in case.actors],
            "event_types": list(EVENT_TYPES), "modes": list(MODES)}


@twin(router, "/cases/{case}/events", summary="Events (filtered, paged)", tags=["events"])
def events_page(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep),
                p: Paging = Depends(Paging.dep)):
    """One page of the events matching the filters, with the total count (the store's
    ``events(filter, limit, offset)`` and ``count``)."""
    st = web(request)
    c = st.case(case)
    filt = f.to_filter()
    # The count is shared by every page of a filter; each page is its own LIMIT/OFFSET query.
    total = st.cached(("count", repr(filt)), lambda: st.store.count(filt), single=True)
    rows = st.cached(("events", repr(filt), p.page, p.per_page),
                     lambda: st.store.events(filt, limit=p.per_page, offset=p.offset))
    pages = max(1, math.ceil(total / p.per_page))
    cols = [col for col in TABLE_COLUMNS if col in rows.columns]
    if "killed" in rows:
        rows = rows.assign(killed=rows["killed"].astype("Int64"))
    data = {"title": f"Events · {c.title}", "case": case_nav(c, "events"),
            "filters": f.query(), "filter": filt.as_dict(), "total": total,
            "page": p.page, "per_page": p.per_page, "pages": pages,
            "rows": records(rows[cols]), "columns": cols, "vocab": _vocab(c),
            "map_limit": MAP_LIMIT}
    return page(request, "events.html", data)


@twin(router, "/cases/{case}/events/facets", summary="Facet counts of the filtered events",
      tags=["events"])
def facets(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """Events per value of type, actor, target, country and mode under the filters."""
    st = web(request)
    c = st.case(case)
    filt = f.to_filter()

    def compute() -> dict:
        out = {}
        for column, param in FACETS:
            m = st.store.monthly_by(filt, column)
            counts = m.groupby("key")["events"].sum().sort_values(ascending=False).head(12)
            out[param] = [{"value": k, "events": int(v)} for k, v in counts.items()]
        return out
    data = {"title": "Facets", "case": case_nav(c, "events"), "filters": f.query(),
            "facets": st.cached(("facets", repr(filt)), compute)}
    return page(request, "facets.html", data)


@router.get("/cases/{case}/events/points.json", summary="Map points of the filtered events",
            tags=["events"])
def points(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """Events with coordinates (the first MAP_LIMIT by date) and the case's sites."""
    st = web(request)
    c = st.case(case)
    filt = f.to_filter()

    def compute() -> dict:
        ev = st.store.events(filt, limit=MAP_LIMIT)
        have = ev.dropna(subset=["latitude", "longitude"])
        pts = have[["event_id", "date", "actor", "target", "event_type", "place", "latitude",
                    "longitude"]]
        return {"points": records(pts), "shown": len(have), "limit": MAP_LIMIT,
                "sites": [{"name": s.name, "latitude": s.latitude, "longitude": s.longitude,
                           "kind": s.kind} for s in c.sites]}
    return JSONResponse(jsonable(st.cached(("points", case, repr(filt)), compute)))


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
    bars = next(layer for layer in panel["layer"] if layer["mark"]["type"] == "bar")
    bars["params"] = [{"name": "brush", "select": {"type": "interval", "encodings": ["x"]}}]
    # Key-event rules and numbers clutter a brush; keep the bars.
    panel["layer"] = [layer for layer in panel["layer"] if layer["mark"]["type"] not in ("rule", "text")]
    return spec


@router.get("/cases/{case}/events/timeline.json", summary="Timeline (Vega-Lite) of the filtered "
            "events", tags=["events"])
def timeline(request: Request, case: str, f: FilterParams = Depends(FilterParams.dep)):
    """A Vega-Lite spec: daily counts of the filtered events (dates ignored), brushable."""
    st = web(request)
    c = st.case(case)
    filt = f.to_filter()
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
    df = st.store.events(EventFilter(event_ids=(event_id,)), limit=1)
    if not len(df):
        raise HTTPException(404, f"no event {event_id!r} in the store")
    event = records(df)[0]
    prov = None
    if event.get("provenance"):
        try:
            prov = json.loads(event["provenance"])
        except (TypeError, ValueError):
            prov = {"text": event["provenance"]}
    names = {a.id: a.name for a in c.actors}
    data = {"title": f"Event {event_id}", "case": case_nav(c, "events"), "event": event,
            "provenance": prov, "actor_name": names.get(event.get("actor")),
            "target_name": names.get(event.get("target"))}
    return page(request, "event.html", data)
