"""Red lines in the compiled day loop: what triggers them and how often they answer.

The fixtures separate what a bug would merge: attacks are frequent but fatal
ones rare (or impossible on some paths), and a rule's probability is neither 0
nor 1.  With one-day windows and a one-day delay every trigger and response can
be matched day by day, so these checks are exact rather than statistical where
possible; the probability check uses a tolerance of 4 binomial standard
deviations for the number of triggers simulated.
"""

from __future__ import annotations

import numpy as np
import pytest

from redline.models import (
    FATALITIES as SERIES_FATALITIES,
    Interventions,
    RedLineRule,
    path_seeds_for,
    simulate_daily,
)


def RuleArrays(rules):  # noqa: N802 - reads as the list of rules it builds
    """Red-line rules written as dicts, as :class:`RedLineRule` objects."""
    return [RedLineRule(int(r["series"]), int(r["at_least"]), int(r["window"]), float(r["prob"]),
                        int(r["stream"]), int(r["count"]), (int(r["dmin"]), int(r["dmax"])),
                        int(r["max_fires"])) for r in rules]


def simulate_batch(seed, mu, adjacency, decay, initial_state, injections, n_paths,
                   link="softplus", dispersion=None, p_fatal=None, fatal_stream=-1, rules=None,
                   path_seeds=None):
    """``(counts, fatal, fires)`` of paths sharing one parameter set, through the one
    simulator the scenario runner uses."""
    seeds = path_seeds_for(seed, n_paths) if path_seeds is None else path_seeds
    sim = simulate_daily(
        mu, adjacency, decay, horizon=np.shape(mu)[0], n_paths=n_paths, link=link,
        family="poisson" if dispersion is None else "negbin", dispersion=dispersion,
        initial_state=initial_state, path_seeds=seeds,
        interventions=Interventions(injections=injections, rules=list(rules or []),
                                    fatal_stream=fatal_stream,
                                    fatal_probability=0.0 if p_fatal is None else p_fatal))
    return sim.counts, sim.fatal, sim.fires

HORIZON = 40


def _rule(series: int, prob: float, at_least: int = 1, window: int = 1) -> dict:
    # respond with one event of stream 1 exactly one day later, as often as triggered
    return {"series": series, "at_least": at_least, "window": window, "prob": prob,
            "stream": 1, "count": 1, "dmin": 1, "dmax": 1, "max_fires": 10_000}


def _run(rule: dict, p_fatal: np.ndarray, n_paths: int, attack_rate: float = 3.0, seed: int = 1):
    # stream 0: attacks at a constant rate; stream 1: responses only (rate 0, no coupling)
    mu = np.tile([attack_rate, 0.0], (HORIZON, 1))
    return simulate_batch(seed, mu, np.zeros((2, 2)), np.ones(2), np.zeros(2),
                          np.zeros((HORIZON, 2), dtype=np.int64), n_paths, link="identity",
                          p_fatal=p_fatal, fatal_stream=0, rules=RuleArrays([rule]))


def test_fatality_red_line_answers_fatal_days_only():
    n = 400
    p_fatal = np.where(np.arange(n) < n // 2, 0.0, 0.05)
    counts, fatal, fires = _run(_rule(SERIES_FATALITIES, 1.0), p_fatal, n)
    attacks, responses = counts[:, :, 0], counts[:, :, 1]
    assert attacks[: n // 2].sum() > 1000          # many attacks on the paths that cannot kill
    assert fatal[: n // 2].sum() == 0 and fires[: n // 2].sum() == 0
    assert responses[: n // 2].sum() == 0
    fatal_days = fatal > 0
    assert fatal_days.sum() > 500
    # every fatal day, and only those, is answered the next day
    np.testing.assert_array_equal(responses[:, 1:] > 0, fatal_days[:, :-1])
    np.testing.assert_array_equal(fires[:, 0], fatal_days.sum(axis=1))
    # fatal attacks are a binomial thinning of the attacks with the path's probability
    share = fatal[n // 2:].sum() / attacks[n // 2:].sum()
    tol = 4 * np.sqrt(0.05 * 0.95 / attacks[n // 2:].sum())
    assert abs(share - 0.05) < tol
    assert (fatal <= attacks).all()


def test_attack_red_line_answers_attack_days_not_fatal_ones():
    n = 100
    counts, fatal, fires = _run(_rule(0, 1.0), np.zeros(n), n)
    attack_days = counts[:, :, 0] > 0
    np.testing.assert_array_equal(counts[:, 1:, 1] > 0, attack_days[:, :-1])
    np.testing.assert_array_equal(fires[:, 0], attack_days.sum(axis=1))


@pytest.mark.parametrize("prob", [0.0, 0.3, 0.8])
def test_red_line_answers_with_its_probability(prob):
    n = 1000
    counts, _, fires = _run(_rule(0, prob), np.zeros(n), n, seed=7)
    triggers = int((counts[:, :, 0] > 0).sum())
    share = fires.sum() / triggers
    tol = 4 * np.sqrt(max(prob * (1 - prob), 1e-12) / triggers)
    assert abs(share - prob) <= tol, (share, prob, triggers)


def test_window_and_threshold_make_one_incident_one_decision():
    """At least 3 attacks within 5 days; after a check that met it, 5 quiet days of the rule."""
    n = 200
    rule = _rule(0, 1.0, at_least=3, window=5)
    counts, _, fires = _run(rule, np.zeros(n), n, attack_rate=0.6, seed=3)
    att = counts[:, :, 0]
    expected_fires = np.zeros(n, dtype=int)
    expected_resp = np.zeros_like(att)
    for p in range(n):
        next_check = 0
        for t in range(HORIZON):
            if t < next_check:
                continue
            if att[p, max(0, t - 4): t + 1].sum() >= 3:
                next_check = t + 5
                expected_fires[p] += 1
                if t + 1 < HORIZON:
                    expected_resp[p, t + 1] += 1
    assert expected_fires.sum() > 100
    np.testing.assert_array_equal(fires[:, 0], expected_fires)
    np.testing.assert_array_equal(counts[:, :, 1], expected_resp)


def test_negative_binomial_days_have_the_stated_variance():
    """One day, no excitation: counts are NB with mean mu and variance mu + phi mu^2.

    20 000 paths; tolerances of 5 standard errors of the mean and of the variance.
    """
    n, mu, phi = 20_000, 2.0, 0.5
    counts, _, _ = simulate_batch(5, np.array([[mu, mu]]), np.zeros((2, 2)), np.ones(2), np.zeros(2),
                                  np.zeros((1, 2), dtype=np.int64), n, link="identity",
                                  dispersion=np.array([phi, 1e-6]))
    nb, pois = counts[:, 0, 0], counts[:, 0, 1]
    var = mu + phi * mu ** 2
    assert abs(nb.mean() - mu) < 5 * np.sqrt(var / n)
    # the variance of a sample variance is about (mu4 - var^2) / n; 5 of those, roughly
    assert abs(nb.var() - var) < 5 * np.sqrt(2 * var ** 2 / n) * 2
    assert abs(pois.var() - mu) < 5 * np.sqrt(2 * mu ** 2 / n) * 2


def test_path_seeds_are_valid_numba_seeds():
    s = path_seeds_for(7, 5000)
    assert s.dtype == np.int64 and s.min() >= 0 and s.max() < 2 ** 31
    assert len(set(s.tolist())) > 4990
    np.testing.assert_array_equal(s, path_seeds_for(7, 5000))


def test_batch_sizes_add_up_and_differ_by_at_most_one():
    from redline.scenarios.runner import batch_sizes
    for n in (1, 49, 50, 120, 1001, 5007):
        b = batch_sizes(n)
        assert sum(b) == n and max(b) - min(b) <= 1 and len(b) <= 100
    assert batch_sizes(1001) == [51] + [50] * 19      # 20 batches of at least 50
    assert batch_sizes(1019) == [51] * 19 + [50]
