"""Simulation and forecasts of a fitted ``DailyHawkes`` (a mixin of the estimator).

Every method here runs the one daily simulator,
:func:`~redline.models.hawkes._simulate_daily.simulate_daily`, from the state
the fit left (``end_state_``) or from a given history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from redline.models import scoring
from redline.models._checks import as_rng, check_covariates, check_fitted, check_horizon
from redline.models.hawkes._likelihood import daily_state
from redline.models.hawkes._params import DailyParams, DailySpec
from redline.models.hawkes._simulate_daily import DailySimulation, Interventions, simulate_daily

__all__ = ["DailyForecastMixin"]


class DailyForecastMixin:
    """``simulate_detailed``, ``simulate``, ``predictive_pmf`` and ``forecast``."""

    if TYPE_CHECKING:  # set by DailyHawkes.fit; declared for type checkers only
        _spec: DailySpec
        adjacency_: np.ndarray
        decay_: np.ndarray
        dispersion_: np.ndarray | None
        end_state_: np.ndarray
        last_covariates_: np.ndarray
        last_date_: str | None
        max_count_: float
        stream_names_: list[str]
        random_state: Any

        @property
        def params(self) -> DailyParams: ...

        def draw_parameters(self, n: int, random_state: Any = None,
                            method: str = "wald") -> list[DailyParams]: ...

    def _future_covariates(self, covariates, horizon):
        if self._spec.n_cov == 0:
            return np.zeros((horizon, 0))
        if covariates is None:
            # Without a scenario for the covariates, hold the last observed day.
            return np.repeat(self.last_covariates_[None, :], horizon, axis=0)
        x, _ = check_covariates(covariates, horizon, n_cov=self._spec.n_cov)
        return x

    @property
    def explosive_rate_(self) -> float:
        """Events per day above which a simulated path counts as run away.

        Ten times the largest daily count of the fitted data, and at least 100:
        far beyond anything the data showed, reached only by self-excitation that
        feeds on itself.
        """
        check_fitted(self)
        return max(100.0, 10.0 * self.max_count_)

    def simulate_detailed(
        self,
        horizon: int,
        n_paths: int = 1000,
        random_state: Any = None,
        history: Any = None,
        covariates: Any = None,
        interventions: Interventions | None = None,
        return_rates: bool = False,
        parameter_uncertainty: bool | str = False,
    ) -> DailySimulation:
        """Simulate forward from the end of a history; paths and what happened on them.

        Parameters
        ----------
        horizon : int
            Days to simulate.
        n_paths : int
        random_state : None, int or Generator
        history : array of shape (n_hist, n_streams), optional
            Counts of the days before the simulation; default: the fitted data
            (through ``end_state_``, the excitation left at its last day). Pass an
            empty array for none.
        covariates : array of shape (horizon, n_covariates), optional
            Covariates of the simulated days; default: the last fitted day held.
        interventions : Interventions, optional
            Injected events, changed baselines or couplings, red-line rules.
        return_rates : bool
            Also keep the rates of each path and day (events per day).
        parameter_uncertainty : bool or {"bootstrap", "wald"}
            Give each path its own parameter draw (:meth:`draw_parameters`;
            ``True`` means ``"bootstrap"``), so the spread of the paths includes
            the estimation uncertainty and not only the randomness of events.
            Without ``history``, every draw starts from ``end_state_``.

        Returns
        -------
        DailySimulation
        """
        check_fitted(self)
        horizon = check_horizon(horizon)
        n_paths = check_horizon(n_paths, "n_paths")
        d = self._spec.n_streams
        h = None if history is None else np.asarray(history, dtype=float).reshape(-1, d)
        x = self._future_covariates(covariates, horizon)
        rng = as_rng(random_state if random_state is not None else self.random_state)
        mu: np.ndarray
        adj: np.ndarray
        decay: np.ndarray
        disp: np.ndarray | None
        state: np.ndarray | None
        if parameter_uncertainty:
            method = "bootstrap" if parameter_uncertainty is True else parameter_uncertainty
            draws = self.draw_parameters(n_paths, rng, method)
            mu = np.stack([p.predictor(x) for p in draws])
            adj = np.stack([p.adjacency for p in draws])
            decay = np.stack([p.decay for p in draws])
            disp = (None if self.dispersion_ is None
                    else np.stack([np.asarray(p.dispersion) for p in draws]))
            if h is None:
                state = self.end_state_
            else:
                state = np.stack([daily_state(h, dk) for dk in decay]) if h.size else None
        else:
            mu, adj, decay, disp = (self.params.predictor(x), self.adjacency_, self.decay_,
                                    self.dispersion_)
            if h is None:
                state = self.end_state_
            else:
                state = daily_state(h, self.decay_) if h.size else None
        return simulate_daily(
            mu, adj, decay, horizon=horizon, n_paths=n_paths, link=self._spec.link,
            family=self._spec.family, dispersion=disp, initial_state=state,
            interventions=interventions, random_state=rng, return_rates=return_rates,
            explosive_rate=self.explosive_rate_)

    def simulate(
        self,
        horizon: int,
        n_paths: int = 1000,
        random_state: Any = None,
        history: Any = None,
        covariates: Any = None,
        injections: Any = None,
        baseline_scale: Any = None,
        return_rates: bool = False,
        parameter_uncertainty: bool | str = False,
    ):
        """Simulated counts (see :meth:`simulate_detailed` for the parameters).

        ``injections`` (array of shape (horizon, n_streams)) are events forced on
        each day; ``baseline_scale`` multiplies the baseline rate (see
        :class:`Interventions`).

        Returns
        -------
        counts : ndarray of int64, shape (n_paths, horizon, n_streams)
        rates : ndarray of shape (n_paths, horizon, n_streams)
            Only if ``return_rates``.
        """
        sim = self.simulate_detailed(
            horizon, n_paths, random_state, history, covariates,
            Interventions(injections=injections, baseline_scale=baseline_scale),
            return_rates, parameter_uncertainty)
        return (sim.counts, sim.rates) if return_rates else sim.counts

    def predictive_pmf(self, horizon: int, max_count: int, n_paths: int = 1000,
                       random_state: Any = None, covariates: Any = None) -> np.ndarray:
        """Predictive pmf of each future day, shape (horizon, n_streams, max_count + 1).

        Day ``h`` is the mixture over simulated paths of the one-day distribution
        given that path's past (Rao–Blackwellised: smoother than counting samples).
        """
        _, rates = self.simulate(horizon, n_paths, random_state, covariates=covariates,
                                 return_rates=True)
        return scoring.mixture_pmf(rates, max_count, self.dispersion_)

    def forecast(self, horizon: int, quantiles=(0.05, 0.5, 0.95), n_paths: int = 2000,
                 random_state: Any = None, covariates: Any = None) -> pd.DataFrame:
        """Forecast table: one row per day ahead and stream.

        Columns: ``step`` (1 = first day after the data), ``date`` (when the fitted
        counts had a DatetimeIndex), ``stream``, ``mean`` (events per day) and one
        column ``q<level>`` per quantile, from ``n_paths`` simulated paths.
        """
        sims = self.simulate(horizon, n_paths, random_state, covariates=covariates)
        index = None if self.last_date_ is None else pd.DatetimeIndex([self.last_date_])
        return scoring.forecast_table(sims, quantiles, self.stream_names_, index)

