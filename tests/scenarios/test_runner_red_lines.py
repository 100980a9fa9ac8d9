"""The runner on a synthetic case: fatality posterior and red lines through the scenario file."""

from __future__ import annotations

import pytest

from redline.scenarios import run_scenario
from tests.scenarios.conftest import KILLED_FATAL, KILLED_KNOWN


@pytest.fixture(scope="module")
def result(synthetic_scenario):
    spec, case, store = synthetic_scenario
    return run_scenario(spec, case, store, n_paths=400, seed=2)


def test_fatality_posterior_counts_the_observed_kills(result):
    f = result.fatality
    assert (f["killed"], f["known"]) == (KILLED_FATAL, KILLED_KNOWN)
    assert (f["a"], f["b"]) == (1 + KILLED_FATAL, 1 + KILLED_KNOWN - KILLED_FATAL)
    assert f["mean"] == pytest.approx((1 + KILLED_FATAL) / (2 + KILLED_KNOWN))


def _responses(result, option):
    opt = next(o for o in result.options if o["id"] == option)
    return opt["red_lines_mean_responses"]


def test_red_lines_through_the_scenario_file(result):
    on_fatal = _responses(result, "on_fatal")[0]
    on_attack = _responses(result, "on_attack")[0]
    assert _responses(result, "never") == [0.0]
    assert _responses(result, "nothing") == []
    # ~1 attack a day for 30 days: ~19 days with an attack; a fatal one on about a
    # third of those (posterior mean 0.26 per attack)
    assert on_attack > 12
    assert 0.15 * on_attack < on_fatal < 0.6 * on_attack
