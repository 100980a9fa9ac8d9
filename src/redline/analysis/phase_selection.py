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

The optimal partition is found by exact dynamic programming (optimal partitioning,
O(n_days^2) per series, vectorised over the permuted series), the optimum that PELT
also finds.

What this is not: a test of one pre-specified date; for that the scan test is right.
"""

from __future__ import annotations

import numpy as np

__all__ = ["optimal_partition", "change_gains", "selection_pvalues"]


def optimal_partition(y: np.ndarray, penalty: float, min_size: int) -> list[list[int]]:
    """Optimal change points of each row of ``y`` (n_series, n_days), Poisson cost.

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
    null_max = np.zeros(n_perm)
    for b, found in enumerate(optimal_partition(perm, penalty, min_size)):
        if found:
            null_max[b] = change_gains(perm[b], found).max()
    gains = change_gains(y, cps)
    return np.array([(1 + int(np.sum(null_max >= g - 1e-9))) / (n_perm + 1) for g in gains])
