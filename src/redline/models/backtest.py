"""Rolling-origin backtests of count forecasts (what ``redline backtest CASE`` prints).

Three rules keep the comparison fair (issue 14, item 5):

* every model is scored on the same folds: an origin at which any model fails is
  left out for all of them, and a ``backtest.fold_failed`` diagnostic says so;
* skill intervals come from a moving-block bootstrap over origins, because
  forecasts from neighbouring origins share outcome days and are not independent;
* a model never sees the counts of the origin day or later.  Covariates of the
  forecast days are by default held at their last observed value (a forecast
  anyone could have made at the origin); ``future_covariates="observed"`` hands
  the models the realised covariates instead, and the result is then labelled
  *conditional on the observed covariates*.  The baselines use no covariates,
  so they are given no less information than the Hawkes model in either mode
  except through that label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from redline.diagnostics import Diagnostics
from redline.errors import ModelError
from redline.models import scoring
from redline.models._checks import check_counts, check_covariates, check_horizon
from redline.models.baselines import PoissonBaseline

__all__ = ["BacktestResult", "block_bootstrap_indices", "rolling_origin"]

_FUTURE_COVARIATES = ("hold", "observed")


@dataclass
class BacktestResult:
    """Scores of a rolling-origin backtest.

    Attributes
    ----------
    scores : DataFrame
        One row per origin, model, stream and metric: columns ``origin`` (the
        first forecast day: a date when ``y`` had a DatetimeIndex, else a row
        number), ``model``, ``stream``, ``metric``, ``value`` (mean over the
        horizon's days; lower is better).  Only origins at which every model
        produced a forecast appear.
    summary : DataFrame
        One row per model and metric: ``score`` (mean over origins and streams),
        ``skill`` = ``1 - score / score_reference`` (positive: better than the
        reference), ``skill_lo`` and ``skill_hi`` (a 90% moving-block bootstrap
        interval over origins), ``n`` (scored origin-stream pairs).
    reference : str
        Name of the reference model (the Poisson baseline by default).
    diagnostics : Diagnostics
        Failed folds, forecasts beyond the count grid, fits that did not converge.
    conditional_on_covariates : bool
        True when the models were given the observed covariates of the forecast
        days (the skill is then not that of a true forecast).
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    reference: str
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    conditional_on_covariates: bool = False

    def __repr__(self) -> str:
        label = " conditional on the observed covariates" if self.conditional_on_covariates else ""
        return (f"BacktestResult(reference={self.reference!r}){label}\n"
                f"{self.summary.to_string(index=False)}")


def _default_origins(n_days: int, horizon: int, n_origins: int) -> list[int]:
    # Origins spread over the second half, so that each fit sees at least half
    # of the data and each forecast has a full horizon of outcomes.
    first = max(n_days // 2, 1)
    last = n_days - horizon
    if last < first:
        raise ModelError(
            f"{n_days} days cannot hold a training half and a horizon of {horizon} days",
            field="horizon", expected=f"a horizon <= {max(n_days - first, 0)} days",
        )
    return sorted({int(round(v)) for v in np.linspace(first, last, n_origins)})


def block_bootstrap_indices(n: int, block: int, n_boot: int,
                            rng: np.random.Generator) -> np.ndarray:
    """Row indices of a moving-block bootstrap, shape (n_boot, n).

    Blocks of ``block`` consecutive items start at uniformly drawn positions and
    are laid end to end until ``n`` items are drawn (Künsch 1989), which keeps the
    dependence between neighbouring origins inside each replicate.
    """
    block = int(min(max(block, 1), max(n, 1)))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)
    return idx[:, :n]


def _origin_rows(origins, index, n_days: int, horizon: int, n_origins: int) -> list[int]:
    if origins is None:
        return _default_origins(n_days, horizon, n_origins)
    rows = []
    for o in origins:
        if isinstance(index, pd.DatetimeIndex) and not isinstance(o, (int, np.integer)):
            pos = index.get_indexer([pd.Timestamp(o)])[0]
            if pos < 0:
                raise ModelError(f"origin {o} is not a day of y", field="origins",
                                 expected=f"a date between {index[0]:%Y-%m-%d} and "
                                 f"{index[-1]:%Y-%m-%d}")
            o = pos
        if not 1 <= int(o) <= n_days - horizon:
            raise ModelError(f"origin {o} leaves no training data or no full horizon",
                             field="origins", expected=f"rows 1..{n_days - horizon}")
        rows.append(int(o))
    return rows


def rolling_origin(
    y: Any,
    models: dict[str, Callable[[], Any]],
    horizon: int = 14,
    origins: Sequence[Any] | None = None,
    covariates: Any = None,
    n_origins: int = 5,
    n_paths: int = 1000,
    metrics: Sequence[str] = ("crps", "logscore"),
    reference: str = "poisson",
    random_state: int = 0,
    future_covariates: str = "hold",
    n_boot: int = 1000,
) -> BacktestResult:
    """Fit each model on the days before each origin and score its forecast.

    Parameters
    ----------
    y : array of shape (n_days, n_streams) or DataFrame
        Daily counts.
    models : dict of str to callable
        Name to a factory returning an unfitted model, e.g.
        ``{"hawkes": lambda: DailyHawkes(link="softplus")}``. The model needs
        ``fit(y, covariates)`` and ``predictive_pmf(horizon, max_count, n_paths,
        random_state, covariates)``.
    horizon : int
        Days forecast from each origin.
    origins : sequence, optional
        First forecast day of each fold: row numbers, or dates when ``y`` has a
        DatetimeIndex. Default: ``n_origins`` origins spread over the second half.
    covariates : array of shape (n_days, n_covariates) or DataFrame, optional
        Daily exogenous series; only their values before each origin are used
        unless ``future_covariates="observed"``.
    n_paths : int
        Simulated paths per forecast (Hawkes models).
    metrics : sequence of {"crps", "logscore"}
    reference : str
        Model the skill is measured against; when absent from ``models`` a
        :class:`~redline.models.PoissonBaseline` is added under this name.
    random_state : int
        Seed; each origin and model gets its own derived stream.
    future_covariates : {"hold", "observed"}
        ``"hold"``: forecast days get the last covariate values seen before the
        origin. ``"observed"``: they get the realised values, and the result is
        flagged ``conditional_on_covariates``.
    n_boot : int
        Bootstrap replicates of the skill interval (0: no interval).

    Returns
    -------
    BacktestResult
    """
    horizon = check_horizon(horizon)
    for metric in metrics:
        if metric not in ("crps", "logscore"):
            raise ModelError(f"unknown metric {metric!r}", field="metrics",
                             expected="'crps' and/or 'logscore'")
    if future_covariates not in _FUTURE_COVARIATES:
        raise ModelError(f"unknown future_covariates {future_covariates!r}",
                         field="future_covariates", expected="'hold' or 'observed'")
    y_arr, names, index = check_counts(y, allow_all_zero=True)
    x_arr, cov_names = check_covariates(covariates, y_arr.shape[0])
    n_days = y_arr.shape[0]
    models = dict(models)
    if reference not in models:
        models[reference] = PoissonBaseline
    origin_rows = _origin_rows(origins, index, n_days, horizon, n_origins)
    max_count = int(max(3 * y_arr.max(), 30) + 20)
    diags = Diagnostics()

    def frame(a, cols, rows):
        idx = index[rows] if index is not None else None
        return pd.DataFrame(a[rows], columns=cols, index=idx)

    # values[k, m, metric, stream]; a fold is kept only if every model scored it.
    values = np.full((len(origin_rows), len(models), len(metrics), len(names)), np.nan)
    failures: dict[str, list[tuple[str, str]]] = {}
    not_converged: dict[str, int] = {}
    labels = []
    for k, o in enumerate(origin_rows):
        train = frame(y_arr, names, slice(0, o))
        test = y_arr[o : o + horizon]
        x_train = frame(x_arr, cov_names, slice(0, o)) if cov_names else None
        if not cov_names:
            x_test = None
        elif future_covariates == "observed":
            x_test = x_arr[o : o + horizon]
        else:
            x_test = np.repeat(x_arr[o - 1 : o], horizon, axis=0)
        label = index[o] if isinstance(index, pd.DatetimeIndex) else o
        labels.append(label)
        for m, (name, factory) in enumerate(models.items()):
            seed = int(np.random.SeedSequence([random_state, k, m]).generate_state(1)[0])
            try:
                model = factory().fit(train, covariates=x_train)
                pmf = _pmf_on_enough_counts(model, horizon, max_count, n_paths, seed, x_test,
                                            f"{name} at origin {_fmt(label)}", diags)
            except ModelError as exc:
                # E.g. a stream without events before this origin.
                failures.setdefault(_fmt(label), []).append((name, str(exc)))
                continue
            if getattr(model, "converged_", True) is False:
                not_converged[name] = not_converged.get(name, 0) + 1
            diags.extend(getattr(model, "diagnostics_", ()) or ())
            for q, metric in enumerate(metrics):
                if metric == "crps":
                    values[k, m, q] = scoring.crps_from_pmf(pmf, test).mean(axis=0)
                else:
                    values[k, m, q] = scoring.log_score_from_pmf(pmf, test).mean(axis=0)
    keep = ~np.isnan(values).any(axis=(1, 2, 3))
    # One line per reason: the same reason for every model is said once, and origins that
    # failed alike (a stream with no events yet) are listed together.
    by_reason: dict[str, tuple[str, list[str]]] = {}
    for label, why in failures.items():
        per_msg: dict[str, list[str]] = {}
        for name, msg in why:
            per_msg.setdefault(msg, []).append(name)
        # a model is named unless every model failed for the same reason
        reason = "; ".join(msg if set(who) == set(models) else f"{', '.join(who)}: {msg}"
                           for msg, who in per_msg.items())
        # the same reason at another origin differs only in its counts ("in 150 days")
        key = re.sub(r"\d[\d,.]*", "#", reason)
        by_reason.setdefault(key, (reason, []))[1].append(label)
    for reason, labs in by_reason.values():
        if len(labs) == 1:
            text = f"origin {labs[0]} left out for every model: {reason}"
        else:
            more = ", ..." if len(labs) > 3 else ""
            text = (f"{len(labs)} origins ({', '.join(labs[:3])}{more}) left out for every "
                    f"model, for one reason (as at {labs[0]}): {reason}")
        diags.add("backtest.fold_failed", text)
    for name, n in not_converged.items():
        diags.add("fit.not_converged",
                  f"{name}: the optimiser stopped before converging at {n} of "
                  f"{len(origin_rows)} origins; those forecasts are scored as they are")
    rows = [
        (labels[k], name, stream, metric, float(values[k, m, q, j]))
        for k in np.flatnonzero(keep)
        for m, name in enumerate(models)
        for q, metric in enumerate(metrics)
        for j, stream in enumerate(names)
    ]
    scores = pd.DataFrame(rows, columns=["origin", "model", "stream", "metric", "value"])
    summary = _summary(values[keep], list(models), list(metrics), reference, origin_rows,
                       keep, horizon, n_boot, random_state)
    return BacktestResult(scores=scores, summary=summary, reference=reference, diagnostics=diags,
                          conditional_on_covariates=bool(cov_names)
                          and future_covariates == "observed")


def _fmt(label) -> str:
    return f"{label:%Y-%m-%d}" if isinstance(label, pd.Timestamp) else str(label)


def _summary(values: np.ndarray, model_names: list[str], metrics: list[str], reference: str,
             origin_rows: list[int], keep: np.ndarray, horizon: int, n_boot: int,
             random_state: int) -> pd.DataFrame:
    """Mean score per model and metric, skill against the reference and its interval."""
    per_origin = values.mean(axis=3)  # (n_kept, n_models, n_metrics): mean over streams
    n_kept = per_origin.shape[0]
    r = model_names.index(reference)
    score = per_origin.mean(axis=0) if n_kept else np.full(per_origin.shape[1:], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        skill = 1.0 - score / score[r]
    lo = np.full_like(skill, np.nan)
    hi = np.full_like(skill, np.nan)
    if n_boot and n_kept >= 2:
        kept_rows = np.asarray(origin_rows)[keep]
        spacing = float(np.median(np.diff(kept_rows))) if n_kept > 1 else horizon
        # Origins closer than a horizon share outcome days: resample runs of them.
        block = int(np.ceil(horizon / max(spacing, 1.0)))
        idx = block_bootstrap_indices(n_kept, max(block, 1), n_boot,
                                      np.random.default_rng(random_state))
        boot = per_origin[idx].mean(axis=1)  # (n_boot, n_models, n_metrics)
        with np.errstate(divide="ignore", invalid="ignore"):
            bskill = 1.0 - boot / boot[:, r : r + 1, :]
        lo, hi = np.nanquantile(bskill, [0.05, 0.95], axis=0)
    n_streams = values.shape[3] if values.ndim == 4 else 0
    return pd.DataFrame(
        [(name, metric, float(score[m, q]), float(skill[m, q]), float(lo[m, q]),
          float(hi[m, q]), int(n_kept * n_streams))
         for m, name in enumerate(model_names) for q, metric in enumerate(metrics)],
        columns=["model", "metric", "score", "skill", "skill_lo", "skill_hi", "n"],
    )


#: Largest count grid a predictive pmf is widened to; memory grows with it
#: (n_paths * n_streams * grid floats per day).
MAX_GRID = 5000
#: Probability a forecast may put beyond its grid before the grid is widened.
TAIL_TOLERANCE = 1e-6


def _pmf_on_enough_counts(model, horizon: int, max_count: int, n_paths: int, seed: int,
                          covariates, label: str, diags: Diagnostics) -> np.ndarray:
    """The predictive pmf on a count grid wide enough to hold the forecast.

    The first grid comes from the observed counts; an explosive forecast can put
    its mass beyond it, and a score of a truncated pmf would understate how bad
    the forecast is (CRPS capped near the grid size).  The grid is widened (same
    seed, same paths) until the mass beyond it is below :data:`TAIL_TOLERANCE`, or
    up to :data:`MAX_GRID`, with a diagnostic that the fold's scores are then lower
    bounds of its errors.
    """
    while True:
        pmf = model.predictive_pmf(horizon, max_count, n_paths=n_paths, random_state=seed,
                                   covariates=covariates)
        tail = float((1.0 - pmf.sum(axis=-1)).max())
        if tail <= TAIL_TOLERANCE:
            return pmf
        if max_count >= MAX_GRID:
            diags.add("backtest.heavy_tail",
                      f"{label}: the forecast puts {tail:.2g} of its probability above "
                      f"{MAX_GRID} events a day; its scores understate its error",
                      severity="warning")
            return pmf
        max_count = min(MAX_GRID, max_count * 4)
