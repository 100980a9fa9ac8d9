"""Baselines every claim about a Hawkes model is compared with.

All four share the estimator interface of :class:`~redline.models.DailyHawkes`
(``fit``, ``log_likelihood``, ``score``, ``simulate``, ``forecast``,
``predictive_pmf``) and ignore covariates (accepted so that a backtest can call
every model the same way).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

from redline.errors import ModelError
from redline.models import scoring
from redline.models._checks import as_rng, check_counts, check_fitted, check_horizon

__all__ = ["Conflictology", "NegBinBaseline", "Persistence", "PoissonBaseline"]


class _CountBaseline:
    """Shared plumbing: subclasses define the predictive mean of each day."""

    _dispersion: np.ndarray | None = None

    def _fit_counts(self, y: Any) -> np.ndarray:
        y_arr, names, index = check_counts(y)
        self.stream_names_ = names
        self._index = index
        self._y = y_arr
        return y_arr

    def _check_y(self, y: Any) -> np.ndarray:
        check_fitted(self, "stream_names_")
        y_arr, _, _ = check_counts(y, allow_all_zero=True)
        if y_arr.shape[1] != len(self.stream_names_):
            raise ModelError(
                f"y has {y_arr.shape[1]} streams, the model {len(self.stream_names_)}",
                field="y", expected=f"shape (n_days, {len(self.stream_names_)})",
            )
        return y_arr

    def _one_step_means(self, y: np.ndarray, history: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def _forecast_means(self, history: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def log_likelihood(self, y: Any, covariates: Any = None, history: Any = None) -> float:
        """Sum of one-day-ahead log predictive probabilities of ``y``."""
        y_arr = self._check_y(y)
        hist = None if history is None else check_counts(history, allow_all_zero=True)[0]
        pmf_max = int(y_arr.max())
        pmf = scoring.count_pmf(self._one_step_means(y_arr, hist), pmf_max, self._dispersion)
        return float(-scoring.log_score_from_pmf(pmf, y_arr).sum())

    def score(self, y: Any, covariates: Any = None, metric: str = "loglik",
              history: Any = None) -> float:
        """Mean one-day-ahead score per day and stream (see ``DailyHawkes.score``)."""
        y_arr = self._check_y(y)
        if metric == "loglik":
            return self.log_likelihood(y_arr, history=history) / y_arr.size
        hist = None if history is None else check_counts(history, allow_all_zero=True)[0]
        max_count = int(max(y_arr.max(), 10) * 3 + 50)
        pmf = scoring.count_pmf(self._one_step_means(y_arr, hist), max_count, self._dispersion)
        return scoring.score_pmf(pmf, y_arr, metric)

    def _means_ahead(self, horizon: int, history: Any) -> np.ndarray:
        check_fitted(self, "stream_names_")
        hist = self._y if history is None else check_counts(history, allow_all_zero=True)[0]
        return np.broadcast_to(self._forecast_means(hist), (horizon, len(self.stream_names_)))

    def simulate(self, horizon: int, n_paths: int = 1000, random_state: Any = None,
                 history: Any = None, covariates: Any = None) -> np.ndarray:
        """Independent daily draws, shape (n_paths, horizon, n_streams)."""
        horizon = check_horizon(horizon)
        n_paths = check_horizon(n_paths, "n_paths")
        mean = self._means_ahead(horizon, history)
        rng = as_rng(random_state)
        lam = np.broadcast_to(mean, (n_paths, horizon, mean.shape[1]))
        if self._dispersion is not None:
            size = 1.0 / self._dispersion
            lam = lam * rng.gamma(size, 1.0 / size, size=lam.shape)
        return rng.poisson(lam)

    def predictive_pmf(self, horizon: int, max_count: int, n_paths: int = 1000,
                       random_state: Any = None, covariates: Any = None,
                       history: Any = None) -> np.ndarray:
        """Exact predictive pmf, shape (horizon, n_streams, max_count + 1)."""
        horizon = check_horizon(horizon)
        return scoring.count_pmf(self._means_ahead(horizon, history), max_count, self._dispersion)

    def forecast(self, horizon: int, quantiles=(0.05, 0.5, 0.95), n_paths: int = 2000,
                 random_state: Any = None, covariates: Any = None) -> pd.DataFrame:
        """Forecast table (columns as ``DailyHawkes.forecast``)."""
        sims = self.simulate(horizon, n_paths, random_state)
        return scoring.forecast_table(sims, quantiles, self.stream_names_, self._index)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PoissonBaseline(_CountBaseline):
    """Constant rate per stream: ``y[t, i] ~ Poisson(rate_i)``.

    Attributes
    ----------
    rate_ : ndarray of shape (n_streams,)
        Mean count per day (the MLE), events per day.
    loglik_ : float
    """

    def fit(self, y: Any, covariates: Any = None) -> PoissonBaseline:
        """Estimate each stream's rate as its mean daily count."""
        y_arr = self._fit_counts(y)
        self.rate_ = y_arr.mean(axis=0)
        self.loglik_ = self.log_likelihood(y_arr)
        return self

    def _one_step_means(self, y, history):
        return np.broadcast_to(self.rate_, y.shape)

    def _forecast_means(self, history):
        return self.rate_


def _negbin_size_mle(y: np.ndarray) -> float:
    """MLE of the negative binomial size ``1/phi`` for one stream, mean fixed at its MLE."""
    m = y.mean()
    if y.var() <= m:
        return np.inf  # not overdispersed: the Poisson limit

    def nll(log_size: float) -> float:
        k = np.exp(log_size)
        return -float((gammaln(y + k) - gammaln(k) + k * np.log(k / (k + m))
                       + y * np.log(m / (k + m))).sum())

    res = minimize_scalar(nll, bounds=(np.log(1e-4), np.log(1e6)), method="bounded")
    return float(np.exp(res.x))


class NegBinBaseline(_CountBaseline):
    """Constant mean per stream with overdispersion: ``y[t, i] ~ NB(rate_i, phi_i)``.

    Variance ``rate + phi * rate**2``; ``phi = 0`` (Poisson) when a stream is not
    overdispersed.

    Attributes
    ----------
    rate_ : ndarray of shape (n_streams,)
        Events per day.
    dispersion_ : ndarray of shape (n_streams,)
    loglik_ : float
    """

    def fit(self, y: Any, covariates: Any = None) -> NegBinBaseline:
        """Maximum likelihood per stream (the mean MLE is the sample mean)."""
        y_arr = self._fit_counts(y)
        self.rate_ = y_arr.mean(axis=0)
        size = np.array([_negbin_size_mle(y_arr[:, j]) for j in range(y_arr.shape[1])])
        # phi = 1e-8 instead of 0 keeps one code path for the pmf.
        self.dispersion_ = np.maximum(1.0 / size, 1e-8)
        self._dispersion = self.dispersion_
        self.loglik_ = self.log_likelihood(y_arr)
        return self

    def _one_step_means(self, y, history):
        return np.broadcast_to(self.rate_, y.shape)

    def _forecast_means(self, history):
        return self.rate_


class Persistence(_CountBaseline):
    """Tomorrow looks like the last ``k`` days.

    The predictive distribution of every future day is **Poisson with mean equal
    to the mean count of the last k observed days** (floored at ``floor`` events
    per day so that an event after a quiet week is unlikely, not impossible).
    Days with fewer than ``k`` observed days before them use those available.

    Parameters
    ----------
    k : int
        Window, days.
    floor : float
        Smallest predictive mean, events per day.
    """

    def __init__(self, k: int = 7, floor: float = 0.05) -> None:
        self.k = k
        self.floor = floor

    def fit(self, y: Any, covariates: Any = None) -> Persistence:
        """Store the series (nothing is estimated)."""
        if int(self.k) != self.k or self.k < 1:
            raise ModelError(f"k must be a whole number of days >= 1, got {self.k!r}",
                             field="k", expected="e.g. 7")
        if not self.floor > 0:
            raise ModelError(f"floor must be > 0, got {self.floor!r}", field="floor",
                             expected="a small rate such as 0.05 events per day")
        self._fit_counts(y)
        self.loglik_ = self.log_likelihood(self._y)
        return self

    def _one_step_means(self, y, history):
        k = int(self.k)
        full = y if history is None else np.vstack([history, y])
        offset = full.shape[0] - y.shape[0]
        csum = np.vstack([np.zeros((1, y.shape[1])), np.cumsum(full, axis=0)])
        t = np.arange(offset, full.shape[0])
        start = np.maximum(t - k, 0)
        n = np.maximum(t - start, 1)
        mean = (csum[t] - csum[start]) / n[:, None]
        return np.maximum(mean, self.floor)

    def _forecast_means(self, history):
        return np.maximum(history[-int(self.k):].mean(axis=0), self.floor)

    def __repr__(self) -> str:
        return f"Persistence(k={self.k})"


class Conflictology:
    """Tomorrow is a day drawn from the unit's own recent past.

    ViEWS's "conflictology" reference: the predictive distribution of every
    future day is the **empirical distribution of the daily counts of the last
    ``window`` days** (each past day weighted equally).  Counts never seen in the
    window get probability zero, so a log score can hit its floor (1e-12); CRPS
    is unaffected.  Not built on ``_CountBaseline``: its pmf is not Poisson.

    Parameters
    ----------
    window : int
        Trailing window, days.

    Attributes
    ----------
    pmf_ : ndarray of shape (n_streams, max_observed + 1)
        Share of window days with each count.
    """

    def __init__(self, window: int = 365) -> None:
        self.window = window

    def fit(self, y: Any, covariates: Any = None) -> Conflictology:
        """Tabulate the counts of the last ``window`` days of each stream."""
        if int(self.window) != self.window or self.window < 1:
            raise ModelError(f"window must be a whole number of days >= 1, got {self.window!r}",
                             field="window", expected="e.g. 365")
        y_arr, names, index = check_counts(y, allow_all_zero=True)
        self.stream_names_ = names
        self._index = index
        recent = y_arr[-int(self.window):].astype(np.int64)
        top = int(recent.max()) if recent.size else 0
        self.pmf_ = np.stack([np.bincount(recent[:, j], minlength=top + 1) / recent.shape[0]
                              for j in range(recent.shape[1])])
        return self

    def predictive_pmf(self, horizon: int, max_count: int, n_paths: int = 1000,
                       random_state: Any = None, covariates: Any = None,
                       history: Any = None) -> np.ndarray:
        """Exact predictive pmf, shape (horizon, n_streams, max_count + 1)."""
        check_fitted(self, "stream_names_")
        horizon = check_horizon(horizon)
        out = np.zeros((len(self.stream_names_), max_count + 1))
        k = min(max_count + 1, self.pmf_.shape[1])
        out[:, :k] = self.pmf_[:, :k]
        return np.broadcast_to(out, (horizon,) + out.shape).copy()

    def simulate(self, horizon: int, n_paths: int = 1000, random_state: Any = None,
                 history: Any = None, covariates: Any = None) -> np.ndarray:
        """Independent daily draws, shape (n_paths, horizon, n_streams)."""
        check_fitted(self, "stream_names_")
        horizon = check_horizon(horizon)
        rng = as_rng(random_state)
        cols = [rng.choice(self.pmf_.shape[1], size=(n_paths, horizon), p=p) for p in self.pmf_]
        return np.stack(cols, axis=-1)

    def __repr__(self) -> str:
        return f"Conflictology(window={self.window})"
