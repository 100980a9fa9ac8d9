"""The Dirichlet sensitivity of motive rankings, against closed forms with unequal weights.

With two objectives and utilities ``[[1, 0], [0, 1]]`` option 0 ranks first
exactly when the first weight exceeds 1/2; under ``Dirichlet(c * w)`` that
weight is ``Beta(c w_0, c w_1)``, so ``P(first) = beta.sf(0.5, c w_0, c w_1)``.
Unequal weights make that differ from 1/2, so a draw that ignores the weights
(or the concentration) is seen.  Tolerance: 4 binomial standard deviations of a
share estimated from ``DRAWS`` draws.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from redline.scenarios import motives as mv

DRAWS = 20_000


@pytest.mark.parametrize("weights, concentration", [([0.7, 0.3], 10.0), ([3.0, 7.0], 4.0),
                                                    ([0.55, 0.45], 200.0)])
def test_rank_first_probability_matches_the_beta_tail(weights, concentration):
    w = np.asarray(weights) / np.sum(weights)
    util = np.array([[1.0, 0.0], [0.0, 1.0]])
    p = mv.rank_first_probabilities(util, weights, concentration, DRAWS, np.random.default_rng(3))
    expected = stats.beta.sf(0.5, concentration * w[0], concentration * w[1])
    tol = 4 * np.sqrt(expected * (1 - expected) / DRAWS) + 1e-9
    assert p[0] == pytest.approx(expected, abs=tol)
    assert p.sum() == pytest.approx(1.0)


def test_zero_weight_objective_never_counts():
    # objective 2 has weight 0: option 2 (good only on it) must never rank first
    util = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 5.0]])
    p = mv.rank_first_probabilities(util, [0.8, 0.2, 0.0], 6.0, DRAWS, np.random.default_rng(4))
    assert p[2] == 0.0
    expected = stats.beta.sf(0.5, 6.0 * 0.8, 6.0 * 0.2)
    assert p[0] == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / DRAWS))


def test_weighted_score_uses_normalised_unequal_weights():
    util = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(mv.weighted_score(util, [3.0, 1.0]), [0.75, 0.5])


def test_smallest_flip_closed_form():
    # d = u[:, 0] - u[:, 1] = [1, -1]; gap = 0.75*1 - 0.25*1 = 0.5; moving t from
    # objective 0 to 1 lowers the gap by 2t, so t = 0.25.
    util = np.array([[1.0, 0.0], [0.0, 1.0]])
    flip = mv.smallest_flip(util, [0.75, 0.25], 0, 1)
    assert flip["shift"] == pytest.approx(0.25)
    assert flip["to"] == 1 and flip["from"] == [(0, pytest.approx(0.25))]
    np.testing.assert_allclose(flip["weights"], [0.5, 0.5])


@pytest.mark.parametrize("history", [None, float("nan"), 0.0, -2.0])
def test_history_normalisation_needs_a_positive_observed_value(history):
    from redline.errors import ScenarioError
    with pytest.raises(ScenarioError, match="history normalisation"):
        mv.make_scale("history", "minimise", np.array([1.0, 2.0]), history=history)
