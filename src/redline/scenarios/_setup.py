"""What a scenario run starts from: the fitted model, the history, parameter draws.

Everything here is computed from the case and the store; nothing is typed in.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from redline.data.case import Case
from redline.errors import ScenarioError
from redline.scenarios.spec import ScenarioSpec

__all__ = ["ScenarioModel", "ParamDraws", "prepare", "future_covariates", "fatality_counts"]


@dataclass
class ParamDraws:
    """Draws of the fitted parameters: bootstrap rows, or the Wald (normal) approximation.

    Parameters are drawn on the optimiser's scale (log rates, log decays,
    signed or non-negative couplings), from ``N(theta_hat, inv(observed
    information))`` over the free parameters; parameters at a bound (e.g. a
    coupling of exactly 0 under the identity link) stay at their estimate.
    """

    theta: np.ndarray
    method: str
    link: str
    n_streams: int
    n_cov: int
    family: str
    chol: np.ndarray | None = None
    free: np.ndarray | None = None
    boot: np.ndarray | None = None
    rejected: int = 0

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, ...]:
        from redline.models.hawkes._likelihood import DailySpec
        return DailySpec(self.n_streams, self.n_cov, self.link, self.family).unpack(theta)

    def _from_natural(self, row: np.ndarray) -> np.ndarray:
        from redline.models.hawkes._likelihood import softplus_inv
        d, p = self.n_streams, self.n_cov
        base = row[:d]
        c = np.log(np.maximum(base, 1e-300)) if self.link == "identity" else softplus_inv(base)
        parts = [c, row[d:d + d * d], np.log(row[d + d * d:2 * d + d * d]),
                 row[2 * d + d * d:2 * d + d * d + d * p]]
        if self.family == "negbin":
            parts.append(np.log(row[-d:]))
        return np.concatenate(parts)

    def _explosive(self, theta: np.ndarray) -> bool:
        if self.link != "identity":
            return False
        _, alpha, *_ = self.unpack(theta)
        return float(np.max(np.abs(np.linalg.eigvals(alpha)))) >= 1.0

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """One parameter vector (packed layout of ``DailyHawkes``)."""
        if self.method == "none":
            return self.theta.copy()
        for _ in range(50):
            if self.method == "bootstrap":
                th = self._from_natural(self.boot[rng.integers(self.boot.shape[0])])
            else:
                th = self.theta.copy()
                th[self.free] += self.chol @ rng.standard_normal(self.free.size)
            if self.link == "identity":
                d = self.n_streams
                th[d:d + d * d] = np.maximum(th[d:d + d * d], 0.0)
            if not self._explosive(th):
                return th
            self.rejected += 1
        return self.theta.copy()


def param_draws(model: Any, method: str) -> ParamDraws:
    """Parameter draws for a fitted ``DailyHawkes`` (through its public ``to_dict``)."""
    from redline.models.hawkes._inference import numerical_hessian
    from redline.models.hawkes._likelihood import DailySpec, daily_negloglik
    state = model.to_dict()
    theta = np.asarray(state["params"], dtype=float)
    hyper = state["hyperparameters"]
    d, p = len(state["stream_names"]), len(state["covariate_names"])
    out = ParamDraws(theta, method, hyper["link"], d, p, hyper["family"])
    if method == "none":
        return out
    if method == "bootstrap":
        boot = state.get("bootstrap")
        rows = None if boot is None else np.array(
            [[np.nan if v is None else v for v in r] for r in boot], dtype=float)
        rows = None if rows is None else rows[np.isfinite(rows).all(axis=1)]
        if rows is None or not len(rows):
            raise ScenarioError("the model has no bootstrap samples", field="model.uncertainty",
                                expected="model.n_boot > 0, or uncertainty: wald")
        out.boot = rows
        return out
    se = np.array([np.nan if v is None else v for v in state["stderr_params"]], dtype=float)
    free = np.flatnonzero(np.isfinite(se))
    spec = DailySpec(d, p, hyper["link"], hyper["family"])
    y = np.asarray(state["y"], dtype=float).reshape(-1, d)
    x = np.asarray(state["covariates"], dtype=float).reshape(y.shape[0], -1)

    def grad_free(sub: np.ndarray) -> np.ndarray:
        full = theta.copy()
        full[free] = sub
        return daily_negloglik(full, spec, y, x)[1][free]

    if free.size:
        H = numerical_hessian(grad_free, theta[free])
        vals, vecs = np.linalg.eigh(H)
        # The inverse of the observed information on its positive part: directions
        # with no curvature (unidentified) get no spread rather than infinite.
        inv = np.where(vals > 1e-10 * max(vals.max(), 1e-300), 1.0 / np.maximum(vals, 1e-300), 0.0)
        out.chol = vecs * np.sqrt(inv)
    out.free = free
    return out


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
    fatality: dict[str, float] = field(default_factory=dict)
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
            horizon: int | None = None) -> ScenarioModel:
    """Fit (or load) the model and compute the state at the decision day."""
    from redline.analysis.fit import fit_case, load_fit
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
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=".*deprecated.*")
            fit = fit_case(store, case, ms.streams or None, "daily-hawkes", ms.link, ms.family,
                           ms.covariates, start, end, n_boot=ms.n_boot, random_state=0)
        model, settings = fit.model, fit.settings
    names = list(model.stream_names_) + list(spec.exogenous_streams)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        hist = read_streams(store, case, names, start, dd).counts
    dates = pd.date_range(dd + dt.timedelta(days=1), periods=horizon, freq="D")
    x = future_covariates(case, list(model.covariate_names_), dates)
    exo = np.array([hist[s].mean() for s in spec.exogenous_streams], dtype=float)
    hl = spec.value(spec.exogenous_half_life_days)
    fat: dict[str, float] = {}
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


def batch_params(sm: ScenarioModel, theta: np.ndarray) -> BatchParams:
    """Simulator inputs of one parameter draw, exogenous streams appended."""
    from redline.models import daily_state
    from redline.models.hawkes._likelihood import softplus_inv
    c, alpha, log_decay, beta, log_disp = sm.draws.unpack(theta)
    eta = c[None, :] + sm.future_x @ beta.T
    identity = sm.draws.link == "identity"
    mu_m = np.exp(eta) if identity else eta
    m, D = sm.n_model, len(sm.streams)
    H = mu_m.shape[0]
    mu = np.empty((H, D))
    mu[:, :m] = mu_m
    if D > m:
        mu[:, m:] = sm.exo_rate[None, :] if identity else softplus_inv(sm.exo_rate)[None, :]
    adj = np.zeros((D, D))
    adj[:m, :m] = alpha
    decay = np.full(D, sm.exo_decay)
    decay[:m] = np.exp(log_decay)
    state = daily_state(sm.history[sm.streams].to_numpy(float), decay)
    disp = None
    if log_disp is not None:
        disp = np.ones(D) * 1e-6
        disp[:m] = np.exp(log_disp)
    return BatchParams(mu, adj, decay, state, disp)
