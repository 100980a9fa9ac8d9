"""ACLED field mappings checked row by row on real exports (kept outside the repo).

Every imported row is compared with the same row of the CSV read here by the
standard library: the date precision code (1 day, 2 week, 3 month), fatalities
and the place (``location``, not ``admin1``).  The samples hold rows where
these differ (weeks and months, non-zero fatalities, a location unlike its
province), so a swapped code, a dropped count or the wrong column is seen.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

PRECISION = {"1": "day", "2": "week", "3": "month"}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["event_id_cnty"]: r for r in csv.DictReader(fh) if r.get("event_id_cnty")}


@pytest.mark.parametrize("sample", ["acled-RPanlilio", "acled-AschHarwood"])
def test_acled_rows_keep_precision_fatalities_and_place(store, real_samples, sample):
    path = real_samples / sample / "acled.csv"
    raw = _rows(path)
    store.ingest(path, "acled")
    df = store.events().set_index("event_id")
    got = df.loc[[f"acled:{k}" for k in raw]]
    want_prec = [PRECISION[r["time_precision"]] for r in raw.values()]
    want_killed = [int(r["fatalities"]) if r["fatalities"].strip() else None for r in raw.values()]
    # the importer trims white space (including no-break spaces) and keeps empty as missing
    want_place = [r["location"].strip() or None for r in raw.values()]
    assert list(got["date_precision"]) == want_prec
    assert [None if pd.isna(k) else int(k) for k in got["killed"]] == want_killed
    assert [None if pd.isna(p) else p for p in got["place"]] == want_place
    # the rows are able to tell the difference
    assert sum(p != "day" for p in want_prec) >= 20
    assert sum((k or 0) > 0 for k in want_killed) >= 100
    assert sum(r["location"] != r["admin1"] for r in raw.values()) >= 100


def test_acled_sample_has_week_and_month_rows(real_samples):
    raw = _rows(real_samples / "acled-RPanlilio" / "acled.csv")
    codes = {r["time_precision"] for r in raw.values()}
    assert {"1", "2", "3"} <= codes


def test_missing_column_error_points_at_the_header_line(store, tmp_path):
    from redline.errors import SchemaError
    path = tmp_path / "acled.csv"
    path.write_text("event_id_cnty,event_date,event_type\nX1,2024-01-02,Battles\n", encoding="utf-8")
    with pytest.raises(SchemaError) as exc:
        store.ingest(path, "acled")
    assert exc.value.line == 1 and exc.value.field == "actor1"
