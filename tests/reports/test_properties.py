"""Property tests: random small cases through fit -> simulate -> brief keep their promises.

For random invented cases (rates, a drop, events after the window) the scenario run and
the brief built on it must never put a headline outside its interval, never print
"nan", "None", empty brackets or an empty name, and never state a judgment without its
number.  Few examples and small runs keep this to about a minute.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reports.anycase import write_any_case
from tests.reports.test_any_case import _text

cases = st.fixed_dictionaries({
    "seed": st.integers(0, 10_000),
    "n_days": st.integers(70, 110),
    "rate_hi": st.floats(0.3, 2.0),
    "rate_lo": st.floats(0.0, 0.6),
    "drop_frac": st.floats(0.55, 0.8),
    "n_after": st.integers(0, 2),
})


def _scenario_brief(p: dict):
    from redline.data.store import DuckDBStore
    from redline.data.streams import streams
    from redline.reports.brief import BriefResults, build_brief
    from redline.scenarios import load_scenario, run_scenario
    root = Path(tempfile.mkdtemp(prefix="redline-prop-"))
    folder, scen = write_any_case(root / "case", seed=p["seed"], n_days=p["n_days"],
                                  drop_day=int(p["n_days"] * p["drop_frac"]),
                                  rate_hi=p["rate_hi"], rate_lo=p["rate_lo"], n_after=p["n_after"])
    store = DuckDBStore(root / "store.duckdb")
    store.ingest(folder)
    spec, case = load_scenario(scen)
    result = run_scenario(spec, case, store, n_paths=200, seed=p["seed"], backtest=False)
    data = streams(store, case)
    labels = {s.name: s.label or s.name for s in case.streams}
    res = BriefResults(case, store.events(), data.counts, data.event_ids, labels,
                       scenario=spec, scenario_result=result)
    res.collect(result)
    return result, build_brief(res)


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_random_cases_keep_numbers_inside_intervals_and_text_clean(p):
    result, brief = _scenario_brief(p)
    for o in result.options:
        for mid, d in o["outcomes"].items():
            assert np.isfinite(d["mean"]) and np.isfinite(d["headline"]), (o["id"], mid)
            assert d["interval"][0] <= d["mean"] <= d["interval"][1], (o["id"], mid, d)
            lo, hi = d["headline_interval"]
            assert lo <= d["headline"] <= hi, (o["id"], mid, d)
    text = _text(brief.html)
    for bad in (r"\bnan\b", r"\bNaN\b", r"\bNone\b", r"\(\s*\)", r"“\s*”", r"\bto None\b"):
        assert not re.search(bad, text), re.findall(r".{0,60}" + bad + r".{0,30}", text)[:3]
    for j in brief.judgments:
        assert j.quantities, f"{j.key} states no number"
        for name, v in j.fields.items():
            assert v is not None and str(v).strip(), (j.key, name)
        assert "nan" not in j.plain().lower().split()
