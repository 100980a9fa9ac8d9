"""Uncertainty and goodness-of-fit helpers shared by the Hawkes estimators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ResidualsResult", "interval_table", "numerical_hessian", "wald_covariance", "wald_stderr"]


def numerical_hessian(
    grad: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, rel_step: float = 1e-5
) -> np.ndarray:
    """Hessian by central differences of an analytic gradient, symmetrised."""
    p = theta.size
    H = np.empty((p, p))
    for k in range(p):
        h = rel_step * max(1.0, abs(theta[k]))
        up = theta.copy()
        dn = theta.copy()
        up[k] += h
        dn[k] -= h
        H[:, k] = (grad(up) - grad(dn)) / (2.0 * h)
    return 0.5 * (H + H.T)


def wald_covariance(
    grad_nll: Callable[[np.ndarray], np.ndarray] | None,
    theta: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    exclude: np.ndarray | None = None,
    hessian: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard errors and covariance from the observed information of the free parameters.

    Parameters at a bound of the optimiser (e.g. an adjacency of exactly 0 under
    the identity link) and those in ``exclude`` (held fixed, or not identified
    at the estimate) are not free: their standard error is ``nan`` and their rows
    of the covariance are 0, so draws leave them at their estimate.

    The information of the free parameters is inverted on its eigenvectors.
    Directions with no curvature (eigenvalue below 1e-10 of the largest, or
    negative) are flat: the parameters that load on them get a ``nan`` standard
    error, and the returned covariance gives them no spread (rather than an
    infinite one) so that parameter draws stay finite.

    Parameters
    ----------
    grad_nll : callable or None
        Gradient of the negative log-likelihood in the packed parameters (not
        needed when ``hessian`` is given).
    theta, lower, upper : ndarray of shape (n_params,)
    exclude : bool ndarray of shape (n_params,), optional
    hessian : ndarray, optional
        The Hessian of the free parameters when already known (else central
        differences of ``grad_nll``).

    Returns
    -------
    stderr : ndarray of shape (n_params,)
    covariance : ndarray of shape (n_params, n_params)
    flat : bool ndarray of shape (n_params,)
        Parameters along a flat direction of the likelihood.
    """
    tol = 1e-6 * (1.0 + np.abs(theta))
    at_bound = (np.abs(theta - lower) < tol) | (np.abs(theta - upper) < tol)
    if exclude is not None:
        at_bound |= exclude
    free = np.flatnonzero(~at_bound)
    se = np.full(theta.size, np.nan)
    cov = np.zeros((theta.size, theta.size))
    flat = np.zeros(theta.size, dtype=bool)
    if free.size == 0:
        return se, cov, flat

    def grad_free(sub: np.ndarray) -> np.ndarray:
        full = theta.copy()
        full[free] = sub
        return grad_nll(full)[free]  # type: ignore[misc]

    if hessian is None:
        if grad_nll is None:
            raise ValueError("wald_covariance needs grad_nll or hessian")
        H = numerical_hessian(grad_free, theta[free])
    else:
        H = hessian
    vals, vecs = np.linalg.eigh(H)
    ok = vals > 1e-10 * max(float(vals.max()), 1e-300)
    inv = np.where(ok, 1.0 / np.where(ok, vals, 1.0), 0.0)
    sub = (vecs * inv) @ vecs.T
    cov[np.ix_(free, free)] = sub
    var = np.diag(sub)
    se[free] = np.sqrt(np.maximum(var, 0.0))
    if not ok.all():
        loads = (np.abs(vecs[:, ~ok]) > 0.1).any(axis=1)
        se[free[loads]] = np.nan
        flat[free[loads]] = True
    return se, cov, flat


def wald_stderr(
    grad_nll: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """Standard errors only (see :func:`wald_covariance`)."""
    return wald_covariance(grad_nll, theta, lower, upper, exclude)[0]


def interval_table(
    names: list[tuple[str, str, str]],
    estimate: np.ndarray,
    stderr: np.ndarray,
    boot: np.ndarray | None,
    alpha: float,
    method: str,
    positive: np.ndarray | None = None,
) -> pd.DataFrame:
    """Tidy table: parameter, source, target, estimate, stderr, low, high.

    ``method="wald"`` gives ``estimate -/+ z * stderr``, except for the entries
    marked ``positive`` (rates, decays, dispersions), whose interval is built on
    the log scale, ``estimate * exp(-/+ z * stderr / estimate)``, so that it never
    goes below 0 and always holds the estimate; ``"bootstrap"`` the percentile
    interval of the bootstrap samples (shape (n_boot, n_params)).
    """
    if method == "bootstrap":
        if boot is None:
            raise ValueError("bootstrap intervals need bootstrap samples")
        low = np.nanquantile(boot, alpha / 2, axis=0)
        high = np.nanquantile(boot, 1 - alpha / 2, axis=0)
    else:
        z = stats.norm.ppf(1 - alpha / 2)
        low = estimate - z * stderr
        high = estimate + z * stderr
        if positive is not None:
            pos = positive & (estimate > 0)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                f = np.exp(z * stderr[pos] / estimate[pos])
            low[pos] = estimate[pos] / f
            high[pos] = estimate[pos] * f
    return pd.DataFrame(
        {
            "parameter": [n[0] for n in names],
            "source": [n[1] for n in names],
            "target": [n[2] for n in names],
            "estimate": estimate,
            "stderr": stderr,
            "low": low,
            "high": high,
        }
    )


@dataclass
class ResidualsResult:
    """Residuals of a fitted model and their Kolmogorov–Smirnov test per stream.

    Attributes
    ----------
    values : list of ndarray
        Per stream: randomised PIT values (daily model; Uniform(0, 1) under the
        model) or rescaled inter-event times (continuous model; Exp(1)).
    distribution : str
        ``"uniform"`` or ``"expon"``: the reference of the KS test.
    stream_names : list of str
    ks_statistic, ks_pvalue : ndarray of shape (n_streams,)
    """

    values: list[np.ndarray]
    distribution: str
    stream_names: list[str]
    ks_statistic: np.ndarray = field(init=False)
    ks_pvalue: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        stat, pval = [], []
        for v in self.values:
            if v.size == 0:
                stat.append(np.nan)
                pval.append(np.nan)
                continue
            res = stats.kstest(v, self.distribution)
            stat.append(res.statistic)
            pval.append(res.pvalue)
        self.ks_statistic = np.asarray(stat)
        self.ks_pvalue = np.asarray(pval)

    def summary(self) -> pd.DataFrame:
        """One row per stream: n, KS statistic and p-value."""
        return pd.DataFrame(
            {
                "stream": self.stream_names,
                "n": [v.size for v in self.values],
                "ks_statistic": self.ks_statistic,
                "ks_pvalue": self.ks_pvalue,
            }
        )

    def __repr__(self) -> str:
        rows = ", ".join(
            f"{s}: KS={k:.3f} p={p:.3g}"
            for s, k, p in zip(self.stream_names, self.ks_statistic, self.ks_pvalue)
        )
        return f"ResidualsResult({self.distribution}; {rows})"
