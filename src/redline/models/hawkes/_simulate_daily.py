"""The one simulator of the daily Hawkes model.

Every daily simulation in redline runs through :func:`simulate_daily`:
``DailyHawkes.simulate`` / ``forecast`` / ``predictive_pmf`` (and so the
backtests) and the scenario runner. What an option of a scenario changes is an
input, :class:`Interventions` (injected events, scaled or replaced baselines,
changed couplings, red-line rules that answer what the path itself did, fatal
attacks), not a separate engine.

Day ``t`` of path ``p`` draws ``y[p, t, i] ~ Poisson(lambda[p, t, i])`` (or a
gamma-mixed Poisson, i.e. negative binomial) with::

    lambda[p, t, i] = link(mu[p, t, i] + sum_j adjacency[p, i, j] * (1 - r[p, j]) * S[p, t, j])
    S[p, t + 1, j]  = r[p, j] * S[p, t, j] + y[p, t, j],     r = exp(-decay)

where ``y`` includes injected and red-line events: they excite later days like
any other event. This is the recursion of the likelihood in ``_likelihood.py``.

The day loop is compiled with numba and runs path by path, each path on its own
seed: a path's draws do not depend on which other paths run beside it, so two
options given the same seeds compare on common random numbers. A numba loop
pays here because red-line rules react to each path's own history, which a
day-at-a-time numpy step cannot express; ``bench/scenarios.py`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

from redline.diagnostics import Diagnostics
from redline.errors import ModelError
from redline.models._checks import as_rng, check_horizon, check_positive
from redline.models.hawkes._params import softplus, softplus_inv

__all__ = [
    "FATALITIES",
    "DailySimulation",
    "Interventions",
    "RedLineRule",
    "path_seeds_for",
    "simulate_daily",
]

#: ``RedLineRule.series`` value meaning "the simulated fatal attacks".
FATALITIES = -1
# Rates above this are capped (events per day): only explosive paths get there,
# and the cap keeps their counts finite instead of overflowing.
RATE_CAP = 1e5


@dataclass(frozen=True)
class RedLineRule:
    """"If ``series`` reaches ``at_least`` within ``window`` days, answer with probability p".

    Attributes
    ----------
    series : int
        Index of the watched stream, or :data:`FATALITIES` for the fatal attacks.
    at_least : int
        Events (or fatal attacks) in the window that trigger the rule.
    window : int
        Days of the window (the rule is checked again ``window`` days after it triggers).
    probability : float
        Chance that a trigger is answered.
    stream, count : int
        The answer: ``count`` events of stream ``stream`` ...
    delay : tuple of int
        ... after ``delay[0]`` to ``delay[1]`` days (uniform, inclusive).
    max_fires : int
        Answers at most per path.
    """

    series: int
    at_least: int
    window: int
    probability: float
    stream: int
    count: int
    delay: tuple[int, int] = (1, 1)
    max_fires: int = 1


@dataclass
class Interventions:
    """What an option changes in a simulation; every field is optional.

    Shapes accept one value for all paths or one per path (leading ``n_paths``).

    Attributes
    ----------
    injections : int array of shape (horizon, n_streams) or (n_paths, horizon, n_streams)
        Events forced on each day.
    baseline_scale : array of shape (n_streams,), (horizon, n_streams) or (n_paths, horizon, n_streams)
        Multiplier (>= 0) on the baseline *rate*: under softplus the predictor
        becomes ``softplus_inv(scale * softplus(mu))``, so 0.5 halves the rate
        without excitation under both links.
    baseline_rate : array of the same shapes, NaN where unchanged
        Baseline rate (events per day) that replaces the model's, after scaling.
    couplings : list of (target, source, mode, value)
        Changes of single couplings, applied in order: ``mode="value"`` sets
        ``adjacency[target, source]`` to ``value``, ``"factor"`` multiplies it.
    rules : list of RedLineRule
    fatal_stream : int
        Stream whose events may kill (-1: none).
    fatal_probability : float or array of shape (n_paths,)
        Chance that one event of ``fatal_stream`` kills.
    """

    injections: Any = None
    baseline_scale: Any = None
    baseline_rate: Any = None
    couplings: list[tuple[int, int, str, float]] = field(default_factory=list)
    rules: list[RedLineRule] = field(default_factory=list)
    fatal_stream: int = -1
    fatal_probability: Any = 0.0


@dataclass
class DailySimulation:
    """Simulated paths and what happened on them.

    Attributes
    ----------
    counts : int64 array of shape (n_paths, horizon, n_streams)
    rates : float array of shape (n_paths, horizon, n_streams) or None
        Events per day before the Poisson draw (negbin: before the gamma mixing).
    fatal : int64 array of shape (n_paths, horizon)
        Fatal attacks per day (zeros without a ``fatal_stream``).
    fires : int64 array of shape (n_paths, n_rules)
        How often each red line answered.
    explosive_day : int array of shape (n_paths, n_streams)
        The first day (0-based) a stream's rate passed ``explosive_rate`` on a path, -1
        if never: a run-away of the self-excitation (supercritical parameters), not a
        plausible future.  A stream the run-away does not reach keeps its ordinary
        paths, and a count over days before the run-away is unaffected by it.
    explosive_rate : float
        The threshold used, events per day.
    diagnostics : Diagnostics
        ``simulate.explosive`` when any path exploded.
    """

    counts: np.ndarray
    rates: np.ndarray | None
    fatal: np.ndarray
    fires: np.ndarray
    explosive_day: np.ndarray
    explosive_rate: float
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @property
    def explosive_streams(self) -> np.ndarray:
        """Which stream ran away on which path, bool array of shape (n_paths, n_streams)."""
        return np.asarray(self.explosive_day >= 0, dtype=bool)

    @property
    def explosive(self) -> np.ndarray:
        """Paths on which any stream ran away, bool array of shape (n_paths,)."""
        return np.asarray(self.explosive_streams.any(axis=1), dtype=bool)

    @property
    def explosive_share(self) -> float:
        """Share of paths that exploded (0 to 1)."""
        return float(self.explosive.mean()) if self.explosive.size else 0.0


def path_seeds_for(seed: int, n_paths: int) -> np.ndarray:
    """Per-path seeds (int64, below 2**31) derived from one seed."""
    state = np.random.SeedSequence(int(seed)).generate_state(n_paths, dtype=np.uint32)
    return (state >> 1).astype(np.int64)


@numba.njit(cache=True)
def _softplus1(x: float) -> float:
    if x > 30.0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@numba.njit(cache=True)
def _day_loop(seeds, mu, adj, r, s0, inj, identity, negbin, shape_k, p_fatal, fatal_stream,
              r_series, r_at_least, r_window, r_prob, r_stream, r_count, r_dmin, r_dmax, r_max,
              explosive_rate, want_rates, counts, rates, fatal, fires, explosive):
    """The day loop; every parameter array has a leading axis of 1 (shared) or n_paths."""
    n_paths, horizon, d = counts.shape
    n_rules = r_series.size
    S = np.empty(d)
    X = np.empty(d)
    pending = np.zeros((horizon, d), dtype=np.int64)
    next_check = np.zeros(n_rules, dtype=np.int64)
    for p in range(n_paths):
        pm = p if mu.shape[0] > 1 else 0
        pa = p if adj.shape[0] > 1 else 0
        pr = p if r.shape[0] > 1 else 0
        ps = p if s0.shape[0] > 1 else 0
        pi = p if inj.shape[0] > 1 else 0
        pk = p if shape_k.shape[0] > 1 else 0
        for j in range(d):
            S[j] = s0[ps, j]
        pending[:, :] = 0
        next_check[:] = 0
        # Each path its own seed: a path's draws do not depend on which other paths
        # run beside it, so options compare on the same random numbers.
        np.random.seed(seeds[p])
        pf = p_fatal[p]
        for t in range(horizon):
            for j in range(d):
                X[j] = (1.0 - r[pr, j]) * S[j]
            for i in range(d):
                eta = mu[pm, t, i]
                for j in range(d):
                    eta += adj[pa, i, j] * X[j]
                if identity:
                    lam = max(0.0, eta)
                else:
                    lam = _softplus1(eta)
                if lam > explosive_rate and explosive[p, i] < 0:
                    explosive[p, i] = t
                lam = min(lam, RATE_CAP)
                if want_rates:
                    rates[p, t, i] = lam
                if negbin:
                    lam = lam * np.random.gamma(shape_k[pk, i], 1.0 / shape_k[pk, i])
                counts[p, t, i] = np.random.poisson(lam) + inj[pi, t, i] + pending[t, i]
            if fatal_stream >= 0:
                n_att = counts[p, t, fatal_stream]
                fatal[p, t] = np.random.binomial(n_att, pf) if n_att > 0 and pf > 0.0 else 0
            for k in range(n_rules):
                if fires[p, k] >= r_max[k] or t < next_check[k]:
                    continue
                total = 0
                lo = t - r_window[k] + 1
                lo = max(lo, 0)
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
                S[j] = r[pr, j] * S[j] + counts[p, t, j]


def _per_path(value: Any, n_paths: int, shape: tuple[int, ...], field: str) -> np.ndarray:
    """``value`` as ``(1, *shape)`` (shared) or ``(n_paths, *shape)`` (one per path)."""
    arr = np.asarray(value, dtype=float)
    if arr.shape == shape:
        return arr[None]
    if arr.shape == (n_paths, *shape):
        return arr
    raise ModelError(f"{field} has shape {arr.shape}", field=field,
                     expected=f"shape {shape} (shared by all paths) or {(n_paths, *shape)} "
                     "(one per path)")


def _per_day(value: Any, n_paths: int, horizon: int, d: int, field: str) -> np.ndarray:
    """``(d,)``, ``(horizon, d)`` or ``(n_paths, horizon, d)`` as ``(1 or n_paths, horizon, d)``."""
    arr = np.asarray(value, dtype=float)
    if arr.shape == (d,):
        return np.broadcast_to(arr[None, None, :], (1, horizon, d))
    if arr.shape == (horizon, d):
        return arr[None]
    if arr.shape == (n_paths, horizon, d):
        return arr
    raise ModelError(f"{field} has shape {arr.shape}", field=field,
                     expected=f"shape ({d},), ({horizon}, {d}) or ({n_paths}, {horizon}, {d})")


def _baseline(mu: np.ndarray, iv: Interventions, n_paths: int, horizon: int, d: int,
              identity: bool) -> np.ndarray:
    """The baseline predictor with the option's scalings and replacements."""
    if iv.baseline_scale is not None:
        scale = _per_day(iv.baseline_scale, n_paths, horizon, d, "baseline_scale")
        if (scale < 0).any():
            raise ModelError("baseline_scale has a negative value", field="baseline_scale",
                             expected="multipliers >= 0")
        # Under softplus, days left unscaled keep their predictor exactly (the round
        # trip through softplus_inv would move it in the last bits).
        mu = mu * scale if identity else np.where(scale == 1.0, mu,
                                                  softplus_inv(scale * softplus(mu)))
    if iv.baseline_rate is not None:
        rate = _per_day(iv.baseline_rate, n_paths, horizon, d, "baseline_rate")
        if (rate < 0).any():
            raise ModelError("baseline_rate has a negative value", field="baseline_rate",
                             expected="rates >= 0 (events per day), NaN where unchanged")
        new = rate if identity else softplus_inv(np.where(np.isnan(rate), 1.0, rate))
        mu = np.where(np.isnan(rate), mu, new)
    return mu


def _couplings(adj: np.ndarray, iv: Interventions, d: int) -> np.ndarray:
    if not iv.couplings:
        return adj
    adj = adj.copy()
    for k, (i, j, mode, val) in enumerate(iv.couplings):
        if not (0 <= i < d and 0 <= j < d) or mode not in ("value", "factor"):
            raise ModelError(f"coupling change {k} is ({i}, {j}, {mode!r})",
                             field=f"couplings[{k}]",
                             expected=f"(target, source, 'value' or 'factor', number), indices 0..{d - 1}")
        adj[:, i, j] = val if mode == "value" else adj[:, i, j] * val
    return adj


def _rule_arrays(rules: list[RedLineRule], d: int) -> tuple[np.ndarray, ...]:
    for k, r in enumerate(rules):
        if not (r.series == FATALITIES or 0 <= r.series < d) or not 0 <= r.stream < d:
            raise ModelError(f"red line {k} names stream {r.series} or {r.stream}",
                             field=f"rules[{k}]", expected=f"stream indices 0..{d - 1}")
        if r.window < 1 or r.delay[0] < 0 or r.delay[1] < r.delay[0]:
            raise ModelError(f"red line {k} has window {r.window} and delay {r.delay}",
                             field=f"rules[{k}]", expected="window >= 1, 0 <= delay min <= max")
    i64 = np.int64
    return (np.array([r.series for r in rules], i64), np.array([r.at_least for r in rules], i64),
            np.array([r.window for r in rules], i64),
            np.array([r.probability for r in rules], np.float64),
            np.array([r.stream for r in rules], i64), np.array([r.count for r in rules], i64),
            np.array([r.delay[0] for r in rules], i64), np.array([r.delay[1] for r in rules], i64),
            np.array([r.max_fires for r in rules], i64))


def simulate_daily(
    baseline: Any,
    adjacency: Any,
    decay: Any,
    *,
    horizon: int,
    n_paths: int,
    link: str = "identity",
    family: str = "poisson",
    dispersion: Any = None,
    initial_state: Any = None,
    interventions: Interventions | None = None,
    random_state: Any = None,
    path_seeds: Any = None,
    return_rates: bool = False,
    explosive_rate: float = 1e4,
) -> DailySimulation:
    """Simulate daily count paths of a discrete-time Hawkes model.

    Parameters
    ----------
    baseline : array of shape (n_streams,), (horizon, n_streams) or (n_paths, horizon, n_streams)
        Baseline on the linear-predictor scale: identity link, the baseline rate in
        events per day (>= 0); softplus, the intercept plus covariate effects.
    adjacency : array of shape (n_streams, n_streams) or (n_paths, n_streams, n_streams)
        ``[i, j]`` = effect of one event of source ``j`` on target ``i`` (>= 0 under
        the identity link; negative is inhibition under softplus).
    decay : array of shape (n_streams,) or (n_paths, n_streams)
        Kernel decay per source stream, per day.
    horizon, n_paths : int
    link : {"identity", "softplus"}
    family : {"poisson", "negbin"}
    dispersion : array of shape (n_streams,) or (n_paths, n_streams)
        Negative binomial ``phi`` (variance ``lambda + phi * lambda**2``); negbin only.
    initial_state : array of shape (n_streams,) or (n_paths, n_streams), optional
        Discounted count of events before day 0 (:func:`~redline.models.daily_state`).
    interventions : Interventions, optional
    random_state : None, int or Generator
        Source of the per-path seeds (ignored when ``path_seeds`` is given).
    path_seeds : int array of shape (n_paths,), optional
        The paths' own seeds: a path with the same seed and inputs gives the same
        result whichever paths run beside it.
    return_rates : bool
    explosive_rate : float
        A path whose rate passes this many events per day is flagged explosive.

    Returns
    -------
    DailySimulation
    """
    horizon = check_horizon(horizon)
    n_paths = check_horizon(n_paths, "n_paths")
    if link not in ("identity", "softplus"):
        raise ModelError(f"unknown link {link!r}", field="link", expected="'identity' or 'softplus'")
    if family not in ("poisson", "negbin"):
        raise ModelError(f"unknown family {family!r}", field="family",
                         expected="'poisson' or 'negbin'")
    identity = link == "identity"
    iv = interventions or Interventions()
    adj = np.asarray(adjacency, dtype=float)
    d = adj.shape[-1]
    adj = _couplings(_per_path(adj, n_paths, (d, d), "adjacency"), iv, d)
    dec = _per_path(check_positive(decay, "decay"), n_paths, (d,), "decay")
    mu = _baseline(_per_day(baseline, n_paths, horizon, d, "baseline"), iv, n_paths, horizon, d,
                   identity)
    if identity and (mu < 0).any():
        raise ModelError("the baseline is negative", field="baseline",
                         expected="baseline rates >= 0 (events per day) under the identity link")
    if identity and (adj < 0).any():
        raise ModelError("negative adjacency under the identity link", field="adjacency",
                         expected="adjacency >= 0, or link='softplus' for inhibition")
    inj = np.zeros((1, horizon, d))
    if iv.injections is not None:
        inj = _per_day(iv.injections, n_paths, horizon, d, "injections")
        if (inj < 0).any() or (inj != np.round(inj)).any():
            raise ModelError("injections must be non-negative whole numbers", field="injections",
                             expected="counts of forced events per day")
    negbin = family == "negbin"
    if negbin:
        if dispersion is None:
            raise ModelError("family='negbin' needs a dispersion", field="dispersion",
                             expected="an array of shape (n_streams,) with values > 0")
        shape_k = 1.0 / _per_path(check_positive(dispersion, "dispersion"), n_paths, (d,),
                                  "dispersion")
    else:
        shape_k = np.ones((1, d))
    s0 = (np.zeros((1, d)) if initial_state is None
          else _per_path(initial_state, n_paths, (d,), "initial_state"))
    pf = np.broadcast_to(np.asarray(iv.fatal_probability, float), (n_paths,))
    if path_seeds is None:
        seeds = as_rng(random_state).integers(0, 2**31 - 1, size=n_paths, dtype=np.int64)
    else:
        seeds = np.asarray(path_seeds, dtype=np.int64).reshape(n_paths)
    counts = np.zeros((n_paths, horizon, d), dtype=np.int64)
    rates = np.empty((n_paths, horizon, d) if return_rates else (1, 1, 1))
    fatal = np.zeros((n_paths, horizon), dtype=np.int64)
    fires = np.zeros((n_paths, len(iv.rules)), dtype=np.int64)
    explosive = np.full((n_paths, d), -1, dtype=np.int64)
    c = np.ascontiguousarray
    _day_loop(c(seeds), c(mu), c(adj), c(np.exp(-dec)), c(s0),  # type: ignore[call-arg]
              c(np.round(inj).astype(np.int64)),
              identity, negbin, c(shape_k), c(pf), int(iv.fatal_stream),
              *_rule_arrays(iv.rules, d), float(explosive_rate), bool(return_rates),
              counts, rates, fatal, fires, explosive)
    out = DailySimulation(counts, rates if return_rates else None, fatal, fires, explosive,
                          float(explosive_rate))
    if (explosive >= 0).any():
        paths = (explosive >= 0).any(axis=1)
        out.diagnostics.add(
            "simulate.explosive",
            f"{int(paths.sum())} of {n_paths} simulated paths ({paths.mean():.1%}) ran "
            f"away (a daily rate above {explosive_rate:g} events): read medians, or statistics "
            "of the stable paths, not means")
    return out
