"""Known skill: rolling-origin evaluation of count forecasts over many units.

A *unit* is one daily count series (a dyad's or a country's events per day).
At every origin each model is fitted on the ``train_window`` days before the
origin only, forecasts the next ``max(horizons)`` days as a predictive pmf per
day, and is scored per day: CRPS, log score, randomised PIT, and whether the
count fell inside the central 50% and 90% prediction intervals.  An origin at
which any model fails is left out for every model (``backtest.fold_failed``), so
all models are compared on the same folds.  :mod:`redline.models.benchmark_summary`
turns the per-day scores into the summary tables.

Units are independent, so they run in a process pool (joblib); within a unit the
baselines' predictive pmfs are closed-form and the Hawkes models' are
Rao–Blackwellised mixtures over ``n_paths`` simulated paths.

This module works on arrays and Series only; reading units from the event store
is :mod:`redline.data.units`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from redline.diagnostics import Diagnostics
from redline.errors import ModelError
from redline.models import scoring
from redline.models.backtest import _pmf_on_enough_counts
from redline.models.baselines import Conflictology, NegBinBaseline, Persistence, PoissonBaseline
from redline.models.hawkes import DailyHawkes
from redline.models.level_hawkes import LevelHawkes

__all__ = [
    "MODELS",
    "BenchmarkResult",
    "BenchmarkSettings",
    "UnitScores",
    "evaluate_unit",
    "make_model",
    "run_benchmark",
    "skill_statement",
    "unit_origins",
]

#: Model names as ``redline benchmark --models`` spells them, with what each is.
MODELS: dict[str, str] = {
    "daily-hawkes": "DailyHawkes, identity link, Poisson family (as `redline fit` fits it)",
    "hawkes-negbin": "DailyHawkes, identity link, negative binomial family",
    "hawkes-level": "LevelHawkes: DailyHawkes, negative binomial, baseline scaled by the "
                    "trailing 90-day level",
    "poisson": "Poisson with the mean of the training window",
    "negbin": "negative binomial fitted to the training window",
    "persistence": "Poisson with the mean of the last 7 days (floor 0.05 a day)",
    "conflictology": "the empirical distribution of the last 365 days' counts",
}


@dataclass(frozen=True)
class BenchmarkSettings:
    """How a benchmark is run (every field is printed with its results).

    Parameters
    ----------
    horizons : tuple of int
        Forecast horizons, days; each is scored on the first ``h`` forecast days.
    origins : str or int
        ``"monthly"`` (the first day of every month), ``"weekly"`` (every 7th day)
        or a number N of evenly spaced origins per unit.
    train_window : int
        Days before an origin every model is fitted on (a trailing window).
    min_train : int
        Days a unit must have before its first origin.
    n_paths : int
        Simulated paths per Hawkes forecast.
    n_boot : int
        Bootstrap replicates of the skill intervals.
    block : int
        Consecutive origins resampled together in the bootstrap.
    random_state : int
    """

    horizons: tuple[int, ...] = (14,)
    origins: str | int = "monthly"
    train_window: int = 730
    min_train: int = 365
    n_paths: int = 200
    n_boot: int = 500
    block: int = 6
    random_state: int = 0

    def validate(self) -> None:
        if not self.horizons or any(int(h) != h or h < 1 for h in self.horizons):
            raise ModelError(f"invalid horizons {self.horizons!r}", field="horizon",
                             expected="whole numbers of days >= 1, e.g. 7,14,28")
        if not (self.origins in ("monthly", "weekly")
                or (isinstance(self.origins, int) and self.origins >= 1)):
            raise ModelError(f"invalid origins {self.origins!r}", field="origins",
                             expected="monthly, weekly or a number such as 24")
        for name in ("train_window", "min_train", "n_paths", "block"):
            if int(getattr(self, name)) < 1:
                raise ModelError(f"{name} must be >= 1", field=name, expected="e.g. 365")


def make_model(name: str, settings: BenchmarkSettings, seed: int) -> Any:
    """An unfitted model by its benchmark name.

    Every fit starts cold.  Starting each Hawkes fit from the previous origin's
    estimate was tried: 1.5 times faster, but the optimiser then stayed in the
    previous origin's basin and forecasts got worse (docs/benchmark.md).
    """
    if name == "daily-hawkes":
        return DailyHawkes(link="identity", family="poisson", random_state=seed)
    if name == "hawkes-negbin":
        return DailyHawkes(link="identity", family="negbin", random_state=seed)
    if name == "hawkes-level":
        return LevelHawkes(level_window=90, family="negbin", random_state=seed)
    if name == "poisson":
        return PoissonBaseline()
    if name == "negbin":
        return NegBinBaseline()
    if name == "persistence":
        return Persistence(k=7)
    if name == "conflictology":
        return Conflictology(window=365)
    raise ModelError(f"unknown model {name!r}", field="models",
                     expected="names from " + ", ".join(MODELS))


def unit_origins(index: pd.DatetimeIndex, settings: BenchmarkSettings) -> list[int]:
    """Row numbers of a unit's origins (first forecast days).

    Every origin leaves ``min_train`` days before it and ``max(horizons)`` days
    after it inside the series.
    """
    h = max(settings.horizons)
    first, last = settings.min_train, len(index) - h
    if last < first:
        return []
    if settings.origins == "weekly":
        return list(range(first, last + 1, 7))
    if settings.origins == "monthly":
        rows = np.flatnonzero(index.day == 1)
        return [int(r) for r in rows if first <= r <= last]
    n = int(settings.origins)
    return sorted({round(v) for v in np.linspace(first, last, n)})


@dataclass
class UnitScores:
    """Per-day scores of one unit: arrays of shape (n_origins, n_models, max_horizon).

    Only origins at which every model produced a forecast are kept.
    """

    unit: str
    models: list[str]
    origins: list[pd.Timestamp]
    crps: np.ndarray
    log_score: np.ndarray
    pit: np.ndarray
    in50: np.ndarray
    in90: np.ndarray
    n_events: int
    seconds: dict[str, float]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _interval_hits(cdf: np.ndarray, y: np.ndarray, level: float) -> np.ndarray:
    """Whether ``y`` lies in the central ``level`` interval ``[q(a), q(1-a)]``.

    ``q(p)`` is the smallest count whose CDF reaches ``p``.  For counts this
    interval holds at least ``level`` of the mass, so a calibrated forecast covers
    at least ``level`` (more when most mass sits on one count, as on quiet days).
    """
    a = (1.0 - level) / 2.0
    lo = (cdf < a - 1e-12).sum(axis=-1)
    hi = (cdf < 1.0 - a - 1e-12).sum(axis=-1)
    return (y >= lo) & (y <= hi)


def evaluate_unit(unit: str, counts: pd.Series, models: Iterable[str],
                  settings: BenchmarkSettings) -> UnitScores:
    """Rolling-origin evaluation of every model on one unit.

    Parameters
    ----------
    unit : str
        The unit's name (used in diagnostics).
    counts : Series of int, daily DatetimeIndex without gaps
        Events per day.
    models : iterable of str
        Names from :data:`MODELS`.
    settings : BenchmarkSettings

    Returns
    -------
    UnitScores
    """
    models = list(models)
    y = np.asarray(counts, dtype=float)
    index = pd.DatetimeIndex(counts.index)
    rows = unit_origins(index, settings)
    h = max(settings.horizons)
    shape = (len(rows), len(models), h)
    out = {k: np.full(shape, np.nan) for k in ("crps", "log_score", "pit", "in50", "in90")}
    seconds = dict.fromkeys(models, 0.0)
    diags = Diagnostics()
    failed: dict[str, int] = {}
    not_converged: dict[str, int] = {}
    rng = np.random.default_rng([settings.random_state, _stable_hash(unit)])
    for k, o in enumerate(rows):
        train = y[max(0, o - settings.train_window):o].reshape(-1, 1)
        test = y[o:o + h]
        max_count = int(max(3 * train.max(), 30) + 20)
        for m, name in enumerate(models):
            t0 = time.process_time()
            seed = int(np.random.SeedSequence([settings.random_state, k, m]).generate_state(1)[0])
            try:
                model = make_model(name, settings, seed).fit(train)
                pmf = _pmf_on_enough_counts(model, h, max_count, settings.n_paths, seed, None,
                                            f"{unit}: {name} at {index[o]:%Y-%m-%d}", diags)[:, 0]
            except ModelError as exc:
                why = f"{name}: {str(exc).splitlines()[0].split(' (expected')[0]}"
                failed[why] = failed.get(why, 0) + 1
                seconds[name] += time.process_time() - t0
                break  # the fold is dropped for every model anyway
            if getattr(model, "converged_", True) is False:
                not_converged[name] = not_converged.get(name, 0) + 1
            cdf = np.cumsum(pmf, axis=-1)
            out["crps"][k, m] = scoring.crps_from_pmf(pmf, test)
            out["log_score"][k, m] = scoring.log_score_from_pmf(pmf, test)
            yi = test.astype(np.int64)
            grid = pmf.shape[-1]
            f_hi = np.where(yi < grid, cdf[np.arange(h), np.minimum(yi, grid - 1)], 1.0)
            f_lo = np.where(yi >= 1, cdf[np.arange(h), np.clip(yi - 1, 0, grid - 1)], 0.0)
            f_lo = np.where(yi - 1 < grid, f_lo, 1.0)
            out["pit"][k, m] = f_lo + rng.uniform(size=h) * (f_hi - f_lo)
            out["in50"][k, m] = _interval_hits(cdf, test, 0.5)
            out["in90"][k, m] = _interval_hits(cdf, test, 0.9)
            seconds[name] += time.process_time() - t0
    keep = ~np.isnan(out["crps"]).any(axis=(1, 2))
    n_drop = int((~keep).sum())
    if n_drop:
        why = "; ".join(f"{n} × {msg}" for msg, n in failed.items())
        diags.add("backtest.fold_failed",
                  f"{unit}: {n_drop} of {len(rows)} origins left out for every model ({why})",
                  subject=("stream", unit))
    for name, n in not_converged.items():
        diags.add("fit.not_converged",
                  f"{unit}: {name} stopped before converging at {n} of {len(rows)} origins; "
                  "those forecasts are scored as they are", subject=("stream", unit))
    return UnitScores(
        unit=unit, models=models, origins=[index[o] for o, kp in zip(rows, keep) if kp],
        **{k: v[keep] for k, v in out.items()},
        n_events=int(y.sum()), seconds=seconds, diagnostics=diags,
    )


def _stable_hash(text: str) -> int:
    import hashlib
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


@dataclass
class BenchmarkResult:
    """Everything a benchmark run measured.

    Attributes
    ----------
    summary : DataFrame
        One row per (model, horizon); see
        :func:`redline.models.benchmark_summary.summarise`.
    units : DataFrame
        One row per (unit, model, horizon).
    scores : DataFrame
        One row per (unit, origin, model, horizon): mean CRPS and log score over
        the horizon's days, share of days inside the 50% and 90% intervals.
    pit : DataFrame
        Randomised PIT histogram (10 bins) per model and horizon.
    diagnostics : Diagnostics
    settings : BenchmarkSettings
    seconds : dict of str to float
        CPU seconds spent fitting and forecasting each model, summed over workers.
    wall_seconds : float
    """

    summary: pd.DataFrame
    units: pd.DataFrame
    scores: pd.DataFrame
    pit: pd.DataFrame
    diagnostics: Diagnostics
    settings: BenchmarkSettings
    seconds: dict[str, float]
    wall_seconds: float = 0.0
    unit_scores: list[UnitScores] = field(default_factory=list, repr=False)

    def subset(self, units: Iterable[str]) -> BenchmarkResult:
        """The summary of some units only (e.g. the held-out ones), same settings."""
        from redline.models.benchmark_summary import summarise

        keep = set(units)
        picked = [r for r in self.unit_scores if r.unit in keep]
        models = picked[0].models if picked else []
        summary, unit_table, scores, pit, diags = summarise(picked, models, self.settings)
        for r in picked:
            diags.extend(r.diagnostics)
        return BenchmarkResult(summary=summary, units=unit_table, scores=scores, pit=pit,
                               diagnostics=diags, settings=self.settings, seconds={},
                               unit_scores=picked)

    def to_dict(self) -> dict[str, Any]:
        """``{summary, units, diagnostics}`` plus settings and timings, JSON-ready."""
        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(df.to_json(orient="records"))
        return {"summary": records(self.summary), "units": records(self.units),
                "diagnostics": self.diagnostics.to_list(),
                "settings": asdict(self.settings), "seconds": self.seconds,
                "wall_seconds": self.wall_seconds}

    def __repr__(self) -> str:
        cols = ["model", "horizon", "n_units", "crps_mean", "coverage_90",
                "skill_vs_poisson_median", "share_beating_poisson"]
        return f"BenchmarkResult\n{self.summary[cols].to_string(index=False)}"


def run_benchmark(
    units: dict[str, pd.Series],
    models: Iterable[str] = tuple(MODELS),
    settings: BenchmarkSettings | None = None,
    n_jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> BenchmarkResult:
    """Evaluate every model on every unit and summarise.

    Parameters
    ----------
    units : dict of str to Series
        Daily counts per unit (daily DatetimeIndex without gaps).
    models : iterable of str
        Names from :data:`MODELS`; ``poisson`` and ``persistence`` are the skill
        references and are added when missing.
    settings : BenchmarkSettings, optional
    n_jobs : int
        Worker processes (joblib); 1 runs in this process.
    progress : callable, optional
        Called with each unit's name as it finishes.

    Returns
    -------
    BenchmarkResult
    """
    from redline.models.benchmark_summary import summarise

    settings = settings or BenchmarkSettings()
    settings.validate()
    models = list(dict.fromkeys(models))
    for name in models:
        if name not in MODELS:
            raise ModelError(f"unknown model {name!r}", field="models",
                             expected="names from " + ", ".join(MODELS))
    for ref in ("poisson", "persistence"):
        if ref not in models:
            models.append(ref)
    t0 = time.perf_counter()
    # Largest units first, so the pool does not end waiting on one long unit.
    order = sorted(units, key=lambda u: -len(units[u]))
    if n_jobs == 1:
        results = []
        for u in order:
            results.append(evaluate_unit(u, units[u], models, settings))
            if progress:
                progress(u)
    else:
        from joblib import Parallel, delayed
        gen = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
            delayed(evaluate_unit)(u, units[u], models, settings) for u in order)
        results = []
        for r in gen:
            results.append(r)
            if progress:
                progress(r.unit)
    results.sort(key=lambda r: r.unit)
    diags = Diagnostics()
    seconds = dict.fromkeys(models, 0.0)
    for r in results:
        diags.extend(r.diagnostics)
        for k, v in r.seconds.items():
            seconds[k] += v
    summary, unit_table, scores, pit, more = summarise(results, models, settings)
    diags.extend(more)
    return BenchmarkResult(summary=summary, units=unit_table, scores=scores, pit=pit,
                           diagnostics=diags, settings=settings, seconds=seconds,
                           wall_seconds=time.perf_counter() - t0, unit_scores=results)


def skill_statement(model: str = "hawkes-level", horizon: int = 14) -> dict[str, Any]:
    """The committed benchmark's headline for a brief's method section.

    Reads ``benchmark_skill.json`` (written by ``bench/benchmark_ucdp.py`` from
    UCDP GED data) and returns its numbers with a sentence and the citation.

    Returns
    -------
    dict
        ``n_units``, ``share_beating_poisson``, ``coverage_90``, ``sentence``,
        ``citation`` and the rest of that model's summary row.
    """
    path = resources.files("redline.models") / "benchmark_skill.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [r for r in data["summary"] if r["model"] == model and r["horizon"] == horizon]
    if not rows:
        raise ModelError(f"no committed benchmark row for {model} at {horizon} days",
                         field="model", expected="one of " + ", ".join(
                             sorted({f"{r['model']}@{r['horizon']}" for r in data["summary"]})))
    row = dict(rows[0])
    beat = row["share_beating_poisson"]
    cov = row["coverage_90"]
    # Central intervals of count forecasts hold at least their level by construction, so
    # the randomised PIT's share is given beside them: it is exactly 90% when calibrated.
    row["sentence"] = (
        f"Across {row['n_units']} units of real conflict data ({data['source']}), this model's "
        f"{horizon}-day forecasts beat a Poisson baseline on {100 * beat:.0f}% of units "
        f"(median skill {100 * row['skill_vs_poisson_median']:+.1f}%, 90% interval "
        f"{100 * row['skill_vs_poisson_lo']:+.1f}% to {100 * row['skill_vs_poisson_hi']:+.1f}%); "
        f"90% intervals covered {100 * cov:.0f}% of days (count intervals cover at least "
        f"their level; the randomised PIT fell in its central 90% on "
        f"{100 * row['pit_coverage_90']:.0f}% of days).")
    row["citation"] = data["citation"]
    return row
