"""What a scenario run starts from: the fitted model, the history, parameter draws.

Everything here is computed from the case and the store; nothing is typed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from redline.data.case import Case
from redline.errors import ScenarioError
from redline.models import DailyParams, daily_state, softplus_inv
from redline.scenarios.spec import ScenarioSpec

__all__ = ["ParamDraws", "ScenarioModel", "fatality_counts", "future_covariates", "prepare"]


@dataclass
class ParamDraws:
    """Parameter draws of the fitted model, one per batch of paths.

    Draws come from the model itself (:meth:`DailyHawkes.draw_parameters`):
    ``"wald"`` from the normal approximation of its covariance on the
    optimiser's scale, ``"bootstrap"`` from its refitted replicates, ``"none"``
    the estimate. Under the identity link a supercritical draw (branching ratio
    >= 1) would explode every path of its batch; such draws are redrawn (up to 50
    times) and counted in ``rejected``.
    """

    model: Any
    method: str
    rejected: int = 0

    @property
    def link(self) -> str:
        return self.model.link

    def draw(self, rng: np.random.Generator) -> DailyParams:
        """One parameter draw (typed, see :class:`~redline.models.DailyParams`)."""
        if self.method == "none":
            return self.model.params
        for _ in range(50):
            par = self.model.draw_parameters(1, rng, self.method)[0]
            if self.link != "identity" or par.branching_ratio < 1.0:
                return par
            self.rejected += 1
        return self.model.params


def param_draws(model: Any, method: str) -> ParamDraws:
    """Parameter draws for a fitted ``DailyHawkes``; bootstrap needs its replicates."""
    if method == "bootstrap" and (model.bootstrap_ is None or model.n_boot_used_ == 0):
        raise ScenarioError("the model has no bootstrap samples", field="model.uncertainty",
                            expected="model.n_boot > 0, or uncertainty: wald")
    return ParamDraws(model, method)


@dataclass
class ScenarioModel:
    """The fitted model and the state at the decision day."""

    model: Any
    streams: list[str]              # model streams, then exogenous streams
    n_model: int
    history: pd.DataFrame           # counts of all streams, fit start .. decision day
    future_x: np.ndarray            # (horizon, n_cov) covariates of the simulated days
    exo_rate: np.ndarray            # (n_exo,) events per day of exogenous streams
    exo_decay: float
    fatality: dict[str, Any] = field(default_factory=dict)  # numbers, and 'stream'/'window' strings
    draws: ParamDraws | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    dates: pd.DatetimeIndex | None = None


def future_covariates(case: Case, names: list[str], dates: pd.DatetimeIndex) -> np.ndarray:
    """Covariates on simulated days: the case's step definitions (open end = still on)."""
    cols = []
    for name in names:
        cov = next((c for c in case.covariates if c.name == name), None)
        if cov is not None:
            end = pd.Timestamp(cov.end) if cov.end else dates.max()
            cols.append(((dates >= pd.Timestamp(cov.start)) & (dates <= end)).astype(float))
        else:
            raise ScenarioError(f"the model's covariate {name!r} is not defined by the case",
                                field="model.covariates",
                                expected="case covariates only (their future values come from the case)")
    return np.column_stack(cols) if cols else np.zeros((len(dates), 0))


def fatality_counts(store, case: Case, stream: str, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(k, n): events of ``stream`` with a known casualty record, and those that killed."""
    from redline.data.streams import stream_filters
    f = stream_filters(case, [stream], start, end)[stream]
    ev = store.events(f)
    known = ev["target_killed"].notna() | ev["target_injured"].notna()
    killed = ev["target_killed"].fillna(0) > 0
    return int((known & killed).sum()), int(known.sum())


def prepare(spec: ScenarioSpec, case: Case, store, decision_day: dt.date | None = None,
            horizon: int | None = None, fits: Any = None) -> ScenarioModel:
    """Fit (or load) the model and compute the state at the decision day.

    ``fits`` (a :class:`redline.analysis.fit.FitCache` of the case) hands over a
    model already fitted with the same specification, and the counts already read,
    instead of fitting and reading again.
    """
    from redline.analysis.fit import FitCache, load_fit
    from redline.data.streams import streams as read_streams
    dd = decision_day or spec.decision_day
    horizon = horizon or spec.horizon_days
    ms = spec.model
    if ms.saved:
        path = Path(ms.saved)
        if not path.is_absolute() and spec.path is not None:
            path = spec.path.parent / path
        settings, model = load_fit(path)
        start = dt.date.fromisoformat(settings["start"])
    else:
        start = ms.start or case.start
        end = ms.end if (ms.end and decision_day is None) else dd
        fits = fits or FitCache(store, case)
        fit = fits.fit(ms.streams or None, "daily-hawkes", ms.link, ms.family, ms.covariates,
                       start, end, n_boot=ms.n_boot, random_state=0)
        model, settings = fit.model, fit.settings
    names = list(model.stream_names_) + list(spec.exogenous_streams)
    hist = (fits.data.streams(names, start, dd) if fits is not None
            else read_streams(store, case, names, start, dd)).counts
    dates = pd.date_range(dd + dt.timedelta(days=1), periods=horizon, freq="D")
    x = future_covariates(case, list(model.covariate_names_), dates)
    exo = np.array([hist[s].mean() for s in spec.exogenous_streams], dtype=float)
    hl = spec.value(spec.exogenous_half_life_days)
    fat: dict[str, Any] = {}
    if spec.fatalities:
        k, n = fatality_counts(store, case, spec.fatalities.stream, start, dd)
        a0, b0 = spec.fatalities.prior
        fat = {"killed": k, "known": n, "a": a0 + k, "b": b0 + n - k,
               "mean": (a0 + k) / (a0 + b0 + n), "stream": spec.fatalities.stream,
               "window": f"{start}..{dd}"}
    settings = {**settings, "decision_day": str(dd), "horizon_days": horizon,
                "uncertainty": ms.uncertainty}
    return ScenarioModel(model, names, len(model.stream_names_), hist, x, exo,
                         np.log(2.0) / hl if hl else 1.0, fat,
                         param_draws(model, ms.uncertainty), settings, dates)


@dataclass
class BatchParams:
    """One parameter draw turned into simulator inputs for all streams."""

    mu: np.ndarray        # (horizon, D) linear predictor
    adjacency: np.ndarray  # (D, D)
    decay: np.ndarray     # (D,)
    state: np.ndarray     # (D,)
    dispersion: np.ndarray | None


def batch_params(sm: ScenarioModel, par: DailyParams) -> BatchParams:
    """Simulator inputs of one parameter draw, exogenous streams appended.

    Exogenous streams (in the scenario, not in the model) run at their historical
    mean rate, excite nothing and are excited by nothing.
    """
    identity = par.link == "identity"
    mu_m = par.predictor(sm.future_x)
    m, D = sm.n_model, len(sm.streams)
    H = mu_m.shape[0]
    mu = np.empty((H, D))
    mu[:, :m] = mu_m
    if D > m:
        mu[:, m:] = sm.exo_rate[None, :] if identity else softplus_inv(sm.exo_rate)[None, :]
    adj = np.zeros((D, D))
    adj[:m, :m] = par.adjacency
    decay = np.full(D, sm.exo_decay)
    decay[:m] = par.decay
    state = daily_state(sm.history[sm.streams].to_numpy(float), decay)
    disp = None
    if par.dispersion is not None:
        disp = np.ones(D) * 1e-6
        disp[:m] = par.dispersion
    return BatchParams(mu, adj, decay, state, disp)
