"""``redline case check``: what a case's events make of its actors and streams.

:func:`check_case` reads the case's own events file with the case as it is now
(whole-name aliases and patterns) and reports names that resolve to no actor, actors
without events, each stream's events per month, and warnings: a stream too thin to
fit, a window with no events at one end, events outside the window, and names that
join several parties but resolve to one actor (:mod:`redline.data.multiparty`).  Every
finding is a :class:`~redline.diagnostics.Diagnostic` (codes ``case.*``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from redline.data.multiparty import (
    MultiPartyName,
    case_places,
    find_multi_party_names,
    parties_named,
)
from redline.diagnostics import Diagnostics

__all__ = ["CaseCheck", "check_case", "EDGE_DAYS"]

#: a window end with no event within this many days gets a warning
EDGE_DAYS = 30


@dataclass
class CaseCheck:
    """What :func:`check_case` found."""

    case: str
    events: int
    #: raw name -> events it appears in (as actor or target), for names no actor takes
    unresolved: dict[str, int]
    #: actor ids that appear in no event
    actors_without_events: list[str]
    #: events per month (rows) and stream (columns)
    stream_months: pd.DataFrame
    #: events of each stream inside the window
    stream_totals: dict[str, int]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    #: names (aliases, event values) that join several parties but resolve to one actor
    multi_party: list[MultiPartyName] = field(default_factory=list)
    #: unresolved name -> why it must not become an alias, for names of several parties
    split_notes: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing was found that needs the analyst (no warnings or errors)."""
        return not self.diagnostics.at_least("warning")

    def to_dict(self) -> dict[str, Any]:
        months = {s: {m: int(n) for m, n in self.stream_months[s].items()}
                  for s in self.stream_months.columns}
        return {"case": self.case, "events": self.events, "ok": self.ok,
                "unresolved": [{"name": k, "events": v, "note": self.split_notes.get(k)}
                               for k, v in self.unresolved.items()],
                "actors_without_events": self.actors_without_events,
                "streams": [{"name": s, "events": self.stream_totals[s], "per_month": months[s]}
                            for s in self.stream_totals],
                "multi_party": [m.to_dict() for m in self.multi_party],
                "diagnostics": self.diagnostics.to_list()}


def check_case(case_ref: str | Path, min_stream_events: int | None = None) -> CaseCheck:
    """Check a case folder (or built-in case) against its own events file.

    Parameters
    ----------
    case_ref
        A case folder, its ``case.yaml``, or a built-in case name.
    min_stream_events
        Fewer events than this in the window make a stream too thin to fit
        (default :data:`redline.data.casebuild.MIN_STREAM_EVENTS`).
    """
    from redline.data.case import load_case
    from redline.data.casebuild import MIN_STREAM_EVENTS
    from redline.data.filters import EventFilter
    from redline.data.store import DuckDBStore

    min_stream_events = MIN_STREAM_EVENTS if min_stream_events is None else min_stream_events
    case = load_case(case_ref)
    diags = Diagnostics()
    with tempfile.TemporaryDirectory(prefix="redline-check-") as tmp:
        store = DuckDBStore(Path(tmp) / "check.duckdb")
        assert case.folder is not None  # load_case sets the folder
        store.ingest(case.folder, "case")
        # the case ingest above already resolved every name with the case as it is
        with store.connect() as con:
            ev = con.execute("SELECT event_id, date, actor, actor_raw, target, target_raw "
                             "FROM events").df()
        streams = {s.name: store.events(EventFilter.from_stream(s, case.start, case.end))
                   for s in case.streams}
    ids = {a.id for a in case.actors}
    names = pd.concat([ev.loc[~ev.actor.isin(ids), "actor_raw"],
                       ev.loc[ev.target.notna() & ~ev.target.isin(ids), "target_raw"]]).dropna()
    unresolved = {str(k): int(v) for k, v in names.value_counts().items()}
    resolver, places = case.resolver(), case_places(case)
    notes: dict[str, str] = {}
    for name, n in unresolved.items():
        # an alias would glue several parties onto one actor: tell the analyst to split instead
        named = {a for a in parties_named(name, resolver, places).values() if a is not None}
        if len(named) >= 2:
            notes[name] = (f"names several actors ({', '.join(sorted(named))}): split each of "
                           "its rows into one event per party; do not add it as an alias")
        elif ";" in name:
            notes[name] = ("joins several names with ';': put one party in the field (a note "
                           "belongs in the summary); do not add it as an alias")
        fix = notes.get(name, "add it to an actor's aliases (or a pattern), or add an actor")
        diags.add("case.unresolved_name", f"{name!r} ({n} events) resolves to no actor: {fix}",
                  subject=("case", case.name))
    resolved = [(f, str(raw), str(aid))
                for f in ("actor", "target")
                for raw, aid in ev.loc[ev[f].isin(ids) & ev[f"{f}_raw"].notna(),
                                       [f"{f}_raw", f]].drop_duplicates().itertuples(index=False)]
    multi = find_multi_party_names(case, resolved)
    for m in multi:
        diags.add("case.multi_party_name", _multi_party_message(m), subject=("case", case.name))
    seen = set(ev.actor) | set(ev.target.dropna())
    without = [a.id for a in case.actors if a.id not in seen]
    for aid in without:
        diags.add("case.actor_without_events", f"actor {aid!r} appears in no event: check its "
                  "name and aliases against the names in the events file",
                  subject=("case", case.name))
    months = pd.period_range(case.start, case.end, freq="M")
    table = pd.DataFrame(0, index=[str(m) for m in months], columns=list(streams), dtype=int)
    totals: dict[str, int] = {}
    for s, df in streams.items():
        if len(df):
            per = pd.to_datetime(df["date"]).dt.to_period("M").astype(str).value_counts()
            table.loc[per.index, s] = per.values
        totals[s] = len(df)
        if len(df) < min_stream_events:
            diags.add("case.thin_stream", f"stream {s!r} has {len(df)} events in the window, "
                      f"fewer than {min_stream_events}: too thin to fit", subject=("stream", s))
    if len(ev):
        dates = pd.to_datetime(ev["date"]).dt.date
        first, last = dates.min(), dates.max()
        edge = dt.timedelta(days=EDGE_DAYS)
        if first > case.start + edge:
            diags.add("case.window_edge_empty", f"no event between the window's start "
                      f"{case.start} and {first}: move start, or the models read the gap as calm",
                      subject=("case", case.name))
        if last < case.end - edge:
            diags.add("case.window_edge_empty", f"no event between {last} and the window's end "
                      f"{case.end}: move end, or the models read the gap as calm",
                      subject=("case", case.name))
        outside = int(((dates < case.start) | (dates > case.end)).sum())
        if outside:
            diags.add("case.events_outside_window", f"{outside} events fall outside the window "
                      f"{case.start}..{case.end}; streams and models ignore them",
                      subject=("case", case.name))
    return CaseCheck(case.name, len(ev), unresolved, without, table, totals, diags, multi, notes)


def _multi_party_message(m: MultiPartyName) -> str:
    where = f"{m.file}, line {m.lines[0]}" if m.lines else m.file
    if m.count > 1:
        more = m.count - len(m.lines)
        where += (f" ({m.count} rows: lines " + ", ".join(map(str, m.lines))
                  + (f" and {more} more" if more > 0 else "") + ")")
    parts = "; ".join(f"{p!r} -> {a or 'no actor'}" for p, a in m.parts.items())
    return (f"{where}, field {m.field}: {m.value!r} names several parties ({parts}) but "
            f"resolves to the one actor {m.actor!r}; valid: {m.expected}")
