"""Exact intervals shared by the analyses and the brief."""

from __future__ import annotations

from scipy import stats

__all__ = ["clopper_pearson"]


def clopper_pearson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Clopper-Pearson) ``1 - alpha`` interval of a binomial share ``k / n``.

    ``(nan, nan)`` when ``n`` is 0; the ends are 0 and 1 exactly when ``k`` is 0 or ``n``.
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    lo = 0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lo, hi
