"""The runner end to end: the built-in scenario, reproducibility, the CLI."""

from __future__ import annotations

import json

import pytest

from redline.scenarios import load_scenario, run_scenario


@pytest.fixture(scope="module")
def case_store(builtin_store):
    return builtin_store


@pytest.fixture(scope="module")
def builtin_result(case_store):
    spec, case = load_scenario("after-tower-22")
    return run_scenario(spec, case, case_store, n_paths=300, seed=3)


def test_builtin_scenario_runs_and_has_the_documented_keys(builtin_result):
    d = builtin_result.to_dict()
    for key in ("options", "ranking", "sensitivity", "backtest", "assumptions", "fan", "motives"):
        assert key in d
    assert [o["id"] for o in d["options"]] == ["a", "b", "c", "d", "e"]
    for o in d["options"]:
        assert {"id", "label", "outcomes", "motives"} <= set(o)
        assert set(o["outcomes"]) == {"attacks_60", "attacks_90", "p_us_fatality", "p_pause_14",
                                      "us_strikes_90", "us_sanctions_90", "p_direct_exchange"}
        assert set(o["motives"]) == {"united_states", "islamic_resistance_in_iraq", "iran",
                                     "iraq_government"}
        for m in o["motives"].values():
            assert m["low"] <= m["score"] <= m["high"] or abs(m["high"] - m["low"]) < 1e-9
    assert sorted(r["option"] for r in d["ranking"]) == ["a", "b", "c", "d", "e"]
    assert abs(sum(d["sensitivity"]["p_first"].values()) - 1) < 1e-9
    bt = d["backtest"]
    assert {"observed", "quantile"} <= set(bt) and 0 <= bt["quantile"] <= 1
    assert bt["observed"] >= 0
    fan = d["fan"]["b"]["militia_attacks_on_us"]
    assert len(fan["dates"]) == 90 and set(fan["daily"]) == {"q05", "q25", "q50", "q75", "q95"}
    json.dumps(d)


def test_builtin_options_behave_as_specified(builtin_result):
    by = {o["id"]: o["outcomes"] for o in builtin_result.options}
    # (a) and (e) differ only in the sanctions round (its coupling is assumed 0).
    assert by["e"]["us_sanctions_90"]["mean"] > by["a"]["us_sanctions_90"]["mean"]
    assert by["e"]["attacks_90"] == by["a"]["attacks_90"]
    # the strike wave is in the strikes stream; strikes inside Iran add the assumed risk
    assert by["b"]["us_strikes_90"]["mean"] >= by["a"]["us_strikes_90"]["mean"] + 2
    assert by["d"]["p_direct_exchange"]["mean"] > 0.5
    assert all(x["id"] for x in builtin_result.assumptions)


def test_same_seed_same_result(case_store, tmp_path):
    from tests.scenarios.test_spec_motives import VALID
    p = tmp_path / "tiny.yaml"
    p.write_text(VALID, encoding="utf-8")
    spec, case = load_scenario(p)
    a = run_scenario(spec, case, case_store, n_paths=200, seed=5).to_dict()
    b = run_scenario(spec, case, case_store, n_paths=200, seed=5).to_dict()
    c = run_scenario(spec, case, case_store, n_paths=200, seed=6).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)


def _run(argv):
    from redline.cli.app import main
    try:
        main(argv)
    except SystemExit as e:  # typer exits 0 after a command in standalone mode
        assert e.code in (0, None)


def test_cli_simulate_json_and_options(case_store, capsys):
    argv = ["--store", str(case_store.path), "simulate", "after-tower-22", "--paths", "100",
            "--seed", "2", "--json", "--no-backtest"]
    _run(argv)
    first = capsys.readouterr().out
    d = json.loads(first)
    assert {"options", "ranking", "sensitivity", "backtest"} <= set(d)
    assert {"id", "label", "outcomes", "motives"} <= set(d["options"][0])
    _run(argv)
    assert capsys.readouterr().out == first
    _run(["--store", str(case_store.path), "options", "us-iran-proxies-2023", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert {r["option"] for r in rows if r["scenario"] == "after-tower-22"} == set("abcde")


def test_cli_bad_scenario_exits_with_a_message(tmp_path, capsys):
    from redline.cli.app import main
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\ntitle: x\ncase: us-iran-proxies-2023\nactor: united_states\n"
                 "decision_day: 2024-01-29\nhorizon_days: 0\nmetrics: []\noptions: []\n")
    with pytest.raises(SystemExit) as e:
        main(["simulate", str(p)])
    assert e.value.code == 1
    assert "bad.yaml" in capsys.readouterr().err


def test_probabilistic_baseline_change_holds_in_its_share_of_worlds(case_store, tmp_path):
    """A scale_baseline with a probability holds per path (where the path's uniform is
    below it): probability 1 reproduces the always-on run exactly, probability 0 the
    no-change run exactly, and at 0.3 the paths under the regime behave like the
    always-on run and the others like no change."""
    import numpy as np

    from redline.scenarios.runner import _make_batches, _Option, prepare, simulate_option
    from tests.scenarios.test_spec_motives import VALID

    def pause(option_id: str, probability: str) -> str:
        return (f"""  - id: {option_id}
    label: Pause {option_id}
    interventions:
      - {{type: scale_baseline, stream: militia_attacks_on_us, factor: 0.1, from_day: 2{probability}}}
""")
    text = VALID.replace("""  - id: b
    label: Strike
""", pause("half", ", probability: 0.3") + pause("one", ", probability: 1.0")
        + pause("zero", ", probability: 0.0") + pause("always", "") + """  - id: b
    label: Strike
""")
    p = tmp_path / "regime.yaml"
    p.write_text(text, encoding="utf-8")
    spec, case = load_scenario(p)
    sm = prepare(spec, case, case_store)
    batches = _make_batches(sm, 5000, seed=11)
    runs = {o: simulate_option(spec, sm, _Option(spec, sm, o, spec.decision_day, spec.horizon_days),
                               batches, keep_paths=False)["values"]["attacks"]
            for o in ("a", "half", "one", "zero", "always")}
    np.testing.assert_array_equal(runs["one"], runs["always"])
    np.testing.assert_array_equal(runs["zero"], runs["a"])
    on = np.concatenate([b["u"] for b in batches]) < 0.3
    # 5,000 uniforms: the share on is Binomial(5000, 0.3)/5000, sd 0.0065; 4.5 sd keeps a
    # false failure below 1e-5.  The same bound is used for the two mean comparisons.
    assert abs(on.mean() - 0.3) < 4.5 * 0.0065
    for mine, ref in ((runs["half"][on], runs["always"]), (runs["half"][~on], runs["a"])):
        se = np.sqrt(mine.var() / mine.size + ref.var() / ref.size)
        assert abs(mine.mean() - ref.mean()) < 4.5 * se
    assert runs["always"].mean() < 0.5 * runs["a"].mean()


def test_regime_probability_must_be_a_probability(tmp_path):
    from redline.errors import ScenarioError
    from tests.scenarios.test_spec_motives import VALID
    text = VALID.replace("      - {type: inject, stream: us_strikes_on_militias, day: 3, count: 2}",
                         "      - {type: scale_baseline, stream: militia_attacks_on_us, factor: 0.5,\n"
                         "         probability: 1.5}")
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = str(e.value)
    assert "probability" in msg and "line 23" in msg and "above 1" in msg


def test_progress_callback_sees_every_path_of_every_option(case_store):
    spec, case = load_scenario("after-tower-22")
    seen = {}
    run_scenario(spec, case, case_store, n_paths=150, seed=1, backtest=False, fan=False,
                 progress=lambda task, done, total: seen.__setitem__(task, (done, total)))
    assert seen == {f"option {o}": (150, 150) for o in "abcde"}


def _variant(tmp_path, options: str):
    from tests.scenarios.test_spec_motives import VALID
    text = VALID.replace("""  - id: b
    label: Strike
""", options + """  - id: b
    label: Strike
""")
    p = tmp_path / "variant.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_options_share_random_numbers_whatever_their_regimes(case_store, tmp_path):
    """An option that only adds a regime with no effect (factor 1) simulates exactly
    what the option without it does: every path keeps its own seed."""
    import numpy as np

    from redline.scenarios.runner import _make_batches, _Option, prepare, simulate_option
    p = _variant(tmp_path, """  - id: noop
    label: A regime that changes nothing
    interventions:
      - {type: scale_baseline, stream: militia_attacks_on_us, factor: 1.0, probability: 0.7}
""")
    spec, case = load_scenario(p)
    sm = prepare(spec, case, case_store)
    batches = _make_batches(sm, 400, seed=2)
    runs = {o: simulate_option(spec, sm, _Option(spec, sm, o, spec.decision_day, spec.horizon_days),
                               batches, keep_paths=False)["values"]["attacks"] for o in ("a", "noop")}
    np.testing.assert_array_equal(runs["a"], runs["noop"])


def test_a_change_over_before_the_simulated_days_does_nothing(case_store, tmp_path):
    """In a backtest the simulated days start later than the decision day: a change
    that ended before them must not wrap around to the end of the window."""
    import datetime as dt

    import numpy as np

    from redline.scenarios.runner import _make_batches, _Option, prepare, simulate_option
    p = _variant(tmp_path, """  - id: past
    label: Attacks stopped, but only on 30 January
    interventions:
      - {type: set_baseline, stream: militia_attacks_on_us, rate: 0, from_day: 2024-01-30, to_day: 2024-01-30}
""")
    spec, case = load_scenario(p)
    start = dt.date(2024, 2, 1)  # as _backtest does with fit_end
    sm = prepare(spec, case, case_store, decision_day=start, horizon=30)
    batches = _make_batches(sm, 200, seed=3)
    runs = {o: simulate_option(spec, sm, _Option(spec, sm, o, start, 30), batches,
                               keep_paths=False)["values"]["attacks"] for o in ("a", "past")}
    np.testing.assert_array_equal(runs["a"], runs["past"])


@pytest.mark.parametrize("options, words", [
    ("""  - id: rev
    label: Reversed window
    interventions:
      - {type: scale_baseline, stream: militia_attacks_on_us, factor: 0.5, from_day: 2024-02-20, to_day: 2024-02-02}
""", "to_day is before from_day"),
    ("""  - id: Opt-B
    label: A bad id
""", "lower_snake_case"),
])
def test_bad_option_windows_and_ids(tmp_path, options, words):
    from redline.errors import ScenarioError
    with pytest.raises(ScenarioError, match=words):
        load_scenario(_variant(tmp_path, options))
