"""A daily Hawkes model whose baseline follows the recent level of the series.

Conflicts wax and wane over months; a constant baseline fitted on two years
puts a quiet spell's forecast too high and a surge's too low, and leaves the
self-excitation to absorb the difference.  :class:`LevelHawkes` lets the
baseline scale with the series' own trailing level::

    mu[t, i] = base_i * (1 + level[t, j]) ** beta[i, j],
    level[t, j] = mean of y[s, j] over the ``level_window`` days before t

(a :class:`~redline.models.DailyHawkes` with ``log1p(level)`` as covariates and
the identity link).  The level is known at the origin, so a forecast uses no
future data; over the forecast days it is held at its value on the first
forecast day (a slowly varying quantity over horizons of weeks).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from redline.errors import ModelError
from redline.models._checks import check_counts, check_fitted, check_horizon
from redline.models.hawkes import DailyHawkes

__all__ = ["LevelHawkes", "trailing_level"]


def trailing_level(y: np.ndarray, window: int) -> np.ndarray:
    """Mean count of the ``window`` days before each day, shape (n_days + 1, n_streams).

    Row ``t`` uses days ``t - window .. t - 1`` (fewer at the start; row 0 takes
    row 1's value); the extra last row is the level of the day after the data.
    """
    y = np.asarray(y, dtype=float)
    csum = np.vstack([np.zeros((1, y.shape[1])), np.cumsum(y, axis=0)])
    t = np.arange(y.shape[0] + 1)
    start = np.maximum(t - window, 0)
    n = np.maximum(t - start, 1)
    level = (csum[t] - csum[start]) / n[:, None]
    level[0] = level[1] if len(level) > 1 else 0.0
    return level


class LevelHawkes:
    """DailyHawkes with a baseline scaled by the trailing level of each stream.

    Parameters
    ----------
    level_window : int
        Days averaged into the level.
    family : {"poisson", "negbin"}
    random_state : None or int
    max_iter : int

    Attributes
    ----------
    model_ : DailyHawkes
        The fitted model (covariates ``level_<stream>`` = ``log1p`` of the level).
    level_coef_ : ndarray of shape (n_streams, n_streams)
        Exponents ``beta``: 0 means a constant baseline, 1 a baseline
        proportional to ``1 + level``.
    converged_ : bool
    """

    def __init__(self, level_window: int = 90, family: str = "negbin",
                 random_state: int | None = None, max_iter: int = 2000) -> None:
        self.level_window = level_window
        self.family = family
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, y: Any, covariates: Any = None) -> LevelHawkes:
        """Fit the Hawkes model with the trailing level as its covariates.

        ``covariates`` is not supported (the level takes their place).
        """
        if covariates is not None:
            raise ModelError("LevelHawkes takes no covariates", field="covariates",
                             expected="None (the trailing level is its covariate)")
        if int(self.level_window) != self.level_window or self.level_window < 1:
            raise ModelError(f"level_window must be a whole number of days >= 1, got "
                             f"{self.level_window!r}", field="level_window", expected="e.g. 90")
        y_arr, names, _ = check_counts(y)
        level = np.log1p(trailing_level(y_arr, int(self.level_window)))
        self.model_ = DailyHawkes(link="identity", family=self.family,
                                  random_state=self.random_state, max_iter=self.max_iter)
        self.model_.fit(y_arr, covariates=level[:-1])
        self._next_level = level[-1:]
        self.stream_names_ = names
        self.level_coef_ = self.model_.coef_
        self.converged_ = self.model_.converged_
        self.diagnostics_ = getattr(self.model_, "diagnostics_", None)
        return self

    def predictive_pmf(self, horizon: int, max_count: int, n_paths: int = 1000,
                       random_state: Any = None, covariates: Any = None) -> np.ndarray:
        """Predictive pmf of each future day, shape (horizon, n_streams, max_count + 1)."""
        check_fitted(self, "model_")
        horizon = check_horizon(horizon)
        x = np.repeat(self._next_level, horizon, axis=0)
        return self.model_.predictive_pmf(horizon, max_count, n_paths=n_paths,
                                          random_state=random_state, covariates=x)

    def simulate(self, horizon: int, n_paths: int = 1000, random_state: Any = None) -> np.ndarray:
        """Count paths from the end of the data, shape (n_paths, horizon, n_streams)."""
        check_fitted(self, "model_")
        horizon = check_horizon(horizon)
        x = np.repeat(self._next_level, horizon, axis=0)
        return self.model_.simulate(horizon, n_paths, random_state, covariates=x)

    def __repr__(self) -> str:
        return f"LevelHawkes(level_window={self.level_window}, family={self.family!r})"
