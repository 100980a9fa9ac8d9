"""The brief's sentences say what their numbers mean: branching ratio, phases, p-values,
option references, names, and a ranking that is only as firm as its P(first)."""

from __future__ import annotations

import copy
import dataclasses
import html as htmllib
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from redline.reports.implications import FRAGILE_P_FIRST, option_ref, scenario_judgments
from redline.reports.judgments import (count_word, covariate_label, fmt_num, noun, phase_judgment,
                                       proper_nouns)
from redline.reports.sections import branching_sentence


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment, without styles, scripts, charts or code."""
    fragment = re.sub(r"<(style|script|svg|code)\b.*?</\1>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _judgment(brief, prefix: str):
    return next(j for j in brief.judgments if j.key.startswith(prefix))


# ------------------------------------------------------------ 1. branching ratio

@pytest.mark.parametrize("link", ["identity", "softplus"])
@pytest.mark.parametrize("value", [0.3, 0.95, 0.9996, 1.0, 1.7, 3.8])
def test_branching_sentence_agrees_with_the_side_of_one(link, value):
    s = branching_sentence(value, link)
    above = value >= 1
    assert ("above 1" in s) == above and ("below 1" in s) == (not above), s
    if link == "softplus":
        assert "rough guide" in s and "spectral radius of the positive couplings" in s
        assert "each burst dies out" not in s          # softplus never promises that
    elif above:
        assert "explosive" in s and "dies out on" not in s.replace("do not die out on", "")
    else:
        assert "each burst dies out" in s and "explosive" not in s
    shown = re.search(r"Branching ratio ([0-9]+(?:\.[0-9]+)?)", s).group(1)
    assert (float(shown) >= 1) == above, s        # the printed number is on the same side


def test_the_brief_states_the_fitted_ratio_with_its_link(brief):
    m, link = brief.results.fit.model, brief.results.fit.settings.get("link")
    part = re.search(r'<span class="branching">(.*?)</span>', brief.html, re.S).group(1)
    assert part == htmllib.escape(branching_sentence(float(m.branching_ratio_), link) + ".", quote=True) \
        or htmllib.unescape(part) == branching_sentence(float(m.branching_ratio_), link) + "."
    side = "above 1" if m.branching_ratio_ >= 1 else "below 1"
    assert side in part
    assert "(below 1: each burst dies out)" not in brief.html


# --------------------------------------------------------------------- 2. phases

def _phases(rates: list[float]):
    days = pd.date_range("2024-01-01", periods=10 * len(rates), freq="D")
    rows = [{"start": days[10 * i], "end": days[10 * i + 9], "rate_per_day": r, "rate_low": r / 2,
             "rate_high": r * 2 + 0.1, "event_ids": [f"e{i}"]} for i, r in enumerate(rates)]
    return SimpleNamespace(stream="attacks", segments=pd.DataFrame(rows))


def _check_phase_count(text: str) -> None:
    n = int(re.search(r"came in (\d+) phases", text).group(1))
    listed = text.count(" a day from ")
    assert listed, text
    assert n == listed or f"{count_word(listed)} of them" in text, text


@pytest.mark.parametrize("rates", [[2.0, 0.5], [0.0, 1.3, 0.3, 0.0], [0.1, 0.4, 2.0, 1.0, 0.2, 0.05]])
def test_phase_judgment_lists_as_many_phases_as_it_counts(rates):
    j = phase_judgment(_phases(rates), {}, "Attacks")
    assert j.fields["n"].value == len(rates)
    _check_phase_count(j.plain())


def test_the_brief_phase_judgment_counts_what_it_lists(brief):
    j = _judgment(brief, "phases.")
    assert j.fields["n"].value == len(brief.results.phases.segments)
    _check_phase_count(j.plain())


# ------------------------------------------------------------------- 5. p-values

@pytest.mark.parametrize("p, text", [(0.0, "p < 0.001"), (0.0004, "p < 0.001"), (0.0012, "p = 0.001"),
                                      (0.0123, "p = 0.012"), (0.02, "p = 0.020"), (0.4567, "p = 0.46"),
                                      (1.0, "p = 1.0")])
def test_p_values_have_two_significant_digits_and_a_floor(p, text):
    assert fmt_num(p, "p") == text


def test_no_p_value_in_the_brief_prints_as_zero(brief, plain_brief):
    for b in (brief, plain_brief):
        text = _text(b.html)
        assert not re.search(r"\bp\s*=\s*0\.0*(?![0-9]*[1-9])", text), \
            re.findall(r".{40}\bp\s*=\s*0\.0*\b.{10}", text)
        stated = re.findall(r"\bp ([=<]) ([0-9.]+)", text)
        assert stated, "the brief states no p-value at all"
        for rel, v in stated:
            assert float(v) > 0, (rel, v)
            if rel == "<":
                assert v == "0.001"


# ------------------------------------------------------------------- 6. ranking

def _with_p_first(results, p_params: dict[str, float], p_weights: dict[str, float]):
    r = copy.deepcopy(results.scenario_result)
    for row in r.ranking:
        row["p_first_parameters"] = p_params[row["option"]]
    r.sensitivity["p_first"] = dict(p_weights)
    return dataclasses.replace(results, scenario_result=r)


def _ranking_judgment(res):
    return next(j for j in scenario_judgments(res) if j.key.startswith("scenario.ranking."))


def _shares(j) -> dict[str, float]:
    return {q.key: q.value for q in j.quantities if q.kind == "share"}


def test_the_brief_hedges_a_ranking_its_own_uncertainty_does_not_support(brief):
    res = brief.results
    r = res.scenario_result
    top = r.ranking[0]
    pp, pw = top["p_first_parameters"], r.sensitivity["p_first"][top["option"]]
    j = _judgment(brief, "scenario.ranking.")
    text = j.plain()
    shares = _shares(j)
    assert shares[f"scenario.ranking.{top['option']}.p_first_parameters"] == pp
    assert shares[f"scenario.ranking.{top['option']}.p_first_weights"] == pw
    if min(pp, pw) < FRAGILE_P_FIRST:
        assert "close" in text and "ranks first" not in text, text
        assert fmt_num(min(pp, pw), "share") in text
        # and it names the options that come first more often, with their chances
        lead_p = max(r.ranking, key=lambda x: x["p_first_parameters"])
        if lead_p["option"] != top["option"]:
            assert shares[f"scenario.ranking.{lead_p['option']}.p_first_parameters"] == \
                lead_p["p_first_parameters"]
            assert f"option {lead_p['option']}" in text
        w = r.sensitivity["p_first"]
        lead_w = max(w, key=w.get)
        if lead_w != top["option"]:
            assert shares[f"scenario.ranking.{lead_w}.p_first_weights"] == w[lead_w]
            assert f"option {lead_w}" in text
    else:
        assert "ranks first" in text


def test_ranking_judgment_hedges_if_and_only_if_p_first_is_low(results):
    ids = [x["option"] for x in results.scenario_result.ranking]
    top, rest = ids[0], ids[1:]
    firm = {o: (0.8 if o == top else 0.2 / len(rest)) for o in ids}
    j = _ranking_judgment(_with_p_first(results, firm, firm))
    assert "ranks first" in j.plain() and "close" not in j.plain()
    for p_params, p_weights in ((dict(firm, **{top: 0.3, rest[0]: 0.7}), firm),
                                (firm, dict(firm, **{top: 0.45, rest[1]: 0.55}))):
        j = _ranking_judgment(_with_p_first(results, p_params, p_weights))
        text = j.plain()
        assert "close" in text and "ranks first" not in text, text
        low = min(p_params[top], p_weights[top])
        assert fmt_num(low, "share") in text


# ------------------------------------------------ 3 and 4. options and names

def test_option_references_keep_id_and_label_apart(brief):
    block = _text(brief.html[brief.html.index('<section id="key-judgments"'):
                             brief.html.index('<section id="what-happened"')])
    assert not re.search(r"\([a-z]\) \([a-z]\)", block), "an option id runs into its label"
    assert option_ref({"id": "c", "label": "(b) plus X"}) == "option c (“(b) plus X”)"
    top = brief.results.scenario_result.ranking[0]["option"]
    assert f"option {top} (“" in block


def test_prose_keeps_proper_nouns_and_shows_no_internal_ids(brief):
    res = brief.results
    text = _text(brief.html[brief.html.index("<main>"):brief.html.index('<section id="sources"')])
    for lowered in ("us strikes", "us forces", "iran-backed", "irgc", " iran "):
        assert lowered not in text, re.findall(r".{40}" + re.escape(lowered) + r".{20}", text)[:3]
    for c in res.case.covariates:
        assert c.name not in text
        if "_" in c.name and covariate_label(c, res.proper) != c.name.replace("_", " "):
            assert c.name.replace("_", " ") not in text, c.name
    for mv in res.scenario.motives:
        for ob in mv.objectives:
            assert f"“{ob.id.replace('_', ' ')}”" not in text


def test_hover_text_says_how_in_words_and_the_code_stays_in_data_basis(brief):
    """Hover text is read: it names no function, attribute path or snake_case id, while the
    number's trace to code is kept in ``data-basis``."""
    titles = [htmllib.unescape(t) for t in re.findall(r' title="([^"]*)"', brief.html)]
    assert len(titles) > 20
    for t in titles:
        assert not re.search(r"\w\(\)|\w+\.\w+\[|ScenarioResult|\b[a-z]+_[a-z_]+\b", t), t
    bases = re.findall(r' data-basis="([^"]*)"', brief.html)
    assert any("ScenarioResult" in b for b in bases) and any("()" in b for b in bases)


def test_method_words_drop_code_and_say_nothing_rather_than_leak_it():
    from redline.reports.plainwords import method_words
    assert method_words("coupling_table(fit_case()): adjacency, 95% Wald interval") == \
        "effect of one event, 95% interval"
    assert method_words("ScenarioResult.options[a].outcomes.p_pause_14") == ""
    assert method_words("redline.scenarios.motives.MIN_HISTORY_EVENTS") == ""
    assert method_words("run_scenario() backtest: fitted to fit_end") == ""
    assert method_words("store attacks / published counts") == "store attacks / published counts"
    assert method_words("U.S. strikes from acleddata.com, i.e. ACLED") == \
        "U.S. strikes from acleddata.com, i.e. ACLED"
    assert method_words("ScenarioResult.ranking[0]") == ""


def test_noun_lowercases_only_common_words(results):
    proper = proper_nouns(results.case)
    assert noun("Attacks on US forces", proper) == "attacks on US forces"
    assert noun("US strikes", proper) == "US strikes"
    assert noun("Iran's proxies step up", proper) == "Iran's proxies step up"
    assert noun("Iranian condemnations", proper) == "Iranian condemnations"
    kh = next(c for c in results.case.covariates if c.name == "kh_suspension")
    assert covariate_label(kh, proper) == "KH suspension"


# ---------------------------------------------------- sign and size of the numbers

def _det(rr, lo, hi, p_holm=0.01):
    import types

    import pandas as pd
    waves = pd.DataFrame([{"wave": 1, "start": pd.Timestamp("2030-05-01"), "end": pd.Timestamp("2030-05-02"),
                           "strikes": 2, "intensity": 20.0, "strike_ids": ["x:S1", "x:S2"]}])
    rates = pd.DataFrame([{"wave": 1, "start": pd.Timestamp("2030-05-01"), "window_days": 14,
                           "days_before": 14, "days_after": 14, "attacks_before": 17,
                           "attacks_after": 16, "rate_ratio": rr, "ci_low": lo, "ci_high": hi,
                           "nb_low": lo, "nb_high": hi, "p_nb": p_holm / 2, "p_holm": p_holm,
                           "confounders": [], "strike_ids": ["x:S1"], "attack_ids_after": [],
                           "attack_ids_before": []}])
    case = types.SimpleNamespace(key_events=[], covariates=[], actors=[], ties=[], streams=[],
                                 sites=[], title="", description="")
    det = types.SimpleNamespace(waves=waves, rates=rates, attack="raids_on_x", strike="x_raids",
                                n_tested=1)
    return det, case


@pytest.mark.parametrize("rr, lo, hi, p_holm, word", [
    (0.94, 0.45, 1.9, 0.8, "no clear change"), (0.3, 0.1, 0.7, 0.01, "the drop cannot"),
    (2.5, 1.3, 4.0, 0.01, "the rise cannot"), (0.3, 0.1, 0.7, 0.3, "no clear change")])
def test_deterrence_sentence_follows_its_interval(rr, lo, hi, p_holm, word):
    """A change is said only when the interval leaves out 1 and the p adjusted for every
    window compared agrees; an interval alone can leave out 1 by chance."""
    from redline.reports.judgments import deterrence_judgment
    det, case = _det(rr, lo, hi, p_holm)
    j = deterrence_judgment(det, case, {}, {"raids_on_x": "Raids on X", "x_raids": "X raids"},
                            proper=frozenset({"X"}))
    s = j.plain()
    assert word in s
    if word == "no clear change" and hi >= 1:
        assert "drop" not in s and "rise" not in s
    if word == "no clear change" and hi < 1:
        assert "by chance" in s and "cannot be credited" not in s
    assert "US " not in s and "strike wave" not in s


@pytest.mark.parametrize("v, text", [(0.005, "0.005"), (0.1, "0.1"), (3.0, "3"), (1500, "1,500"),
                                     (0.25, "0.25"), (-0.3, "−0.3")])
def test_assumption_values_keep_their_written_precision(v, text):
    from redline.reports.sections import fmt_value
    assert fmt_value(v) == text


@pytest.mark.parametrize("v, text", [(0.005, "0.5%"), (0.0004, "0.04%"), (0.0, "0%"), (0.42, "42%")])
def test_small_shares_are_not_rounded_to_zero(v, text):
    from redline.reports.judgments import fmt_num
    assert fmt_num(v, "share") == text


def test_a_mass_noun_stream_is_counted_as_events():
    from redline.reports.judgments import countable
    assert countable("fighting between IS and the SDF") == "events of fighting between IS and the SDF"
    assert countable("shelling of border towns") == "events of shelling of border towns"
    assert countable("attacks on US forces") == "attacks on US forces"
    assert countable("US strikes on Iran-backed groups") == "US strikes on Iran-backed groups"
    assert countable("kings of the north") == "kings of the north"   # not a verbal noun


def test_stream_rates_give_a_shared_decay_to_every_stream():
    from types import SimpleNamespace as NS

    import numpy as np

    from redline.reports.units import stream_rates
    m = NS(stream_names_=["a", "b"], baseline_=np.array([0.5, 0.1]), decay_=np.float64(0.3),
           link="identity")
    base, decay, link = stream_rates(m)
    assert base == {"a": 0.5, "b": 0.1} and decay == {"a": 0.3, "b": 0.3} and link == "identity"
    m.decay_ = np.array([0.2, 0.4])
    assert stream_rates(m)[1] == {"a": 0.2, "b": 0.4}


def test_an_effect_without_an_estimate_converts_to_nan_not_an_error():
    import math

    from redline.reports.units import extra_events, first_day_change_pct
    assert math.isnan(extra_events(None, 0.5, 0.3))          # a JSON null from the web twin
    assert math.isnan(first_day_change_pct(None, 0.5, 0.3))
    assert math.isnan(extra_events(0.2, None, 0.3))
    assert extra_events(0.2, 0.5, 0.3, link="identity") == 0.2


@pytest.mark.parametrize("ratio, word", [(0.6, "better than the"), (3.0, "were worse than"),
                                         (None, "spans zero")])
def test_the_skill_sentence_follows_its_interval(ratio, word):
    """A skill of −1342% read "scored −1342% better than the Poisson baseline"."""
    import types

    import numpy as np
    import pandas as pd

    from redline.reports.judgments import skill_judgment
    rng = np.random.default_rng(0)
    ref = rng.uniform(1.0, 2.0, 12)
    model = ref * ratio if ratio is not None else ref * rng.choice([0.5, 1.5], 12)
    scores = pd.DataFrame([{"origin": o, "model": m, "metric": "crps", "value": v}
                           for o in range(12) for m, v in (("daily-hawkes", model[o]),
                                                           ("poisson", ref[o]))])
    skill = 1 - model.mean() / ref.mean()
    summary = pd.DataFrame([{"model": "daily-hawkes", "metric": "crps", "skill": skill},
                            {"model": "poisson", "metric": "crps", "skill": 0.0}])
    bt = types.SimpleNamespace(scores=scores, summary=summary, reference="poisson")
    s = skill_judgment(bt, 14).plain()
    assert word in s, s
    if word != "better than the":
        assert "better than the" not in s
