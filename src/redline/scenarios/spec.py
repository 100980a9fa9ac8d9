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
from typing import Annotated, Literal, overload

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
Num = float | str
# A day: a date, or the number of days after the decision day (1 = the day after).
Day = dt.date | int


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
    Inject | ScaleBaseline | SetBaseline | SetCoupling | RedLine | EventRisk,
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

    @overload
    def value(self, v: Num) -> float: ...
    @overload
    def value(self, v: None) -> None: ...
    @overload
    def value(self, v: Num | None) -> float | None: ...

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
    from redline.scenarios.spec_checks import SpecChecker  # it imports this module
    SpecChecker(spec, case, doc).run()
    return spec, case


def check_scenario(spec: ScenarioSpec, case: Case) -> None:
    """Run the cross-checks of :func:`load_scenario` again on a changed copy of a
    loaded scenario (new weights or assumption values, e.g. from the web form).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first problem (lines refer to the file).
    """
    from redline.scenarios.spec_checks import SpecChecker
    assert spec.path is not None  # a copy of a scenario load_scenario read from its file
    SpecChecker(spec, case, load_yaml(spec.path)).run()
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
