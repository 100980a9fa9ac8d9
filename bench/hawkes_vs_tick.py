"""redline's continuous-time Hawkes MLE against tick's least-squares learner.

Simulates a 10-stream exponential Hawkes process to about 100,000 events, fits it
with ``redline.models.Hawkes`` (maximum likelihood, decay given; the timing
includes the standard errors) and with ``tick.hawkes.HawkesExpKern`` (least
squares, same decay), and prints wall times, their ratio, both fits'
log-likelihoods under redline's likelihood, and the max abs adjacency error.
Also times ``DailyHawkes`` on 10 streams x 3,650 days (see bench/daily_hawkes.py).

Run: ``.venv/bin/python bench/hawkes_vs_tick.py``. Prints numbers only; asserts nothing.
"""

from __future__ import annotations

import os

# Single-threaded BLAS, set before numpy loads: the matrices here are small, so
# threads only add contention (3-5x slower on a loaded 2-core machine), and tick's
# learner runs on one thread by default too.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from redline.models import Hawkes, hawkes_exp_loglik, simulate_hawkes  # noqa: E402

D = 10
DECAY = 1.0
END = 58_000.0


def truth(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    adj = rng.uniform(0.0, 0.06, (D, D)) * (rng.uniform(size=(D, D)) < 0.5)
    adj[np.arange(D), np.arange(D)] = rng.uniform(0.2, 0.4, D)
    return np.full(D, 0.1), adj


def main() -> None:
    mu, adj = truth()
    events = simulate_hawkes(mu, adj, DECAY, END, random_state=1)
    n = sum(len(e) for e in events)
    print(f"{D} streams, {n} events, branching ratio {np.max(np.abs(np.linalg.eigvals(adj))):.3f}")

    # Warm-up on a small window so that numba's (cached) compilation is not timed.
    Hawkes(decay=DECAY).fit([e[e < 100] for e in events], end_time=100.0)

    t0 = time.perf_counter()
    ours = Hawkes(decay=DECAY).fit(events, end_time=END)
    t_ours = time.perf_counter() - t0

    try:
        from tick.hawkes import HawkesExpKern
    except ImportError as exc:  # pragma: no cover - depends on the environment
        print(f"tick unavailable ({exc}); redline fit took {t_ours:.3f} s")
        return
    t0 = time.perf_counter()
    lsq = HawkesExpKern(DECAY, gofit="least-squares", max_iter=1000, tol=1e-10).fit(events)
    t_tick = time.perf_counter() - t0

    ll_ours = hawkes_exp_loglik(events, END, ours.baseline_, ours.adjacency_, DECAY)
    ll_tick = hawkes_exp_loglik(events, END, lsq.baseline, lsq.adjacency, DECAY)
    print(f"redline Hawkes (MLE + stderr): {t_ours:8.3f} s  loglik {ll_ours:.2f}  "
          f"max|adj err| {np.abs(ours.adjacency_ - adj).max():.4f}  ({ours.n_iter_} iterations)")
    print(f"tick HawkesExpKern (LSQ):      {t_tick:8.3f} s  loglik {ll_tick:.2f}  "
          f"max|adj err| {np.abs(lsq.adjacency - adj).max():.4f}")
    print(f"time ratio redline/tick: {t_ours / t_tick:.2f}   "
          f"loglik difference redline - tick: {ll_ours - ll_tick:+.2f}")


if __name__ == "__main__":
    main()
    from daily_hawkes import main as daily_main  # noqa: E402  (same folder)

    daily_main()
