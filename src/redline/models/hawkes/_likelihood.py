"""Log-likelihoods of Hawkes models, as pure functions with analytic gradients.

Two models live here:

* the **daily** (discrete-time) Hawkes model for counts ``y[t, i]``;
* the **continuous-time** exponential Hawkes model for timestamped events.

Nothing here holds state; the packed parameter layout of the daily model is
documented once, in :mod:`redline.models.hawkes._params`.

Daily kernel
------------
An event of source stream ``j`` on day ``s`` adds ``alpha[i, j] * k_j(t - s)`` to the
linear predictor of target ``i`` on day ``t > s``, with the geometric (discrete
exponential) kernel ``k_j(l) = (1 - r_j) r_j**(l - 1)``, ``r_j = exp(-decay_j)``,
``l = 1, 2, ...``. The kernel sums to one, so under the identity link
``alpha[i, j]`` is the expected number of ``i`` events triggered by one ``j`` event
and the branching matrix is ``alpha`` itself. Same-day effects are excluded: a
day's count only depends on earlier days, which keeps the likelihood a product of
one-day-ahead predictive distributions.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.signal import lfilter
from scipy.special import digamma, expit, gammaln

from redline.models.hawkes._params import DailySpec, softplus, softplus_inv

__all__ = [
    "DailySpec",
    "daily_excitation",
    "daily_negloglik",
    "daily_rates",
    "daily_state",
    "hawkes_exp_compensators",
    "hawkes_exp_loglik",
    "hawkes_exp_loglik_grad",
    "softplus",
    "softplus_inv",
]

_LAM_FLOOR = 1e-12


# --------------------------------------------------------------------------- daily


def daily_state(history: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """Excitation state after a history of daily counts.

    Parameters
    ----------
    history : ndarray of shape (n_days, n_streams)
        Past counts, oldest first.
    decay : ndarray of shape (n_streams,)
        Kernel decay per source stream, per day.

    Returns
    -------
    ndarray of shape (n_streams,)
        ``S_j = sum_s r_j**(n_days - 1 - s) * history[s, j]``: the discounted count
        of past events, the ``initial_state`` expected by
        :func:`~redline.models.simulate_daily_paths`.
    """
    history = np.asarray(history, dtype=float)
    r = np.exp(-np.asarray(decay, dtype=float))
    n = history.shape[0]
    if n == 0:
        return np.zeros(history.shape[1])
    powers = r[None, :] ** np.arange(n - 1, -1, -1, dtype=float)[:, None]
    return (powers * history).sum(axis=0)


def daily_excitation(
    y: np.ndarray, decay: np.ndarray, initial_state: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Discounted past counts ``S[t, j]`` and their derivative in ``r_j``.

    ``S[t] = r * S[t-1] + y[t-1]`` with ``S[0] = initial_state``; the linear
    recursion runs in C through :func:`scipy.signal.lfilter`, one call per stream,
    so the cost is O(n_days * n_streams) without a Python loop over days.

    Returns
    -------
    S, dS_dr : ndarray of shape (n_days, n_streams)
    """
    n, d = y.shape
    r = np.exp(-decay)
    s0 = np.zeros(d) if initial_state is None else np.asarray(initial_state, float)
    u = np.empty((n, d))
    u[0] = s0
    u[1:] = y[:-1]
    S = np.empty((n, d))
    dS = np.empty((n, d))
    for j in range(d):
        a = [1.0, -r[j]]
        S[:, j] = lfilter([1.0], a, u[:, j])
        # dS[t]/dr = r dS[t-1]/dr + S[t-1]; the initial state is held fixed.
        v = np.empty(n)
        v[0] = 0.0
        v[1:] = S[:-1, j]
        dS[:, j] = lfilter([1.0], a, v)
    return S, dS


def daily_rates(
    theta: np.ndarray,
    spec: DailySpec,
    y: np.ndarray,
    x: np.ndarray,
    initial_state: np.ndarray | None = None,
) -> np.ndarray:
    """One-day-ahead rates ``lambda[t, i]`` (events per day), shape (n_days, n_streams)."""
    par = spec.unpack(theta)
    decay = par.decay
    S, _ = daily_excitation(y, decay, initial_state)
    X = (1.0 - np.exp(-decay))[None, :] * S
    eta = par.predictor(x) + X @ par.adjacency.T
    lam = eta if spec.link == "identity" else softplus(eta)
    return np.maximum(lam, _LAM_FLOOR)


def daily_negloglik(
    theta: np.ndarray,
    spec: DailySpec,
    y: np.ndarray,
    x: np.ndarray,
    initial_state: np.ndarray | None = None,
    gradient: bool = True,
    pointwise: bool = False,
):
    """Negative log-likelihood of daily counts and its analytic gradient.

    Parameters
    ----------
    theta : ndarray of shape (spec.n_params,)
        Packed parameters (see :class:`DailySpec`).
    y : ndarray of shape (n_days, n_streams)
        Counts per day.
    x : ndarray of shape (n_days, n_cov)
        Daily covariates.
    initial_state : ndarray of shape (n_streams,), optional
        Discounted count of events before day 0 (default: none).
    gradient : bool
        Also return the gradient in ``theta``.
    pointwise : bool
        Return the log-likelihood of each day and stream, shape (n_days, n_streams),
        instead of the total (no gradient).

    Notes
    -----
    The Poisson total (the case an optimiser evaluates hundreds of times) runs in
    one compiled pass over the days (:func:`_poisson_pass`); the negative binomial
    family and the pointwise values go through the numpy form below, which the
    tests also use as the reference for the compiled pass.
    """
    if spec.family == "poisson" and not pointwise:
        return _poisson_negloglik(theta, spec, y, x, initial_state, gradient)
    return _negloglik_numpy(theta, spec, y, x, initial_state, gradient, pointwise)


@numba.njit(cache=True)
def _poisson_pass(y, mu, alpha, decay, s0, identity, want_grad):
    """Poisson log-likelihood terms and gradient pieces in one O(n_days * d**2) pass.

    ``S`` (discounted past counts) and ``dS`` (its derivative in ``r``) follow
    the recursions of :func:`daily_excitation`; ``W[t, i]`` is
    ``d ll / d lambda * d lambda / d eta`` of day ``t`` and target ``i``, from which
    the caller forms the baseline and covariate gradients.
    """
    n, d = y.shape
    r = np.exp(-decay)
    S = s0.copy()
    dS = np.zeros(d)
    X = np.empty(d)
    dX = np.empty(d)
    W = np.zeros((n, d))
    g_alpha = np.zeros((d, d))
    g_r = np.zeros(d)
    ll = 0.0
    for t in range(n):
        for j in range(d):
            X[j] = (1.0 - r[j]) * S[j]
            dX[j] = -S[j] + (1.0 - r[j]) * dS[j]
        for i in range(d):
            eta = mu[t, i]
            for j in range(d):
                eta += alpha[i, j] * X[j]
            if identity:
                lam = max(_LAM_FLOOR, eta)
                dlde = 1.0 if eta > _LAM_FLOOR else 0.0
            else:
                if eta > 0.0:
                    lam = eta + np.log1p(np.exp(-eta))
                    dlde = 1.0 / (1.0 + np.exp(-eta))
                else:
                    e = np.exp(eta)
                    lam = np.log1p(e)
                    dlde = e / (1.0 + e)
                lam = max(lam, _LAM_FLOOR)
            yt = y[t, i]
            ll += yt * np.log(lam) - lam - math.lgamma(yt + 1.0)
            if want_grad:
                w = (yt / lam - 1.0) * dlde
                W[t, i] = w
                for j in range(d):
                    g_alpha[i, j] += w * X[j]
                    g_r[j] += w * alpha[i, j] * dX[j]
        for j in range(d):
            dS[j] = r[j] * dS[j] + S[j]
            S[j] = r[j] * S[j] + y[t, j]
    return ll, W, g_alpha, g_r


def _poisson_negloglik(theta, spec, y, x, initial_state, gradient):
    par = spec.unpack(theta)
    d = spec.n_streams
    decay = par.decay
    mu = par.predictor(x)
    s0 = np.zeros(d) if initial_state is None else np.asarray(initial_state, dtype=float)
    ll, W, g_alpha, g_r = _poisson_pass(
        np.ascontiguousarray(y, dtype=float), np.ascontiguousarray(mu),
        np.ascontiguousarray(par.adjacency), decay, s0, spec.link == "identity", gradient)
    if not gradient:
        return -ll
    Wc = W * mu if spec.link == "identity" else W
    g_logdecay = g_r * (-np.exp(-decay) * decay)
    grad = np.concatenate([Wc.sum(axis=0), g_alpha.ravel(), g_logdecay,
                           (Wc.T @ x).reshape(d * spec.n_cov)])
    return -ll, -grad


def _negloglik_numpy(
    theta: np.ndarray,
    spec: DailySpec,
    y: np.ndarray,
    x: np.ndarray,
    initial_state: np.ndarray | None = None,
    gradient: bool = True,
    pointwise: bool = False,
):
    """:func:`daily_negloglik` in numpy (every family, pointwise values)."""
    par = spec.unpack(theta)
    alpha, log_disp = par.adjacency, par.log_dispersion
    decay = par.decay
    r = np.exp(-decay)
    S, dS = daily_excitation(y, decay, initial_state)
    X = (1.0 - r)[None, :] * S
    mu = par.predictor(x)
    eta = mu + X @ alpha.T
    if spec.link == "identity":
        lam = np.maximum(eta, _LAM_FLOOR)
        dlam_deta = (eta > _LAM_FLOOR).astype(float)
    else:
        lam = np.maximum(softplus(eta), _LAM_FLOOR)
        dlam_deta = expit(eta)

    if spec.family == "poisson":
        ll = y * np.log(lam) - lam - gammaln(y + 1.0)
        dll_dlam = y / lam - 1.0
    else:
        assert log_disp is not None  # negbin layouts always carry it
        k = np.exp(-log_disp)[None, :]
        log_kl = np.log(k + lam)
        ll = (
            gammaln(y + k)
            - gammaln(k)
            - gammaln(y + 1.0)
            + k * (np.log(k) - log_kl)
            + y * (np.log(lam) - log_kl)
        )
        dll_dlam = y / lam - (y + k) / (k + lam)
    if pointwise:
        return ll
    nll = -float(ll.sum())
    if not gradient:
        return nll

    w = dll_dlam * dlam_deta
    d, p = spec.n_streams, spec.n_cov
    if spec.link == "identity":
        g_c = (w * mu).sum(axis=0)
        g_beta = (w * mu).T @ x
    else:
        g_c = w.sum(axis=0)
        g_beta = w.T @ x
    g_alpha = w.T @ X
    dX_dr = -S + (1.0 - r)[None, :] * dS
    dr_dlogdecay = -r * decay
    g_logdecay = ((w @ alpha) * dX_dr).sum(axis=0) * dr_dlogdecay
    parts = [g_c, g_alpha.ravel(), g_logdecay, g_beta.reshape(d * p)]
    if spec.family == "negbin":
        dll_dk = (
            digamma(y + k) - digamma(k) + np.log(k) - log_kl + (lam - y) / (k + lam)
        )
        parts.append((dll_dk * -k).sum(axis=0))
    return nll, -np.concatenate(parts)


# ----------------------------------------------------------------- continuous time


@numba.njit(cache=True)
def _exp_pass(times, marks, end_time, baseline, adjacency, decay, want_grad):
    """One O(N * D) pass over the merged events.

    ``g[j]`` holds ``sum_{t_l^j < t} exp(-decay (t - t_l^j))`` and ``h[j]`` its
    (negated) derivative in decay, ``sum (t - t_l^j) exp(-decay (t - t_l^j))``;
    both are carried from one event to the next by multiplying by the decay over
    the gap, which is what makes the exponential kernel O(N) rather than O(N^2).
    """
    d = baseline.shape[0]
    n = times.shape[0]
    g = np.zeros(d)
    h = np.zeros(d)
    loglik = 0.0
    g_base = np.zeros(d)
    g_adj = np.zeros((d, d))
    g_decay = 0.0
    last = 0.0
    for k in range(n):
        t = times[k]
        i = marks[k]
        dt = t - last
        e = np.exp(-decay * dt)
        for j in range(d):
            h[j] = e * (h[j] + dt * g[j])
            g[j] = e * g[j]
        lam = baseline[i]
        dlam_ddecay = 0.0
        for j in range(d):
            lam += adjacency[i, j] * decay * g[j]
            dlam_ddecay += adjacency[i, j] * (g[j] - decay * h[j])
        if lam <= 0.0:
            return -np.inf, g_base, g_adj, g_decay
        loglik += np.log(lam)
        if want_grad:
            inv = 1.0 / lam
            g_base[i] += inv
            for j in range(d):
                g_adj[i, j] += inv * decay * g[j]
            g_decay += inv * dlam_ddecay
        g[i] += 1.0
        last = t
    # Compensator: each event of j contributes (1 - exp(-decay (T - t))) to the
    # integral of the kernel it starts.
    comp = np.zeros(d)
    dcomp = np.zeros(d)
    for k in range(n):
        u = end_time - times[k]
        e = np.exp(-decay * u)
        comp[marks[k]] += 1.0 - e
        dcomp[marks[k]] += u * e
    for i in range(d):
        loglik -= baseline[i] * end_time
        for j in range(d):
            loglik -= adjacency[i, j] * comp[j]
            if want_grad:
                g_adj[i, j] -= comp[j]
                g_decay -= adjacency[i, j] * dcomp[j]
        if want_grad:
            g_base[i] -= end_time
    return loglik, g_base, g_adj, g_decay


@numba.njit(cache=True)
def _exp_compensator_pass(times, marks, baseline, adjacency, decay):
    """Compensator ``Lambda_i(t)`` of each event's own stream at its time."""
    d = baseline.shape[0]
    n = times.shape[0]
    g = np.zeros(d)
    cnt = np.zeros(d)
    out = np.empty(n)
    last = 0.0
    for k in range(n):
        t = times[k]
        i = marks[k]
        e = np.exp(-decay * (t - last))
        for j in range(d):
            g[j] = e * g[j]
        val = baseline[i] * t
        for j in range(d):
            # sum over past j events of the integrated kernel up to t.
            val += adjacency[i, j] * (cnt[j] - g[j])
        out[k] = val
        g[i] += 1.0
        cnt[i] += 1.0
        last = t
    return out


def merge_events(events: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All events in time order with the index of their stream.

    Ties keep stream order (stable sort). With continuous times ties have
    probability zero; if they occur, the earlier-listed event counts as past for
    the later one (kernel evaluated at lag 0), as in tick.
    """
    times = np.concatenate([np.asarray(e, dtype=float) for e in events])
    marks = np.concatenate([np.full(len(e), j, dtype=np.int64) for j, e in enumerate(events)])
    order = np.argsort(times, kind="stable")
    return np.ascontiguousarray(times[order]), np.ascontiguousarray(marks[order])


def hawkes_exp_loglik(
    events: list[np.ndarray],
    end_time: float,
    baseline: np.ndarray,
    adjacency: np.ndarray,
    decay: float,
) -> float:
    """Log-likelihood of a multivariate exponential Hawkes process.

    Intensity ``lambda_i(t) = baseline[i] + sum_j adjacency[i, j] * decay *
    sum_{t_l^j < t} exp(-decay (t - t_l^j))`` on the window ``[0, end_time]``.

    Parameters
    ----------
    events : list of ndarray
        One sorted array of event times per stream.
    end_time : float
        End of the observation window (same time unit as ``events``).
    baseline : ndarray of shape (n_streams,)
        Events per unit time.
    adjacency : ndarray of shape (n_streams, n_streams)
        ``[i, j]`` = expected number of ``i`` events triggered by one ``j`` event.
    decay : float
        Per unit time.
    """
    times, marks = merge_events(events)
    ll, *_ = _exp_pass(
        times,
        marks,
        float(end_time),
        np.asarray(baseline, dtype=float),
        np.asarray(adjacency, dtype=float),
        float(decay),
        False,
    )
    return float(ll)


def hawkes_exp_loglik_grad(
    times: np.ndarray,
    marks: np.ndarray,
    end_time: float,
    baseline: np.ndarray,
    adjacency: np.ndarray,
    decay: float,
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Log-likelihood and its gradient in ``(baseline, adjacency, decay)``.

    Takes the merged form from :func:`merge_events` so that an optimiser does not
    re-sort the events at each step.
    """
    ll, gb, ga, gd = _exp_pass(times, marks, float(end_time), baseline, adjacency, float(decay), True)
    return float(ll), gb, ga, float(gd)


def hawkes_exp_compensators(
    events: list[np.ndarray], baseline: np.ndarray, adjacency: np.ndarray, decay: float
) -> list[np.ndarray]:
    """``Lambda_i(t)`` at each event of stream ``i``, one array per stream.

    Differences of consecutive values are i.i.d. Exp(1) under the true model
    (time-rescaling theorem).
    """
    times, marks = merge_events(events)
    comp = _exp_compensator_pass(
        times, marks, np.asarray(baseline, float), np.asarray(adjacency, float), float(decay)
    )
    return [comp[marks == j] for j in range(len(events))]
