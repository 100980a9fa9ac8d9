"""Uncertainty and goodness-of-fit helpers shared by the Hawkes estimators."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from redline.errors import ConvergenceWarning

__all__ = ["numerical_hessian", "wald_stderr", "interval_table", "ResidualsResult"]


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


def wald_stderr(
    grad_nll: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """Standard errors from the observed information of the free parameters.

    Parameters at a bound of the optimiser (e.g. an adjacency of exactly 0 under
    the identity link) get ``nan``: the usual asymptotics do not hold there, and
    the bootstrap interval is the one to read. ``exclude`` (boolean mask) marks
    further parameters that are not identified at the estimate, e.g. the decay of
    a source whose effects are all 0; they get ``nan`` too.
    """
    tol = 1e-6 * (1.0 + np.abs(theta))
    at_bound = (np.abs(theta - lower) < tol) | (np.abs(theta - upper) < tol)
    if exclude is not None:
        at_bound |= exclude
    free = np.flatnonzero(~at_bound)
    se = np.full(theta.size, np.nan)
    if free.size == 0:
        return se

    def grad_free(sub: np.ndarray) -> np.ndarray:
        full = theta.copy()
        full[free] = sub
        return grad_nll(full)[free]

    H = numerical_hessian(grad_free, theta[free])
    try:
        cov = np.linalg.inv(H)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(H)
        warnings.warn(
            "the observed information is singular (a parameter is not identified, "
            "e.g. the decay of a stream that excites nothing); standard errors from "
            "its pseudo-inverse",
            ConvergenceWarning,
            stacklevel=3,
        )
    var = np.diag(cov)
    se[free] = np.where(var > 0, np.sqrt(np.abs(var)), np.nan)
    return se


def interval_table(
    names: list[tuple[str, str, str]],
    estimate: np.ndarray,
    stderr: np.ndarray,
    boot: np.ndarray | None,
    alpha: float,
    method: str,
) -> pd.DataFrame:
    """Tidy table: parameter, source, target, estimate, stderr, low, high.

    ``method="wald"`` gives ``estimate -/+ z * stderr``; ``"bootstrap"`` the
    percentile interval of the bootstrap samples (shape (n_boot, n_params)).
    """
    if method == "bootstrap":
        low = np.nanquantile(boot, alpha / 2, axis=0)
        high = np.nanquantile(boot, 1 - alpha / 2, axis=0)
    else:
        z = stats.norm.ppf(1 - alpha / 2)
        low = estimate - z * stderr
        high = estimate + z * stderr
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
