"""The discrete-time (daily counts) multivariate Hawkes estimator."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from redline.errors import BootstrapWarning, ConvergenceWarning, ModelError, StationarityWarning
from redline.models import scoring
from redline.models._checks import (
    as_rng,
    check_counts,
    check_covariates,
    check_fitted,
    check_horizon,
)
from redline.models.hawkes._inference import ResidualsResult, interval_table, wald_stderr
from redline.models.hawkes._likelihood import (
    DailySpec,
    daily_negloglik,
    daily_rates,
    daily_state,
    softplus,
    softplus_inv,
)
from redline.models.hawkes._serialize import daily_from_dict, daily_to_dict
from redline.models.hawkes._simulate import simulate_daily_paths

__all__ = ["DailyHawkes"]

_LINKS = ("identity", "softplus")
_FAMILIES = ("poisson", "negbin")
# Decay bounds in 1/day: half-lives from ~0.03 days (all effect on the next day)
# to ~70 days; beyond these the decay is not identified from daily data.
_LOG_DECAY_BOUNDS = (np.log(0.01), np.log(20.0))


class DailyHawkes:
    """Multivariate Hawkes model for daily event counts.

    ``y[t, i] ~ Poisson(lambda[t, i])`` (or negative binomial with mean
    ``lambda[t, i]`` and variance ``lambda + phi_i * lambda**2``), where::

        lambda[t, i] = link(mu[t, i] + sum_j alpha[i, j] * sum_{s<t} k_j(t - s) * y[s, j])
        k_j(l) = (1 - r_j) * r_j**(l - 1),   r_j = exp(-decay_j),   l = 1, 2, ...

    The kernel of each *source* stream sums to one, so ``alpha[i, j]`` is the
    total effect of one ``j`` event on target ``i`` spread over the following days
    (half-life ``log(2) / decay_j`` days).

    Baseline parametrisation (chosen so that it is valid under both links):

    * ``link="identity"``: ``mu[t, i] = base_i * exp(beta_i . x_t)``, positive by
      construction; covariates act multiplicatively on the baseline rate, and
      ``alpha >= 0`` (excitation only). ``alpha`` is then the branching matrix.
    * ``link="softplus"``: ``mu[t, i] = c_i + beta_i . x_t``, linear inside
      ``softplus(z) = log(1 + exp(z))``. ``alpha`` is signed: a negative
      ``alpha[i, j]`` means events of ``j`` *inhibit* ``i`` (deterrence). For low
      rates softplus behaves like ``exp`` (effects multiplicative), for high rates
      like the identity (effects additive).

    Parameters
    ----------
    link : {"identity", "softplus"}
    family : {"poisson", "negbin"}
        ``"negbin"`` adds one dispersion parameter per stream for overdispersion.
    n_boot : int
        Number of parametric bootstrap refits (0: none; Wald intervals only).
    random_state : None or int
        Seed of the bootstrap, simulations and randomised PIT residuals.
    max_iter : int
        Maximum L-BFGS-B iterations.

    Attributes
    ----------
    baseline_ : ndarray of shape (n_streams,)
        Rate without excitation at covariates 0, events per day (``base_i``, or
        ``softplus(c_i)``).
    adjacency_ : ndarray of shape (n_streams, n_streams)
        ``[i, j]`` = effect of source ``j`` on target ``i``.
    decay_ : ndarray of shape (n_streams,)
        Kernel decay per source stream, per day.
    half_life_ : ndarray of shape (n_streams,)
        ``log(2) / decay_``, days.
    coef_ : ndarray of shape (n_streams, n_covariates)
        Covariate effects on the log baseline (identity) or the linear predictor
        (softplus).
    dispersion_ : ndarray of shape (n_streams,) or None
        Negative binomial ``phi`` per stream.
    stderr_ : dict of str to ndarray
        Standard errors of the above (same keys and shapes; ``nan`` at a bound).
    bootstrap_ : ndarray of shape (n_boot, n_params) or None
        Bootstrap estimates in the order of :meth:`conf_int`'s rows (rows of NaN
        for replicates that could not be refitted).
    n_boot_used_ : int
        Replicates that could be refitted; below half of ``n_boot`` the "auto"
        intervals are the Wald ones (with a :class:`BootstrapWarning`).
    branching_ratio_ : float
        Spectral radius of ``adjacency_`` (identity link). Under softplus, the
        spectral radius of its positive part: a rough guide only.
    loglik_, aic_, bic_ : float
        Log-likelihood at the optimum; AIC and BIC with ``n = n_days * n_streams``.
    converged_ : bool
    n_iter_ : int
    stream_names_ : list of str
    covariate_names_ : list of str
    """

    def __init__(
        self,
        link: str = "identity",
        family: str = "poisson",
        n_boot: int = 0,
        random_state: int | None = None,
        max_iter: int = 2000,
    ) -> None:
        self.link = link
        self.family = family
        self.n_boot = n_boot
        self.random_state = random_state
        self.max_iter = max_iter

    # ------------------------------------------------------------------ fitting

    def _check_params(self) -> None:
        if self.link not in _LINKS:
            raise ModelError(f"unknown link {self.link!r}", field="link",
                             expected="'identity' or 'softplus'")
        if self.family not in _FAMILIES:
            raise ModelError(f"unknown family {self.family!r}", field="family",
                             expected="'poisson' or 'negbin'")
        if int(self.n_boot) != self.n_boot or self.n_boot < 0:
            raise ModelError(f"n_boot must be a whole number >= 0, got {self.n_boot!r}",
                             field="n_boot", expected="e.g. 0 or 200")

    def _bounds(self, spec: DailySpec) -> tuple[np.ndarray, np.ndarray]:
        d, p = spec.n_streams, spec.n_cov
        inf = np.inf
        lo, hi = [], []
        if spec.link == "identity":
            lo += [-30.0] * d + [0.0] * d * d
            hi += [10.0] * d + [50.0] * d * d
        else:
            lo += [-30.0] * d + [-50.0] * d * d
            hi += [30.0] * d + [50.0] * d * d
        lo += [_LOG_DECAY_BOUNDS[0]] * d
        hi += [_LOG_DECAY_BOUNDS[1]] * d
        lo += [-inf] * d * p
        hi += [inf] * d * p
        if spec.family == "negbin":
            lo += [np.log(1e-6)] * d
            hi += [np.log(1e3)] * d
        return np.asarray(lo), np.asarray(hi)

    def _start(self, spec: DailySpec, y: np.ndarray) -> np.ndarray:
        d, p = spec.n_streams, spec.n_cov
        mean = y.mean(axis=0)
        # Start with half of each mean rate in the baseline and the other half
        # explained by a small self-excitation, a point inside every bound.
        base = 0.5 * mean
        c = np.log(base) if spec.link == "identity" else np.log(np.expm1(np.maximum(base, 1e-6)))
        alpha = 0.3 * np.eye(d) + 0.02
        parts = [c, alpha.ravel(), np.full(d, np.log(0.5)), np.zeros(d * p)]
        if spec.family == "negbin":
            parts.append(np.full(d, np.log(0.1)))
        return np.concatenate(parts)

    def _optimise(self, spec, y, x, theta0, bounds):
        lo, hi = bounds
        res = minimize(
            daily_negloglik,
            np.clip(theta0, lo, hi),
            args=(spec, y, x),
            jac=True,
            method="L-BFGS-B",
            bounds=list(zip(lo, hi)),
            options={"maxiter": int(self.max_iter), "ftol": 1e-12, "gtol": 1e-6, "maxcor": 20},
        )
        return res

    def fit(self, y: Any, covariates: Any = None) -> DailyHawkes:
        """Fit by maximum likelihood (L-BFGS-B with analytic gradients).

        Parameters
        ----------
        y : array of shape (n_days, n_streams) or DataFrame
            Non-negative integer counts per day; DataFrame columns are kept as
            stream names and a DatetimeIndex is kept for forecast dates.
        covariates : array of shape (n_days, n_covariates) or DataFrame, optional
            Daily exogenous series (e.g. a 0/1 "Gaza war under way" step).

        Returns
        -------
        self
        """
        self._check_params()
        y_arr, names, index = check_counts(y)
        x_arr, cov_names = check_covariates(covariates, y_arr.shape[0])
        spec = DailySpec(y_arr.shape[1], x_arr.shape[1], self.link, self.family)
        bounds = self._bounds(spec)
        res = self._optimise(spec, y_arr, x_arr, self._start(spec, y_arr), bounds)
        if not res.success:
            warnings.warn(f"DailyHawkes did not converge: {res.message}", ConvergenceWarning,
                          stacklevel=2)
        self._y = y_arr
        self._x = x_arr
        self._index = index
        self.stream_names_ = names
        self.covariate_names_ = cov_names
        self.converged_ = bool(res.success)
        self.n_iter_ = int(res.nit)
        self._set_params(res.x, spec)
        lo, hi = bounds
        se_theta = wald_stderr(
            lambda th: daily_negloglik(th, spec, y_arr, x_arr)[1], res.x, lo, hi,
            exclude=self._unidentified(res.x, spec),
        )
        self._se_theta = se_theta
        self.stderr_ = self._unflatten(self._natural_se(res.x, se_theta))
        self.bootstrap_ = self._bootstrap(spec, bounds) if self.n_boot else None
        self.n_boot_used_ = (int(np.isfinite(self.bootstrap_).all(axis=1).sum())
                             if self.bootstrap_ is not None else 0)
        if self.n_boot and self.n_boot_used_ < max(1, self.n_boot // 2):
            # Replicates in which a stream has no events cannot be refitted; the rest are
            # conditioned on "every stream fired", which biases intervals of rare streams.
            warnings.warn(f"only {self.n_boot_used_} of {self.n_boot} bootstrap replicates could be "
                          "refitted (the others simulated a stream with no events); intervals "
                          "fall back to the Wald ones", BootstrapWarning, stacklevel=2)
        if self.link == "identity" and self.branching_ratio_ >= 1:
            warnings.warn(
                f"branching ratio {self.branching_ratio_:.3f} >= 1: the fitted process is "
                "explosive; simulations will grow without bound",
                StationarityWarning,
                stacklevel=2,
            )
        return self

    @staticmethod
    def _unidentified(theta: np.ndarray, spec: DailySpec) -> np.ndarray:
        """Mask of decays whose source has no effect on any target (flat likelihood)."""
        d = spec.n_streams
        _, alpha, *_ = spec.unpack(theta)
        mask = np.zeros(theta.size, dtype=bool)
        mask[d + d * d : 2 * d + d * d] = np.all(np.abs(alpha) < 1e-6, axis=0)
        return mask

    def _set_params(self, theta: np.ndarray, spec: DailySpec) -> None:
        self.params_ = np.asarray(theta, dtype=float)
        self._spec = spec
        c, alpha, log_decay, beta, log_disp = spec.unpack(self.params_)
        self.baseline_ = np.exp(c) if spec.link == "identity" else softplus(c)
        self.adjacency_ = alpha.copy()
        self.decay_ = np.exp(log_decay)
        self.half_life_ = np.log(2.0) / self.decay_
        self.coef_ = beta.copy()
        self.dispersion_ = None if log_disp is None else np.exp(log_disp)
        pos = np.maximum(alpha, 0.0)
        self.branching_ratio_ = float(np.max(np.abs(np.linalg.eigvals(pos))))
        nll = daily_negloglik(self.params_, spec, self._y, self._x, gradient=False)
        self.loglik_ = -nll
        k = spec.n_params
        n = self._y.size
        self.aic_ = 2 * k - 2 * self.loglik_
        self.bic_ = k * np.log(n) - 2 * self.loglik_

    def _natural(self, theta: np.ndarray) -> np.ndarray:
        """Reported parameters (rates, decays, dispersions) from the packed vector."""
        spec = self._spec
        c, alpha, log_decay, beta, log_disp = spec.unpack(theta)
        base = np.exp(c) if spec.link == "identity" else softplus(c)
        parts = [base, alpha.ravel(), np.exp(log_decay), beta.ravel()]
        if log_disp is not None:
            parts.append(np.exp(log_disp))
        return np.concatenate(parts)

    def _natural_se(self, theta: np.ndarray, se: np.ndarray) -> np.ndarray:
        """Delta method: the transforms are element-wise, so the Jacobian is diagonal."""
        spec = self._spec
        d = spec.n_streams
        jac = np.ones_like(theta)
        c = theta[:d]
        jac[:d] = np.exp(c) if spec.link == "identity" else 1.0 / (1.0 + np.exp(-c))
        o = d + d * d
        jac[o : o + d] = np.exp(theta[o : o + d])
        if spec.family == "negbin":
            jac[-d:] = np.exp(theta[-d:])
        return np.abs(jac) * se

    def _unflatten(self, vec: np.ndarray) -> dict[str, np.ndarray]:
        spec = self._spec
        d, p = spec.n_streams, spec.n_cov
        out = {"baseline": vec[:d], "adjacency": vec[d : d + d * d].reshape(d, d)}
        o = d + d * d
        out["decay"] = vec[o : o + d]
        o += d
        out["coef"] = vec[o : o + d * p].reshape(d, p)
        o += d * p
        out["dispersion"] = vec[o : o + d] if spec.family == "negbin" else None
        return out

    def _bootstrap(self, spec: DailySpec, bounds) -> np.ndarray:
        """Parametric bootstrap: simulate from the fit over the same days, refit."""
        rng = as_rng(self.random_state)
        n = self._y.shape[0]
        sims = simulate_daily_paths(
            self._baseline_predictor(self._x), self.adjacency_, self.decay_,
            horizon=n, n_paths=int(self.n_boot), link=spec.link, family=spec.family,
            dispersion=self.dispersion_, random_state=rng,
        )
        out = np.full((int(self.n_boot), spec.n_params), np.nan)
        for b in range(int(self.n_boot)):
            yb = sims[b].astype(float)
            if (yb.sum(axis=0) == 0).any():
                continue  # a stream without events has no finite MLE of its rate
            res = self._optimise(spec, yb, self._x, self.params_, bounds)
            out[b] = self._natural(res.x)
        return out

    # ----------------------------------------------------------- interrogation

    def _baseline_predictor(self, x: np.ndarray) -> np.ndarray:
        c, _, _, beta, _ = self._spec.unpack(self.params_)
        eta = c[None, :] + x @ beta.T
        return np.exp(eta) if self._spec.link == "identity" else eta

    def _prepare(self, y, covariates, history):
        check_fitted(self)
        y_arr, _, _ = check_counts(y, allow_all_zero=True)
        if y_arr.shape[1] != self._spec.n_streams:
            raise ModelError(f"y has {y_arr.shape[1]} streams, the model {self._spec.n_streams}",
                             field="y", expected=f"shape (n_days, {self._spec.n_streams})")
        x_arr, _ = check_covariates(covariates, y_arr.shape[0], n_cov=self._spec.n_cov)
        state = None
        if history is not None:
            h_arr, _, _ = check_counts(history, field="history", allow_all_zero=True)
            state = daily_state(h_arr, self.decay_)
        return y_arr, x_arr, state

    def log_likelihood(self, y: Any, covariates: Any = None, history: Any = None) -> float:
        """Log-likelihood of daily counts under the fitted parameters.

        ``history`` (counts of the days just before ``y``) sets the initial
        excitation; by default ``y`` starts with no past events, as in ``fit``.
        """
        y_arr, x_arr, state = self._prepare(y, covariates, history)
        return -daily_negloglik(self.params_, self._spec, y_arr, x_arr, state, gradient=False)

    def _one_step_pmf(self, y_arr, x_arr, state, max_count):
        lam = daily_rates(self.params_, self._spec, y_arr, x_arr, state)
        return scoring.count_pmf(lam, max_count, self.dispersion_)

    def score(self, y: Any, covariates: Any = None, metric: str = "loglik",
              history: Any = None) -> float:
        """Mean one-day-ahead score of ``y`` per day and stream.

        ``"loglik"`` is the mean log predictive probability (higher is better);
        ``"logscore"`` its negative and ``"crps"`` the mean ranked probability score
        (both lower is better). The predictive of day ``t`` conditions on the
        observed days before it.
        """
        y_arr, x_arr, state = self._prepare(y, covariates, history)
        if metric == "loglik":
            return self.log_likelihood(y_arr, x_arr, history) / y_arr.size
        max_count = int(max(y_arr.max(), 10) * 3 + 50)
        pmf = self._one_step_pmf(y_arr, x_arr, state, max_count)
        return scoring.score_pmf(pmf, y_arr, metric)

    def _future_covariates(self, covariates, horizon):
        if self._spec.n_cov == 0:
            return np.zeros((horizon, 0))
        if covariates is None:
            # Without a scenario for the covariates, hold the last observed day.
            return np.repeat(self._x[-1:], horizon, axis=0)
        x, _ = check_covariates(covariates, horizon, n_cov=self._spec.n_cov)
        return x

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
        parameter_uncertainty: bool = False,
    ):
        """Simulate count paths forward from the end of a history.

        Parameters
        ----------
        horizon : int
            Days to simulate.
        n_paths : int
        random_state : None, int or Generator
        history : array of shape (n_hist, n_streams), optional
            Counts of the days before the simulation; default: the fitted series,
            so paths continue where the data ends. Pass an empty array for none.
        covariates : array of shape (horizon, n_covariates), optional
            Covariates of the simulated days; default: the last fitted day held.
        injections, baseline_scale
            See :func:`~redline.models.simulate_daily_paths`.
        return_rates : bool
            Also return the rates of each path and day (events per day).
        parameter_uncertainty : bool
            Give each path the parameters of a bootstrap replicate drawn at random
            (needs ``n_boot > 0``), so the spread of the paths includes the
            estimation uncertainty and not only the Poisson noise.

        Returns
        -------
        ndarray of int64, shape (n_paths, horizon, n_streams)
        """
        check_fitted(self)
        horizon = check_horizon(horizon)
        if history is None:
            state = daily_state(self._y, self.decay_)
        else:
            h = np.asarray(history, dtype=float).reshape(-1, self._spec.n_streams)
            state = daily_state(h, self.decay_) if h.size else None
        x = self._future_covariates(covariates, horizon)
        rng = as_rng(random_state if random_state is not None else self.random_state)
        if parameter_uncertainty:
            mu, adj, decay, disp = self._bootstrap_draws(x, int(n_paths), rng)
            if history is None:
                state = np.stack([daily_state(self._y, dk) for dk in decay])
            elif state is not None:
                state = np.stack([daily_state(h, dk) for dk in decay])
        else:
            mu, adj, decay, disp = (self._baseline_predictor(x), self.adjacency_, self.decay_,
                                    self.dispersion_)
        return simulate_daily_paths(
            mu, adj, decay, horizon=horizon, n_paths=n_paths,
            link=self._spec.link, family=self._spec.family, dispersion=disp,
            random_state=rng, initial_state=state, injections=injections,
            baseline_scale=baseline_scale, return_rates=return_rates,
        )

    def _bootstrap_draws(self, x: np.ndarray, n_paths: int, rng: np.random.Generator):
        """Per-path parameters from bootstrap replicates drawn with replacement."""
        if self.bootstrap_ is None:
            raise ModelError("parameter_uncertainty needs bootstrap replicates", field="n_boot",
                             expected="DailyHawkes(n_boot=200).fit(...)")
        ok = np.flatnonzero(np.isfinite(self.bootstrap_).all(axis=1))
        if ok.size == 0:
            raise ModelError("no bootstrap replicate could be refitted (each simulated a stream "
                             "with no events)", field="n_boot",
                             expected="more replicates, longer data, or parameter_uncertainty=False")
        rows = self.bootstrap_[rng.choice(ok, size=n_paths)]
        d, p = self._spec.n_streams, self._spec.n_cov
        base = rows[:, :d]
        adj = rows[:, d : d + d * d].reshape(n_paths, d, d)
        decay = rows[:, d + d * d : 2 * d + d * d]
        beta = rows[:, 2 * d + d * d : 2 * d + d * d + d * p].reshape(n_paths, d, p)
        disp = rows[:, -d:] if self._spec.family == "negbin" else None
        lin = np.einsum("tk,pik->pti", x, beta)
        if self._spec.link == "identity":
            mu = base[:, None, :] * np.exp(lin)
        else:
            mu = softplus_inv(base)[:, None, :] + lin
        return mu, adj, decay, disp

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
        return scoring.forecast_table(sims, quantiles, self.stream_names_, self._index)

    def residuals(self) -> ResidualsResult:
        """Randomised PIT residuals of the fitted days, KS test against Uniform(0, 1)."""
        check_fitted(self)
        lam = daily_rates(self.params_, self._spec, self._y, self._x)
        u = scoring.randomised_pit(self._y, lam, self.dispersion_, as_rng(self.random_state))
        return ResidualsResult([u[:, j] for j in range(u.shape[1])], "uniform",
                               list(self.stream_names_))

    def conf_int(self, alpha: float = 0.05, method: str = "auto") -> pd.DataFrame:
        """Table of estimates with ``1 - alpha`` intervals.

        ``method="wald"``: estimate -/+ z * stderr (observed information, delta
        method for rates and decays); ``"bootstrap"``: percentile interval of the
        parametric bootstrap; ``"auto"``: bootstrap when ``n_boot > 0``.
        """
        check_fitted(self)
        if method == "auto":
            usable = self.bootstrap_ is not None and self.n_boot_used_ >= max(1, self.n_boot // 2)
            method = "bootstrap" if usable else "wald"
        if method == "bootstrap" and self.bootstrap_ is None:
            raise ModelError("no bootstrap samples", field="n_boot",
                             expected="DailyHawkes(n_boot=200).fit(...) for bootstrap intervals")
        names = self._spec.names(self.stream_names_, self.covariate_names_)
        est = self._natural(self.params_)
        se = self._natural_se(self.params_, self._se_theta)
        return interval_table(names, est, se, self.bootstrap_, alpha, method)

    # ---------------------------------------------------------------- persistence

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable state (hyper-parameters, estimates and fitted data)."""
        check_fitted(self)
        return daily_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DailyHawkes:
        """Rebuild a fitted model from :meth:`to_dict` output, without refitting."""
        return daily_from_dict(cls, data)

    def __repr__(self) -> str:
        args = f"link={self.link!r}, family={self.family!r}"
        if not hasattr(self, "params_"):
            return f"DailyHawkes({args})"
        return (f"DailyHawkes({args}; {len(self.stream_names_)} streams, "
                f"{self._y.shape[0]} days, loglik={self.loglik_:.2f}, "
                f"branching_ratio={self.branching_ratio_:.3f})")
