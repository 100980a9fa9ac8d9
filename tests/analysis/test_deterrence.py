"""Strike waves and rates around them: a planted drop after a wave is found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from redline.analysis.deterrence import deterrence, rate_ratio_ci, strike_waves
from redline.errors import AnalysisError, UnknownStreamError

EXTRA = """covariates:
  - {name: announced_pause, start: 2023-04-01, description: a pause is announced}"""


def _planted_drop(seed: int = 2) -> list[dict]:
    rng = np.random.default_rng(seed)
    ev = []
    for day in range(150):
        lam = 2.0 if day < 90 else 0.2
        ev += [{"day": day, "actor": "brigade", "target": "home"}] * int(rng.poisson(lam))
    ev += [{"day": d, "actor": "home", "target": "brigade", "mode": "aerial"} for d in (88, 89)]
    ev += [{"day": d, "actor": "home", "target": "patron", "mode": "aerial"} for d in (30, 32, 40)]
    return ev


def test_planted_drop_after_wave(make_case):
    store, case = make_case(_planted_drop(), 150, extra=EXTRA)
    res = deterrence(store, case, fit_model=False)
    waves = res.waves
    assert [w.strikes for w in waves.itertuples()] == [2, 1, 2]      # 30+32 | 40 | 88+89
    rates = res.rates
    assert len(rates) == 3 * 3
    big = rates[rates["start"] == pd.Timestamp("2023-03-30")]          # day 88
    assert list(big["window_days"]) == [7, 14, 28]
    for r in big.itertuples():
        assert r.rate_ratio < 0.4 and r.ci_high < 1 and r.verdict_unadjusted == "fewer after"
        # after Holm over the 9 comparisons (and a dispersion the level shift itself inflates)
        # the shorter windows may not carry the drop on their own; the longest does
        assert r.verdict == "fewer after" or (r.window_days < 28 and r.verdict == "inconclusive")
        assert r.days_before == r.window_days == r.days_after
        assert set(r.strike_ids) <= set(r.event_ids)
        assert len(r.event_ids) == r.strikes + r.attacks_before + r.attacks_after
    assert big.iloc[-1]["verdict"] == "fewer after"
    # the covariate that starts 2023-04-01 falls inside the windows and is named
    assert all(any("announced_pause" in c for c in cs) for cs in big["confounders"])
    assert any("announced_pause" in s for s in res.statements)
    assert any("association" in s for s in res.statements)


def test_a_reading_needs_the_interval_and_the_adjusted_p(make_case):
    """"fewer/more after" only when the negative binomial interval leaves out 1 and the
    Holm-adjusted p agrees; the interval-only reading is kept beside it."""
    store, case = make_case(_planted_drop(), 150, extra=EXTRA)
    rates = deterrence(store, case, fit_model=False).rates
    moved = rates["verdict"].isin(["fewer after", "more after"])
    assert moved.any()
    assert (rates.loc[moved, "p_holm"] < 0.05).all()
    below = rates["nb_high"] < 1
    assert (rates.loc[moved & (rates["verdict"] == "fewer after"), "nb_high"] < 1).all()
    # rows whose interval alone leaves out 1 but whose adjusted p does not agree
    chance = below & (rates["p_holm"] >= 0.05)
    assert (rates.loc[chance, "verdict"] == "inconclusive").all()
    assert (rates.loc[chance, "verdict_unadjusted"] == "fewer after").all()
    # the rows both readings agree on are untouched
    same = ~chance & ((rates["nb_low"] > 1) == False)  # noqa: E712
    assert (rates.loc[same & below, "verdict"] == "fewer after").all()


def test_model_view_lists_its_fits_and_unadjusted_covariates(make_case):
    # the sign of the effect is checked on planted couplings in test_model_view.py
    store, case = make_case(_planted_drop(), 150, extra=EXTRA)
    res = deterrence(store, case, windows=(14,), fit_model=True)
    fits = res.model["fits"]
    assert [f["label"] for f in fits] == ["without covariates"]     # the case's model has none
    assert res.model["covariates_not_adjusted"] == ["announced_pause"]


def test_wave_rule():
    ev = pd.DataFrame({"event_id": list("abcde"), "event_type": "ASSAULT", "mode": "aerial",
                       "killed": [1, None, 0, 2, None], "injured": None, "target": "x",
                       "date": pd.to_datetime(["2023-01-01", "2023-01-04", "2023-01-08",
                                               "2023-01-08", "2023-01-20"])})
    w = strike_waves(ev, gap_days=3)
    assert [x.strike_ids for x in w.itertuples()] == [["a", "b"], ["c", "d"], ["e"]]
    assert list(strike_waves(ev, gap_days=4)["strikes"]) == [4, 1]


def test_rate_ratio_exact_interval():
    rr, lo, hi, p = rate_ratio_ci(10, 10.0, 10, 10.0)
    assert rr == 1.0 and lo * hi == pytest.approx(1.0) and p == pytest.approx(1.0)
    rr, lo, hi, p = rate_ratio_ci(2, 14.0, 20, 14.0)
    assert rr == pytest.approx(0.1) and hi < 1 and p < 0.001
    rr, lo, hi, _ = rate_ratio_ci(0, 7.0, 5, 7.0)
    assert rr == 0.0 and lo == 0.0 and 0 < hi < 1.5
    assert np.isnan(rate_ratio_ci(0, 7.0, 0, 7.0)[0])
    assert np.isnan(rate_ratio_ci(3, 0.0, 3, 7.0)[0])
    # coverage: the exact interval holds the true ratio at least 95% of the time
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(400):
        a, b = rng.poisson(0.5 * 14), rng.poisson(1.0 * 14)
        _, lo, hi, _ = rate_ratio_ci(int(a), 14.0, int(b), 14.0)
        hits += lo <= 0.5 <= hi
    assert hits / 400 >= 0.94


def test_bad_input(make_case):
    store, case = make_case(_planted_drop(), 150)
    with pytest.raises(UnknownStreamError):
        deterrence(store, case, attack="nope", fit_model=False)
    with pytest.raises(AnalysisError):
        deterrence(store, case, windows=(0,), fit_model=False)
    with pytest.raises(AnalysisError):
        deterrence(store, case, windows=(7, 365), fit_model=False)
    with pytest.raises(AnalysisError):
        deterrence(store, case, windows=(), fit_model=False)


def test_the_windows_holm_counts_are_those_with_a_test(make_case):
    store, case = make_case(_planted_drop(), 150, extra=EXTRA)
    det = deterrence(store, case, fit_model=False)
    assert det.n_tested == int(det.rates["p_nb"].notna().sum()) > 0
    # Holm's adjusted p of the smallest raw p is n_tested times it (capped at 1)
    i = det.rates["p_nb"].idxmin()
    assert det.rates.at[i, "p_holm"] == pytest.approx(min(1.0, det.n_tested * det.rates.at[i, "p_nb"]))
