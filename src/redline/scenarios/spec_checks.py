"""Cross-reference checks of a scenario file that pydantic cannot do.

:func:`redline.scenarios.spec.load_scenario` validates the shape of a scenario with
pydantic, then runs :class:`SpecChecker`: every stream, actor, metric, assumption,
option and day a scenario names must exist in it or in its case, and every number
must lie in its range.  Each error names the file, the YAML line and path, and what
a valid value looks like.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.data.case import Case
from redline.data.yamlfile import YamlDocument
from redline.errors import ScenarioError
from redline.scenarios.spec import (
    FATALITIES,
    EventRisk,
    Inject,
    RedLine,
    ScaleBaseline,
    ScenarioSpec,
    SetBaseline,
    SetCoupling,
)

__all__ = ["SpecChecker"]


class SpecChecker:
    """Cross-reference checks pydantic cannot do; each error names its YAML line."""

    def __init__(self, spec: ScenarioSpec, case: Case, doc: YamlDocument) -> None:
        self.spec, self.case, self.doc = spec, case, doc
        self.actors = [a.id for a in case.actors]
        self.case_streams = [s.name for s in case.streams]
        self.model_streams = list(spec.model.streams or case.model.streams or self.case_streams)
        self.streams = self.model_streams + list(spec.exogenous_streams)
        self.assumptions = {a.id for a in spec.assumptions}

    def fail(self, msg: str, loc: tuple, expected: str | None = None) -> None:
        from redline.data.yamlfile import dotted
        raise ScenarioError(msg, file=str(self.doc.path), line=self.doc.line_of(loc),
                            field=dotted(loc), expected=expected)

    def stream(self, name: str | None, loc: tuple, modelled: bool = False) -> None:
        pool = self.model_streams if modelled else self.streams
        if name not in pool:
            where = "the model's" if modelled else "the scenario's"
            self.fail(f"unknown stream {name!r}", loc, f"one of {where} streams: " + ", ".join(pool))

    def number(self, v: Any, loc: tuple, lo: float | None = None, hi: float | None = None,
               what: str = "value") -> None:
        if v is None:
            return
        if isinstance(v, str):
            if v not in self.assumptions:
                self.fail(f"unknown assumption {v!r}", loc,
                          "a number or the id of an entry in assumptions: "
                          + (", ".join(sorted(self.assumptions)) or "(none defined)"))
            x = self.spec.value(v)
        else:
            x = float(v)
        if lo is not None and x < lo:
            self.fail(f"{what} {x:g} is below {lo:g}", loc, f"a {what} >= {lo:g}")
        if hi is not None and x > hi:
            self.fail(f"{what} {x:g} is above {hi:g}", loc, f"a {what} <= {hi:g}")

    def day(self, d: Any, loc: tuple) -> None:
        if d is None:
            return
        i = self.spec.day_index(d)
        if not 0 <= i < self.spec.horizon_days:
            first = self.spec.decision_day + dt.timedelta(days=1)
            last = self.spec.decision_day + dt.timedelta(days=self.spec.horizon_days)
            self.fail(f"day {d} is outside the simulated days", loc,
                      f"1..{self.spec.horizon_days} or a date {first}..{last}")

    def run(self) -> None:
        s = self.spec
        if s.horizon_days < 1:
            self.fail(f"horizon_days must be at least 1, got {s.horizon_days}", ("horizon_days",),
                      "a whole number of days >= 1, e.g. 90")
        if s.actor not in self.actors:
            self.fail(f"actor {s.actor!r} is not in case {self.case.name!r}", ("actor",),
                      "one of " + ", ".join(self.actors))
        if not self.case.start < s.decision_day <= self.case.end:
            self.fail(f"decision day {s.decision_day} is outside the case window", ("decision_day",),
                      f"a date in {self.case.start}..{self.case.end}")
        for i, n in enumerate(s.model.streams):
            if n not in self.case_streams:
                self.fail(f"unknown stream {n!r}", ("model", "streams", i),
                          "one of the case's streams: " + ", ".join(self.case_streams))
        cov_names = [c.name for c in self.case.covariates]
        for i, c in enumerate(s.model.covariates or []):
            if "=" not in c and c not in cov_names:
                self.fail(f"unknown covariate {c!r}", ("model", "covariates", i),
                          "one of " + ", ".join(cov_names) + ", or NAME=YYYY-MM-DD:YYYY-MM-DD")
        for i, n in enumerate(s.exogenous_streams):
            if n not in self.case_streams:
                self.fail(f"unknown stream {n!r}", ("exogenous_streams", i),
                          "one of the case's streams: " + ", ".join(self.case_streams))
            if n in self.model_streams:
                self.fail(f"stream {n!r} is already fitted by the model", ("exogenous_streams", i),
                          "streams the model does not fit")
        self.number(s.exogenous_half_life_days, ("exogenous_half_life_days",), lo=1e-3, what="half-life")
        if s.fatalities:
            self.stream(s.fatalities.stream, ("fatalities", "stream"), modelled=False)
        ids = set()
        for i, a in enumerate(s.assumptions):
            if a.id in ids:
                self.fail(f"assumption {a.id!r} is defined twice", ("assumptions", i, "id"), "unique ids")
            ids.add(a.id)
        ids = set()
        for i, m in enumerate(s.metrics):
            loc = ("metrics", i)
            if m.id in ids:
                self.fail(f"metric {m.id!r} is defined twice", (*loc, "id"), "unique ids")
            ids.add(m.id)
            if m.kind in ("count", "p_any", "p_pause"):
                if m.stream is None:
                    self.fail(f"a {m.kind} metric needs a stream", loc, "stream: <stream name>")
                self.stream(m.stream, (*loc, "stream"))
            if m.kind == "p_pause" and m.min_days is None:
                self.fail("a p_pause metric needs min_days", loc, "min_days: 14")
            if m.kind == "p_fatality" and s.fatalities is None:
                self.fail("a p_fatality metric needs a top-level fatalities block", loc,
                          "fatalities: {stream: <attacks stream>, prior: [1, 1]}")
            if m.kind == "p_assumed_event":
                if m.base_probability is None and m.per_event is None:
                    self.fail("a p_assumed_event metric needs base_probability or per_event", loc,
                              "base_probability: <assumption id>")
                self.number(m.base_probability, (*loc, "base_probability"), 0, 1, "probability")
                if m.per_event:
                    self.stream(m.per_event.stream, (*loc, "per_event", "stream"))
                    self.number(m.per_event.probability, (*loc, "per_event", "probability"), 0, 1,
                                "probability")
            if m.days is not None and m.days > s.horizon_days:
                self.fail(f"days {m.days} is beyond the horizon", (*loc, "days"),
                          f"at most horizon_days = {s.horizon_days}")
        self._check_options()
        self._check_motives()
        self.number(s.sensitivity.concentration, ("sensitivity", "concentration"), lo=1e-6,
                    what="concentration")
        if s.backtest:
            b = s.backtest
            if b.option not in [o.id for o in s.options]:
                self.fail(f"unknown option {b.option!r}", ("backtest", "option"),
                          "one of " + ", ".join(o.id for o in s.options))
            self.stream(b.stream, ("backtest", "stream"), modelled=True)
            if not (b.fit_end < b.start <= b.end <= self.case.end):
                self.fail("the backtest window must follow fit_end and lie in the case window",
                          ("backtest", "start"), f"fit_end < start <= end <= {self.case.end}")
            if (b.end - b.fit_end).days > s.horizon_days:
                self.fail("the backtest window ends beyond the horizon", ("backtest", "end"),
                          f"at most {s.horizon_days} days after fit_end")

    def _check_options(self) -> None:
        s = self.spec
        ids: set[str] = set()
        metric_kinds = {m.id: m.kind for m in s.metrics}
        for i, o in enumerate(s.options):
            loc = ("options", i)
            if o.id in ids:
                self.fail(f"option {o.id!r} is defined twice", (*loc, "id"), "unique ids")
            ids.add(o.id)
            actor = o.actor or s.actor
            if actor not in self.actors:
                self.fail(f"option for actor {actor!r}, who is not in case {self.case.name!r}",
                          (*loc, "actor") if o.actor else ("actor",), "one of " + ", ".join(self.actors))
            for j, iv in enumerate(o.interventions):
                il = (*loc, "interventions", j)
                if isinstance(iv, Inject):
                    self.stream(iv.stream, (*il, "stream"))
                    self.day(iv.day, (*il, "day"))
                    self.number(iv.count, (*il, "count"), lo=0, what="count")
                elif isinstance(iv, (ScaleBaseline, SetBaseline)):
                    self.stream(iv.stream, (*il, "stream"))
                    self.day(iv.from_day, (*il, "from_day"))
                    self.day(iv.to_day, (*il, "to_day"))
                    if iv.to_day is not None and s.day_index(iv.to_day) < s.day_index(iv.from_day):
                        self.fail("to_day is before from_day", (*il, "to_day"),
                                  f"a day on or after {iv.from_day}")
                    if isinstance(iv, ScaleBaseline):
                        self.number(iv.factor, (*il, "factor"), lo=0, what="factor")
                    else:
                        self.number(iv.rate, (*il, "rate"), lo=0, what="rate")
                    self.number(iv.probability, (*il, "probability"), lo=0, hi=1, what="probability")
                elif isinstance(iv, SetCoupling):
                    self.stream(iv.source, (*il, "source"))
                    self.stream(iv.target, (*il, "target"))
                    if (iv.value is None) == (iv.factor is None):
                        self.fail("set_coupling needs exactly one of value and factor", il,
                                  "value: <effect> or factor: <multiplier>")
                    self.number(iv.value, (*il, "value"))
                    self.number(iv.factor, (*il, "factor"), lo=0, what="factor")
                    if iv.source in s.exogenous_streams and s.exogenous_half_life_days is None:
                        self.fail("a coupling from an exogenous stream needs its kernel half-life",
                                  (*il, "source"), "exogenous_half_life_days: <assumption id>")
                elif isinstance(iv, RedLine):
                    if iv.when.series != FATALITIES:
                        self.stream(iv.when.series, (*il, "when", "series"))
                    elif s.fatalities is None:
                        self.fail("a red line on fatalities needs a top-level fatalities block",
                                  (*il, "when", "series"), "fatalities: {stream: ..., prior: [1, 1]}")
                    self.number(iv.probability, (*il, "probability"), 0, 1, "probability")
                    self.stream(iv.then.stream, (*il, "then", "stream"))
                    self.number(iv.then.count, (*il, "then", "count"), lo=0, what="count")
                elif isinstance(iv, EventRisk):
                    if metric_kinds.get(iv.metric) != "p_assumed_event":
                        self.fail(f"event_risk names {iv.metric!r}, not a p_assumed_event metric",
                                  (*il, "metric"), "one of " + ", ".join(
                                      k for k, v in metric_kinds.items() if v == "p_assumed_event"))
                    self.number(iv.probability, (*il, "probability"), 0, 1, "probability")

    def _check_motives(self) -> None:
        s = self.spec
        metric_ids = [m.id for m in s.metrics]
        seen: set[str] = set()
        for i, mv in enumerate(s.motives):
            loc = ("motives", i)
            if mv.actor not in self.actors:
                self.fail(f"motives for actor {mv.actor!r}, who is not in case {self.case.name!r}",
                          (*loc, "actor"), "one of " + ", ".join(self.actors))
            if mv.actor in seen:
                self.fail(f"motives for {mv.actor!r} are given twice", (*loc, "actor"),
                          "one entry per actor")
            seen.add(mv.actor)
            for j, ob in enumerate(mv.objectives):
                ol = (*loc, "objectives", j)
                if ob.metric not in metric_ids:
                    self.fail(f"unknown metric {ob.metric!r}", (*ol, "metric"),
                              "one of " + ", ".join(metric_ids))
                if ob.weight < 0:
                    self.fail(f"weight {ob.weight:g} is negative", (*ol, "weight"),
                              "a weight >= 0 (use direction to say what the actor wants less of)")
                norm = ob.norm
                if norm.kind == "history" and s.metric(ob.metric).kind != "count":
                    self.fail("history normalisation needs a count metric", (*ol, "normalisation"),
                              "none or range for probabilities")
                if norm.kind == "value":
                    if norm.value is None:
                        self.fail("value normalisation needs a value", (*ol, "normalisation"),
                                  "{kind: value, value: <number or assumption id>}")
                    self.number(norm.value, (*ol, "normalisation", "value"), lo=1e-12, what="scale")
            if sum(o.weight for o in mv.objectives) <= 0:
                self.fail(f"the weights of {mv.actor!r} sum to 0", (*loc, "objectives"),
                          "at least one weight > 0")
