"""Proper scores for count forecasts, and the pmf helpers the estimators share.

Conventions: a predictive *pmf* is an array whose last axis runs over counts
``0, 1, ..., max_count``; *samples* have the draws on axis 0. Both scores are
negatively oriented (lower is better):

* CRPS of a count forecast ``F`` for outcome ``y``: ``sum_k (F(k) - 1{y <= k})**2``
  over ``k = 0, 1, ...`` (the integral of the squared CDF difference, exact for
  integer-valued forecasts); in events per day.
* Log score: ``-log p(y)``, in nats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from redline.errors import ModelError

__all__ = [
    "crps_from_pmf",
    "crps_from_samples",
    "log_score_from_pmf",
    "count_pmf",
    "mixture_pmf",
    "score_pmf",
    "randomised_pit",
    "forecast_table",
]

_METRICS = ("crps", "logscore")
# Floor of a predictive probability in the log score, so that an outcome a model
# calls impossible costs a large but finite penalty (-log 1e-12 = 27.6 nats).
_P_FLOOR = 1e-12


def crps_from_pmf(pmf: np.ndarray, y: Any) -> np.ndarray:
    """CRPS of count forecasts given as pmfs.

    Parameters
    ----------
    pmf : ndarray of shape (..., max_count + 1)
        Probabilities of 0..max_count; mass beyond ``max_count`` is taken as
        negligible (choose ``max_count`` well above the plausible counts).
    y : array broadcastable to ``pmf.shape[:-1]``
        Observed counts (counts above the grid are scored exactly, taking the
        forecast's CDF as 1 beyond it).

    Returns
    -------
    ndarray of shape ``pmf.shape[:-1]``
    """
    pmf = np.asarray(pmf, dtype=float)
    y = np.asarray(y, dtype=float)
    k = np.arange(pmf.shape[-1])
    cdf = np.cumsum(pmf, axis=-1)
    ind = (k >= y[..., None]).astype(float)
    # Counts above the grid: there F = 1 (all mass is on the grid) while the
    # indicator is still 0 up to y - 1, one unit of squared error per count.
    beyond = np.maximum(y - pmf.shape[-1], 0.0)
    return ((cdf - ind) ** 2).sum(axis=-1) + beyond


def crps_from_samples(samples: np.ndarray, y: Any) -> np.ndarray:
    """CRPS estimated from forecast samples: ``E|X - y| - E|X - X'| / 2``.

    Parameters
    ----------
    samples : ndarray of shape (n_samples, ...)
    y : array broadcastable to ``samples.shape[1:]``

    Returns
    -------
    ndarray of shape ``samples.shape[1:]``
    """
    x = np.sort(np.asarray(samples, dtype=float), axis=0)
    n = x.shape[0]
    if n == 0:
        raise ModelError("no samples", field="samples", expected="at least one sample")
    y = np.asarray(y, dtype=float)
    term1 = np.abs(x - y).mean(axis=0)
    # E|X - X'| over all ordered pairs from the order statistics, O(n log n).
    w = (2.0 * np.arange(1, n + 1) - n - 1).reshape((n,) + (1,) * (x.ndim - 1))
    term2 = 2.0 * (w * x).sum(axis=0) / n**2
    return term1 - 0.5 * term2


def log_score_from_pmf(pmf: np.ndarray, y: Any) -> np.ndarray:
    """``-log pmf[y]``, floored at probability 1e-12; counts above the grid get the floor."""
    pmf = np.asarray(pmf, dtype=float)
    y = np.asarray(y).astype(np.int64)
    y = np.broadcast_to(y, pmf.shape[:-1])
    inside = y < pmf.shape[-1]
    idx = np.where(inside, y, 0)
    p = np.take_along_axis(pmf, idx[..., None], axis=-1)[..., 0]
    p = np.where(inside, p, 0.0)
    return -np.log(np.maximum(p, _P_FLOOR))


def count_pmf(mean: np.ndarray, max_count: int, dispersion: Any = None) -> np.ndarray:
    """Poisson (or negative binomial) pmf on ``0..max_count``.

    Parameters
    ----------
    mean : ndarray of shape (..., n_streams)
        Means in events per day.
    dispersion : ndarray of shape (n_streams,), optional
        Negative binomial ``phi`` (variance ``mean + phi * mean**2``); Poisson if None.

    Returns
    -------
    ndarray of shape (..., n_streams, max_count + 1)
    """
    lam = np.maximum(np.asarray(mean, dtype=float), 1e-300)[..., None]
    k = np.arange(max_count + 1, dtype=float)
    if dispersion is None:
        logp = k * np.log(lam) - lam - gammaln(k + 1.0)
    else:
        size = (1.0 / np.asarray(dispersion, dtype=float))[..., None]
        logp = (
            gammaln(k + size) - gammaln(size) - gammaln(k + 1.0)
            + size * np.log(size / (size + lam)) + k * np.log(lam / (size + lam))
        )
    return np.exp(logp)


def mixture_pmf(rates: np.ndarray, max_count: int, dispersion: Any = None) -> np.ndarray:
    """Mixture over paths of one-day pmfs, shape (horizon, n_streams, max_count + 1).

    ``rates`` has shape (n_paths, horizon, n_streams): the conditional mean of each
    day on each simulated path.
    """
    n_paths, horizon, d = rates.shape
    out = np.empty((horizon, d, max_count + 1))
    for t in range(horizon):  # one day at a time bounds the memory to n_paths * d * K
        out[t] = count_pmf(rates[:, t, :], max_count, dispersion).mean(axis=0)
    return out


def score_pmf(pmf: np.ndarray, y: np.ndarray, metric: str) -> float:
    """Mean of a score over all forecasts (``metric`` is "crps" or "logscore")."""
    if metric == "crps":
        return float(crps_from_pmf(pmf, y).mean())
    if metric == "logscore":
        return float(log_score_from_pmf(pmf, y).mean())
    raise ModelError(f"unknown metric {metric!r}", field="metric",
                     expected="'loglik', 'crps' or 'logscore'")


def randomised_pit(
    y: np.ndarray, mean: np.ndarray, dispersion: Any, rng: np.random.Generator
) -> np.ndarray:
    """Randomised probability integral transform of counts.

    ``u = F(y - 1) + V * (F(y) - F(y - 1))`` with ``V ~ Uniform(0, 1)``: exactly
    Uniform(0, 1) when the counts follow the predictive ``F`` (Smith 1985;
    Czado, Gneiting and Held 2009), so a KS test against the uniform checks fit.
    """
    if dispersion is None:
        dist = stats.poisson(mean)
    else:
        size = 1.0 / np.asarray(dispersion, dtype=float)
        dist = stats.nbinom(size, size / (size + mean))
    hi = dist.cdf(y)
    lo = dist.cdf(y - 1)
    return lo + rng.uniform(size=y.shape) * (hi - lo)


def forecast_table(
    sims: np.ndarray,
    quantiles: Sequence[float],
    stream_names: Sequence[str],
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """Long forecast table from simulated paths of shape (n_paths, horizon, n_streams)."""
    quantiles = [float(q) for q in quantiles]
    if any(not 0 < q < 1 for q in quantiles):
        raise ModelError(f"quantiles must lie in (0, 1), got {quantiles}", field="quantiles",
                         expected="e.g. (0.05, 0.5, 0.95)")
    _, horizon, d = sims.shape
    steps = np.repeat(np.arange(1, horizon + 1), d)
    frame = {"step": steps}
    if isinstance(index, pd.DatetimeIndex) and len(index):
        frame["date"] = index[-1] + pd.to_timedelta(steps, unit="D")
    frame["stream"] = np.tile(np.asarray(stream_names, dtype=object), horizon)
    frame["mean"] = sims.mean(axis=0).ravel()
    if quantiles:
        qs = np.quantile(sims, quantiles, axis=0)
        for q, vals in zip(quantiles, qs):
            frame[f"q{q:g}"] = vals.ravel()
    return pd.DataFrame(frame)
