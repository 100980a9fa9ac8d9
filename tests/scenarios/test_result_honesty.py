"""Outcome summaries that keep their headline inside its interval, and the scenario guards."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.scenarios import motives as mv
from redline.scenarios.result import summarise_metric


def _batches(per_batch: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate(per_batch), np.array([b.mean() for b in per_batch])


def test_exploded_paths_make_the_median_the_headline_and_the_mean_stable():
    rng = np.random.default_rng(0)
    per = [rng.poisson(5.0, 100).astype(float) for _ in range(20)]
    per[3][:10] = 1e6          # one parameter draw exploded on 10 of its paths
    per[11][:2] = 4.5e6
    values, bm = _batches(per)
    out = summarise_metric(values, bm, probability=False)
    assert out["unstable"] is True
    assert out["explosive_share"] == pytest.approx(12 / 2000)
    assert out["headline_stat"] == "median" and out["headline"] == out["quantiles"]["q50"]
    lo, hi = out["headline_interval"]
    assert lo <= out["headline"] <= hi
    # the mean is over the stable paths: close to 5, not ~3,000
    assert abs(out["mean"] - 5.0) < 4 * np.sqrt(5.0 / 1988)
    assert out["interval"][0] <= out["mean"] <= out["interval"][1]


def test_the_simulators_own_flag_decides_which_paths_exploded():
    """With the simulator's per-path flag, it alone (and non-finite values) marks exploded
    paths: a flagged path of ordinary size is left out of the mean, and a large path the
    simulator did not flag stays in, where the fence alone would have guessed otherwise."""
    rng = np.random.default_rng(5)
    values, bm = _batches([rng.poisson(5.0, 100).astype(float) for _ in range(20)])
    values[7] = 1e6                                  # beyond the fence, not flagged
    flag = np.zeros(values.size, bool)
    flag[:30] = True                                 # flagged, ordinary counts
    out = summarise_metric(values, bm, probability=False, explosive=flag)
    assert out["explosive_share"] == pytest.approx(30 / 2000)
    assert out["mean"] == pytest.approx(values[30:].mean(), rel=1e-6)
    guessed = summarise_metric(values, bm, probability=False)
    assert guessed["explosive_share"] == pytest.approx(1 / 2000)
    # a probability counts every path, flagged or not
    assert "unstable" not in summarise_metric((values > 5).astype(float), bm, True, explosive=flag)
    with pytest.raises(ValueError):
        summarise_metric(values, bm, probability=False, explosive=flag[:10])


def test_a_count_is_flagged_only_for_run_aways_inside_its_days():
    from types import SimpleNamespace as NS

    from redline.scenarios.runner import _exploded_by_metric
    spec = NS(metrics=[NS(id="a60", kind="count", stream="a", days=60),
                       NS(id="a_all", kind="count", stream="a", days=None),
                       NS(id="b_all", kind="count", stream="b", days=None),
                       NS(id="p", kind="p_any", stream="a", days=None)])
    first = np.array([[-1, -1], [10, -1], [75, 5], [59, -1]])
    out = _exploded_by_metric(spec, NS(streams=["a", "b"]), [first[:2], first[2:]], 90)
    assert out["a60"].tolist() == [False, True, False, True]
    assert out["a_all"].tolist() == [False, True, True, True]
    assert out["b_all"].tolist() == [False, False, True, False]
    assert "p" not in out


def test_a_stable_outcome_keeps_the_mean_as_headline():
    rng = np.random.default_rng(1)
    values, bm = _batches([rng.poisson(3.0, 50).astype(float) for _ in range(40)])
    out = summarise_metric(values, bm, probability=False)
    assert "unstable" not in out
    assert out["headline_stat"] == "mean" and out["headline"] == out["mean"]
    assert out["interval_level"] == 0.9


def test_skewed_batch_means_widen_the_interval_until_it_holds_the_mean():
    # 96 draws where the event is rare, 4 where it is certain: the mean (~0.05) lies
    # above the 95% quantile of the batch means (0.01)
    per = [np.zeros(100) for _ in range(96)] + [np.ones(100) for _ in range(4)]
    for b in per[:96]:
        b[0] = 1.0
    values, bm = _batches(per)
    out = summarise_metric(values, bm, probability=True)
    lo, hi = out["interval"]
    assert lo <= out["mean"] <= hi
    assert out["interval_level"] > 0.9


def test_monte_carlo_error_matches_the_standard_error_of_the_mean():
    # no parameter uncertainty: every batch is the same Poisson(4); SE of the mean of
    # 10,000 paths is sqrt(4 / 10,000) = 0.02; sd of 100 batch means estimates it within
    # about 7% (1 / sqrt(2 * 99)); 25% is > 3 standard errors
    rng = np.random.default_rng(2)
    values, bm = _batches([rng.poisson(4.0, 100).astype(float) for _ in range(100)])
    out = summarise_metric(values, bm, probability=False)
    assert out["mc_error"] == pytest.approx(0.02, rel=0.25)
    assert out["mc_share"] > 0.7   # (almost) all of the spread is Monte Carlo noise
    raw = np.quantile(bm, [0.05, 0.95])
    assert out["interval"][1] - out["interval"][0] < 0.6 * (raw[1] - raw[0])


def test_parameter_interval_recovers_the_spread_of_the_parameter_not_the_noise():
    # rates drawn lognormal(log 2, 0.15): their true 5-95% is 2 exp(-+1.645 * 0.15);
    # 50 paths per batch add Monte Carlo variance 2/50, ~40% of the parameter variance
    rng = np.random.default_rng(3)
    lam = 2.0 * np.exp(0.15 * rng.standard_normal(400))
    values, bm = _batches([rng.poisson(x, 50).astype(float) for x in lam])
    out = summarise_metric(values, bm, probability=False)
    true = 2.0 * np.exp(np.array([-1.645, 1.645]) * 0.15)
    raw = np.quantile(bm, [0.05, 0.95])
    got = np.array(out["interval"])
    assert np.all(np.abs(got - true) < 0.12)
    assert np.abs(got - true).sum() < np.abs(raw - true).sum()


def test_history_normalisation_is_floored_on_a_thin_history():
    v = np.array([1.0, 2.0, 3.0])
    one = mv.make_scale("history", "maximise", v, history=1.0)
    assert one.scale == mv.MIN_HISTORY_EVENTS
    assert mv.make_scale("history", "maximise", v, history=8.0).scale == 8.0


def test_identical_options_tie_instead_of_a_flip_to_nowhere():
    util = np.array([[0.3, 0.3], [0.1, 0.1]])
    flip = mv.smallest_flip(util, [0.5, 0.5], 0, 1)
    assert flip["tie"] is True and flip["shift"] == 0.0 and flip["to"] is None
    flip = mv.smallest_flip(np.array([[0.4, 0.3], [0.1, 0.2]]), [0.8, 0.2], 0, 1)
    assert "tie" not in flip and flip["shift"] > 0


def test_simulate_json_carries_diagnostics_top_level_and_per_option(builtin_store, capsys):
    import json

    from redline.cli.app import main
    from redline.diagnostics import CODES
    try:
        main(["--store", str(builtin_store.path), "simulate", "after-tower-22", "--paths", "200",
              "--seed", "4", "--json", "--no-backtest"])
    except SystemExit as e:
        assert e.code in (0, None)
    d = json.loads(capsys.readouterr().out)
    assert isinstance(d["diagnostics"], list) and d["diagnostics"]
    for x in d["diagnostics"]:
        assert x["code"] in CODES and set(x) == {"code", "severity", "message", "subject"}
    # the built-in scenario scales one objective by a history of 3 sanctions events, under the floor of 5
    assert any(x["code"] == "scenarios.thin_normalisation" for x in d["diagnostics"])
    assert any(x["code"] == "analysis.fatality_missing" for x in d["diagnostics"])
    assert d["fatality"]["unknown"] > 0
    lo, hi = (d["fatality"]["share_if_none_of_the_unknown_killed"],
              d["fatality"]["share_if_all_of_the_unknown_killed"])
    assert lo <= d["fatality"]["killed"] / d["fatality"]["known"] <= hi
    for r in d["ranking"]:
        assert r["low"] <= r["score"] <= r["high"] and r["mc_error"] > 0
        assert r["low"] <= r["low_parameters"] <= r["high_parameters"] <= r["high"]
    for o in d["options"]:
        assert isinstance(o["diagnostics"], list)
        for m in o["motives"].values():
            assert m["low"] <= m["score"] <= m["high"]
        for out in o["outcomes"].values():
            assert out["interval"][0] <= out["mean"] <= out["interval"][1]
            assert out["mc_error"] >= 0


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(1, 40), st.integers(1, 60), st.floats(0.0, 20.0), st.floats(0.0, 0.2),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_any_summary_keeps_its_headline_and_mean_inside_their_intervals(n_b, per, rate, boom,
                                                                        prob, seed):
    rng = np.random.default_rng(seed)
    lam = rate * rng.lognormal(0.0, 1.0, n_b)
    per_batch = []
    for b in range(n_b):
        if prob:
            x = (rng.random(per) < min(1.0, lam[b] / 21.0)).astype(float)
        else:
            x = rng.poisson(lam[b], per).astype(float)
            x[rng.random(per) < boom] = 10.0 ** rng.integers(4, 9)   # exploded paths
        per_batch.append(x)
    values, bm = _batches(per_batch)
    out = summarise_metric(values, bm, probability=prob)
    assert out["interval"][0] <= out["mean"] <= out["interval"][1]
    lo, hi = out["headline_interval"]
    assert lo <= out["headline"] <= hi
    assert np.isfinite([out["mean"], out["headline"], lo, hi]).all()
    if prob:
        assert 0.0 <= lo <= hi <= 1.0


def test_an_exploded_objective_of_the_deciding_actor_withholds_the_ranking():
    from types import SimpleNamespace as NS

    from redline.scenarios.result import scenario_guards
    metric = NS(id="attacks", label="Attacks in 30 days", kind="count", stream="a")
    ob = NS(id="fewer", label="Fewer attacks", metric="attacks", weight=0.7,
            norm=NS(kind="range"))
    spec = NS(metrics=[metric], actor="blue",
              motives=[NS(actor="blue", objectives=[ob]), NS(actor="red", objectives=[])])
    sm = NS(model=NS(diagnostics_=[]))
    stable = {"unstable": False, "quantiles": {"q50": 4.0}, "mean": 4.0}
    boom = {"unstable": True, "explosive_share": 0.01, "quantiles": {"q50": 5.0}, "mean": 5.2}
    runs = {"a": {"values": {"attacks": np.array([1.0, 2.0])}},
            "b": {"values": {"attacks": np.array([3.0, 2.0])}}}
    d, withheld, _ = scenario_guards(spec, sm, runs, [{"id": "a", "outcomes": {"attacks": stable}},
                                                      {"id": "b", "outcomes": {"attacks": boom}}])
    assert d.has("scenarios.explosive_paths", "b") and not d.has("scenarios.explosive_paths", "a")
    assert len(withheld) == 1 and "Attacks in 30 days" in withheld[0]
    # the same explosion in a metric no deciding objective uses withholds nothing
    ob.weight = 0.0
    _, withheld, _ = scenario_guards(spec, sm, runs, [{"id": "a", "outcomes": {"attacks": stable}},
                                                      {"id": "b", "outcomes": {"attacks": boom}}])
    assert withheld == []
