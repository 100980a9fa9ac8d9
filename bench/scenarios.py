"""Scenario Monte Carlo: 10,000 paths x 90 days x 6 streams x 5 options.

Fits the built-in case on six streams (identity link) once, then times the
whole Monte Carlo of five options (parameter draws, the numba day loop with a
red line, metrics, fan-chart quantiles, motive scores) and compares it with a
plain-Python loop over the same model and the same options on 200 paths in the
same run. Target: the Monte Carlo under 5 s on a 2-core machine.

    .venv/bin/python bench/scenarios.py [--paths 10000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

STREAMS = ["militia_attacks_on_us", "us_strikes_on_militias", "militia_threats", "us_sanctions",
           "iraqi_gov_pressure", "iran_statements"]

SCENARIO = f"""\
name: bench
title: Bench, 6 streams, 5 options
case: us-iran-proxies-2023
actor: united_states
decision_day: 2024-01-29
horizon_days: 90
model: {{streams: [{", ".join(STREAMS)}], covariates: [gaza_truce], link: identity, start: 2023-10-17}}
fatalities: {{stream: militia_attacks_on_us}}
metrics:
  - {{id: attacks, label: Attacks, kind: count, stream: militia_attacks_on_us}}
  - {{id: strikes, label: Strikes, kind: count, stream: us_strikes_on_militias}}
  - {{id: p_fatal, label: P(fatality), kind: p_fatality}}
  - {{id: p_pause, label: P(pause), kind: p_pause, stream: militia_attacks_on_us, min_days: 14}}
assumptions:
  - {{id: p, value: 0.9, justification: "A bench number, not a claim."}}
options:
  - {{id: a, label: nothing}}
  - id: b
    label: wave and red line
    interventions:
      - {{type: inject, stream: us_strikes_on_militias, day: 4, count: 2}}
      - {{type: red_line, when: {{series: fatalities, at_least: 1, within_days: 7}}, probability: p,
         then: {{stream: us_strikes_on_militias, count: 2, delay_days: [2, 5]}}, max_fires: 3}}
  - id: c
    label: halve attacks baseline
    interventions: [{{type: scale_baseline, stream: militia_attacks_on_us, factor: 0.5, from_day: 10}}]
  - id: d
    label: cut coupling
    interventions: [{{type: set_coupling, source: us_strikes_on_militias, target: militia_attacks_on_us, factor: 0}}]
  - id: e
    label: sanctions
    interventions: [{{type: inject, stream: us_sanctions, day: 4, count: 1}}]
motives:
  - actor: united_states
    objectives:
      - {{id: fewer, label: fewer attacks, metric: attacks, direction: minimise, weight: 0.6,
         normalisation: history, justification: "A bench objective.", sources: [bench]}}
      - {{id: resolve, label: resolve, metric: strikes, direction: maximise, weight: 0.4,
         normalisation: range, justification: "A bench objective.", sources: [bench]}}
"""


def _apply(opt, bp):
    """The option's baseline and couplings for one batch (identity link, every regime on)."""
    iv = opt.interventions(np.zeros(1), -1, None)
    mu = bp.mu.copy()
    if iv.baseline_scale is not None:
        mu = mu * iv.baseline_scale[0]
    if iv.baseline_rate is not None:
        mu = np.where(np.isnan(iv.baseline_rate[0]), mu, iv.baseline_rate[0])
    adj = bp.adjacency.copy()
    for i, j, mode, val in iv.couplings:
        adj[i, j] = val if mode == "value" else adj[i, j] * val
    return mu, adj


def numpy_step(mu, adj, decay, state, n_paths, rng):
    """The daily recursion one day at a time for all paths at once (no red lines): the
    vectorised numpy form the numba loop replaced, timed in the same run."""
    r = np.exp(-decay)
    S = np.tile(state, (n_paths, 1))
    out = np.empty((n_paths, mu.shape[0], mu.shape[1]), dtype=np.int64)
    for t in range(mu.shape[0]):
        lam = np.maximum(mu[t] + ((1 - r) * S) @ adj.T, 0.0)
        y = rng.poisson(lam)
        out[:, t] = y
        S = r * S + y
    return out


def python_loop(sm, bps, opts, n_paths: int, seed: int) -> float:
    """The same model, options and red line, one path / day / stream at a time in Python."""
    rng = np.random.default_rng(seed)
    D = len(sm.streams)
    H = bps[0].mu.shape[0]
    t0 = time.perf_counter()
    for opt in opts:
        for p in range(n_paths):
            bp = bps[p % len(bps)]
            mu, adj = _apply(opt, bp)
            r = [math.exp(-x) for x in bp.decay]
            S = list(bp.state)
            pf = rng.beta(2, 37)
            fatal_days, pending, fires, next_check = [], {}, 0, 0
            for t in range(H):
                X = [(1 - r[j]) * S[j] for j in range(D)]
                y = []
                for i in range(D):
                    eta = mu[t, i] + sum(adj[i, j] * X[j] for j in range(D))
                    lam = eta if eta > 0 else 0.0
                    y.append(int(rng.poisson(lam)) + int(opt.inj[t, i]) + pending.get((t, i), 0))
                fatal_days.append(int(rng.binomial(y[0], pf)) if y[0] else 0)
                for rule in opt.rules:
                    if fires < rule.max_fires and t >= next_check:
                        w = int(rule.window)
                        if sum(fatal_days[max(0, t - w + 1):]) >= rule.at_least:
                            next_check = t + w
                            if rng.random() < rule.probability:
                                fires += 1
                                day = t + int(rng.integers(rule.delay[0], rule.delay[1] + 1))
                                key = (day, int(rule.stream))
                                pending[key] = pending.get(key, 0) + int(rule.count)
                S = [r[j] * S[j] + y[j] for j in range(D)]
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--python-paths", type=int, default=200)
    args = ap.parse_args()
    from redline.data.store import DuckDBStore
    from redline.scenarios import load_scenario, runner
    from redline.scenarios._setup import prepare

    tmp = Path(tempfile.mkdtemp())
    (tmp / "bench.yaml").write_text(SCENARIO, encoding="utf-8")
    store = DuckDBStore(tmp / "events.duckdb")
    store.ingest("us-iran-proxies-2023")
    spec, case = load_scenario(tmp / "bench.yaml")
    t0 = time.perf_counter()
    sm = prepare(spec, case, store)
    t_fit = time.perf_counter() - t0
    opts = [runner._Option(spec, sm, o.id, spec.decision_day, spec.horizon_days) for o in spec.options]

    def monte_carlo(n):
        batches = runner._make_batches(sm, n, 1)
        runs = {o.id: runner.simulate_option(spec, sm, o, batches) for o in opts}
        return runner._score_motives(spec, sm, runs, np.random.default_rng(0))

    monte_carlo(100)  # compile / load the numba cache
    t0 = time.perf_counter()
    monte_carlo(args.paths)
    t_mc = time.perf_counter() - t0
    bps = [b["params"] for b in runner._make_batches(sm, 100, 1)]
    t_py = python_loop(sm, bps, opts, args.python_paths, 1)
    n_opt, D = len(opts), len(sm.streams)
    rate = args.paths * n_opt / t_mc
    rate_py = args.python_paths * n_opt / t_py
    print(f"model: {D} streams, fit {t_fit:.2f} s (once, not in the Monte Carlo time)")
    print(f"Monte Carlo: {args.paths:,} paths x {spec.horizon_days} days x {D} streams x {n_opt} options "
          f"in {t_mc:.2f} s wall ({rate:,.0f} paths/s, incl. parameter draws, metrics, fan quantiles, motives)")
    print(f"plain Python loop: {args.python_paths} paths x {n_opt} options in {t_py:.2f} s "
          f"({rate_py:,.0f} paths/s)")
    print(f"ratio: {rate / rate_py:,.0f}x faster; target < 5 s: {'met' if t_mc < 5 else 'MISSED'}")
    # Does numba pay against plain vectorised numpy? One option, no red line, one draw.
    from redline.models import simulate_daily
    bp = bps[0]
    t0 = time.perf_counter()
    simulate_daily(bp.mu, bp.adjacency, bp.decay, horizon=bp.mu.shape[0], n_paths=args.paths,
                   initial_state=bp.state, random_state=0)
    t_nb = time.perf_counter() - t0
    t0 = time.perf_counter()
    numpy_step(bp.mu, bp.adjacency, bp.decay, bp.state, args.paths, np.random.default_rng(0))
    t_np = time.perf_counter() - t0
    print(f"simulate_daily (numba) vs numpy day-step, {args.paths:,} paths, no red line: "
          f"{t_nb:.3f} s vs {t_np:.3f} s, ratio numba/numpy {t_nb / t_np:.2f}")


if __name__ == "__main__":
    main()
