"""Monte Carlo of a scenario: every option through the fitted model, motives scored.

:func:`run_scenario` fits (or loads) the model, starts every path from the
case's history up to the decision day, and simulates ``n_paths`` paths per
option in batches. Each batch draws one parameter vector from the fit's
bootstrap or Wald distribution, so the spread of the results includes the
uncertainty of the fitted parameters, not only the randomness of events. The
options share the batches' parameter draws and seeds (common random numbers):
differences between options are differences of the options, not of luck.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from redline.errors import ScenarioError
from redline.models import FATALITIES, Interventions, RedLineRule, path_seeds_for, simulate_daily
from redline.scenarios import motives as mv
from redline.scenarios._setup import ScenarioModel, batch_params, prepare
from redline.scenarios.result import ScenarioResult, history_count, summarise_metric
from redline.scenarios.spec import FATALITIES as SPEC_FATALITIES
from redline.scenarios.spec import (
    EventRisk,
    Inject,
    RedLine,
    ScaleBaseline,
    ScenarioSpec,
    SetBaseline,
    SetCoupling,
)

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["batch_sizes", "run_scenario", "simulate_option"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def batch_sizes(n_paths: int, max_batches: int = 100, min_batch: int = 50) -> list[int]:
    """Split ``n_paths`` into batches (one parameter draw each)."""
    n_b = max(1, min(max_batches, n_paths // min_batch))
    base, extra = divmod(n_paths, n_b)
    return [base + (1 if i < extra else 0) for i in range(n_b)]


@numba.njit(cache=True)
def _longest_zero_run(x):
    n, h = x.shape
    out = np.zeros(n, dtype=np.int64)
    for p in range(n):
        run = 0
        best = 0
        for t in range(h):
            if x[p, t] == 0:
                run += 1
                best = max(best, run)
            else:
                run = 0
        out[p] = best
    return out


@numba.njit(cache=True)
def count_quantiles(x, qs):
    """Quantiles over paths of integer counts, shape (n_q, *x.shape[1:]) for x (n, h, d).

    The ``inverted_cdf`` definition (the smallest count whose empirical CDF
    reaches ``q``; numpy's ``method="inverted_cdf"``), computed from a histogram
    of each column in O(n) instead of a sort: the counts are small integers.
    """
    n, h, d = x.shape
    out = np.empty((qs.size, h, d))
    for t in range(h):
        for j in range(d):
            hi = 0
            for p in range(n):
                hi = max(hi, x[p, t, j])
            hist = np.zeros(hi + 1, dtype=np.int64)
            for p in range(n):
                hist[x[p, t, j]] += 1
            for k in range(qs.size):
                need = qs[k] * n
                acc = 0
                for v in range(hi + 1):
                    acc += hist[v]
                    if acc >= need - 1e-9 * n and acc > 0:
                        out[k, t, j] = v
                        break
    return out


class _Option:
    """One option compiled against a scenario model: the simulator's interventions."""

    def __init__(self, spec: ScenarioSpec, sm: ScenarioModel, option_id: str,
                 decision_day: dt.date, horizon: int) -> None:
        self.spec, self.sm, self.horizon = spec, sm, horizon
        opt = spec.option(option_id)
        self.id, self.label = opt.id, opt.label
        self.actor = opt.actor or spec.actor
        D = len(sm.streams)
        idx = {s: i for i, s in enumerate(sm.streams)}
        self.inj = np.zeros((horizon, D), dtype=np.int64)
        # stream, from, to, factor or rate, probability (None: in every world)
        self.scales: list[tuple[int, int, int, float, float | None]] = []
        self.sets: list[tuple[int, int, int, float, float | None]] = []
        self.couplings: list[tuple[int, int, str, float]] = []
        self.risks: dict[str, list[float]] = {}
        rules = []
        v = spec.value

        def day(d, default=None):
            return default if d is None else spec.day_index(d, decision_day)

        for iv in opt.interventions:
            if isinstance(iv, Inject):
                t = day(iv.day)
                if 0 <= t < horizon:
                    self.inj[t, idx[iv.stream]] += int(round(v(iv.count)))
            elif isinstance(iv, (ScaleBaseline, SetBaseline)):
                a = max(day(iv.from_day), 0)
                b = min(day(iv.to_day, horizon - 1), horizon - 1)
                if b < a:
                    continue  # over before the simulated days begin (e.g. in a backtest)
                value = v(iv.factor) if isinstance(iv, ScaleBaseline) else v(iv.rate)
                target = self.scales if isinstance(iv, ScaleBaseline) else self.sets
                target.append((idx[iv.stream], a, b, value, v(iv.probability)))
            elif isinstance(iv, SetCoupling):
                mode, val = ("value", v(iv.value)) if iv.value is not None else ("factor", v(iv.factor))
                assert val is not None  # check_scenario: set_coupling has exactly one of value and factor
                if mode == "value" and sm.model.link == "identity" and val < 0:
                    raise ScenarioError("a negative coupling needs the softplus link",
                                        file=str(spec.path), field="set_coupling.value",
                                        expected="a value >= 0, or model.link: softplus")
                self.couplings.append((idx[iv.target], idx[iv.source], mode, val))
            elif isinstance(iv, RedLine):
                series = FATALITIES if iv.when.series == SPEC_FATALITIES else idx[iv.when.series]
                rules.append(RedLineRule(
                    series, iv.when.at_least, iv.when.within_days, v(iv.probability),
                    idx[iv.then.stream], int(round(v(iv.then.count))),
                    (iv.then.delay_days[0], iv.then.delay_days[1]), iv.max_fires))
            elif isinstance(iv, EventRisk):
                self.risks.setdefault(iv.metric, []).append(v(iv.probability))
        self.rules = rules

    def interventions(self, u: np.ndarray, fat_idx: int, p_fatal: np.ndarray | None
                      ) -> Interventions:
        """This option's changes for a batch of paths, as the simulator's input.

        ``u`` holds one uniform per path: a baseline change with a probability
        holds on the paths where ``u < probability`` (its share of worlds), so
        the changes are per path and one call simulates the whole batch.
        """
        n, H, D = u.size, self.horizon, len(self.sm.streams)
        scale = rate = None
        if self.scales:
            scale = np.ones((n, H, D))
            for s, a, b, f, p in self.scales:
                on = np.ones(n, bool) if p is None else u < p
                scale[on, a:b + 1, s] *= f
        if self.sets:
            rate = np.full((n, H, D), np.nan)
            for s, a, b, r, p in self.sets:
                on = np.ones(n, bool) if p is None else u < p
                rate[on, a:b + 1, s] = r
        return Interventions(injections=self.inj, baseline_scale=scale, baseline_rate=rate,
                             couplings=list(self.couplings), rules=self.rules,
                             fatal_stream=fat_idx,
                             fatal_probability=0.0 if p_fatal is None else p_fatal)


def _metric_values(spec: ScenarioSpec, sm: ScenarioModel, opt: _Option, counts: np.ndarray,
                   fatal: np.ndarray) -> dict[str, np.ndarray]:
    """Per-path value of every metric, shape (n_paths,)."""
    idx = {s: i for i, s in enumerate(sm.streams)}
    out = {}
    for m in spec.metrics:
        days = m.days or opt.horizon
        if m.kind in ("count", "p_any", "p_pause"):
            assert m.stream is not None  # check_scenario: these kinds name a stream
            s_idx = idx[m.stream]
        if m.kind == "count":
            out[m.id] = counts[:, :days, s_idx].sum(axis=1).astype(float)
        elif m.kind == "p_any":
            out[m.id] = (counts[:, :days, s_idx].sum(axis=1) > 0).astype(float)
        elif m.kind == "p_fatality":
            out[m.id] = (fatal[:, :days].sum(axis=1) > 0).astype(float)
        elif m.kind == "p_pause":
            runs = _longest_zero_run(np.ascontiguousarray(counts[:, :days, s_idx]))
            out[m.id] = (runs >= m.min_days).astype(float)
        elif m.kind == "p_assumed_event":
            none = np.full(counts.shape[0], 1.0 - (spec.value(m.base_probability) or 0.0))
            if m.per_event:
                n = counts[:, :days, idx[m.per_event.stream]].sum(axis=1)
                none = none * (1.0 - spec.value(m.per_event.probability)) ** n
            for p in opt.risks.get(m.id, []):
                none = none * (1.0 - p)
            out[m.id] = 1.0 - none
    return out


def _exploded_by_metric(spec: ScenarioSpec, sm: ScenarioModel, days: list[np.ndarray],
                        horizon: int) -> dict[str, np.ndarray]:
    """Per count metric, shape (n_paths,): whether its stream ran away on the path inside
    the days the metric counts (a run-away after them leaves its count as it was)."""
    if not days:
        return {}
    first = np.concatenate(days)                        # (n_paths, n_streams), -1: never
    idx = {s: i for i, s in enumerate(sm.streams)}
    out = {}
    for m in spec.metrics:
        if m.kind == "count" and m.stream is not None:
            d = first[:, idx[m.stream]]
            out[m.id] = (d >= 0) & (d < (m.days or horizon))
    return out


def _run_batch(opt: _Option, sm: ScenarioModel, b: dict, fat_idx: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One option on one batch of paths: (counts, fatal, fires, first run-away day per path
    and stream, -1 if none) in path order.

    Every path keeps its own seed (the same for every option), so options share
    random numbers whatever their changes.
    """
    bp, u = b["params"], b["u"]
    sim = simulate_daily(
        bp.mu, bp.adjacency, bp.decay, horizon=opt.horizon, n_paths=len(u),
        link=sm.model.link, family="negbin" if bp.dispersion is not None else "poisson",
        dispersion=bp.dispersion, initial_state=bp.state,
        interventions=opt.interventions(u, fat_idx, b["p_fatal"]),
        path_seeds=path_seeds_for(b["seed"], len(u)),
        explosive_rate=sm.model.explosive_rate_)
    return sim.counts, sim.fatal, sim.fires, sim.explosive_day


def simulate_option(spec: ScenarioSpec, sm: ScenarioModel, opt: _Option, batches: list[dict],
                    keep_paths: bool = True, progress=None, task=None) -> dict[str, Any]:
    """Run one option over all batches: per-path metrics, batch means, fan data."""
    per_path: dict[str, list[np.ndarray]] = {m.id: [] for m in spec.metrics}
    batch_means: dict[str, list[float]] = {m.id: [] for m in spec.metrics}
    all_counts, fires, explosive = [], [], []
    fat_idx = sm.streams.index(sm.fatality["stream"]) if sm.fatality else -1
    for b in batches:
        counts, fatal, fired, exploded = _run_batch(opt, sm, b, fat_idx)
        explosive.append(exploded)
        vals = _metric_values(spec, sm, opt, counts, fatal)
        for k, v in vals.items():
            per_path[k].append(v)
            batch_means[k].append(float(v.mean()))
        if keep_paths:
            all_counts.append(counts)
        fires.append(fired)
        if progress is not None:
            progress.advance(task, b["n"])
    out: dict[str, Any] = {"values": {k: np.concatenate(v) for k, v in per_path.items()},
           "batch_means": {k: np.asarray(v) for k, v in batch_means.items()},
           "fires": np.concatenate(fires) if fires else None,
           # per count metric and path: its stream's rate ran away past the model's
           # explosive_rate_ (probabilities are bounded and count every path)
           "explosive": _exploded_by_metric(spec, sm, explosive, opt.horizon)}
    if keep_paths:
        c = np.concatenate(all_counts)
        qs = np.asarray(QUANTILES)
        daily = count_quantiles(c, qs)                            # (q, H, D)
        cum = count_quantiles(np.cumsum(c, axis=1), qs)
        out["fan"] = {s: {"mean": c[:, :, i].mean(axis=0), "daily": daily[:, :, i],
                          "cumulative": cum[:, :, i]} for i, s in enumerate(sm.streams)}
    return out


def _make_batches(sm: ScenarioModel, n_paths: int, seed: int) -> list[dict]:
    """Per batch: its size, a parameter draw, a numba seed, per-path fatality probabilities."""
    ss = np.random.SeedSequence(seed)
    assert sm.draws is not None  # prepare() always sets the draws
    out = []
    for n, child in zip(batch_sizes(n_paths), ss.spawn(len(batch_sizes(n_paths)))):
        rng = np.random.default_rng(child)
        theta = sm.draws.draw(rng)
        pf = rng.beta(sm.fatality["a"], sm.fatality["b"], size=n) if sm.fatality else None
        out.append({"n": n, "params": batch_params(sm, theta),
                    "seed": int(rng.integers(2**31 - 1)), "p_fatal": pf,
                    # one uniform per path for regimes; drawn last so earlier streams are unchanged
                    "u": rng.random(n)})
    return out


def _score_motives(spec: ScenarioSpec, sm: ScenarioModel, runs: dict[str, dict],
                   rng: np.random.Generator) -> tuple[dict, list, dict]:
    """Motive scores per actor and option, the ranking and the weight sensitivity."""
    opt_ids = list(runs)
    scores: dict[str, dict] = {}
    ranking: list[dict] = []
    sensitivity: dict[str, Any] = {}
    for motive in spec.motives:
        obs = motive.objectives
        means = np.array([[runs[o]["values"][ob.metric].mean() for o in opt_ids] for ob in obs])
        bm = np.array([[runs[o]["batch_means"][ob.metric] for o in opt_ids] for ob in obs])
        scales = [mv.make_scale(ob.norm.kind, ob.direction, means[k],
                                history_count(spec, sm, ob.metric) if ob.norm.kind == "history" else None,
                                spec.value(ob.norm.value))
                  for k, ob in enumerate(obs)]
        weights = [ob.weight for ob in obs]
        util = mv.utilities(means, scales)                      # (n_obj, n_opt)
        util_b = mv.utilities(bm, scales)                       # (n_obj, n_opt, n_batch)
        s_mean = mv.weighted_score(util, weights)
        s_b = mv.weighted_score(util_b, weights)                # (n_opt, n_batch)
        lo, hi = np.quantile(s_b, [0.05, 0.95], axis=1)
        first_b = np.bincount(np.argmax(s_b, axis=0), minlength=len(opt_ids)) / s_b.shape[1]
        w = mv.normalised_weights(weights)
        scores[motive.actor] = {
            o: {"score": float(s_mean[i]), "low": float(lo[i]), "high": float(hi[i]),
                "objectives": {ob.id: {"metric": ob.metric, "value": float(means[k, i]),
                                       "utility": float(util[k, i]), "weight": float(w[k])}
                               for k, ob in enumerate(obs)}}
            for i, o in enumerate(opt_ids)}
        scores[motive.actor]["_scales"] = {ob.id: {"kind": s.kind, "offset": s.offset, "scale": s.scale}
                                           for ob, s in zip(obs, scales)}
        if motive.actor != spec.actor:
            continue
        order = np.argsort(-s_mean, kind="stable")
        ranking = [{"rank": r + 1, "option": opt_ids[i], "score": float(s_mean[i]),
                    "low": float(lo[i]), "high": float(hi[i]),
                    "p_first_parameters": float(first_b[i])} for r, i in enumerate(order)]
        conc = spec.value(spec.sensitivity.concentration)
        p_first = mv.rank_first_probabilities(util, weights, conc, spec.sensitivity.draws, rng)
        sensitivity = {"actor": motive.actor, "concentration": conc, "draws": spec.sensitivity.draws,
                       "p_first": {o: float(p_first[i]) for i, o in enumerate(opt_ids)}}
        if len(order) > 1:
            flip = mv.smallest_flip(util, weights, int(order[0]), int(order[1]))
            sensitivity["flip_top_two"] = {
                "first": opt_ids[order[0]], "second": opt_ids[order[1]],
                "weight_shift": flip["shift"],
                "from": [{"objective": obs[a].id, "amount": t} for a, t in flip["from"]],
                "to": None if flip["to"] is None else obs[flip["to"]].id,
                "weights_after": {ob.id: float(x) for ob, x in zip(obs, flip["weights"])},
                "weights_before": {ob.id: float(x) for ob, x in zip(obs, w)}}
    return scores, ranking, sensitivity


def _backtest(spec: ScenarioSpec, case, store, n_paths: int, seed: int,
              fits: Any = None) -> dict[str, Any]:
    """Fit up to ``fit_end``, run the option, place the observed count in the simulated distribution."""
    bt = spec.backtest
    assert bt is not None  # run_scenario calls this only when the spec has a backtest
    horizon = (bt.end - bt.fit_end).days
    sm = prepare(spec, case, store, decision_day=bt.fit_end, horizon=horizon, fits=fits)
    opt = _Option(spec, sm, bt.option, bt.fit_end, horizon)
    from redline.data.streams import streams as read_streams
    obs_counts = read_streams(store, case, [bt.stream], bt.start, bt.end).counts[bt.stream]
    observed = int(obs_counts.sum())
    a, b = (bt.start - bt.fit_end).days - 1, (bt.end - bt.fit_end).days
    totals, means, exploded = _window_totals(spec, sm, opt, n_paths, seed + 1,
                                             sm.streams.index(bt.stream), a, b)
    below, equal = float((totals < observed).mean()), float((totals == observed).mean())
    model_covs = set(sm.model.covariate_names_)
    fit_start = dt.date.fromisoformat(sm.settings["start"])
    missing = []
    for cov in case.covariates:
        if cov.name in model_covs or not (fit_start < cov.start <= bt.end):
            continue
        active_fit = max(0, (bt.fit_end - cov.start).days + 1)
        missing.append({"covariate": cov.name, "start": str(cov.start), "description": cov.description,
                        "days_active_in_fit_window": active_fit})
    return {"option": bt.option, "stream": bt.stream, "fit_end": str(bt.fit_end),
            "window": f"{bt.start}..{bt.end}", "observed": observed,
            "quantile": below + 0.5 * equal, "p_at_most_observed": below + equal,
            "simulated": summarise_metric(totals, means, False, explosive=exploded),
            "covariates_not_in_model": missing, "paths": n_paths}


def _window_totals(spec, sm, opt, n_paths, seed, s_idx, a, b
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per path: the stream's total over days ``a:b``; per batch: its mean; per path:
    whether the stream ran away."""
    out, boom = [], []
    fat_idx = sm.streams.index(sm.fatality["stream"]) if sm.fatality else -1
    for bt in _make_batches(sm, n_paths, seed):
        counts, _, _, first = _run_batch(opt, sm, bt, fat_idx)
        out.append(counts[:, a:b, s_idx].sum(axis=1).astype(float))
        boom.append((first[:, s_idx] >= 0) & (first[:, s_idx] < b))
    return np.concatenate(out), np.array([o.mean() for o in out]), np.concatenate(boom)


def run_scenario(spec: ScenarioSpec, case, store, n_paths: int = 10_000, seed: int = 1,
                 progress: bool | Callable[[str, int, int], None] = False,
                 backtest: bool = True, fan: bool = True,
                 console=None, fits: Any = None) -> ScenarioResult:
    """Simulate every option of ``spec`` and score the motives.

    Parameters
    ----------
    spec, case
        From :func:`redline.scenarios.load_scenario`.
    store
        The event store holding the case's events.
    n_paths : int
        Paths per option (split into batches of about 100, one parameter draw each).
    seed : int
        Same seed, same result, bit for bit.
    progress : bool or callable
        True: a rich progress bar (on ``console``, default stderr). A callable
        ``progress(task, done, total)`` is called after every batch instead, with
        ``task`` like ``"option b"`` and paths ``done`` of ``total`` (the web app
        streams these to the browser).
    backtest : bool
        Also run the scenario's backtest, if it defines one.
    fits : FitCache, optional
        The case's fits already made in this command (:class:`redline.analysis.fit.FitCache`):
        a model with the scenario's specification is taken from it, not refitted.
    """
    if n_paths < 1:
        raise ScenarioError("n_paths must be at least 1", field="--paths", expected="e.g. 10000")
    if fits is None:
        from redline.analysis.fit import FitCache
        fits = FitCache(store, case)
    sm = prepare(spec, case, store, fits=fits)
    batches = _make_batches(sm, n_paths, seed)
    options = [_Option(spec, sm, o.id, spec.decision_day, spec.horizon_days) for o in spec.options]
    runs: dict[str, dict] = {}
    bar: _Callback | Progress | None = None
    if callable(progress):
        bar = _Callback(progress)
    elif progress:
        from rich.console import Console
        from rich.progress import Progress
        bar = Progress(console=console or Console(stderr=True), transient=True)
    ctx = bar if bar is not None else _Null()
    with ctx:
        for opt in options:
            task = bar.add_task(f"option {opt.id}", total=n_paths) if bar is not None else None
            runs[opt.id] = simulate_option(spec, sm, opt, batches, keep_paths=fan,
                                           progress=bar, task=task)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    scores, ranking, sensitivity = _score_motives(spec, sm, runs, rng)
    bt = _backtest(spec, case, store, n_paths, seed, fits) if (backtest and spec.backtest) else None
    return ScenarioResult.build(spec, sm, options, runs, scores, ranking, sensitivity, bt,
                                n_paths, seed, len(batches))


class _Callback:
    """The slice of rich's Progress that simulate_option uses, reporting to a function."""

    def __init__(self, fn) -> None:
        self.fn = fn
        self.tasks: dict[str, list[int]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, name: str, total: int) -> str:
        self.tasks[name] = [0, total]
        self.fn(name, 0, total)
        return name

    def advance(self, task: str, n: int) -> None:
        done = self.tasks[task]
        done[0] += n
        self.fn(task, done[0], done[1])


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
