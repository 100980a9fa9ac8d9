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


def test_the_builtin_events_are_what_the_build_script_makes_of_the_shared_records():
    """Hand corrections (EDITS.md) live in scripts/build_case.py, so a rebuild keeps them."""
    import csv
    import importlib.util
    import io
    import os
    from pathlib import Path

    import pytest

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("build_case", root / "scripts" / "build_case.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    if not (build.SRC / "events.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the shared records are missing: {build.SRC}")
        pytest.skip(f"shared records not found at {build.SRC}")
    with open(build.SRC / "events.csv", encoding="utf-8", newline="") as fh:
        rows = [r for raw in csv.DictReader(fh) for r in build.corrected(build.convert(raw))]
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=build.OUT_COLUMNS)
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    shipped = load_case("us-iran-proxies-2023").events_path
    assert shipped is not None and out.getvalue().encode("utf-8") == shipped.read_bytes()
    ev = pd.read_csv(shipped, dtype=str, keep_default_na=False).set_index("event_id")
    assert ev.index.is_unique and len(ev) == 233
    assert ev.loc["USP-0233", "target"] == "Kata'ib Sayyid al-Shuhada"
    assert ev.loc[["USP-0055", "USP-0138"], "target"].eq("Kata'ib Hezbollah").all()
