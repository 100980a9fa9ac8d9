"""Each guard of the key judgments, on small synthetic results."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd

from redline.analysis.escalation import flag_coverage_edges, segment_counts
from redline.reports.guards import MIN_WINDOW_ATTACKS, _phase_guard, guarded_judgments


def _series(y, start="2030-01-01"):
    return pd.Series(np.asarray(y, float), index=pd.date_range(start, periods=len(y)))


def test_phases_are_withheld_when_no_change_survives_the_selection_test():
    # one flat Poisson series with a spurious split at a low penalty: the scan test of that
    # split looks convincing, the test that reruns the search does not
    rng = np.random.default_rng(3)
    y = rng.poisson(1.0, 120)
    ph = segment_counts(_series(y), penalty=2.0, n_sim=199)
    assert len(ph.change_points) >= 1
    why = _phase_guard(ph)
    assert why is not None and "survives" in why


def test_phases_pass_when_a_real_change_survives():
    rng = np.random.default_rng(4)
    ph = segment_counts(_series(np.r_[rng.poisson(2.0, 60), rng.poisson(0.2, 60)]), n_sim=199)
    assert _phase_guard(ph) is None


def test_phases_bounded_by_a_coverage_edge_are_withheld():
    rng = np.random.default_rng(4)
    ph = segment_counts(_series(np.r_[rng.poisson(2.0, 60), np.zeros(60)]), n_sim=199)
    cov = types.SimpleNamespace(edges=lambda: [pd.Timestamp("2030-03-01").date()])
    flag_coverage_edges(ph, cov, edge_days=14)
    assert ph.change_points["coverage_edge"].all()
    assert "coverage" in _phase_guard(ph)


def _res_with_deterrence(before, after):
    rates = pd.DataFrame([{"wave": 1, "start": pd.Timestamp("2030-05-01"), "window_days": 14,
                           "days_before": 14, "days_after": 14, "attacks_before": before,
                           "attacks_after": after, "rate_ratio": (after + 1e-9) / max(before, 1),
                           "ci_low": 0.01, "ci_high": 9.0, "nb_low": 0.01, "nb_high": 9.0,
                           "p_nb": 0.5, "p_holm": 1.0, "confounders": [], "strike_ids": ["S1"],
                           "attack_ids_after": [], "attack_ids_before": []}])
    waves = pd.DataFrame([{"wave": 1, "start": pd.Timestamp("2030-05-01"), "end": pd.Timestamp("2030-05-01"),
                           "strikes": 1, "intensity": 10.0, "strike_ids": ["S1"]}])
    det = types.SimpleNamespace(waves=waves, rates=rates, attack="att", strike="str", n_tested=1)
    case = types.SimpleNamespace(key_events=[], covariates=[], actors=[], ties=[], streams=[],
                                 sites=[], title="", description="")
    return types.SimpleNamespace(labels={"att": "Raids", "str": "Reprisals"}, sources_by_id={},
                                 scenario_result=None, deterrence=det, case=case, proper=frozenset(),
                                 phases=None, coupling=None, reciprocity=[], backtest=None,
                                 coverage={}, noun=lambda s: s)


def test_a_deterrence_judgment_on_too_few_attacks_is_withheld():
    cands, held = guarded_judgments(_res_with_deterrence(1, 2))
    assert not cands and held and "only 3 attacks" in held[0]["why"]
    cands, held = guarded_judgments(_res_with_deterrence(MIN_WINDOW_ATTACKS, 2))
    assert len(cands) == 1 and not held


def test_a_coupling_the_fit_warned_about_is_withheld():
    from redline.diagnostics import Diagnostics
    ct = pd.DataFrame([{"source": "a", "target": "b", "effect": -31.5, "low": -40.0, "high": -20.0,
                        "half_life_days": 2.0, "verdict": "inhibits"},
                       {"source": "b", "target": "a", "effect": 0.4, "low": 0.1, "high": 0.7,
                        "half_life_days": 3.0, "verdict": "excites"}])
    d = Diagnostics()
    d.add("fit.unidentified", "the likelihood is flat along adjacency a->b.",
          subject=("parameter", "adjacency:a->b"))
    res = types.SimpleNamespace(labels={"a": "A events", "b": "B events"}, sources_by_id={},
                                scenario_result=None, deterrence=None, phases=None, coupling=ct,
                                stream_ids={}, proper=frozenset(), reciprocity=[], backtest=None,
                                coverage={}, diagnostics=d, noun=lambda s: s)
    cands, held = guarded_judgments(res)
    assert [j.key for j in cands] == ["coupling.b.a"]
    assert held and "flat along adjacency a->b" in held[0]["why"]


def test_forecast_skill_on_too_few_origins_is_withheld():
    """A backtest that scored no origin stated "scored n/a (95% interval n/a to n/a)"."""
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import MIN_BACKTEST_ORIGINS
    bt = types.SimpleNamespace(scores=pd.DataFrame({"origin": pd.to_datetime(
        ["2030-01-01", "2030-01-08"]), "model": "daily-hawkes", "value": 1.0}),
        summary=pd.DataFrame(), reference="poisson")
    res = types.SimpleNamespace(labels={}, sources_by_id={}, scenario_result=None, deterrence=None,
                                phases=None, coupling=None, stream_ids={}, proper=frozenset(),
                                reciprocity=[], backtest=bt, backtest_settings={"horizon": 14},
                                coverage={}, diagnostics=Diagnostics(), noun=lambda s: s)
    cands, held = guarded_judgments(res)
    assert not cands
    assert held == [{"what": "How well the model forecasts",
                     "why": f"only 2 forecast origins could be scored (a skill and its interval "
                            f"need at least {MIN_BACKTEST_ORIGINS})"}]


def test_diagnostics_in_the_brief_name_streams_and_actors_as_the_case_writes_them():
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import cannot_tell_section
    d = Diagnostics()
    d.add("analysis.fatality_missing", "4 of the 9 attacks of raids_on_x lack a casualty field; "
          "home_state: see raids_on_x_extra.")
    res = types.SimpleNamespace(
        diagnostics=d, labels={"raids_on_x": "Raids on X", "raids_on_x_extra": "More raids"},
        case=types.SimpleNamespace(actors=[types.SimpleNamespace(id="home_state", name="Home State")]),
        window=None, precision=None)
    (msg,) = [x["message"] for x in cannot_tell_section(res, [])["diagnostics"]]
    assert msg == ("4 of the 9 attacks of “Raids on X” lack a casualty field; Home State: see "
                   "“More raids”.")


def test_a_one_word_id_that_is_an_english_word_is_replaced_only_where_quoted():
    """An actor with the id "is" (Islamic State): "its standard error is missing" keeps its
    verb, while the quoted id and ids with underscores, also in withheld reasons, are named."""
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import cannot_tell_section
    d = Diagnostics()
    d.add("fit.at_bound", "the adjacency gov_vs_is->raids sits at a bound: its standard error "
          "is missing for 'is' and us, is it; ab->is; for 'is and")
    res = types.SimpleNamespace(
        diagnostics=d, labels={"gov_vs_is": "Fighting, government and IS", "raids": "Raids"},
        case=types.SimpleNamespace(actors=[types.SimpleNamespace(id="is", name="IS"),
                                           types.SimpleNamespace(id="us", name="United States")]),
        window=None, precision=None)
    out = cannot_tell_section(res, [{"what": "x", "why": "the adjacency gov_vs_is->raids is flat"}])
    (msg,) = [x["message"] for x in out["diagnostics"]]
    assert msg == ("the adjacency “Fighting, government and IS”->“Raids” sits at a bound: its "
                   "standard error is missing for IS and us, is it; ab->IS; for 'is and")
    assert out["withheld"][0]["why"] == "the adjacency “Fighting, government and IS”->“Raids” is flat"


def _det_with_wave(start: str, end: str):
    waves = pd.DataFrame([{"wave": 1, "start": pd.Timestamp(start), "end": pd.Timestamp(end),
                           "strikes": 40, "intensity": 40.0, "strike_ids": ["x:1"]}])
    rates = pd.DataFrame([{"wave": 1, "window_days": w} for w in (7, 14, 28)])
    return types.SimpleNamespace(waves=waves, rates=rates)


def test_a_wave_longer_than_its_windows_is_no_before_and_after():
    from redline.reports.guards import _wave_span_guard
    case = types.SimpleNamespace(key_events=[])
    why = _wave_span_guard(_det_with_wave("2030-01-01", "2030-06-30"), case)
    assert why is not None and "181 days" in why and "28-day" in why
    # a wave of a few days, as strike waves are, passes
    assert _wave_span_guard(_det_with_wave("2030-01-01", "2030-01-03"), case) is None
    # the boundary: a wave exactly as long as the longest window still passes
    assert _wave_span_guard(_det_with_wave("2030-01-01", "2030-01-28"), case) is None


def test_repeated_findings_of_refits_are_shown_once_with_their_count():
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import cannot_tell_section
    ds = Diagnostics()
    for n in (15, 10, 11):   # the main fit and two backtest refits: other counts, one finding
        ds.add("fit.covariate_separates", f"'truce' separates 'raids': none of its {n} events",
               subject=("parameter", "coef:truce->raids"))
    ds.add("fit.at_bound", "the decay of 'raids' sits at a bound", subject=("parameter", "decay:raids"))
    case = types.SimpleNamespace(actors=[], covariates=[])
    res = types.SimpleNamespace(diagnostics=ds, case=case, labels={"raids": "Border raids"})
    rows = cannot_tell_section(res, [])["diagnostics"]
    assert [r["code"] for r in rows] == ["fit.covariate_separates", "fit.at_bound"]
    assert "15 events" in rows[0]["message"] and "2 more fits" in rows[0]["message"]
    # ids become the case's names, without doubled quotes
    assert "“Border raids”" in rows[0]["message"] and "'“" not in rows[0]["message"]
    assert rows[1]["repeats"] == 0 and "more fit" not in rows[1]["message"]


def test_coarse_dates_are_stated_with_their_share():
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import cannot_tell_section
    prec = pd.DataFrame([{"stream": "raids", "events": 40, "coarse": 10, "share": 0.25},
                         {"stream": "talks", "events": 8, "coarse": 0, "share": 0.0}])
    res = types.SimpleNamespace(diagnostics=Diagnostics(), labels={"raids": "Border raids"},
                                case=types.SimpleNamespace(actors=[], covariates=[]),
                                window=None, precision=prec)
    assert cannot_tell_section(res, [])["coarse"] == ["10 of the 40 events of “Border raids” (25%)"]


def _phases(rates, edges):
    cps = pd.DataFrame({"date": pd.date_range("2030-01-10", periods=len(rates) - 1, freq="10D"),
                        "p_selection": 0.01, "coverage_edge": edges})
    return types.SimpleNamespace(change_points=cps,
                                 segments=pd.DataFrame({"rate_per_day": rates}))


def test_only_an_edge_that_bounds_the_peak_or_the_last_phase_withholds_the_phases():
    rates = [0.5, 3.0, 1.0, 0.8, 0.6]            # peak: phase 1; change k starts phase k + 1
    assert "coverage" in _phase_guard(_phases(rates, [True, False, False, False]))   # starts the peak
    assert "coverage" in _phase_guard(_phases(rates, [False, True, False, False]))   # ends it
    assert _phase_guard(_phases(rates, [False, False, True, False])) is None          # between
    assert "coverage" in _phase_guard(_phases(rates, [False, False, False, True]))   # the last


def test_a_one_word_actor_id_after_an_arrow_is_named():
    from redline.diagnostics import Diagnostics
    from redline.reports.guards import cannot_tell_section
    d = Diagnostics()
    d.add("fit.at_bound", "ab->is")          # "is" right after the arrow, at index 4
    res = types.SimpleNamespace(diagnostics=d, labels={},
                                case=types.SimpleNamespace(actors=[types.SimpleNamespace(id="is", name="IS")]),
                                window=None, precision=None)
    assert [x["message"] for x in cannot_tell_section(res, [])["diagnostics"]] == ["ab->IS"]
