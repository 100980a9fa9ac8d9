"""Every kind of metric and intervention of the runner, where its value is known exactly.

On the synthetic case (tests/scenarios/conftest.py): setting the attacks'
baseline and couplings to 0 leaves no attack at all, so its count is 0, its
two-week pause certain and no attack fatal; an assumed event's probability is
the formula of its assumptions; an injected wave is a strike within 5 days on
every path.  Where a change holds in only half the worlds, the share is checked
with 4 binomial standard deviations for the number of paths.
"""

from __future__ import annotations

import numpy as np
import pytest

from redline.scenarios import run_scenario

N_PATHS = 400


@pytest.fixture(scope="module")
def outcomes(synthetic_metrics_scenario):
    spec, case, store = synthetic_metrics_scenario
    res = run_scenario(spec, case, store, n_paths=N_PATHS, seed=4)
    return {o["id"]: {k: v["mean"] for k, v in o["outcomes"].items()} for o in res.options}


def test_no_attacks_when_baseline_and_couplings_are_zero(outcomes):
    s = outcomes["silence"]
    assert (s["attacks"], s["pause"], s["p_fatal"]) == (0, 1, 0)
    n = outcomes["nothing"]
    assert n["attacks"] > 15 and n["pause"] < 0.2 and n["p_fatal"] > 0.9


def test_a_change_in_half_the_worlds(outcomes):
    tol = 4 * np.sqrt(0.25 / N_PATHS)
    # the attack-free half always pauses; the other half pauses as often as without the change
    # (couplings are 0 there too, so that half is a little calmer than "nothing")
    assert outcomes["half"]["pause"] >= 0.5 - tol
    assert 0 < outcomes["half"]["attacks"] < 0.5 * outcomes["nothing"]["attacks"] + 4 * tol * 30
    assert 0.5 - tol <= 1 - outcomes["half"]["p_fatal"] <= 0.5 + tol + 0.1


def test_assumed_events_follow_their_formula(outcomes):
    for oid, o in outcomes.items():
        expected = 1 - 0.8 * 0.5 if oid == "risky" else 0.2
        assert o["retaliation"] == pytest.approx(expected, abs=1e-9), oid
    # per strike 0.3: a wave of four makes escalation at least 1 - 0.7**4
    assert outcomes["wave"]["escalation"] >= 1 - 0.7 ** 4 - 1e-9
    assert outcomes["wave"]["escalation"] > outcomes["nothing"]["escalation"]


def test_injected_wave_is_a_strike_on_every_path(outcomes):
    assert outcomes["wave"]["strike_soon"] == pytest.approx(1.0)
    assert outcomes["nothing"]["strike_soon"] < 0.95


@pytest.fixture(scope="module")
def full_result(synthetic_metrics_scenario):
    spec, case, store = synthetic_metrics_scenario
    return spec, case, store, run_scenario(spec, case, store, n_paths=N_PATHS, seed=4).to_dict()


def test_motive_scores_follow_weights_and_history(full_result):
    spec, case, store, d = full_result
    ev = store.events()
    last30 = ev[(ev["actor"] == "brigade") & (ev["date"] > ev["date"].max() - np.timedelta64(30, "D"))]
    h = len(last30)
    assert h > 10
    for o in d["options"]:
        out = o["outcomes"]
        expected = (3.0 * -(out["attacks"]["mean"] / h) + 1.0 * -out["p_fatal"]["mean"]) / 4.0
        assert o["motives"]["home"]["score"] == pytest.approx(expected, abs=2e-3), o["id"]


def test_backtest_places_the_observed_count_among_the_simulated(full_result):
    spec, case, store, d = full_result
    bt = d["backtest"]
    ev = store.events()
    window = ev[(ev["actor"] == "brigade") & (ev["date"] >= "2023-04-01") & (ev["date"] <= "2023-04-30")]
    assert bt["observed"] == len(window)
    # mid-rank quantile: below + half of the ties; with counts ties have positive probability
    assert 0 < bt["quantile"] < bt["p_at_most_observed"] < 1
