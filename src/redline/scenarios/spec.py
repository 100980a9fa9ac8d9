"""The scenario file format: options, outcome metrics, motives and assumptions.

A scenario is one YAML file (usually in a case's ``scenarios/`` folder)::

    name, title, description
    case: us-iran-proxies-2023        # built-in case name or case folder
    actor: united_states              # whose options these are
    decision_day: 2024-01-29          # history up to and including this day
    horizon_days: 90                  # simulated days after it
    model: {streams, covariates, link, family, start, uncertainty}  (or {saved: fit.json})
    exogenous_streams: [...]          # counted, not fitted: Poisson at their past mean
    fatalities: {stream, prior}       # per-attack fatality probability, Beta posterior
    metrics: [...]                    # named functions of the simulated paths
    assumptions: [...]                # every number not fitted from data, justified
    options: [...]                    # lists of interventions
    motives: [...]                    # per actor: weighted objectives over metrics
    sensitivity: {concentration, draws}
    backtest: {fit_end, option, stream, start, end}

:func:`load_scenario` validates the file with pydantic, then checks every
reference (streams, actors, metrics, assumptions, options, days), and raises a
:class:`~redline.errors.ScenarioError` naming the file, the YAML line and path,
and what a valid value looks like. See ``docs/scenarios.md``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticError

from redline.data.case import Case, builtin_cases, load_case, snake_case_id
from redline.data.yamlfile import YamlDocument, load_yaml, raise_pydantic
from redline.errors import RedlineError, ScenarioError

__all__ = [
    "ScenarioSpec", "ModelSpec", "MetricSpec", "Assumption", "OptionSpec", "Objective",
    "MotiveSpec", "BacktestSpec", "SensitivitySpec", "FatalitySpec", "RedLine", "Inject",
    "ScaleBaseline", "SetBaseline", "SetCoupling", "EventRisk", "load_scenario", "check_scenario",
    "find_scenario", "case_scenarios", "FATALITIES",
]

#: The series name red lines use for simulated fatal attacks.
FATALITIES = "fatalities"

# A number written in the file, or the id of an assumption that holds it.
Num = Union[float, str]
# A day: a date, or the number of days after the decision day (1 = the day after).
Day = Union[dt.date, int]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_check_id = snake_case_id("us_strikes")


class ModelSpec(_Strict):
    """The model the scenario starts from: fit settings, or a saved fit."""

    streams: list[str] = Field(default_factory=list)
    covariates: list[str] | None = None
    link: Literal["identity", "softplus"] | None = None
    family: Literal["poisson", "negbin"] = "poisson"
    start: dt.date | None = None
    end: dt.date | None = Field(default=None, description="fit window end; the decision day when empty")
    saved: str | None = Field(default=None, description="a fit saved by `redline fit` (JSON)")
    uncertainty: Literal["wald", "bootstrap", "none"] = "wald"
    n_boot: int = Field(default=0, ge=0)


class FatalitySpec(_Strict):
    """Per-attack fatality probability, estimated from the case (Beta posterior).

    Among the events of ``stream`` up to the decision day whose casualties are
    known (``target_killed`` or ``target_injured`` recorded), ``k`` killed at least
    one of the target; the probability is Beta(prior_a + k, prior_b + n - k), drawn
    once per path.
    """

    stream: str
    prior: tuple[float, float] = (1.0, 1.0)

    @field_validator("prior")
    @classmethod
    def _pos(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] <= 0 or v[1] <= 0:
            raise ValueError("both Beta prior parameters must be > 0, e.g. [1, 1]")
        return v


class PerEvent(_Strict):
    stream: str
    probability: Num


class MetricSpec(_Strict):
    """A named function of the simulated paths.

    kinds: ``count`` (events of ``stream`` in the first ``days`` days),
    ``p_any`` (P(at least one event of ``stream`` in ``days``) — e.g. a stream of
    direct exchanges the case defines), ``p_fatality`` (P(at least one fatal
    attack in ``days``), needs ``fatalities``), ``p_pause`` (P(``stream`` has a run
    of at least ``min_days`` days without events)), ``p_assumed_event`` (an event
    the model has no stream for: P = 1 - (1 - base) * prod over ``per_event``
    events (1 - probability) * prod over the option's ``event_risk`` (1 - p); every
    probability an assumption).
    """

    id: str
    label: str
    kind: Literal["count", "p_any", "p_fatality", "p_pause", "p_assumed_event"]
    stream: str | None = None
    days: int | None = Field(default=None, ge=1)
    min_days: int | None = Field(default=None, ge=1)
    base_probability: Num | None = None
    per_event: PerEvent | None = None
    note: str | None = None

    _id = field_validator("id")(_check_id)

    @property
    def is_probability(self) -> bool:
        return self.kind != "count"


class Assumption(_Strict):
    """A number the data do not give, with why it has this value."""

    id: str
    value: float
    unit: str | None = None
    label: str | None = None
    justification: str = Field(min_length=10)
    sources: list[str] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)


class Inject(_Strict):
    """Force ``count`` events of ``stream`` on ``day`` (a strike wave)."""

    type: Literal["inject"]
    stream: str
    day: Day
    count: Num


class ScaleBaseline(_Strict):
    """Multiply the baseline rate of ``stream`` by ``factor`` from ``from_day`` (to ``to_day``).

    With ``probability`` the change holds only in that share of the simulated
    worlds (a regime that sets in or not, such as a group announcing a pause): it
    is drawn per path, from one uniform number per path that every option and every
    probabilistic intervention shares, so a less likely regime holds only on paths
    where a likelier one does, and the intervals over parameter draws stay intervals
    over parameters.
    """

    type: Literal["scale_baseline"]
    stream: str
    factor: Num
    from_day: Day = 1
    to_day: Day | None = None
    probability: Num | None = None


class SetBaseline(_Strict):
    """Set the baseline rate of ``stream`` to ``rate`` events per day from ``from_day``."""

    type: Literal["set_baseline"]
    stream: str
    rate: Num
    from_day: Day = 1
    to_day: Day | None = None
    probability: Num | None = None  # as for scale_baseline


class SetCoupling(_Strict):
    """Set (``value``) or multiply (``factor``) the effect of ``source`` on ``target``."""

    type: Literal["set_coupling"]
    source: str
    target: str
    value: Num | None = None
    factor: Num | None = None


class Trigger(_Strict):
    series: str = Field(description="'fatalities' or a stream name")
    at_least: int = Field(ge=1)
    within_days: int = Field(ge=1)


class Response(_Strict):
    stream: str
    count: Num
    delay_days: tuple[int, int]

    @field_validator("delay_days")
    @classmethod
    def _order(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] < 1 or v[1] < v[0]:
            raise ValueError("delay_days must be [min, max] with 1 <= min <= max, e.g. [2, 5]")
        return v


class RedLine(_Strict):
    """If ``when`` holds, then with ``probability`` the ``then`` response.

    Checked every simulated day; after a check that met the trigger (answered or
    not) the rule waits ``within_days`` days before it looks again, so one
    incident is one decision. At most ``max_fires`` responses per path.
    """

    type: Literal["red_line"]
    when: Trigger
    probability: Num
    then: Response
    max_fires: int = Field(default=1, ge=1)


class EventRisk(_Strict):
    """Add a one-off probability to a ``p_assumed_event`` metric (e.g. Iran retaliates)."""

    type: Literal["event_risk"]
    metric: str
    probability: Num


Intervention = Annotated[
    Union[Inject, ScaleBaseline, SetBaseline, SetCoupling, RedLine, EventRisk],
    Field(discriminator="type"),
]


class OptionSpec(_Strict):
    id: str
    label: str
    actor: str | None = None
    description: str | None = None
    interventions: list[Intervention] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)


class Normalisation(_Strict):
    """How an objective's metric is put on a common scale before weighting.

    ``none``: the value as it is (probabilities); ``history``: divided by the
    same metric observed in the case over the ``days`` before the decision day
    (count metrics); ``value``: divided by ``value``; ``range``: min-max over the
    options' means (0 = the worst option, 1 = the best, before the direction).
    """

    kind: Literal["none", "history", "value", "range"]
    value: Num | None = None


class Objective(_Strict):
    id: str
    label: str
    metric: str
    direction: Literal["minimise", "maximise"]
    weight: float
    normalisation: Normalisation | Literal["none", "history", "range"] = "none"
    justification: str = Field(min_length=10)
    sources: list[str] = Field(min_length=1)

    _id = field_validator("id")(_check_id)

    @property
    def norm(self) -> Normalisation:
        n = self.normalisation
        return Normalisation(kind=n) if isinstance(n, str) else n


class MotiveSpec(_Strict):
    actor: str
    objectives: list[Objective] = Field(min_length=1)


class SensitivitySpec(_Strict):
    concentration: Num = Field(default=50.0, description="Dirichlet concentration around the weights")
    draws: int = Field(default=2000, ge=10)


class BacktestSpec(_Strict):
    fit_end: dt.date
    option: str
    stream: str
    start: dt.date
    end: dt.date


class ScenarioSpec(_Strict):
    """A validated scenario file (see the module docstring)."""

    name: str
    title: str
    description: str | None = None
    case: str
    actor: str
    decision_day: dt.date
    horizon_days: int
    model: ModelSpec = Field(default_factory=ModelSpec)
    exogenous_streams: list[str] = Field(default_factory=list)
    exogenous_half_life_days: Num | None = None
    fatalities: FatalitySpec | None = None
    metrics: list[MetricSpec] = Field(min_length=1)
    assumptions: list[Assumption] = Field(default_factory=list)
    options: list[OptionSpec] = Field(min_length=1)
    motives: list[MotiveSpec] = Field(default_factory=list)
    sensitivity: SensitivitySpec = Field(default_factory=SensitivitySpec)
    backtest: BacktestSpec | None = None
    path: Path | None = Field(default=None, exclude=True)

    # ------------------------------------------------------------- look-ups
    def metric(self, metric_id: str) -> MetricSpec:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        raise ScenarioError(f"no metric {metric_id!r}", expected="one of " + ", ".join(m.id for m in self.metrics))

    def option(self, option_id: str) -> OptionSpec:
        for o in self.options:
            if o.id == option_id:
                return o
        raise ScenarioError(f"no option {option_id!r}", expected="one of " + ", ".join(o.id for o in self.options))

    def assumption(self, assumption_id: str) -> Assumption:
        for a in self.assumptions:
            if a.id == assumption_id:
                return a
        raise ScenarioError(f"no assumption {assumption_id!r}",
                            expected="one of " + ", ".join(a.id for a in self.assumptions))

    def value(self, v: Num | None) -> float | None:
        """A number written in the file, or the value of the assumption it names."""
        if v is None:
            return None
        return float(self.assumption(v).value) if isinstance(v, str) else float(v)

    def day_index(self, day: Day, decision_day: dt.date | None = None) -> int:
        """0-based simulated day of ``day`` (day 1 after the decision day is index 0)."""
        dd = decision_day or self.decision_day
        return (day - dd).days - 1 if isinstance(day, dt.date) else int(day) - 1

    def motive(self, actor: str) -> MotiveSpec | None:
        for m in self.motives:
            if m.actor == actor:
                return m
        return None

    def inline_numbers(self) -> list[tuple[str, float]]:
        """Numbers written directly in options (not via an assumption), with their path."""
        out = []
        for i, o in enumerate(self.options):
            for j, iv in enumerate(o.interventions):
                for key in ("count", "factor", "rate", "value", "probability"):
                    v = getattr(iv, key, None)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        out.append((f"options[{i}].interventions[{j}].{key}", float(v)))
                then = getattr(iv, "then", None)
                if then is not None and isinstance(then.count, (int, float)):
                    out.append((f"options[{i}].interventions[{j}].then.count", float(then.count)))
        return out


# --------------------------------------------------------------------- loading


def case_scenarios(case: Case) -> dict[str, Path]:
    """Scenario name (file stem) -> file, for the scenarios a case ships."""
    d = case.scenarios_dir
    if d is None:
        return {}
    return {p.stem: p for p in sorted(d.glob("*.yaml"))}


def find_scenario(name_or_path: str | Path) -> Path:
    """A scenario file, or the name of a scenario a built-in case ships."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    found = {}
    for case_name in builtin_cases():
        for stem, path in case_scenarios(load_case(case_name)).items():
            found[stem] = path
    if str(name_or_path) in found:
        return found[str(name_or_path)]
    raise ScenarioError(f"no scenario file and no built-in scenario named {str(name_or_path)!r}",
                        expected="a YAML file, or one of: " + (", ".join(sorted(found)) or "(none)"))


def load_scenario(name_or_path: str | Path) -> tuple[ScenarioSpec, Case]:
    """Load, validate and cross-check a scenario; return it with its case.

    Raises
    ------
    ScenarioError
        With file, YAML line and path of the first problem found.
    """
    path = find_scenario(name_or_path)
    try:
        doc = load_yaml(path)
    except ScenarioError:
        raise
    except RedlineError as exc:
        raise ScenarioError(exc.message, file=exc.file, line=exc.line, field=exc.field,
                            expected=exc.expected) from None
    if not isinstance(doc.data, dict):
        raise ScenarioError("a scenario file must be a mapping", file=str(path), line=1,
                            expected="keys name, case, decision_day, horizon_days, metrics, options, ...")
    try:
        spec = ScenarioSpec.model_validate({**doc.data, "path": path})
    except PydanticError as exc:
        raise_pydantic(doc, exc, ScenarioError)
    case = _load_case(spec, doc)
    _Checker(spec, case, doc).run()
    return spec, case


def check_scenario(spec: ScenarioSpec, case: Case) -> None:
    """Run the cross-checks of :func:`load_scenario` again on a changed copy of a
    loaded scenario (new weights or assumption values, e.g. from the web form).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first problem (lines refer to the file).
    """
    _Checker(spec, case, load_yaml(spec.path)).run()
    for m in spec.motives:
        if m.objectives and sum(o.weight for o in m.objectives) <= 0:
            raise ScenarioError(f"the weights of {m.actor}'s objectives add up to 0",
                                file=str(spec.path), field=f"motives.{m.actor}",
                                expected="at least one weight above 0")


def _load_case(spec: ScenarioSpec, doc: YamlDocument) -> Case:
    ref = spec.case
    folder = (doc.path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
    try:
        return load_case(folder if (folder / "case.yaml").exists() else ref)
    except RedlineError as exc:
        raise ScenarioError(f"cannot load case {ref!r}: {exc.message}", file=str(doc.path),
                            line=doc.line_of(("case",)), field="case", expected=exc.expected) from None


class _Checker:
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

    def run(self) -> None:  # noqa: C901 - a flat list of checks reads best
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
