"""redline's continuous-time Hawkes MLE against tick's least-squares learner.

Simulates two 10-stream exponential Hawkes processes of about 100,000 events each
(a sparse, mostly diagonal matrix and a dense one: 40% of couplings non-zero,
spectral radius 0.6), fits each with ``redline.models.Hawkes`` (maximum
likelihood, decay given; the timing includes the standard errors) and with
``tick.hawkes.HawkesExpKern`` (least squares, same decay), and prints wall times,
their ratio, both fits' log-likelihoods under redline's likelihood, and the max
abs adjacency error. Also times ``DailyHawkes`` on 10 streams x 3,650 days (see
bench/daily_hawkes.py).

The script does not set ``OMP_NUM_THREADS`` or any other thread variable: the fit
must be fast in a user's process as it is. Run it the same way
(``env -u OMP_NUM_THREADS .venv/bin/python bench/hawkes_vs_tick.py``).
Prints numbers only; asserts nothing.
"""

from __future__ import annotations

import time

import numpy as np

from redline.models import Hawkes, hawkes_exp_loglik, simulate_hawkes

D = 10
DECAY = 1.0
END = 58_000.0


def truth(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The sparse matrix: small off-diagonal couplings, strong self-excitation."""
    rng = np.random.default_rng(seed)
    adj = rng.uniform(0.0, 0.06, (D, D)) * (rng.uniform(size=(D, D)) < 0.5)
    adj[np.arange(D), np.arange(D)] = rng.uniform(0.2, 0.4, D)
    return np.full(D, 0.1), adj


def dense_truth(seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """40% of the couplings non-zero, rescaled to spectral radius 0.6.

    The baseline is chosen so that the stationary mean gives about 100,000 events
    on the same window: total rate ``sum((I - A)^-1 mu)``.
    """
    rng = np.random.default_rng(seed)
    mask = np.zeros(D * D, dtype=bool)
    mask[rng.choice(D * D, size=int(0.4 * D * D), replace=False)] = True
    adj = rng.uniform(0.2, 1.0, (D, D)) * mask.reshape(D, D)
    adj *= 0.6 / np.max(np.abs(np.linalg.eigvals(adj)))
    mu = np.full(D, 0.1)
    rate = np.linalg.solve(np.eye(D) - adj, mu).sum()
    return mu * (100_000 / END) / rate, adj


def main() -> None:
    for label, (mu, adj) in (("sparse", truth()), ("dense", dense_truth())):
        compare(label, mu, adj)


def compare(label: str, mu: np.ndarray, adj: np.ndarray) -> None:
    events = simulate_hawkes(mu, adj, DECAY, END, random_state=1)
    n = sum(len(e) for e in events)
    nz = float((adj > 0).mean())
    print(f"[{label}] {D} streams, {n} events, {nz:.0%} couplings non-zero, "
          f"spectral radius {np.max(np.abs(np.linalg.eigvals(adj))):.3f}")

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
    print(f"[{label}] time ratio redline/tick: {t_ours / t_tick:.2f}   "
          f"loglik difference redline - tick: {ll_ours - ll_tick:+.2f}")


if __name__ == "__main__":
    main()
    from daily_hawkes import main as daily_main

    daily_main()
