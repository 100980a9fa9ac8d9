"""Compensators of the continuous-time exponential Hawkes process, written out by brute force.

``Lambda_i(t) = mu_i t + sum_j alpha_ij sum_{t_l^j < t} (1 - exp(-beta (t - t_l^j)))``
for the kernel ``alpha beta exp(-beta s)``; unequal baselines, an asymmetric
adjacency and irregular times so that swapping any two of them changes the answer.
"""

from __future__ import annotations

import numpy as np
import pytest

from redline.models.hawkes._likelihood import hawkes_exp_compensators


def _brute(events, mu, adj, beta):
    out = []
    for i, ev_i in enumerate(events):
        vals = []
        for t in ev_i:
            v = mu[i] * t
            for j, ev_j in enumerate(events):
                past = ev_j[ev_j < t]
                v += adj[i, j] * np.sum(1 - np.exp(-beta * (t - past)))
            vals.append(v)
        out.append(np.array(vals))
    return out


def test_compensator_equals_the_integral_of_the_intensity():
    rng = np.random.default_rng(5)
    events = [np.sort(rng.uniform(0, 50, 23)), np.sort(rng.uniform(0, 50, 9))]
    mu = np.array([0.3, 0.11])
    adj = np.array([[0.2, 0.5], [0.05, 0.1]])
    got = hawkes_exp_compensators(events, mu, adj, 0.8)
    for g, b in zip(got, _brute(events, mu, adj, 0.8)):
        np.testing.assert_allclose(g, b, rtol=1e-10)
    # and it grows: differences are the rescaled waiting times, all positive
    assert all((np.diff(g) > 0).all() for g in got)


def test_compensator_of_a_poisson_process_is_mu_t():
    events = [np.array([1.0, 2.5, 7.0]), np.array([0.5, 4.0])]
    got = hawkes_exp_compensators(events, np.array([0.4, 2.0]), np.zeros((2, 2)), 1.0)
    np.testing.assert_allclose(got[0], 0.4 * events[0])
    np.testing.assert_allclose(got[1], 2.0 * events[1])
