"""How ``DailyHawkes`` is fitted: bounds, start, optimiser and the guards around them.

The guards decide, before and after the optimiser runs, which parameters the data
cannot carry, hold them fixed, and say so as diagnostics (``fit.*`` codes in
:mod:`redline.diagnostics`):

* a stream with fewer than :data:`MIN_EVENTS` events in the fit window gets no
  couplings (to or from it) and no covariate effects: they are held at 0;
* a covariate that *separates* a stream (all of the stream's events fall on days
  where the covariate is off, or all where it is on) would send its coefficient
  to infinity; it is dropped for that stream (held at 0);
* after the fit, a coefficient beyond :data:`COEF_BOUND` or with a standard error
  more than :data:`SE_RATIO` times its size is dropped and the model refitted;
* parameters at a bound of the optimiser and supercritical fits are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from redline.diagnostics import Diagnostics
from redline.models.hawkes._inference import wald_covariance
from redline.models.hawkes._likelihood import daily_negloglik
from redline.models.hawkes._params import DailySpec

__all__ = ["COEF_BOUND", "MIN_EVENTS", "SE_RATIO", "FitOutcome", "fit_daily"]

#: Events a stream needs in the fit window before its couplings are estimated.
MIN_EVENTS = 5
#: Largest covariate effect accepted, on the log-rate (identity) or predictor scale:
#: exp(10) is a 22,000-fold change of the baseline, beyond anything daily data show.
COEF_BOUND = 10.0
#: A coefficient whose standard error exceeds this many times max(|estimate|, 1)
#: is not identified by the data.
SE_RATIO = 10.0
#: A log decay with a larger standard error is not identified (its 95% interval
#: would span a factor of more than e^12 in the half-life).
LOG_DECAY_SE_MAX = 3.0
# Decay bounds in 1/day: half-lives from ~0.03 days (all effect on the next day)
# to ~70 days; beyond these the decay is not identified from daily data.
LOG_DECAY_BOUNDS = (np.log(0.01), np.log(20.0))


@dataclass
class FitOutcome:
    """What :func:`fit_daily` found (the estimator copies it into its attributes)."""

    theta: np.ndarray
    stderr: np.ndarray
    covariance: np.ndarray
    converged: bool
    n_iter: int
    fixed: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def bounds(spec: DailySpec) -> tuple[np.ndarray, np.ndarray]:
    """Box constraints of the optimiser on the packed vector."""
    d, p = spec.n_streams, spec.n_cov
    lo, hi = [], []
    if spec.link == "identity":
        lo += [-30.0] * d + [0.0] * d * d
        hi += [10.0] * d + [50.0] * d * d
    else:
        lo += [-30.0] * d + [-50.0] * d * d
        hi += [30.0] * d + [50.0] * d * d
    lo += [LOG_DECAY_BOUNDS[0]] * d
    hi += [LOG_DECAY_BOUNDS[1]] * d
    lo += [-np.inf] * d * p
    hi += [np.inf] * d * p
    if spec.family == "negbin":
        lo += [np.log(1e-6)] * d
        hi += [np.log(1e3)] * d
    return np.asarray(lo), np.asarray(hi)


def start(spec: DailySpec, y: np.ndarray) -> np.ndarray:
    """A point inside every bound: half of each mean rate in the baseline, the
    other half explained by a small self-excitation."""
    d, p = spec.n_streams, spec.n_cov
    base = 0.5 * y.mean(axis=0)
    c = np.log(base) if spec.link == "identity" else np.log(np.expm1(np.maximum(base, 1e-6)))
    alpha = 0.3 * np.eye(d) + 0.02
    parts = [c, alpha.ravel(), np.full(d, np.log(0.5)), np.zeros(d * p)]
    if spec.family == "negbin":
        parts.append(np.full(d, np.log(0.1)))
    return np.concatenate(parts)


def optimise(spec, y, x, theta0, lo, hi, max_iter):
    """L-BFGS-B with analytic gradients; fixed entries have ``lo == hi``."""
    return minimize(daily_negloglik, np.clip(theta0, lo, hi), args=(spec, y, x), jac=True,
                    method="L-BFGS-B", bounds=list(zip(lo, hi)),
                    options={"maxiter": int(max_iter), "ftol": 1e-12, "gtol": 1e-6, "maxcor": 20})


def _hold(lo, hi, theta0, idx, value=0.0):
    lo[idx] = hi[idx] = theta0[idx] = value


def pre_fit_guards(spec: DailySpec, y: np.ndarray, x: np.ndarray, streams: list[str],
                   covs: list[str], lo, hi, theta0, diags: Diagnostics) -> np.ndarray:
    """Hold what the data cannot carry at 0; returns the mask of held entries."""
    d, p = spec.n_streams, spec.n_cov
    b = spec.blocks()
    a0, c0 = b["adjacency"].start, b["coef"].start
    fixed = np.zeros(spec.n_params, dtype=bool)
    n_ev = y.sum(axis=0)
    for i in np.flatnonzero(n_ev < MIN_EVENTS):
        idx = [a0 + i * d + j for j in range(d)] + [a0 + j * d + i for j in range(d)]
        idx += [c0 + i * p + k for k in range(p)]
        _hold(lo, hi, theta0, idx)
        fixed[idx] = True
        diags.add("fit.thin_stream",
                  f"'{streams[i]}' has {int(n_ev[i])} event(s) in the fit window, fewer than "
                  f"{MIN_EVENTS}: its couplings and covariate effects are not estimated (held "
                  "at 0); only its baseline is.", subject=("stream", streams[i]))
    for k in range(p):
        col = x[:, k]
        on = col != 0
        if np.unique(col).size != 2 or on.all() or not on.any():
            continue  # separation is defined here for on/off (step) covariates
        for i in np.flatnonzero(n_ev >= MIN_EVENTS):
            n_on, n_off = y[on, i].sum(), y[~on, i].sum()
            if n_on > 0 and n_off > 0:
                continue
            idx = c0 + i * p + k
            _hold(lo, hi, theta0, idx)
            fixed[idx] = True
            side = "on" if n_on == 0 else "off"
            diags.add("fit.covariate_separates",
                      f"'{covs[k]}' separates '{streams[i]}': none of its {int(n_ev[i])} events "
                      f"fall on the {int((on if side == 'on' else ~on).sum())} days the covariate "
                      f"is {side}, so its effect would be infinite; the covariate is dropped for "
                      "this stream (effect held at 0).",
                      subject=("parameter", f"coef:{covs[k]}->{streams[i]}"))
    return fixed


def _unidentified_decays(theta: np.ndarray, spec: DailySpec) -> np.ndarray:
    """Mask of decays whose source has no effect on any target (flat likelihood)."""
    mask = np.zeros(theta.size, dtype=bool)
    alpha = spec.unpack(theta).adjacency
    mask[spec.blocks()["decay"]] = np.all(np.abs(alpha) < 1e-6, axis=0)
    return mask


def _unstable_coefs(spec, theta, se, fixed) -> list[int]:
    s = spec.blocks()["coef"]
    out = []
    for idx in range(s.start, s.stop):
        if fixed[idx]:
            continue
        big = abs(theta[idx]) > COEF_BOUND
        loose = np.isfinite(se[idx]) and se[idx] > SE_RATIO * max(abs(theta[idx]), 1.0)
        if big or loose:
            out.append(idx)
    return out


def fit_daily(spec: DailySpec, y: np.ndarray, x: np.ndarray, streams: list[str],
              covs: list[str], max_iter: int) -> FitOutcome:
    """Maximum likelihood with the guards of the module docstring."""
    diags = Diagnostics()
    lo, hi = bounds(spec)
    theta0 = start(spec, y)
    fixed = pre_fit_guards(spec, y, x, streams, covs, lo, hi, theta0, diags)
    names = spec.names(streams, covs)
    for _ in range(3):  # at most two refits after dropping unstable coefficients
        res = optimise(spec, y, x, theta0, lo, hi, max_iter)
        exclude = fixed | _unidentified_decays(res.x, spec)
        grad = lambda th: daily_negloglik(th, spec, y, x)[1]
        se, cov, flat = wald_covariance(grad, res.x, lo, hi, exclude=exclude)
        loose = np.zeros_like(exclude)
        loose[spec.blocks()["decay"]] = se[spec.blocks()["decay"]] > LOG_DECAY_SE_MAX
        if loose.any():
            # A decay the data barely constrain: report it as unidentified and keep
            # it out of the covariance, so draws do not wander to absurd half-lives.
            se, cov, flat = wald_covariance(grad, res.x, lo, hi, exclude=exclude | loose)
            flat = flat | loose
        drop = _unstable_coefs(spec, res.x, se, fixed)
        if not drop:
            break
        for idx in drop:
            _, cov_name, tgt = names[idx]
            diags.add("fit.coefficient_dropped",
                      f"the effect of '{cov_name}' on '{tgt}' came out at {res.x[idx]:+.3g} "
                      f"(standard error {se[idx]:.3g}): the data cannot pin it down, so the "
                      "covariate is dropped for this stream and the model refitted.",
                      subject=("parameter", f"coef:{cov_name}->{tgt}"))
            _hold(lo, hi, theta0, idx)
            fixed[idx] = True
        theta0 = res.x.copy()
        theta0[fixed] = 0.0
    if not res.success:
        diags.add("fit.not_converged", f"the optimiser stopped after {res.nit} iterations: "
                  f"{res.message}")
    if flat.any():
        flat_names = [f"{n[0]} {n[1]}->{n[2]}".replace(" ->", " ").rstrip("->")
                      for n, f in zip(names, flat) if f]
        # a fit of many streams can be flat along dozens: name a few, count the rest
        which = ", ".join(flat_names[:8]) + (f" and {len(flat_names) - 8} more"
                                             if len(flat_names) > 8 else "")
        diags.add("fit.unidentified", f"the likelihood is flat along {which}: their standard "
                  "errors are missing and parameter draws do not vary them.")
    _at_bounds(spec, res.x, lo, hi, fixed, names, diags)
    return FitOutcome(res.x, se, cov, bool(res.success), int(res.nit), fixed, lo, hi, diags)


def _at_bounds(spec, theta, lo, hi, fixed, names, diags: Diagnostics) -> None:
    tol = 1e-6 * (1.0 + np.abs(theta))
    at = ((np.abs(theta - lo) < tol) | (np.abs(theta - hi) < tol)) & ~fixed
    b = spec.blocks()
    if spec.link == "identity":
        at[b["adjacency"]] &= theta[b["adjacency"]] > 0  # 0 is a coupling's natural floor
    for idx in np.flatnonzero(at):
        kind, src, tgt = names[idx]
        label = f"{kind} {src}->{tgt}" if src and tgt else f"{kind} of '{src or tgt}'"
        minor = kind in ("decay", "dispersion")
        diags.add("fit.at_bound",
                  f"the {label} sits at the optimiser's bound ({theta[idx]:.3g} on the fitted "
                  "scale): the data push it further than the model allows, and its standard "
                  "error is missing.", severity="info" if minor else "warning",
                  subject=("parameter", f"{kind}:{src}->{tgt}"))
