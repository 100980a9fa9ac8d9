"""The discrete-time (daily counts) multivariate Hawkes estimator."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from redline.errors import ModelError
from redline.models import scoring
from redline.models._checks import (
    EstimatorMixin,
    as_rng,
    check_counts,
    check_covariates,
    check_fitted,
    check_horizon,
)
from redline.models.hawkes._daily_fit import bounds, fit_daily, optimise
from redline.models.hawkes._daily_forecast import DailyForecastMixin
from redline.models.hawkes._inference import ResidualsResult, interval_table
from redline.models.hawkes._likelihood import daily_negloglik, daily_rates, daily_state
from redline.models.hawkes._params import DailyParams, DailySpec
from redline.models.hawkes._serialize import daily_from_dict, daily_to_dict
from redline.models.hawkes._simulate_daily import simulate_daily

__all__ = ["DailyHawkes"]

_LINKS = ("identity", "softplus")
_FAMILIES = ("poisson", "negbin")


class DailyHawkes(DailyForecastMixin, EstimatorMixin):
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
        intervals are the Wald ones (and ``diagnostics_`` says so).
    params_ : ndarray of shape (n_params,)
        The packed parameters (layout: :class:`DailySpec`; typed: :attr:`params`).
    covariance_ : ndarray of shape (n_params, n_params)
        Covariance of ``params_`` from the observed information (packed scale);
        rows of parameters held fixed, at a bound or unidentified are 0.
    branching_ratio_ : float
        Spectral radius of the positive part of ``adjacency_``: the branching ratio
        under the identity link (``diagnostics_`` flags >= 1); under softplus a
        rough guide only (run-away paths are counted in simulations).
    loglik_, aic_, bic_ : float
        Log-likelihood at the optimum; AIC and BIC with ``n = n_days * n_streams``.
    converged_ : bool
    n_iter_ : int
    n_days_ : int
        Days fitted. The data themselves are not kept: ``end_state_`` (the
        excitation left at the last day), ``last_covariates_``, ``last_date_`` and
        ``max_count_`` are what simulations and forecasts need from them.
    diagnostics_ : Diagnostics
        What the fit could not support (``fit.*`` codes of :mod:`redline.diagnostics`).
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

    def fit(self, y: Any, covariates: Any = None) -> DailyHawkes:
        """Fit by maximum likelihood (L-BFGS-B with analytic gradients).

        What the data cannot carry is held fixed and reported in ``diagnostics_``
        (see :mod:`redline.models.hawkes._daily_fit`): couplings of streams with
        too few events, covariates that separate a stream or whose effect is not
        identified, parameters at bounds, supercritical fits.

        Parameters
        ----------
        y : array of shape (n_days, n_streams) or DataFrame
            Non-negative integer counts per day; DataFrame columns are kept as
            stream names and a DatetimeIndex gives forecast dates.
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
        # One BLAS thread whatever the caller's settings: the matrices are small and
        # threads only add contention (see bench/hawkes_vs_tick.py).
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_limited(spec, y_arr, x_arr, names, cov_names, index)
        return self

    def _fit_limited(self, spec, y_arr, x_arr, names, cov_names, index) -> None:
        out = fit_daily(spec, y_arr, x_arr, names, cov_names, self.max_iter)
        self.stream_names_ = names
        self.covariate_names_ = cov_names
        self.converged_ = out.converged
        self.n_iter_ = out.n_iter
        self.diagnostics_ = out.diagnostics
        self._set_params(out.theta, spec)
        self._set_fit_summary(spec, y_arr, x_arr, index)
        self._se_theta = out.stderr
        self.covariance_ = out.covariance
        self.stderr_ = self._unflatten(self._natural_se(out.theta, out.stderr))
        self.bootstrap_ = (self._bootstrap(spec, y_arr, x_arr, out)
                           if self.n_boot else None)
        self.n_boot_used_ = (int(np.isfinite(self.bootstrap_).all(axis=1).sum())
                             if self.bootstrap_ is not None else 0)
        if self.n_boot and self.n_boot_used_ < max(1, self.n_boot // 2):
            # Replicates in which a stream has no events cannot be refitted; the rest are
            # conditioned on "every stream fired", which biases intervals of rare streams.
            self.diagnostics_.add(
                "fit.bootstrap_thin",
                f"only {self.n_boot_used_} of {self.n_boot} bootstrap replicates could be "
                "refitted (the others simulated a stream with no events); intervals fall back "
                "to the Wald ones")
        # Under the identity link the spectral radius is the branching ratio: >= 1 is
        # explosive, exactly. Under softplus it is not a criterion (negative
        # predictors keep rates small whatever the positive couplings; the
        # built-in case has 3.97 and no path runs away), so run-aways are counted
        # where they happen, in simulations (simulate.explosive).
        if self.link == "identity" and self.branching_ratio_ >= 1:
            self.diagnostics_.add(
                "fit.supercritical",
                f"the spectral radius of the excitation is {self.branching_ratio_:.3f} (>= 1): "
                "the fitted process is explosive and simulations can grow without bound")

    def _set_fit_summary(self, spec: DailySpec, y: np.ndarray, x: np.ndarray, index) -> None:
        """What later calls need from the data, instead of the data itself."""
        nll = daily_negloglik(self.params_, spec, y, x, gradient=False)
        self.loglik_ = -nll
        k = spec.n_params
        self.aic_ = 2 * k - 2 * self.loglik_
        self.bic_ = k * np.log(y.size) - 2 * self.loglik_
        self.n_days_ = int(y.shape[0])
        self.end_state_ = daily_state(y, self.decay_)
        self.last_covariates_ = x[-1].copy() if x.shape[0] else np.zeros(spec.n_cov)
        self.last_date_ = (index[-1].strftime("%Y-%m-%d")
                           if isinstance(index, pd.DatetimeIndex) and len(index) else None)
        # The largest count the data held: the scale against which a simulated rate
        # counts as a run-away (see explosive_rate in simulate_daily).
        self.max_count_ = float(y.max()) if y.size else 0.0

    def _set_params(self, theta: np.ndarray, spec: DailySpec) -> None:
        self.params_ = np.asarray(theta, dtype=float)
        self._spec = spec
        par = spec.unpack(self.params_)
        self.baseline_ = par.baseline
        self.adjacency_ = par.adjacency.copy()
        self.decay_ = par.decay
        self.half_life_ = par.half_life
        self.coef_ = par.coef.copy()
        self.dispersion_ = par.dispersion
        self.branching_ratio_ = par.branching_ratio

    def _natural_se(self, theta: np.ndarray, se: np.ndarray) -> np.ndarray:
        """Delta method: the transforms are element-wise, so the Jacobian is diagonal."""
        return np.abs(self._spec.natural_jacobian(theta)) * se

    def _unflatten(self, vec: np.ndarray) -> dict[str, np.ndarray | None]:
        spec = self._spec
        d, p = spec.n_streams, spec.n_cov
        b = spec.blocks()
        return {"baseline": vec[b["baseline"]], "adjacency": vec[b["adjacency"]].reshape(d, d),
                "decay": vec[b["decay"]], "coef": vec[b["coef"]].reshape(d, p),
                "dispersion": vec[b["dispersion"]] if "dispersion" in b else None}

    def _bootstrap(self, spec: DailySpec, y: np.ndarray, x: np.ndarray, out) -> np.ndarray:
        """Parametric bootstrap: simulate from the fit over the same days, refit.

        Entries the guards held fixed stay fixed in the refits.
        """
        rng = as_rng(self.random_state)
        n = y.shape[0]
        sims = simulate_daily(
            self.params.predictor(x), self.adjacency_, self.decay_, horizon=n,
            n_paths=int(self.n_boot), link=spec.link, family=spec.family,
            dispersion=self.dispersion_, random_state=rng).counts
        res = np.full((int(self.n_boot), spec.n_params), np.nan)
        for b in range(int(self.n_boot)):
            yb = sims[b].astype(float)
            if (yb.sum(axis=0) == 0).any():
                continue  # a stream without events has no finite MLE of its rate
            r = optimise(spec, yb, x, self.params_, out.lower, out.upper, self.max_iter)
            res[b] = spec.to_natural(r.x)
        return res

    # ------------------------------------------------------- parameters, draws

    @property
    def params(self) -> DailyParams:
        """The fitted parameters, typed (see :class:`DailyParams`)."""
        check_fitted(self)
        return self._spec.unpack(self.params_)

    @property
    def spec_(self) -> DailySpec:
        """Layout of ``params_`` and ``covariance_`` (see :class:`DailySpec`)."""
        check_fitted(self)
        return self._spec

    def draw_parameters(self, n: int, random_state: Any = None,
                        method: str = "wald") -> list[DailyParams]:
        """Draws of the parameters that carry their estimation uncertainty.

        Parameters
        ----------
        n : int
            Number of draws.
        random_state : None, int or Generator
        method : {"wald", "bootstrap", "none"}
            ``"wald"``: the normal approximation ``N(params_, covariance_)`` on the
            packed scale (log rates and decays, so these stay positive); entries
            without a standard error stay at their estimate; draws are clipped to
            the optimiser's bounds (so couplings stay >= 0 under the identity link). ``"bootstrap"``: the refitted
            replicates, drawn with replacement. ``"none"``: the estimate ``n``
            times.

        Returns
        -------
        list of DailyParams
        """
        check_fitted(self)
        n = check_horizon(n, "n")
        rng = as_rng(random_state)
        spec = self._spec
        if method == "none":
            return [spec.unpack(self.params_.copy()) for _ in range(n)]
        if method == "bootstrap":
            if self.bootstrap_ is None:
                raise ModelError("no bootstrap replicates to draw from", field="method",
                                 expected="DailyHawkes(n_boot=200).fit(...), or method='wald'")
            ok = self.bootstrap_[np.isfinite(self.bootstrap_).all(axis=1)]
            if not len(ok):
                raise ModelError("no bootstrap replicate could be refitted (each simulated a "
                                 "stream with no events)", field="method",
                                 expected="more replicates, longer data, or method='wald'")
            rows = ok[rng.integers(ok.shape[0], size=n)]
            return [spec.unpack(spec.from_natural(r)) for r in rows]
        if method != "wald":
            raise ModelError(f"unknown draw method {method!r}", field="method",
                             expected="'wald', 'bootstrap' or 'none'")
        vals, vecs = np.linalg.eigh(self.covariance_)
        root = vecs * np.sqrt(np.maximum(vals, 0.0))
        theta = self.params_[None, :] + rng.standard_normal((n, spec.n_params)) @ root.T
        # Draws stay inside the optimiser's box (couplings >= 0 under the identity
        # link, decays within their identifiable range), where the fit itself lives.
        lo, hi = bounds(spec)
        theta = np.clip(theta, lo, hi)
        return [spec.unpack(t) for t in theta]

    # ----------------------------------------------------------- interrogation

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
        lam = daily_rates(self.params_, self._spec, y_arr, x_arr, state)
        pmf = scoring.count_pmf(lam, max_count, self.dispersion_)
        return scoring.score_pmf(pmf, y_arr, metric)

    def residuals(self, y: Any, covariates: Any = None) -> ResidualsResult:
        """Randomised PIT residuals of ``y`` (e.g. the fitted days), KS test against Uniform(0, 1).

        Parameters
        ----------
        y : array of shape (n_days, n_streams) or DataFrame
            Counts, starting with no past events as in ``fit``.
        covariates : array of shape (n_days, n_covariates) or DataFrame, optional
        """
        y_arr, x_arr, _ = self._prepare(y, covariates, None)
        lam = daily_rates(self.params_, self._spec, y_arr, x_arr)
        u = scoring.randomised_pit(y_arr, lam, self.dispersion_, as_rng(self.random_state))
        return ResidualsResult([u[:, j] for j in range(u.shape[1])], "uniform",
                               list(self.stream_names_))

    def conf_int(self, alpha: float = 0.05, method: str = "auto") -> pd.DataFrame:
        """Table of estimates with ``1 - alpha`` intervals.

        ``method="wald"``: from the observed information; rates, decays and
        dispersions on the log scale (never below 0), the others estimate -/+ z *
        stderr; ``"bootstrap"``: percentile interval of the parametric bootstrap;
        ``"auto"``: bootstrap when enough replicates could be refitted.
        """
        check_fitted(self)
        if method == "auto":
            usable = self.bootstrap_ is not None and self.n_boot_used_ >= max(1, self.n_boot // 2)
            method = "bootstrap" if usable else "wald"
        if method == "bootstrap" and self.bootstrap_ is None:
            raise ModelError("no bootstrap samples", field="n_boot",
                             expected="DailyHawkes(n_boot=200).fit(...) for bootstrap intervals")
        names = self._spec.names(self.stream_names_, self.covariate_names_)
        est = self._spec.to_natural(self.params_)
        se = self._natural_se(self.params_, self._se_theta)
        return interval_table(names, est, se, self.bootstrap_, alpha, method,
                              positive=self._spec.positive())

    # ---------------------------------------------------------------- persistence

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable state (hyper-parameters, estimates, covariance, diagnostics)."""
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
                f"{self.n_days_} days, loglik={self.loglik_:.2f}, "
                f"branching_ratio={self.branching_ratio_:.3f})")
