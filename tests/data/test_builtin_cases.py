"""Every built-in case resolves all its names and can fit its model streams."""

from __future__ import annotations

import pandas as pd

from redline.data.case import builtin_cases, load_case
from redline.data.casecheck import check_case


def test_every_builtin_case_checks():
    for name in builtin_cases():
        r = check_case(name)
        assert r.events > 0, name  # context actors without events are allowed


def test_the_ucdp_case_resolves_every_name_and_fits_thick_streams():
    r = check_case("turkey-sdf-syria-2016")
    assert r.unresolved == {} and r.ok, r.diagnostics
    assert r.stream_totals["proxies_vs_sdf"] == 696 and r.stream_totals["is_vs_sdf"] == 2736


def test_the_ucdp_case_is_sourced_event_by_event():
    case = load_case("turkey-sdf-syria-2016")
    ev = pd.read_csv(case.events_path, dtype=str, keep_default_na=False)
    assert len(ev) >= 500
    days = pd.to_datetime(ev.date)
    assert (days.max() - days.min()).days >= 730
    assert ev.event_id.str.fullmatch(r"ucdp:\d+").all() and ev.event_id.is_unique
    assert (ev.summary.str.len() > 0).mean() > 0.99           # the UCDP headline
    assert (ev.sources.str.len() > 0).all()
    assert {"sponsors", "hosts"} <= {t.kind for t in case.ties}
    assert (case.folder / "CITATION.md").read_text().count("CC BY 4.0") == 1
    assert (case.folder / "EDITS.md").exists() and case.scenarios_dir is not None
