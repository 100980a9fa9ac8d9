"""The continuous-time multivariate exponential Hawkes estimator."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pandas as pd
from scipy.optimize import OptimizeResult, minimize
from threadpoolctl import threadpool_limits

from redline.diagnostics import Diagnostics
from redline.errors import ModelError
from redline.models._checks import (
    EstimatorMixin,
    as_rng,
    check_events,
    check_fitted,
    check_positive,
)
from redline.models.hawkes._inference import ResidualsResult, interval_table, wald_covariance
from redline.models.hawkes._likelihood import (
    hawkes_exp_compensators,
    hawkes_exp_loglik,
    hawkes_exp_loglik_grad,
    merge_events,
)
from redline.models.hawkes._simulate import simulate_hawkes

__all__ = ["Hawkes"]


@numba.njit(cache=True)
def _kernel_states(times, marks, decay, d):
    """``G[n, j] = sum_{t_l^j < t_n} exp(-decay (t_n - t_l^j))`` for every event n."""
    n = times.shape[0]
    G = np.empty((n, d))
    g = np.zeros(d)
    last = 0.0
    for k in range(n):
        e = np.exp(-decay * (times[k] - last))
        for j in range(d):
            g[j] *= e
            G[k, j] = g[j]
        g[marks[k]] += 1.0
        last = times[k]
    return G


class _FixedDecayObjective:
    """Negative log-likelihood in ``(baseline, adjacency)`` for a known decay.

    With the decay fixed, each event's intensity is linear in the parameters:
    ``lambda_n = baseline[i_n] + decay * G[n] . adjacency[i_n]``. ``G`` is computed
    once in O(N * D); each evaluation is then two BLAS mat-vecs per target stream.
    """

    def __init__(self, times, marks, end_time, decay, d):
        G = _kernel_states(times, marks, decay, d) * decay
        self.rows = [np.ascontiguousarray(G[marks == i]) for i in range(d)]
        self.comp = np.bincount(marks, weights=1.0 - np.exp(-decay * (end_time - times)),
                                minlength=d)
        self.end_time = end_time
        self.d = d

    def __call__(self, theta):
        d = self.d
        mu = theta[:d]
        A = theta[d:].reshape(d, d)
        nll = float(mu.sum() * self.end_time + (A * self.comp[None, :]).sum())
        g_mu = np.full(d, self.end_time)
        g_A = np.tile(self.comp, (d, 1))
        for i in range(d):
            Gi = self.rows[i]
            lam = mu[i] + Gi @ A[i]
            if (lam <= 0).any():
                return np.inf, np.zeros_like(theta)
            nll -= float(np.log(lam).sum())
            inv = 1.0 / lam
            g_mu[i] -= inv.sum()
            g_A[i] -= inv @ Gi
        return nll, np.concatenate([g_mu, g_A.ravel()])


def _row_newton(X: np.ndarray, c: np.ndarray, theta: np.ndarray, lower: np.ndarray,
                max_iter: int) -> tuple[np.ndarray, int, bool]:
    """Minimise ``c . theta - sum(log(X @ theta))`` subject to ``theta >= lower``.

    One target stream's part of the fixed-decay likelihood: convex, with an
    analytic Hessian ``X' diag(1 / lambda**2) X`` of size (d + 1)**2. Projected
    Newton with an active set (a parameter at its bound whose gradient pushes it
    further out is held there) and a backtracking line search converges in a few
    iterations where a quasi-Newton method on all streams at once needs dozens,
    each a full pass over the events. ``X >= 0`` and ``theta >= lower > 0`` in
    the baseline keep every intensity positive along the way.
    """
    def f(th):
        return float(c @ th - np.log(X @ th).sum())

    fx = f(theta)
    for it in range(1, max_iter + 1):
        lam = X @ theta
        inv = 1.0 / lam
        g = c - X.T @ inv
        held = (theta <= lower + 1e-12) & (g > 0)
        free = ~held
        pg = np.where(held, 0.0, g)
        if np.max(np.abs(pg) * np.maximum(np.abs(theta), 1.0)) < 1e-9 * max(abs(fx), 1.0):
            return theta, it, True
        Xw = X[:, free] * inv[:, None]
        H = Xw.T @ Xw
        try:
            step = np.linalg.solve(H + 1e-12 * np.trace(H) * np.eye(H.shape[0]), g[free])
        except np.linalg.LinAlgError:
            step = g[free] / np.maximum(np.diag(H), 1e-300)
        t = 1.0
        while True:
            cand = theta.copy()
            cand[free] = np.maximum(theta[free] - t * step, lower[free])
            fc = f(cand)
            if fc <= fx - 1e-4 * (g @ (theta - cand)) or t < 1e-10:
                break
            t *= 0.5
        if fx - fc <= 1e-15 * max(abs(fx), 1.0):
            return (cand if fc < fx else theta), it, True
        theta, fx = cand, fc
    return theta, max_iter, False


class _FixedDecayRows:
    """The fixed-decay likelihood split by target stream (each a :func:`_row_newton` problem).

    With the decay known, the intensity of target ``i`` at its events is linear
    in ``(baseline[i], adjacency[i, :])``: ``X_i @ theta_i`` with ``X_i = [1 | decay
    * G]`` over the events of ``i``; the compensator is linear too, with weights
    ``c = [end_time | comp]``. The rows share nothing, so they are fitted apart.
    """

    def __init__(self, times, marks, end_time, decay, d):
        G = _kernel_states(times, marks, decay, d) * decay
        self.X = [np.ascontiguousarray(np.column_stack([np.ones(int((marks == i).sum())),
                                                        G[marks == i]])) for i in range(d)]
        comp = np.bincount(marks, weights=1.0 - np.exp(-decay * (end_time - times)), minlength=d)
        self.c = np.r_[end_time, comp]
        self.d = d

    def fit(self, theta0: np.ndarray, max_iter: int) -> tuple[np.ndarray, int, bool]:
        """All rows; ``theta`` packed as (baseline, adjacency row-major) like tick's."""
        d = self.d
        mu, A = theta0[:d].copy(), theta0[d:].reshape(d, d).copy()
        lower = np.r_[1e-10, np.zeros(d)]
        n_it, ok = 0, True
        for i in range(d):
            th0 = np.maximum(np.r_[mu[i], A[i]], lower)
            th, it, conv = _row_newton(self.X[i], self.c, th0, lower, max_iter)
            mu[i], A[i] = th[0], th[1:]
            n_it, ok = max(n_it, it), ok and conv
        return np.r_[mu, A.ravel()], n_it, ok

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Hessian of the negative log-likelihood, block-diagonal by target row."""
        d = self.d
        H = np.zeros((d + d * d, d + d * d))
        for i in range(d):
            th = np.r_[theta[i], theta[d + i * d : d + (i + 1) * d]]
            Xw = self.X[i] / (self.X[i] @ th)[:, None]
            Hi = Xw.T @ Xw
            idx = np.r_[i, d + i * d + np.arange(d)]
            H[np.ix_(idx, idx)] = Hi
        return H


class Hawkes(EstimatorMixin):
    """Multivariate Hawkes process with exponential kernels, fitted by maximum likelihood.

    Intensity of stream ``i`` (events per unit time)::

        lambda_i(t) = baseline[i] + sum_j adjacency[i, j] * sum_{t_l^j < t} decay * exp(-decay (t - t_l^j))

    as in tick's ``HawkesExpKern``: ``adjacency[i, j]`` is the expected number of
    ``i`` events triggered by one ``j`` event, and ``1 / decay`` the mean delay.

    Parameters
    ----------
    decay : float or None
        Kernel decay per unit time; ``None`` estimates it (one decay shared by all
        pairs), starting from the best of a grid of fixed-decay fits.
    n_boot : int
        Parametric bootstrap refits (0: none).
    random_state : None or int
    max_iter : int

    Attributes
    ----------
    baseline_ : ndarray of shape (n_streams,)
        Events per unit time.
    adjacency_ : ndarray of shape (n_streams, n_streams)
    decay_ : float
    stderr_ : dict of str to ndarray
        Keys ``baseline``, ``adjacency``, ``decay`` (nan at a bound or when fixed).
    bootstrap_ : ndarray of shape (n_boot, n_params) or None
    branching_ratio_ : float
        Spectral radius of ``adjacency_``; >= 1 means explosive.
    loglik_, aic_, bic_ : float
        ``n`` in the BIC is the number of events.
    covariance_ : ndarray of shape (n_params, n_params)
        Covariance of ``params_`` (baseline, adjacency row-major, then log decay
        when estimated) from the observed information; 0 for parameters at a bound.
    converged_ : bool
    n_iter_ : int
    end_time_ : float
    diagnostics_ : Diagnostics
        Non-convergence, supercritical fits, unidentified parameters.
    """

    def __init__(self, decay: float | None = 1.0, n_boot: int = 0,
                 random_state: int | None = None, max_iter: int = 2000) -> None:
        self.decay = decay
        self.n_boot = n_boot
        self.random_state = random_state
        self.max_iter = max_iter

    def _fit_fixed(self, times, marks, end_time, decay, d, theta0):
        rows = _FixedDecayRows(times, marks, end_time, decay, d)
        theta, n_it, ok = rows.fit(theta0, int(self.max_iter))
        self._rows = rows  # reused by _stderr; dropped once the fit is done
        nll = -hawkes_exp_loglik_grad(times, marks, end_time, theta[:d],
                                      theta[d:].reshape(d, d), decay)[0]
        return OptimizeResult(x=theta, fun=nll, nit=n_it, success=ok,
                              message="converged" if ok else "iteration limit reached")

    def _full_objective(self, times, marks, end_time, d):
        def f(theta):
            mu = theta[:d]
            A = theta[d : d + d * d].reshape(d, d)
            decay = float(np.exp(theta[-1]))
            ll, gb, ga, gd = hawkes_exp_loglik_grad(times, marks, end_time, mu, A, decay)
            if not np.isfinite(ll):
                return np.inf, np.zeros_like(theta)
            return -ll, -np.concatenate([gb, ga.ravel(), [gd * decay]])
        return f

    def _estimate(self, events, end_time, theta0=None):
        """MLE; returns (theta, result). ``theta`` ends with log(decay) when estimated."""
        d = len(events)
        times, marks = merge_events(events)
        counts = np.array([len(e) for e in events], dtype=float)
        if theta0 is None:
            start = np.concatenate([0.5 * counts / end_time, np.full(d * d, 0.5 / d)])
        else:
            start = theta0[: d + d * d]
        if self.decay is not None:
            res = self._fit_fixed(times, marks, end_time, float(self.decay), d, start)
            return res.x, res
        if theta0 is None:
            # The likelihood in the decay can be multimodal: profile it on a grid
            # spanning four decades around the mean event rate per stream, then
            # refine all parameters jointly from the best grid point.
            rate = counts.sum() / end_time / d
            best = None
            for dec in rate * np.logspace(-1.5, 2.5, 9):
                r = self._fit_fixed(times, marks, end_time, dec, d, start)
                if best is None or r.fun < best[1].fun:
                    best = (dec, r)
            theta0 = np.concatenate([best[1].x, [np.log(best[0])]])
        f = self._full_objective(times, marks, end_time, d)
        bounds = [(1e-10, None)] * d + [(0.0, None)] * (d * d) + [(-25.0, 25.0)]
        res = minimize(f, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": int(self.max_iter), "ftol": 1e-13, "gtol": 1e-7,
                                "maxcor": 30})
        return res.x, res

    def fit(self, events: Any, end_time: float | None = None) -> Hawkes:
        """Fit by maximum likelihood.

        Parameters
        ----------
        events : list of ndarray
            One sorted 1-D array of event times per stream (times >= 0).
        end_time : float, optional
            End of the observation window; default: the last event.

        Returns
        -------
        self
        """
        check_positive(self.decay, "decay", allow_none=True)
        if int(self.n_boot) != self.n_boot or self.n_boot < 0:
            raise ModelError(f"n_boot must be a whole number >= 0, got {self.n_boot!r}",
                             field="n_boot", expected="e.g. 0 or 200")
        events, end_time = check_events(events, end_time)
        for j, e in enumerate(events):
            if e.size == 0:
                raise ModelError(f"stream {j} has no event; its baseline cannot be estimated",
                                 field=f"events[{j}]",
                                 expected="at least one event per stream (drop empty streams)")
        # One BLAS thread: the matrices here are small, so threads only add start-up
        # and contention costs (several times slower on a loaded machine), whatever
        # the caller's OMP_NUM_THREADS says.
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_limited(events, end_time)
        return self

    def _fit_limited(self, events: list[np.ndarray], end_time: float) -> None:
        self.diagnostics_ = Diagnostics()
        theta, res = self._estimate(events, end_time)
        if not res.success:
            self.diagnostics_.add("fit.not_converged", f"Hawkes did not converge: {res.message}")
        self.converged_ = bool(res.success)
        self.n_iter_ = int(res.nit)
        self.end_time_ = end_time
        self._events = events
        self._set_params(theta)
        self._se_theta, self.covariance_ = self._stderr(theta)
        self.__dict__.pop("_rows", None)  # not state: bootstrap refits must not reuse it
        self.stderr_ = self._unflatten(self._natural_se(theta, self._se_theta))
        self.bootstrap_ = self._bootstrap() if self.n_boot else None
        self.__dict__.pop("_rows", None)
        if self.branching_ratio_ >= 1:
            self.diagnostics_.add(
                "fit.supercritical",
                f"branching ratio {self.branching_ratio_:.3f} >= 1: the fitted process is explosive")

    def _set_params(self, theta: np.ndarray) -> None:
        d = len(self._events)
        self.params_ = np.asarray(theta, dtype=float)
        self.baseline_ = self.params_[:d].copy()
        self.adjacency_ = self.params_[d : d + d * d].reshape(d, d).copy()
        self.decay_ = float(self.decay) if self.decay is not None else float(np.exp(theta[-1]))
        self.branching_ratio_ = float(np.max(np.abs(np.linalg.eigvals(self.adjacency_))))
        self.loglik_ = hawkes_exp_loglik(self._events, self.end_time_, self.baseline_,
                                         self.adjacency_, self.decay_)
        k = self.params_.size
        n = sum(len(e) for e in self._events)
        self.aic_ = 2 * k - 2 * self.loglik_
        self.bic_ = k * np.log(n) - 2 * self.loglik_

    def _stderr(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Standard errors and covariance (packed scale) from the observed information.

        With the decay fixed the Hessian is analytic and block-diagonal by target;
        with the decay estimated it comes from central differences of the gradient.
        """
        d = len(self._events)
        times, marks = merge_events(self._events)
        if self.decay is not None:
            rows = getattr(self, "_rows", None) or _FixedDecayRows(times, marks, self.end_time_,
                                                                   self.decay_, d)
            lo = np.r_[np.full(d, 1e-10), np.zeros(d * d)]
            hi = np.full(lo.size, np.inf)
            tol = 1e-6 * (1.0 + np.abs(theta))
            free = ~((np.abs(theta - lo) < tol) | (np.abs(theta - hi) < tol))
            H = rows.hessian(theta)[np.ix_(free, free)]
            se, cov, flat = wald_covariance(None, theta, lo, hi, hessian=H)
        else:
            f = self._full_objective(times, marks, self.end_time_, d)
            grad = lambda th: f(th)[1]
            lo = np.r_[np.full(d, 1e-10), np.zeros(d * d), -25.0]
            hi = np.r_[np.full(d + d * d, np.inf), 25.0]
            se, cov, flat = wald_covariance(grad, theta, lo, hi)
        if flat.any():
            self.diagnostics_.add("fit.unidentified", f"{int(flat.sum())} parameter(s) lie along "
                                  "a flat direction of the likelihood; their standard errors are "
                                  "missing")
        return se, cov

    def _natural(self, theta: np.ndarray) -> np.ndarray:
        return np.r_[theta[:-1], np.exp(theta[-1])] if self.decay is None else theta.copy()

    def _natural_se(self, theta: np.ndarray, se: np.ndarray) -> np.ndarray:
        out = se.copy()
        if self.decay is None:
            out[-1] = se[-1] * np.exp(theta[-1])
        return out

    def _unflatten(self, vec: np.ndarray) -> dict[str, Any]:
        d = len(self._events)
        return {"baseline": vec[:d], "adjacency": vec[d : d + d * d].reshape(d, d),
                "decay": float(vec[-1]) if self.decay is None else np.nan}

    def _names(self) -> list[tuple[str, str, str]]:
        s = self.stream_names_
        out = [("baseline", "", t) for t in s] + [("adjacency", a, t) for t in s for a in s]
        return out + ([("decay", "", "")] if self.decay is None else [])

    @property
    def stream_names_(self) -> list[str]:
        check_fitted(self)
        return [f"stream_{j}" for j in range(len(self._events))]

    def _bootstrap(self) -> np.ndarray:
        rng = as_rng(self.random_state)
        out = np.full((int(self.n_boot), self.params_.size), np.nan)
        for b in range(int(self.n_boot)):
            ev = self.simulate(self.end_time_, random_state=rng)
            if any(len(e) == 0 for e in ev):
                continue
            theta, _ = self._estimate(ev, self.end_time_, theta0=self.params_)
            out[b] = self._natural(theta)
        return out

    def conf_int(self, alpha: float = 0.05, method: str = "auto") -> pd.DataFrame:
        """Tidy table of estimates and intervals (see ``DailyHawkes.conf_int``)."""
        check_fitted(self)
        if method == "auto":
            method = "bootstrap" if self.bootstrap_ is not None else "wald"
        if method == "bootstrap" and self.bootstrap_ is None:
            raise ModelError("no bootstrap samples", field="n_boot",
                             expected="Hawkes(n_boot=200).fit(...) for bootstrap intervals")
        est = self._natural(self.params_)
        se = self._natural_se(self.params_, self._se_theta)
        return interval_table(self._names(), est, se, self.bootstrap_, alpha, method)

    def draw_parameters(self, n: int, random_state: Any = None) -> list[dict[str, Any]]:
        """Draws from the normal approximation ``N(params_, covariance_)``.

        Baselines and couplings are clipped at their bounds (>= 0); parameters at a
        bound (standard error ``nan``) stay at their estimate.

        Returns
        -------
        list of dict
            Keys ``baseline`` (n_streams,), ``adjacency`` (n_streams, n_streams)
            and ``decay`` (float, per unit time).
        """
        check_fitted(self)
        rng = as_rng(random_state)
        d = self.baseline_.size
        vals, vecs = np.linalg.eigh(self.covariance_)
        root = vecs * np.sqrt(np.maximum(vals, 0.0))
        theta = self.params_[None, :] + rng.standard_normal((int(n), self.params_.size)) @ root.T
        theta[:, : d + d * d] = np.maximum(theta[:, : d + d * d], 0.0)
        return [{"baseline": t[:d], "adjacency": t[d : d + d * d].reshape(d, d),
                 "decay": float(np.exp(t[-1])) if self.decay is None else self.decay_}
                for t in theta]

    def log_likelihood(self, events: Any, end_time: float | None = None) -> float:
        """Log-likelihood of events on ``[0, end_time]`` under the fitted parameters."""
        check_fitted(self)
        events, end_time = check_events(events, end_time)
        if len(events) != self.baseline_.size:
            raise ModelError(f"{len(events)} streams given, the model has {self.baseline_.size}",
                             field="events", expected=f"{self.baseline_.size} arrays")
        return hawkes_exp_loglik(events, end_time, self.baseline_, self.adjacency_, self.decay_)

    def score(self, events: Any, end_time: float | None = None) -> float:
        """Log-likelihood per event (higher is better)."""
        n = sum(len(np.asarray(e)) for e in events)
        return self.log_likelihood(events, end_time) / max(n, 1)

    def simulate(self, end_time: float, n_paths: int = 1, random_state: Any = None):
        """Simulate from the fitted parameters on ``[0, end_time]``.

        Returns a list of per-stream arrays when ``n_paths == 1``, else a list of
        ``n_paths`` such lists.
        """
        check_fitted(self)
        rng = as_rng(random_state if random_state is not None else self.random_state)
        paths = [simulate_hawkes(self.baseline_, self.adjacency_, self.decay_, end_time, rng)
                 for _ in range(int(n_paths))]
        return paths[0] if n_paths == 1 else paths

    def residuals(self) -> ResidualsResult:
        """Time-rescaled inter-event times, Exp(1) under the model; KS test per stream."""
        check_fitted(self)
        comp = hawkes_exp_compensators(self._events, self.baseline_, self.adjacency_,
                                       self.decay_)
        return ResidualsResult([np.diff(np.r_[0.0, c]) for c in comp], "expon",
                               self.stream_names_)

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"Hawkes(decay={self.decay!r})"
        return (f"Hawkes(decay={self.decay_:.4g}; {self.baseline_.size} streams, "
                f"loglik={self.loglik_:.2f}, branching_ratio={self.branching_ratio_:.3f})")
