"""The day loop of the scenario Monte Carlo, compiled with numba.

:func:`redline.models.simulate_daily_paths` draws a whole day for all paths with
numpy, which is right when nothing inside a path reacts to what was simulated.
Red-line rules do react ("if a US soldier is killed, strike within 2-5 days"),
and per-path fatalities depend on each path's attacks, so the runner needs a
step-wise loop. This module implements that loop for a batch of paths that share
one parameter draw, with **exactly** the recursion of ``DailyHawkes`` /
``simulate_daily_paths``::

    lambda[p, t, i] = link(mu[t, i] + sum_j adjacency[i, j] * (1 - r_j) * S[p, t, j])
    S[p, t + 1, j]  = r_j * S[p, t, j] + y[p, t, j],     r_j = exp(-decay_j)

where ``y`` includes injected and red-line events (they excite later days like
any other event); ``tests/scenarios`` checks the two simulators agree.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["simulate_batch", "path_seeds_for", "RuleArrays", "LINK_IDENTITY", "LINK_SOFTPLUS", "SERIES_FATALITIES"]

LINK_IDENTITY = 0
LINK_SOFTPLUS = 1
#: ``rule_series`` value meaning "the simulated fatal attacks".
SERIES_FATALITIES = -1
# Rates above this are capped (events per day): only explosive parameter draws
# get there, and the cap keeps them finite instead of overflowing.
RATE_CAP = 1e5


class RuleArrays:
    """Red-line rules as flat arrays for the compiled loop (one entry per rule)."""

    def __init__(self, rules: list[dict] | None = None) -> None:
        rules = rules or []
        self.series = np.array([r["series"] for r in rules], dtype=np.int64)
        self.at_least = np.array([r["at_least"] for r in rules], dtype=np.int64)
        self.window = np.array([r["window"] for r in rules], dtype=np.int64)
        self.prob = np.array([r["prob"] for r in rules], dtype=np.float64)
        self.stream = np.array([r["stream"] for r in rules], dtype=np.int64)
        self.count = np.array([r["count"] for r in rules], dtype=np.int64)
        self.dmin = np.array([r["dmin"] for r in rules], dtype=np.int64)
        self.dmax = np.array([r["dmax"] for r in rules], dtype=np.int64)
        self.max_fires = np.array([r["max_fires"] for r in rules], dtype=np.int64)

    def __len__(self) -> int:
        return int(self.series.size)

    def args(self) -> tuple:
        return (self.series, self.at_least, self.window, self.prob, self.stream, self.count,
                self.dmin, self.dmax, self.max_fires)


def path_seeds_for(seed: int, n_paths: int) -> np.ndarray:
    """Per-path seeds (int64, below 2**31) derived from one seed."""
    state = np.random.SeedSequence(int(seed)).generate_state(n_paths, dtype=np.uint32)
    return (state >> 1).astype(np.int64)


@numba.njit(cache=True)
def _softplus(x: float) -> float:
    if x > 30.0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@numba.njit(cache=True)
def _loop(seeds, mu, adj, r, s0, inj, link, negbin, shape_k, p_fatal, fatal_stream,
          r_series, r_at_least, r_window, r_prob, r_stream, r_count, r_dmin, r_dmax, r_max,
          counts, fatal, fires):
    n_paths, horizon, d = counts.shape
    n_rules = r_series.size
    one_minus_r = 1.0 - r
    S = np.empty(d)
    X = np.empty(d)
    pending = np.zeros((horizon, d), dtype=np.int64)
    next_check = np.zeros(n_rules, dtype=np.int64)
    for p in range(n_paths):
        for j in range(d):
            S[j] = s0[j]
        pending[:, :] = 0
        next_check[:] = 0
        # each path its own seed: a path's draws do not depend on which other paths
        # run beside it, so options compare on the same random numbers
        np.random.seed(seeds[p])
        pf = p_fatal[p]
        for t in range(horizon):
            for j in range(d):
                X[j] = one_minus_r[j] * S[j]
            for i in range(d):
                eta = mu[t, i]
                for j in range(d):
                    eta += adj[i, j] * X[j]
                if link == 0:
                    lam = eta if eta > 0.0 else 0.0
                else:
                    lam = _softplus(eta)
                if lam > RATE_CAP:
                    lam = RATE_CAP
                if negbin:
                    lam = lam * np.random.gamma(shape_k[i], 1.0 / shape_k[i])
                y = np.random.poisson(lam) + inj[t, i] + pending[t, i]
                counts[p, t, i] = y
            if fatal_stream >= 0:
                n_att = counts[p, t, fatal_stream]
                fatal[p, t] = np.random.binomial(n_att, pf) if n_att > 0 and pf > 0.0 else 0
            for k in range(n_rules):
                if fires[p, k] >= r_max[k] or t < next_check[k]:
                    continue
                total = 0
                lo = t - r_window[k] + 1
                if lo < 0:
                    lo = 0
                for u in range(lo, t + 1):
                    if r_series[k] < 0:
                        total += fatal[p, u]
                    else:
                        total += counts[p, u, r_series[k]]
                if total >= r_at_least[k]:
                    next_check[k] = t + r_window[k]
                    if np.random.random() < r_prob[k]:
                        fires[p, k] += 1
                        day = t + np.random.randint(r_dmin[k], r_dmax[k] + 1)
                        if day < horizon:
                            pending[day, r_stream[k]] += r_count[k]
            for j in range(d):
                S[j] = r[j] * S[j] + counts[p, t, j]


def simulate_batch(
    seed: int,
    mu: np.ndarray,
    adjacency: np.ndarray,
    decay: np.ndarray,
    initial_state: np.ndarray,
    injections: np.ndarray,
    n_paths: int,
    link: str = "softplus",
    dispersion: np.ndarray | None = None,
    p_fatal: np.ndarray | None = None,
    fatal_stream: int = -1,
    rules: RuleArrays | None = None,
    path_seeds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate ``n_paths`` paths that share one set of parameters.

    Parameters
    ----------
    seed : int
        Seed from which each path's own seed is derived (reproducible bit for bit).
    path_seeds : int array of shape (n_paths,), optional
        The paths' seeds, overriding ``seed``: a path with the same seed and the
        same inputs gives the same result whichever paths run beside it.
    mu : array of shape (horizon, n_streams)
        Baseline on the linear-predictor scale (identity: events per day).
    adjacency : array of shape (n_streams, n_streams)
        ``[i, j]`` = effect of source ``j`` on target ``i``.
    decay : array of shape (n_streams,)
        Kernel decay per source stream, per day.
    initial_state : array of shape (n_streams,)
        Discounted past counts (:func:`redline.models.daily_state` of the history).
    injections : int array of shape (horizon, n_streams)
        Forced events per day.
    n_paths : int
    link : {"identity", "softplus"}
    dispersion : array of shape (n_streams,), optional
        Negative binomial ``phi``; Poisson when None.
    p_fatal : array of shape (n_paths,), optional
        Per-path probability that one event of ``fatal_stream`` kills.
    fatal_stream : int
        Index of the attacks stream whose events may be fatal (-1: none).
    rules : RuleArrays, optional

    Returns
    -------
    counts : int64 array of shape (n_paths, horizon, n_streams)
    fatal : int64 array of shape (n_paths, horizon)
        Fatal attacks per day.
    fires : int64 array of shape (n_paths, n_rules)
        How often each red line answered.
    """
    horizon, d = mu.shape
    rules = rules or RuleArrays()
    counts = np.zeros((n_paths, horizon, d), dtype=np.int64)
    fatal = np.zeros((n_paths, horizon), dtype=np.int64)
    fires = np.zeros((n_paths, len(rules)), dtype=np.int64)
    negbin = dispersion is not None
    shape_k = 1.0 / np.asarray(dispersion, float) if negbin else np.ones(d)
    pf = np.zeros(n_paths) if p_fatal is None else np.ascontiguousarray(p_fatal, dtype=np.float64)
    seeds = (path_seeds_for(seed, n_paths) if path_seeds is None
             else np.ascontiguousarray(path_seeds, dtype=np.int64))
    _loop(seeds, np.ascontiguousarray(mu, dtype=np.float64),
          np.ascontiguousarray(adjacency, dtype=np.float64),
          np.exp(-np.asarray(decay, dtype=np.float64)),
          np.asarray(initial_state, dtype=np.float64),
          np.ascontiguousarray(injections, dtype=np.int64),
          LINK_IDENTITY if link == "identity" else LINK_SOFTPLUS, negbin, shape_k, pf,
          int(fatal_stream), *rules.args(), counts, fatal, fires)
    return counts, fatal, fires
