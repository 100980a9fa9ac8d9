"""Change-point p-values that account for the search: the whole segmentation, permuted.

:func:`redline.analysis.escalation.segment_counts` tests each change point between its
two neighbours with a scan test.  That accounts for where inside the stretch the split
lies, but not that the penalised search chose the stretch, the number of changes and
their places on the same data.  Here the whole procedure is rerun on series with the
same daily counts in random order (which keeps their overdispersion but destroys any
change of rate): in each permuted series the optimal partition under the same cost,
penalty and shortest phase is found, and the largest gain in cost of any change it
selects is kept.  A change point's selection-adjusted p-value is the share of permuted
series whose largest gain reaches its own gain (a max statistic: it controls the
family-wise error over all change points the search could report).

The optimal partition is found by :func:`pelt_poisson`: PELT's pruning on the exact
dynamic programme (compiled with numba), which finds the same optimum as optimal
partitioning (checked against it and against ``ruptures`` in the tests).  Pruning
helps where rates change; a permuted series has one rate, so its search stays quadratic
in the days: the permutations run compiled and spread over the cores.

What this is not: a test of one pre-specified date; for that the scan test is right.
"""

from __future__ import annotations

import threading

import numba
import numpy as np

__all__ = ["optimal_partition", "pelt_poisson", "change_gains", "selection_pvalues"]

_PARALLEL = threading.Lock()


@numba.njit(cache=True)
def _cost(cs: np.ndarray, a: int, b: int) -> float:
    s = cs[b] - cs[a]
    if s <= 0.0:
        return 0.0
    return -2.0 * (s * np.log(s / (b - a)) - s)


@numba.njit(cache=True)
def _pelt(y: np.ndarray, penalty: float, min_size: int) -> np.ndarray:
    n = y.shape[0]
    cs = np.zeros(n + 1)
    for i in range(n):
        cs[i + 1] = cs[i] + y[i]
    F = np.full(n + 1, np.inf)
    F[0] = -penalty
    last = np.zeros(n + 1, dtype=np.int64)
    cand = np.empty(n + 1, dtype=np.int64)
    dead_from = np.empty(n + 1, dtype=np.int64)
    cand[0] = 0
    dead_from[0] = n + 1
    n_cand = 1
    for t in range(min_size, n + 1):
        s_new = t - min_size
        if s_new >= min_size:
            cand[n_cand] = s_new
            dead_from[n_cand] = n + 1
            n_cand += 1
        best = np.inf
        arg = 0
        for i in range(n_cand):
            s = cand[i]
            v = F[s] + _cost(cs, s, t) + penalty
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
        # PELT's rule, delayed by min_size: a start s that cannot beat the change at t
        # now cannot end the best segmentation of any t' >= t + min_size (t' - t is then
        # a feasible last segment and the cost is superadditive); before that, t is not
        # yet a feasible rival, so s stays until then.  The optimum stays exact.
        k = 0
        for i in range(n_cand):
            s = cand[i]
            if dead_from[i] <= t:
                continue
            if dead_from[i] > n and F[s] + _cost(cs, s, t) > F[t]:
                dead_from[i] = t + min_size
            cand[k] = s
            dead_from[k] = dead_from[i]
            k += 1
        n_cand = k
    out = np.empty(n, dtype=np.int64)
    m = 0
    t = n
    while t > 0:
        t = int(last[t])
        if t > 0:
            out[m] = t
            m += 1
    return out[:m][::-1].copy()


@numba.njit(cache=True)
def _max_gain(y: np.ndarray, cps: np.ndarray) -> float:
    """Largest gain in cost of any change of ``cps`` against merging its neighbours."""
    n = y.shape[0]
    cs = np.zeros(n + 1)
    for i in range(n):
        cs[i + 1] = cs[i] + y[i]
    best = 0.0
    for k in range(cps.shape[0]):
        a = 0 if k == 0 else cps[k - 1]
        b = n if k == cps.shape[0] - 1 else cps[k + 1]
        g = _cost(cs, a, b) - _cost(cs, a, cps[k]) - _cost(cs, cps[k], b)
        if g > best:
            best = g
    return best


@numba.njit(cache=True, parallel=True)
def _null_max_gains(perm: np.ndarray, penalty: float, min_size: int) -> np.ndarray:
    # Each permuted series is searched on its own; without changes PELT cannot prune
    # (its rule never fires on a series of one rate), so the work is quadratic in the
    # days and the series are spread over the cores.
    out = np.zeros(perm.shape[0])
    for b in numba.prange(perm.shape[0]):
        cps = _pelt(perm[b], penalty, min_size)
        if cps.shape[0]:
            out[b] = _max_gain(perm[b], cps)
    return out


def pelt_poisson(y: np.ndarray, penalty: float, min_size: int) -> list[int]:
    """Optimal change points of a daily count series under the Poisson cost.

    Minimises ``sum of segment costs + penalty * n_changes`` (segment cost
    ``-2 (S log(S / m) - S)`` for ``S`` events in ``m`` days) over segmentations whose
    segments are at least ``min_size`` days long, exactly, with PELT's pruning.

    Parameters
    ----------
    y : array of shape (n_days,)
        Non-negative counts, events per day.
    penalty : float
        Cost of one change point.
    min_size : int
        Shortest segment, days.

    Returns
    -------
    list of int
        The first day (index) of each new segment, increasing.
    """
    y = np.ascontiguousarray(np.asarray(y, float))
    if y.size < 2 * min_size:
        return []
    return [int(c) for c in _pelt(y, float(penalty), int(min_size))]


def optimal_partition(y: np.ndarray, penalty: float, min_size: int) -> list[list[int]]:
    """Optimal change points of each row of ``y`` (n_series, n_days), Poisson cost, by the
    plain quadratic programme (no pruning): the reference :func:`pelt_poisson` is checked
    against; use that one on long series.

    Minimises ``sum of segment costs + penalty * n_changes`` over segmentations whose
    segments are at least ``min_size`` days long.  Returns, per row, the change
    positions (index of the first day of each new segment), increasing.
    """
    y = np.atleast_2d(np.asarray(y, float))
    B, n = y.shape
    cs = np.concatenate([np.zeros((B, 1)), np.cumsum(y, axis=1)], axis=1)
    F = np.full((B, n + 1), np.inf)
    F[:, 0] = -penalty
    last = np.zeros((B, n + 1), dtype=np.int64)
    for t in range(min_size, n + 1):
        starts = np.array([0] + list(range(min_size, t - min_size + 1)))
        s = cs[:, t][:, None] - cs[:, starts]
        m = (t - starts).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = -2.0 * np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0) / m) - s, 0.0)
        tot = F[:, starts] + c + penalty
        k = np.argmin(tot, axis=1)
        F[:, t] = tot[np.arange(B), k]
        last[:, t] = starts[k]
    out = []
    for b in range(B):
        cps, t = [], n
        while t > 0:
            t = int(last[b, t])
            if t > 0:
                cps.append(t)
        out.append(sorted(cps))
    return out


def change_gains(y: np.ndarray, cps: list[int]) -> np.ndarray:
    """Gain in cost of each change point against merging its two neighbouring segments."""
    y = np.asarray(y, float)
    cs = np.concatenate([[0.0], np.cumsum(y)])
    bounds = [0, *cps, len(y)]

    def cost(a: int, b: int) -> float:
        s, m = cs[b] - cs[a], b - a
        return 0.0 if s <= 0 else float(-2.0 * (s * np.log(s / m) - s))
    return np.array([cost(bounds[k - 1], bounds[k + 1]) - cost(bounds[k - 1], bounds[k])
                     - cost(bounds[k], bounds[k + 1]) for k in range(1, len(bounds) - 1)])


def selection_pvalues(y: np.ndarray, cps: list[int], penalty: float, min_size: int,
                      n_perm: int = 199, random_state: int = 0) -> np.ndarray:
    """Selection-adjusted p-value of each change point (see the module docstring).

    Parameters
    ----------
    y : array of shape (n_days,)
        Daily counts, events per day.
    cps : list of int
        The change points found on ``y`` (first day of each new segment).
    penalty, min_size
        The search's settings (penalty per change point; shortest phase, days).
    n_perm : int
        Permuted series.

    Returns
    -------
    array of shape (len(cps),)
        ``(1 + #{permuted max gain >= gain}) / (n_perm + 1)``.
    """
    if not cps:
        return np.zeros(0)
    y = np.asarray(y, float)
    rng = np.random.default_rng(random_state)
    perm = np.stack([rng.permutation(y) for _ in range(n_perm)])
    # numba's workqueue layer (where neither TBB nor OpenMP is installed) aborts the
    # process when two threads enter a parallel function at once: the web app's threads
    # take turns
    with _PARALLEL:
        null_max = _null_max_gains(np.ascontiguousarray(perm), float(penalty), int(min_size))
    gains = change_gains(y, cps)
    return np.array([(1 + int(np.sum(null_max >= g - 1e-9))) / (n_perm + 1) for g in gains])
