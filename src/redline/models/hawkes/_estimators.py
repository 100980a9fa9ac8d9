"""The continuous-time multivariate exponential Hawkes estimator."""

from __future__ import annotations

import warnings
from typing import Any

import numba
import numpy as np
import pandas as pd
from scipy.optimize import minimize

from redline.errors import ConvergenceWarning, ModelError, StationarityWarning
from redline.models._checks import EstimatorMixin, as_rng, check_events, check_fitted, check_positive
from redline.models.hawkes._inference import ResidualsResult, interval_table, wald_stderr
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
    converged_ : bool
    n_iter_ : int
    end_time_ : float
    """

    def __init__(self, decay: float | None = 1.0, n_boot: int = 0,
                 random_state: int | None = None, max_iter: int = 2000) -> None:
        self.decay = decay
        self.n_boot = n_boot
        self.random_state = random_state
        self.max_iter = max_iter

    def _fit_fixed(self, times, marks, end_time, decay, d, theta0):
        obj = _FixedDecayObjective(times, marks, end_time, decay, d)
        bounds = [(1e-10, None)] * d + [(0.0, None)] * (d * d)
        res = minimize(obj, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": int(self.max_iter), "ftol": 1e-13, "gtol": 1e-7,
                                "maxcor": 30})
        return res

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
        theta, res = self._estimate(events, end_time)
        if not res.success:
            warnings.warn(f"Hawkes did not converge: {res.message}", ConvergenceWarning,
                          stacklevel=2)
        self.converged_ = bool(res.success)
        self.n_iter_ = int(res.nit)
        self.end_time_ = end_time
        self._events = events
        self._set_params(theta)
        self._se_theta = self._stderr(theta)
        self.stderr_ = self._unflatten(self._natural_se(theta, self._se_theta))
        self.bootstrap_ = self._bootstrap() if self.n_boot else None
        if self.branching_ratio_ >= 1:
            warnings.warn(f"branching ratio {self.branching_ratio_:.3f} >= 1: explosive process",
                          StationarityWarning, stacklevel=2)
        return self

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

    def _stderr(self, theta: np.ndarray) -> np.ndarray:
        d = len(self._events)
        times, marks = merge_events(self._events)
        if self.decay is not None:
            obj = _FixedDecayObjective(times, marks, self.end_time_, self.decay_, d)
            grad = lambda th: obj(th)[1]  # noqa: E731
            lo = np.r_[np.full(d, 1e-10), np.zeros(d * d)]
            hi = np.full(lo.size, np.inf)
        else:
            f = self._full_objective(times, marks, self.end_time_, d)
            grad = lambda th: f(th)[1]  # noqa: E731
            lo = np.r_[np.full(d, 1e-10), np.zeros(d * d), -25.0]
            hi = np.r_[np.full(d + d * d, np.inf), 25.0]
        return wald_stderr(grad, theta, lo, hi)

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
