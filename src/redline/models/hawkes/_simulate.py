"""Simulation of Hawkes processes: daily count paths and continuous-time events.

:func:`simulate_daily_paths` is the array-in, array-out form of the daily
simulator :func:`~redline.models.hawkes._simulate_daily.simulate_daily` (the one
engine behind ``DailyHawkes.simulate`` and the scenario runner);
:func:`simulate_hawkes` simulates the continuous-time model by its branching
structure.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from redline.errors import ModelError
from redline.models._checks import as_rng, check_positive
from redline.models.hawkes._simulate_daily import Interventions, simulate_daily

__all__ = ["simulate_daily_paths", "simulate_hawkes"]


def simulate_daily_paths(
    baseline: Any,
    adjacency: Any,
    decay: Any,
    *,
    horizon: int,
    n_paths: int,
    link: str = "identity",
    family: str = "poisson",
    dispersion: Any = None,
    random_state: Any = None,
    initial_state: Any = None,
    injections: Any = None,
    baseline_scale: Any = None,
    return_rates: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Simulate daily count paths of a discrete-time Hawkes model.

    Day ``t`` (0-based, ``t < horizon``) of path ``p`` draws
    ``y[p, t, i] ~ Poisson(lambda[p, t, i])`` (or negative binomial) with::

        lambda[p, t, i] = link(baseline[p, t, i]
                               + sum_j adjacency[p, i, j] * (1 - r[p, j]) * S[p, t, j])
        S[p, t, j] = r[p, j] * S[p, t-1, j] + y[p, t-1, j],   r = exp(-decay)

    then adds ``injections[p, t, i]``. ``S`` starts at ``initial_state``.

    Parameters
    ----------
    baseline : array of shape (n_streams,), (horizon, n_streams) or (n_paths, horizon, n_streams)
        Baseline on the linear-predictor scale. Identity link: the baseline rate
        in events per day (> 0). Softplus link: the intercept plus covariate
        effects; the rate without excitation is ``softplus(baseline)``.
    adjacency : array of shape (n_streams, n_streams) or (n_paths, n_streams, n_streams)
        ``[i, j]`` = effect of one event of source ``j`` on target ``i`` (expected
        number of triggered ``i`` events under the identity link; may be negative
        under softplus, where it is inhibition).
    decay : array of shape (n_streams,) or (n_paths, n_streams)
        Kernel decay per source stream, per day (half-life ``log(2) / decay`` days).
    horizon : int
        Number of days to simulate (>= 1).
    n_paths : int
        Number of independent paths (>= 1).
    link : {"identity", "softplus"}
    family : {"poisson", "negbin"}
    dispersion : array of shape (n_streams,) or (n_paths, n_streams), optional
        Negative binomial dispersion ``phi`` (variance ``lambda + phi * lambda**2``);
        required when ``family="negbin"``.
    random_state : None, int or numpy.random.Generator
    initial_state : array of shape (n_streams,) or (n_paths, n_streams), optional
        Discounted count of events before day 0, as returned by
        :func:`redline.models.hawkes._likelihood.daily_state` for the observed
        history (default: no history).
    injections : array of shape (horizon, n_streams) or (n_paths, horizon, n_streams), optional
        Events forced on each day (e.g. a strike wave of 30 on day 10). They are
        added to that day's simulated count and excite later days like any other
        event.
    baseline_scale : array of shape (n_streams,), (horizon, n_streams) or (n_paths, horizon, n_streams), optional
        Multiplier (>= 0) on the baseline *rate* of each day: under the identity
        link the baseline is multiplied; under softplus the linear predictor is
        replaced by ``softplus_inv(scale * softplus(baseline))``, so that 0.5 halves
        the rate without excitation under both links.
    return_rates : bool
        Also return the rates ``lambda`` (events per day), e.g. to compute an exact
        predictive pmf as a mixture over paths.

    Returns
    -------
    counts : ndarray of int64, shape (n_paths, horizon, n_streams)
    rates : ndarray of float, shape (n_paths, horizon, n_streams)
        Only if ``return_rates``. For negbin, the mean before the gamma mixing.
    """
    sim = simulate_daily(
        baseline, adjacency, decay, horizon=horizon, n_paths=n_paths, link=link, family=family,
        dispersion=dispersion, initial_state=initial_state, random_state=random_state,
        interventions=Interventions(injections=injections, baseline_scale=baseline_scale),
        return_rates=return_rates)
    if return_rates and sim.rates is not None:
        return sim.counts, sim.rates
    return sim.counts


def simulate_hawkes(
    baseline: Any,
    adjacency: Any,
    decay: float,
    end_time: float,
    random_state: Any = None,
    max_events: int = 10_000_000,
) -> list[np.ndarray]:
    """Simulate a multivariate exponential Hawkes process on ``[0, end_time]``.

    Uses the branching (cluster) construction, which is exact and vectorised:
    immigrants of stream ``i`` arrive as a Poisson process of rate ``baseline[i]``;
    each event of stream ``j`` has ``Poisson(adjacency[i, j])`` children of stream
    ``i`` at delays ``Exp(decay)``; generations repeat until none is left before
    ``end_time``.

    Parameters
    ----------
    baseline : array of shape (n_streams,)
        Events per unit time.
    adjacency : array of shape (n_streams, n_streams)
        ``[i, j]`` = expected number of ``i`` events triggered by one ``j`` event (>= 0).
    decay : float
        Kernel decay per unit time (kernel ``adjacency * decay * exp(-decay t)``).
    end_time : float
        End of the window (> 0).
    random_state : None, int or numpy.random.Generator
    max_events : int
        Safety stop for explosive parameters.

    Returns
    -------
    list of ndarray
        One sorted array of event times per stream.
    """
    rng = as_rng(random_state)
    base = np.asarray(baseline, dtype=float)
    adj = np.asarray(adjacency, dtype=float)
    d = base.shape[0]
    if adj.shape != (d, d):
        raise ModelError(f"adjacency has shape {adj.shape}", field="adjacency",
                         expected=f"shape ({d}, {d})")
    if (base < 0).any() or (adj < 0).any():
        raise ModelError("negative baseline or adjacency", field="adjacency",
                         expected="values >= 0 (the exponential Hawkes model is excitatory)")
    decay = float(check_positive(decay, "decay"))  # type: ignore[arg-type]
    end_time = float(check_positive(end_time, "end_time"))  # type: ignore[arg-type]
    n0 = rng.poisson(base * end_time)
    times = [rng.uniform(0.0, end_time, n0[i]) for i in range(d)]
    gen_t = np.concatenate(times)
    gen_m = np.concatenate([np.full(n0[i], i, dtype=np.int64) for i in range(d)])
    all_t, all_m = [gen_t], [gen_m]
    total = gen_t.size
    while gen_t.size:
        # children[k * d + i]: number of stream-i children of parent k.
        children = rng.poisson(adj[:, gen_m]).T.ravel()
        parent_t = np.repeat(np.repeat(gen_t, d), children)
        child_m = np.repeat(np.tile(np.arange(d, dtype=np.int64), gen_t.size), children)
        child_t = parent_t + rng.exponential(1.0 / decay, parent_t.size)
        keep = child_t <= end_time
        gen_t, gen_m = child_t[keep], child_m[keep]
        all_t.append(gen_t)
        all_m.append(gen_m)
        total += gen_t.size
        if total > max_events:
            raise ModelError(
                f"more than {max_events} events simulated: the process looks explosive",
                field="adjacency",
                expected="a spectral radius of adjacency below 1",
            )
    t = np.concatenate(all_t)
    m = np.concatenate(all_m)
    return [np.sort(t[m == i]) for i in range(d)]
