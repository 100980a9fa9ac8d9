"""A case at a glance: what changed lately, key judgments, the timeline, links."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from fastapi import APIRouter, Query, Request

from redline.web.params import parse_date
from redline.web.respond import page
from redline.web.routes._common import case_nav, twin, web

router = APIRouter()

#: (label, days in the recent window, days in the window before it)
WINDOWS = (("last 7 days", 7, 28), ("last 28 days", 28, 28))


def _verdict(rr: float, lo: float, hi: float, now: int, before: int) -> str:
    if now == 0 and before == 0:
        return "none"
    if lo > 1:
        return "rise"
    if hi < 1:
        return "fall"
    return "no clear change"


def change_table(store, case, asof: dt.date) -> list[dict]:
    """Each stream's events in the last 7 and 28 days against the four weeks before.

    The way conflict monitors report change: a rate over a recent window against
    the rate of the four weeks before it, with the exact Poisson rate-ratio
    interval (:func:`redline.analysis.deterrence.rate_ratio_ci`) deciding
    "rise" / "fall" / "no clear change".
    """
    from redline.analysis.deterrence import rate_ratio_ci
    from redline.data.streams import stream_filters

    filters = stream_filters(case)
    first = asof - dt.timedelta(days=max(a + b for _, a, b in WINDOWS) - 1)
    daily = store.daily_counts(filters, first, asof)
    idx = pd.date_range(first, asof, freq="D")
    if len(daily):
        daily["date"] = pd.to_datetime(daily["date"])
        counts = daily.set_index("date").reindex(idx, fill_value=0)
    else:
        counts = pd.DataFrame(0, index=idx, columns=list(filters))
    rows = []
    for s in case.streams:
        row = {"stream": s.name, "label": s.label or s.name, "windows": []}
        for label, recent, before in WINDOWS:
            now = int(counts[s.name].iloc[-recent:].sum())
            prior = int(counts[s.name].iloc[-(recent + before):-recent].sum())
            rr, lo, hi, p = rate_ratio_ci(now, recent, prior, before)
            per_week_before = prior / before * 7
            row["windows"].append({
                "window": label, "days": recent, "events": now, "events_before": prior,
                "days_before": before, "per_week": now / recent * 7,
                "per_week_before": per_week_before,
                "change_pct": None if prior == 0 else 100 * (rr - 1),
                "rate_ratio": rr, "low": lo, "high": hi, "p_value": p,
                "verdict": _verdict(rr, lo, hi, now, prior)})
        rows.append(row)
    return rows


def last_event_date(store, case) -> dt.date:
    """The last day with an event of any of the case's streams (the case end if none)."""
    from redline.data.streams import stream_filters
    daily = store.daily_counts(stream_filters(case), case.start, case.end)
    if not len(daily):
        return case.end
    return pd.Timestamp(daily["date"].max()).date()


def timeline(store, case) -> dict:
    """The brief's timeline chart (:func:`redline.reports.charts.timeline_spec`) of the case.

    Here a day's bar links to that stream's events that day, and a key event's number to
    the events around it (:mod:`redline.web.links`); the brief draws the chart without.
    """
    from redline.data.streams import streams
    from redline.reports.charts import timeline_spec
    from redline.web.links import events_url, key_event_links, with_day_links
    names = list(case.model.streams) or [s.name for s in case.streams[:2]]
    counts = streams(store, case, names).counts
    daily = [{"date": d.date().isoformat(), "stream": s, "count": int(v)}
             for s in names for d, v in counts[s].items()]
    labels = {s: case.stream(s).label or s for s in names}
    keys = key_event_links([{"n": i + 1, "date": k.date.isoformat(), "label": k.label}
                            for i, k in enumerate(case.key_events)], case.name)
    daily = with_day_links(daily, case.name, lambda r: {"stream": r["stream"]})
    # The same filters as links beside the chart, for readers who do not use a mouse.
    stream_links = [{"label": labels[s], "href": events_url(case.name, stream=s)} for s in names]
    return {"spec": timeline_spec(daily, labels, keys, width=640), "key_events": keys,
            "streams": stream_links}


@twin(router, "/cases/{case}", summary="Case overview", tags=["overview"])
def overview(request: Request, case: str,
             asof: str | None = Query(None, description="As-of date YYYY-MM-DD (default: the "
                                      "case's last event)")):
    """What changed in the last 7 and 28 days against the four weeks before; key judgments."""
    st = web(request)
    c = st.case(case)
    last = st.cached(("last-event", case), lambda: last_event_date(st.store, c))
    day = parse_date(asof, "asof") or last
    data = {
        "title": c.title, "case": case_nav(c, "overview"), "description": c.description,
        "asof": day, "last_event": last, "change_from": day - dt.timedelta(days=27),
        "change": st.cached(("change", case, day), lambda: change_table(st.store, c, day)),
        "timeline": st.cached(("timeline", case), lambda: timeline(st.store, c)),
        "judgments_url": f"/cases/{case}/judgments",
        "counts": {"actors": len(c.actors), "ties": len(c.ties), "streams": len(c.streams)},
    }
    return page(request, "overview.html", data)
