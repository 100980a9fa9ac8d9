"""The brief of a case with invented names: its text comes from that case and its numbers.

One brief is computed for a small synthetic case (``anycase.py``) whose scenario has two
identical options, an objective normalised by a one-event history, an assumed metric
and a softplus fit whose simulations explode on some paths; the guards must catch each,
and no word of the built-in case may appear.
"""

from __future__ import annotations

import html as H
import re

import pytest

from tests.reports.anycase import BUILTIN_WORDS, write_any_case


@pytest.fixture(scope="module")
def any_brief(tmp_path_factory):
    from redline.data.store import DuckDBStore
    from redline.reports.brief import build_brief, compute_results
    root = tmp_path_factory.mktemp("anycase")
    folder, scen = write_any_case(root / "case")
    store = DuckDBStore(root / "store.duckdb")
    store.ingest(folder)
    res = compute_results(store, str(folder), str(scen), n_paths=400, seed=1, backtest_paths=100)
    return build_brief(res)


def _text(html: str) -> str:
    body = html[html.index("<body"):] if "<body" in html else html
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return H.unescape(re.sub(r"<[^>]+>", " ", body))


def test_no_word_of_the_builtin_case_appears(any_brief):
    text = _text(any_brief.html)
    for word in BUILTIN_WORDS:
        hits = [m.group(0) for m in re.finditer(r"(?<![\w'])" + re.escape(word) + r"(?![\w'])", text)]
        ctx = re.findall(r".{0,60}" + re.escape(word) + r".{0,40}", text)[:3]
        assert not hits, (word, ctx)


def test_no_placeholder_text_in_the_brief(any_brief):
    text = _text(any_brief.html)
    for bad in (r"\bnan\b", r"\bNone\b", r"\(\s*\)", r"“\s*”", r"\bNaN\b", r"\binf\b"):
        assert not re.search(bad, text), re.findall(r".{0,60}" + bad + r".{0,30}", text)[:3]


def test_guards_fire_and_their_judgments_are_withheld(any_brief):
    res = any_brief.results
    r = res.scenario_result
    codes = set(res.diagnostics.codes())
    assert {"scenarios.identical_options", "scenarios.thin_normalisation",
            "scenarios.assumption_metric", "analysis.events_outside_window",
            "analysis.imprecise_dates"} <= codes
    # the raids stream has 4 events: the fit holds its couplings at zero and says so
    # (explosive paths and the withheld ranking are checked in tests/scenarios)
    assert res.diagnostics.has("fit.thin_stream", "northland_raids")
    sec = _text(any_brief.html[any_brief.html.index('<section id="cannot-tell"'):])
    if "scenarios.explosive_paths" in codes:
        assert r.ranking_withheld and "Which option ranks first" in sec and "withheld" in sec
        assert not any(j.key.startswith("scenario.ranking") for j in any_brief.judgments)
    assert "3 more events of the case after 28 Jun 2031" in sec
    # every outcome: headline inside its interval, mean inside its interval
    for o in r.options:
        for d in o["outcomes"].values():
            lo, hi = d["headline_interval"]
            assert lo <= d["headline"] <= hi
            assert d["interval"][0] <= d["mean"] <= d["interval"][1]
            if d.get("unstable"):
                assert d["headline"] == d["quantiles"]["q50"] and d["explosive_share"] > 0


def test_identical_options_are_worded_as_a_tie(any_brief):
    text = _text(any_brief.html)
    assert "The top two options score the same" in text or "ties with" in text
    assert "to None" not in text and "0.000 of" not in text


def test_the_phase_sentence_does_not_claim_the_end_of_the_data(any_brief):
    j = next(j for j in any_brief.judgments if j.key.startswith("phases."))
    s = j.plain()
    assert "end of the data" not in s and "end of the case window" in s
    assert "3 more events of this stream after the window" in s


def test_assumptions_keep_their_written_precision(any_brief):
    m = re.search(r"war_<wbr>base</code></td><td class=\"value\"><span class=\"nowrap\">([^<]+)<",
                  any_brief.html)
    assert m and m.group(1) == "0.005"


def test_deterrence_wording_follows_the_interval(any_brief):
    j = next(j for j in any_brief.judgments if j.key.startswith("deterrence."))
    q = j.fields["rr"]
    s = j.plain()
    if q.high < 1:
        assert "the drop cannot be credited" in s
    elif q.low > 1:
        assert "the rise cannot be credited" in s
    else:
        assert "no clear change" in s and "drop" not in s


def test_a_two_week_case_gets_a_brief_that_withholds_what_it_cannot_carry(tmp_path):
    """A 13-day window (an export of two weeks): the brief is written, says which analyses
    could not run and why, and states no coupling of a model fitted on 13 days."""
    from redline.data.store import DuckDBStore
    from redline.reports.brief import build_brief, compute_results
    folder, _ = write_any_case(tmp_path / "case", n_days=13, drop_day=8, n_after=0,
                               name="northland-short")
    store = DuckDBStore(tmp_path / "store.duckdb")
    store.ingest(folder)
    res = compute_results(store, str(folder), None, backtest_paths=50)
    brief = build_brief(res)
    codes = {d.code for d in res.diagnostics}
    assert {"backtest.not_run", "analysis.not_run"} <= codes
    assert res.backtest is None and res.phases is None
    assert not [j for j in brief.judgments if j.key.startswith("coupling.")]
    text = " ".join(_text(brief.html).split())
    assert "Who provokes or deters whom, by the fitted model : withheld, because the case " \
        "window holds 13 days" in text
    assert "no backtest: the case window holds 13 days" in text


def test_couplings_are_withheld_when_the_fit_cannot_carry_them():
    import types

    import pandas as pd

    from redline.reports.guards import MIN_MODEL_DAYS, _half_life_guard, _model_guard
    counts = pd.DataFrame({"a": range(200)})
    fit = types.SimpleNamespace(model=types.SimpleNamespace(converged_=False), counts=counts)
    assert "did not converge" in _model_guard(types.SimpleNamespace(fit=fit))
    fit.model.converged_ = True
    assert _model_guard(types.SimpleNamespace(fit=fit)) is None
    fit.counts = counts.iloc[:MIN_MODEL_DAYS - 1]
    assert f"{MIN_MODEL_DAYS - 1} days" in _model_guard(types.SimpleNamespace(fit=fit))
    j = types.SimpleNamespace(fields={"hl": types.SimpleNamespace(value=30.0)})
    assert "halve only every 30 days" in _half_life_guard(j, 60)
    assert _half_life_guard(j, 91) is None
