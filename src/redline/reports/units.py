"""Model effects in units a reader knows: extra events, percent change, events per day.

The daily Hawkes model reports a coupling ``alpha[i, j]`` on its internal (link) scale.
Under the softplus link that is not a count; what a reader wants is "one event of j
brings how many more (or fewer) events of i". These functions answer that for a
quiet start (the target at its baseline rate, no other recent events), exactly under
the model's own formula, not by a linear approximation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["extra_events", "first_day_change_pct", "stream_rates"]

#: Days summed for the effect of one event (the kernel's tail beyond is negligible for
#: half-lives under a month: ``r**365`` < 1e-3 when the half-life is under 36 days).
HORIZON_DAYS = 365


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _inverse_softplus(rate: float) -> float:
    return float(np.log(np.expm1(rate)))


def _kernel(decay: float, days: int = HORIZON_DAYS) -> np.ndarray:
    r = np.exp(-decay)
    return (1.0 - r) * r ** np.arange(days)


def stream_rates(model) -> tuple[dict[str, float], dict[str, float], str]:
    """A fitted model's baseline (events per day) and decay (per day) by stream name, and
    its link: what :func:`extra_events` needs for a coupling.  A decay shared by all
    streams (a scalar) is given to each."""
    names = list(getattr(model, "stream_names_", []))
    base = dict(zip(names, np.asarray(model.baseline_, float)))
    decay = dict(zip(names, np.broadcast_to(np.asarray(model.decay_, float), (len(names),))))
    return base, decay, getattr(model, "link", "softplus")


def extra_events(alpha: float, baseline: float, decay: float, link: str = "softplus") -> float:
    """Expected extra events of the target over the following days after one source event,
    starting from the target's baseline rate (events per day) with no other events.

    Under the identity link this is ``alpha``; under softplus it is
    ``sum_l softplus(c + alpha k(l)) - baseline`` with ``c`` the predictor of the baseline.
    Negative: fewer events (deterrence).
    """
    if alpha is None or baseline is None:  # (a JSON null: no estimate)
        return float("nan")
    if not np.isfinite(alpha) or not np.isfinite(baseline) or baseline <= 0:
        return float("nan")
    if link != "softplus":
        return float(alpha)
    c = _inverse_softplus(baseline)
    return float(np.sum(_softplus(c + alpha * _kernel(decay)) - baseline))


def first_day_change_pct(alpha: float, baseline: float, decay: float,
                         link: str = "softplus") -> float:
    """Percent change of the target's rate on the day after one source event, from its
    baseline rate."""
    if alpha is None or baseline is None or not np.isfinite(alpha) or not np.isfinite(baseline) \
            or baseline <= 0:
        return float("nan")
    k1 = 1.0 - np.exp(-decay)
    if link != "softplus":
        return float(100.0 * alpha * k1 / baseline)
    c = _inverse_softplus(baseline)
    return float(100.0 * (_softplus(np.array(c + alpha * k1)) / baseline - 1.0))
