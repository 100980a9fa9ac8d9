"""Rolling-origin backtests of count forecasts (what ``redline backtest CASE`` prints)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from redline.errors import ModelError
from redline.models import scoring
from redline.models._checks import check_counts, check_covariates, check_horizon
from redline.models.baselines import PoissonBaseline

__all__ = ["BacktestResult", "rolling_origin"]


@dataclass
class BacktestResult:
    """Scores of a rolling-origin backtest.

    Attributes
    ----------
    scores : DataFrame
        One row per origin, model, stream and metric: columns ``origin`` (the
        first forecast day: a date when ``y`` had a DatetimeIndex, else a row
        number), ``model``, ``stream``, ``metric``, ``value`` (mean over the
        horizon's days; lower is better).
    summary : DataFrame
        One row per model and metric: ``score`` (mean over origins and streams),
        ``skill`` = ``1 - score / score_reference`` (positive: better than the
        reference), ``n`` (number of scored origin-stream pairs).
    reference : str
        Name of the reference model (the Poisson baseline by default).
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    reference: str

    def __repr__(self) -> str:
        return f"BacktestResult(reference={self.reference!r})\n{self.summary.to_string(index=False)}"


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
        Models are given the *observed* covariates of the forecast days (e.g. a
        known "Gaza war under way" indicator), not a forecast of them.
    n_paths : int
        Simulated paths per forecast (Hawkes models).
    metrics : sequence of {"crps", "logscore"}
    reference : str
        Model the skill is measured against; when absent from ``models`` a
        :class:`~redline.models.PoissonBaseline` is added under this name.
    random_state : int
        Seed; each origin and model gets its own derived stream.

    Returns
    -------
    BacktestResult
    """
    horizon = check_horizon(horizon)
    for m in metrics:
        if m not in ("crps", "logscore"):
            raise ModelError(f"unknown metric {m!r}", field="metrics",
                             expected="'crps' and/or 'logscore'")
    y_arr, names, index = check_counts(y, allow_all_zero=True)
    x_arr, cov_names = check_covariates(covariates, y_arr.shape[0])
    n_days = y_arr.shape[0]
    models = dict(models)
    if reference not in models:
        models[reference] = PoissonBaseline
    if origins is None:
        origin_rows = _default_origins(n_days, horizon, n_origins)
    else:
        origin_rows = []
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
            origin_rows.append(int(o))
    max_count = int(max(3 * y_arr.max(), 30) + 20)

    def frame(a, cols, rows):
        idx = index[rows] if index is not None else None
        return pd.DataFrame(a[rows], columns=cols, index=idx)

    rows = []
    for k, o in enumerate(origin_rows):
        train = frame(y_arr, names, slice(0, o))
        test = y_arr[o : o + horizon]
        x_train = frame(x_arr, cov_names, slice(0, o)) if cov_names else None
        x_test = x_arr[o : o + horizon] if cov_names else None
        label = index[o] if isinstance(index, pd.DatetimeIndex) else o
        for m, (name, factory) in enumerate(models.items()):
            seed = int(np.random.SeedSequence([random_state, k, m]).generate_state(1)[0])
            try:
                model = factory().fit(train, covariates=x_train)
                pmf = _pmf_on_enough_counts(model, horizon, max_count, n_paths, seed, x_test,
                                            f"{name} at origin {label}")
            except ModelError as exc:
                # E.g. a stream without events before this origin: record the fold
                # as missing rather than stop the whole backtest.
                warnings.warn(f"{name} at origin {label}: {exc}", stacklevel=2)
                pmf = None
            for metric in metrics:
                if pmf is None:
                    vals = np.full(len(names), np.nan)
                elif metric == "crps":
                    vals = scoring.crps_from_pmf(pmf, test).mean(axis=0)
                else:
                    vals = scoring.log_score_from_pmf(pmf, test).mean(axis=0)
                for j, stream in enumerate(names):
                    rows.append((label, name, stream, metric, float(vals[j])))
    scores = pd.DataFrame(rows, columns=["origin", "model", "stream", "metric", "value"])
    summary = (
        scores.groupby(["model", "metric"], sort=False)["value"]
        .agg(score="mean", n="count")
        .reset_index()
    )
    ref = summary[summary["model"] == reference].set_index("metric")["score"]
    summary["skill"] = 1.0 - summary["score"] / summary["metric"].map(ref)
    summary = summary[["model", "metric", "score", "skill", "n"]]
    return BacktestResult(scores=scores, summary=summary, reference=reference)


#: Largest count grid a predictive pmf is widened to; memory grows with it
#: (n_paths * n_streams * grid floats per day).
MAX_GRID = 5000
#: Probability a forecast may put beyond its grid before the grid is widened.
TAIL_TOLERANCE = 1e-6


def _pmf_on_enough_counts(model, horizon: int, max_count: int, n_paths: int, seed: int,
                          covariates, label: str) -> np.ndarray:
    """The predictive pmf on a count grid wide enough to hold the forecast.

    The first grid comes from the observed counts; an explosive forecast can put
    its mass beyond it, and a score of a truncated pmf would understate how bad
    the forecast is (CRPS capped near the grid size).  The grid is widened (same
    seed, same paths) until the mass beyond it is below :data:`TAIL_TOLERANCE`, or
    up to :data:`MAX_GRID`, with a warning that the fold's scores are then lower
    bounds of its errors.
    """
    while True:
        pmf = model.predictive_pmf(horizon, max_count, n_paths=n_paths, random_state=seed,
                                   covariates=covariates)
        tail = float((1.0 - pmf.sum(axis=-1)).max())
        if tail <= TAIL_TOLERANCE:
            return pmf
        if max_count >= MAX_GRID:
            warnings.warn(f"{label}: the forecast puts {tail:.2g} of its probability above "
                          f"{MAX_GRID} events a day; its scores understate its error",
                          stacklevel=3)
            return pmf
        max_count = min(MAX_GRID, max_count * 4)
