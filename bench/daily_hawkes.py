"""Time ``DailyHawkes`` on 10 streams x 3,650 days, and the scenario-sized simulator.

Run: ``env -u OMP_NUM_THREADS .venv/bin/python bench/daily_hawkes.py``: no thread
variable is set here, since the fit limits BLAS threads itself. Prints numbers
only; asserts nothing.
"""

from __future__ import annotations

import time

import numpy as np

from redline.models import DailyHawkes, simulate_daily_paths

D = 10
N_DAYS = 3650


def main() -> None:
    rng = np.random.default_rng(0)
    adj = rng.uniform(0.0, 0.08, (D, D)) * (rng.uniform(size=(D, D)) < 0.5)
    adj[np.arange(D), np.arange(D)] = rng.uniform(0.2, 0.4, D)
    decay = rng.uniform(0.2, 1.5, D)
    base = rng.uniform(0.1, 1.0, D)
    x = (np.arange(N_DAYS) >= N_DAYS // 2).astype(float)[:, None]
    mu = base * np.exp(x @ rng.uniform(-0.3, 0.5, (D, 1)).T)
    y = simulate_daily_paths(mu, adj, decay, horizon=N_DAYS, n_paths=1, random_state=1)[0]
    print(f"DailyHawkes: {D} streams x {N_DAYS} days, {int(y.sum())} events")
    for link in ("identity", "softplus"):
        t0 = time.perf_counter()
        m = DailyHawkes(link=link).fit(y, covariates=x)
        dt = time.perf_counter() - t0
        err = np.abs(m.adjacency_ - adj).max() if link == "identity" else float("nan")
        print(f"  fit link={link:8s} (MLE + stderr): {dt:6.3f} s  target < 2 s  "
              f"ratio {dt / 2.0:.2f}  iterations {m.n_iter_}  max|adj err| {err:.3f}")
    m = DailyHawkes().fit(y, covariates=x)
    m6 = DailyHawkes().fit(y[:, :6], covariates=x)
    t0 = time.perf_counter()
    m6.simulate(90, n_paths=10_000, random_state=0)
    dt = time.perf_counter() - t0
    print(f"  simulate 10,000 paths x 90 days x 6 streams: {dt:6.3f} s")
    t0 = time.perf_counter()
    per_path = np.broadcast_to(m6.adjacency_, (10_000, 6, 6)).copy()
    simulate_daily_paths(m6.baseline_, per_path, m6.decay_, horizon=90, n_paths=10_000,
                         random_state=0, injections=np.eye(90, 6) * 5)
    print(f"  same with per-path adjacency and injections:  {time.perf_counter() - t0:6.3f} s")
    _ = m


if __name__ == "__main__":
    main()
