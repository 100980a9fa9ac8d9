"""The runner end to end: the built-in scenario, reproducibility, the CLI."""

from __future__ import annotations

import json
import warnings

import pytest

from redline.scenarios import load_scenario, run_scenario


@pytest.fixture(scope="module")
def case_store(tmp_path_factory):
    from redline.data.store import DuckDBStore
    store = DuckDBStore(tmp_path_factory.mktemp("s") / "events.duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store.ingest("us-iran-proxies-2023")
    return store


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
