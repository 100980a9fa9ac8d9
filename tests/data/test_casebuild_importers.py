"""`case init` through a format's importer (``--format ucdp``), on rows real files have."""

from __future__ import annotations

import pandas as pd
from ucdphelpers import SYRIA_COLUMNS, ged_row, write_csv

from redline.data.casebuild import init_case


def test_rows_without_sources_read_as_empty_not_a_crash(tmp_path):
    """UCDP rows with an empty source_article (the Iraq GED 19.1 file has them) reach
    ``case init`` as NULL sources: it failed with a TypeError instead of writing the case."""
    src = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [
        ged_row(id="1.0"),
        ged_row(id="2.0", source_article="", date_start="2016-01-02", date_end="2016-01-02"),
        ged_row(id="3.0", side_a="Syrian insurgents", side_b="Civilians", type_of_violence="3.0",
                date_start="2016-01-05", date_end="2016-01-05"),
    ])
    init_case(src, tmp_path / "case", fmt="ucdp")
    ev = pd.read_csv(tmp_path / "case" / "events.csv", keep_default_na=False)
    assert len(ev) == 3
    by_id = dict(zip(ev["event_id"].astype(str).str.split(":").str[-1], ev["sources"]))
    assert by_id["2"] == ""
    assert "SOHR" in by_id["1"]


def test_a_gdelt_export_through_case_init_reads_back(tmp_path, real_samples):
    """case init --format gdelt wrote PLOVER modes ("visit") its own case loader refused;
    a case it writes must ingest as it stands."""
    from redline.data.store import DuckDBStore
    src = real_samples / "gdelt2-export" / "20150218230000.export.CSV"
    init_case(src, tmp_path / "g", fmt="gdelt")
    ev = pd.read_csv(tmp_path / "g" / "events.csv", keep_default_na=False)
    assert "visit" in set(ev["mode"])
    store = DuckDBStore(tmp_path / "s.duckdb")
    assert store.ingest(tmp_path / "g").rows_added == len(ev)
