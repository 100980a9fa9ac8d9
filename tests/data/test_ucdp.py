"""UCDP GED importer: layouts, mutual events, releases, bad input, the real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from ucdphelpers import REDUCED_COLUMNS, SYRIA_COLUMNS, ged_row, write_csv

from redline.data.filters import EventFilter
from redline.data.importers.base import sniff_format
from redline.data.importers.ucdp import release_from_name
from redline.data.store import DuckDBStore
from redline.errors import DuplicateIdError, InputError, SchemaError, ValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"
SHARED_UCDP = Path(__file__).resolve().parents[3] / "shared" / "data" / "ucdp"

def shared_ucdp() -> Path:
    """The real UCDP files (outside the repo): skip when absent, fail when CI is set."""
    if not SHARED_UCDP.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"UCDP files missing at {SHARED_UCDP} (CI is set)")
        pytest.skip(f"UCDP files not found at {SHARED_UCDP}")
    return SHARED_UCDP


@pytest.fixture
def store(tmp_path):
    return DuckDBStore(tmp_path / "u.duckdb")


# -- layouts -------------------------------------------------------------------------------

def test_full_layout_maps_every_field(store, tmp_path):
    path = write_csv(tmp_path / "ged-syria.csv", SYRIA_COLUMNS, [
        ged_row(),
        ged_row(id="2.0", type_of_violence="2.0", side_a="IS", side_b="SDF", deaths_a="4.0",
                deaths_b="0.0", low="4.0", best="4.0", high="6.0", date_prec="4.0",
                date_start="2016-02-01", date_end="2016-02-29", where_prec="6.0",
                source_article="Wire A 2016-03-01; Wire B 2016-03-02", source_headline=""),
        ged_row(id="3.0", type_of_violence="3.0", side_a="IS", side_b="Civilians", deaths_a="0.0",
                deaths_b="0.0", deaths_civilians="7.0", deaths_unknown="2.0", low="9.0",
                best="9.0", high="12.0", date_prec="2.0", date_end="2016-01-04"),
    ])
    assert sniff_format(path) == "ucdp"
    res = store.ingest(path)
    assert (res.rows_read, res.rows_added, res.release) == (3, 3, None)
    ev = store.events().set_index("event_id")
    assert list(ev.index) == ["ucdp:1", "ucdp:3", "ucdp:2"]  # by date, float ids normalised
    one, two, three = ev.loc["ucdp:1"], ev.loc["ucdp:2"], ev.loc["ucdp:3"]
    # state-based and non-state: mutual fighting between the sides, per-side deaths kept
    assert (one.mutual, one.raw_type, one.actor, one.target) == (True, "state-based",
                                                                "Government of Syria", "Syrian insurgents")
    assert (one.killed, one.killed_low, one.killed_high, one.actor_killed, one.target_killed) == (3, 3, 5, 1, 2)
    assert (two.mutual, two.raw_type, two.actor_killed, two.target_killed) == (True, "non-state", 4, 0)
    # one-sided: the actor against civilians, whose deaths are the target's
    assert (three.mutual, three.raw_type, three.target, three.target_killed) == (False, "one-sided",
                                                                                 "Civilians", 7)
    assert set(ev.event_type) == {"ASSAULT"} and ev["mode"].isna().all()
    # precisions: date_prec 1/2/4 -> day/week/month, where_prec 1/6 -> exact/country
    assert (one.date_precision, three.date_precision, two.date_precision) == ("day", "week", "month")
    assert (one.location_precision, two.location_precision) == ("exact", "country")
    assert one.place == "Town A" and one.summary == "Clashes in Town A"
    assert list(one.sources) == ['"SOHR,2016-01-01,Clashes in Town A"']
    assert list(two.sources) == ["Wire A 2016-03-01", "Wire B 2016-03-02"] and pd.isna(two.summary)
    # columns the layout does not map are kept, not dropped
    extra = json.loads(three.extra)
    assert extra["date_end"] == "2016-01-04" and extra["deaths_unknown"] == "2.0"
    assert extra["conflict_name"] == "Syria: Government" and "side_a" not in extra


def test_candidate_layout_from_the_codebook(store):
    path = FIXTURES / "GEDEvent_v25_0_3.csv"
    assert sniff_format(path) == "ucdp"
    res = store.ingest(path)
    assert (res.rows_added, res.release) == (3, "25.0.3")
    ev = store.events().set_index("event_id")
    assert ev.loc["ucdp:900001", "killed_high"] == 12 and ev.loc["ucdp:900001", "summary"] == \
        "Clashes near the port;Army says front pushed back"
    assert ev.loc["ucdp:900002", "date_precision"] == "month"
    assert ev.loc["ucdp:900002", "location_precision"] == "adm1"
    # UCDP's own checking status travels with the event
    assert json.loads(ev.loc["ucdp:900002", "extra"])["code_status"] == "Check deaths"
    assert set(ev.source_release) == {"25.0.3"}


def test_reduced_layout_gzipped_and_sniffed(store, tmp_path):
    path = write_csv(tmp_path / "ged211-precise.csv.gz", REDUCED_COLUMNS, [
        dict(zip(REDUCED_COLUMNS, "13364,1989-01-01,1989,1,1,South Africa,Non-state violence,"
             "A - B,Supporters of A,Supporters of B,-29.8,31.0,1.0,2.0,3.0".split(","))),
        dict(zip(REDUCED_COLUMNS, "13365,1989-01-02,1989,1,2,South Africa,One-sided violence,"
             "A - Civilians,Supporters of A,Civilians,-29.8,31.0,4.0,4.0,4.0".split(","))),
        dict(zip(REDUCED_COLUMNS, "13366,1989-01-03,1989,1,3,South Africa,State-based violence,"
             "G - C,Government of X,C,-29.8,31.0,0.0,1.0,1.0".split(","))),
    ], gz=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b" and sniff_format(path) == "ucdp"
    res = store.ingest(path)
    assert (res.rows_added, res.release) == (3, "21.1")
    ev = store.events().set_index("event_id")
    assert list(ev.mutual) == [True, False, True]
    assert list(ev.raw_type) == ["non-state", "one-sided", "state-based"]
    assert (ev.loc["ucdp:13364", ["killed_low", "killed", "killed_high"]].tolist()) == [1, 2, 3]
    assert ev.summary.isna().all() and ev.target_killed.isna().all() and ev.date_precision.eq("day").all()
    assert json.loads(ev.loc["ucdp:13364", "extra"]) == {"year": "1989", "month": "1", "day": "1",
                                                         "conflict_name": "A - B"}


@pytest.mark.parametrize("name, release", [
    ("ged231-central-african-republic.csv", "23.1"), ("ged191-iraq.csv", "19.1"),
    ("ged211-precise-global.csv.gz", "21.1"), ("GEDEvent_v24_0_10.csv", "24.0.10"),
    ("GEDEvent_v25_1.csv", "25.1"), ("ged-syria-2016-2019.csv.gz", None), ("engaged231.csv", None),
])
def test_release_is_read_from_the_file_name(name, release):
    assert release_from_name(name) == release


# -- releases ------------------------------------------------------------------------------

def _two_releases(tmp_path, first: str, second: str):
    old = write_csv(tmp_path / first, SYRIA_COLUMNS, [ged_row(), ged_row(id="2.0", best="1.0",
                                                                        low="1.0", high="1.0")])
    new = write_csv(tmp_path / second, SYRIA_COLUMNS, [
        ged_row(best="4.0", high="6.0", source_headline=""),   # revised deaths, no headline
        ged_row(id="2.0", best="1.0", low="1.0", high="1.0"),  # unchanged
        ged_row(id="5.0")])                                     # new
    return old, new


def test_a_later_release_replaces_and_the_log_keeps_the_old_row(store, tmp_path):
    old, new = _two_releases(tmp_path, "ged191-x.csv", "ged231-x.csv")
    store.ingest(old)
    res = store.ingest(new)
    assert (res.rows_read, res.rows_added, res.rows_revised, res.rows_conflicting,
            res.rows_skipped) == (3, 2, 1, 0, 1)
    assert "1 revised" in str(res) and "1 skipped" in str(res)
    ev = store.events().set_index("event_id")
    assert len(ev) == 3 and ev.loc["ucdp:1", "killed"] == 4
    assert ev.loc["ucdp:1", "source_release"] == "23.1"
    # what the later release leaves unknown keeps the stored value
    assert ev.loc["ucdp:1", "summary"] == "Clashes in Town A"
    replaced = store.replaced_events()
    assert list(replaced.event_id) == ["ucdp:1"]
    assert (replaced.old_release[0], replaced.new_release[0]) == ("19.1", "23.1")
    assert json.loads(replaced.old_row[0])["killed"] == 3
    log = store.ingest_log()
    assert log.rows_revised.tolist() == [0, 1] and log.release.tolist() == ["19.1", "23.1"]


def test_an_earlier_or_unknown_release_is_a_conflict_and_skipped(store, tmp_path):
    newer, older = _two_releases(tmp_path, "ged231-x.csv", "ged191-x.csv")
    store.ingest(newer)
    res = store.ingest(older)
    assert (res.rows_added, res.rows_revised, res.rows_conflicting, res.rows_skipped) == (1, 0, 1, 1)
    assert "1 conflicting" in str(res)
    assert store.events().set_index("event_id").loc["ucdp:1", "killed"] == 3
    assert store.replaced_events().empty
    # the same file under another name without a release: still a conflict
    unnamed = tmp_path / "ged-x.csv"
    unnamed.write_bytes(older.read_bytes() + b"\n")
    assert store.ingest(unnamed).rows_conflicting == 1
    # --release wins over the name
    assert store.ingest(unnamed, release="24.1").rows_revised == 1
    assert store.events().set_index("event_id").loc["ucdp:1", "killed"] == 4


def test_a_bad_release_is_refused(store, tmp_path):
    path = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [ged_row()])
    with pytest.raises(InputError) as e:
        store.ingest(path, release="latest")
    assert "--release" in str(e.value) and "23.1" in str(e.value)


def test_an_event_taken_in_by_a_case_is_not_counted_twice(store, tmp_path):
    path = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [ged_row(), ged_row(id="2.0")])
    store.ingest(path)
    again = store.ingest(path, case="us-iran-proxies-2023")
    assert (again.rows_added, again.rows_skipped) == (0, 2)
    ev = store.events()
    assert len(ev) == 2 and ev.case_id.isna().all()  # recorded with the first (raw) ingest


# -- bad input -----------------------------------------------------------------------------

def test_missing_id_column(store, tmp_path, unchanged):
    cols = [c for c in SYRIA_COLUMNS if c != "id"]
    path = write_csv(tmp_path / "ged-x.csv", cols, [{c: ged_row()[c] for c in cols}])
    with unchanged(store), pytest.raises(SchemaError) as e:
        store.ingest(path, "ucdp")
    err = e.value
    assert (err.line, err.field) == (1, "id") and "missing column 'id'" in str(err)
    assert "date_start" in str(err)  # says what a valid header has


def test_one_id_with_two_contents_names_both_lines(store, tmp_path, unchanged):
    store.ingest(write_csv(tmp_path / "ok.csv", SYRIA_COLUMNS, [ged_row(id="99")]))
    path = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [
        ged_row(id="7.0"), ged_row(id="8.0"), ged_row(id="7", best="9.0")])
    with unchanged(store), pytest.raises(DuplicateIdError) as e:
        store.ingest(path)
    assert "'7'" in str(e.value) and "lines 2 and 4" in str(e.value) and e.value.field == "id"


def test_exact_repeats_inside_one_file_are_kept_once(store, tmp_path):
    path = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [ged_row(), ged_row(id="2"), ged_row()])
    assert store.ingest(path).rows_added == 2


@pytest.mark.parametrize("field, value, expected", [
    ("date_start", "2016-02-30", "YYYY-MM-DD"),
    ("date_start", "01/02/2016", "YYYY-MM-DD"),
    ("date_start", "", "required"),
    ("type_of_violence", "4", "1 (state-based)"),
    ("best", "-2", "whole number"),
    ("id", "", "required"),
    ("where_prec", "9", "where_prec 1"),
])
def test_bad_values_name_file_line_field(store, tmp_path, unchanged, field, value, expected):
    store.ingest(write_csv(tmp_path / "ok.csv", SYRIA_COLUMNS, [ged_row(id="99")]))
    path = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS,
                     [ged_row(), ged_row(id="2"), ged_row(**{"id": "3", field: value})])
    with unchanged(store), pytest.raises(ValidationError) as e:
        store.ingest(path)
    err = e.value
    assert (err.line, err.field, err.file) == (4, field, str(path))
    assert expected in str(err)


# -- the real files ------------------------------------------------------------------------

def test_real_files_ingest_with_their_overlaps_counted(store):
    ucdp = shared_ucdp()
    iraq = store.ingest(ucdp / "ged191-iraq.csv")
    assert (iraq.rows_added, iraq.release) == (7473, "19.1")
    karrada = store.events(limit=None)
    k = karrada.set_index("event_id").loc["ucdp:225797"]  # Baghdad (Karrada), 2016-07-03
    assert (k.date.date().isoformat(), k.actor, k.target, k.killed, k.mutual) == (
        "2016-07-03", "IS", "Civilians", 324, False)
    world = store.ingest(ucdp / "ged211-precise-global.csv.gz")
    assert world.rows_read == 151980 and world.release == "21.1"
    # the global 21.1 file shares 6,301 ids with Iraq 19.1: each is revised, conflicting
    # (never: 21.1 is later) or already stored
    assert world.rows_conflicting == 0
    assert world.rows_revised + world.rows_skipped == 6301 and world.rows_revised > 0
    assert world.rows_added == 151980 - 6301 + world.rows_revised
    ev = store.events()
    assert len(ev) == 7473 + 151980 - 6301
    mutual = ev[ev.source_release == "21.1"].groupby("raw_type").mutual.agg(["all", "any", "size"])
    assert not mutual.loc["one-sided", "any"] and mutual.loc["state-based", "all"]


def test_real_file_of_unknown_release_conflicts_but_never_revises(store):
    """The Syria file names no release: the global 21.1 file may not replace its rows;
    those of its 14,623 shared ids that differ are conflicts, the others skipped."""
    ucdp = shared_ucdp()
    syria = store.ingest(ucdp / "ged-syria-2016-2019.csv.gz")
    assert (syria.rows_added, syria.release) == (16566, None)
    world = store.ingest(ucdp / "ged211-precise-global.csv.gz")
    assert world.rows_revised == 0 and world.rows_conflicting > 0
    assert world.rows_conflicting + world.rows_skipped == 14623
    ev = store.events(EventFilter(event_ids=("ucdp:214797",))).iloc[0]
    # the global file repeats this row: it keeps its headline and now counts as of 21.1
    assert ev.summary.startswith("14 shells hit") and ev.source_release == "21.1"


def test_bad_value_in_a_gzipped_file_names_its_line(store, tmp_path, unchanged):
    store.ingest(write_csv(tmp_path / "ok.csv", SYRIA_COLUMNS, [ged_row(id="99")]))
    rows = [dict(zip(REDUCED_COLUMNS, f"{i},1989-01-0{i},1989,1,{i},X,One-sided violence,A - C,"
                     "A,Civilians,1.0,2.0,1.0,1.0,1.0".split(","))) for i in range(1, 4)]
    rows[1]["type_of_violence"] = "Riots"
    path = write_csv(tmp_path / "ged211-x.csv.gz", REDUCED_COLUMNS, rows, gz=True)
    with unchanged(store), pytest.raises(ValidationError) as e:
        store.ingest(path)
    assert (e.value.line, e.value.field) == (3, "type_of_violence")
    assert "One-sided violence" in str(e.value)


def test_a_release_repeating_a_stored_row_confirms_its_release(store, tmp_path):
    unnamed = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [ged_row()])
    store.ingest(unnamed)
    again = write_csv(tmp_path / "ged231-x.csv", SYRIA_COLUMNS, [ged_row()])
    assert store.ingest(again).rows_skipped == 1
    assert store.events().source_release.tolist() == ["23.1"]
    # so a later release with other content now revises it instead of conflicting
    later = write_csv(tmp_path / "ged241-x.csv", SYRIA_COLUMNS, [ged_row(best="8.0")])
    res = store.ingest(later)
    assert (res.rows_revised, res.rows_conflicting) == (1, 0)
    # and an earlier release repeating it leaves the release as it is
    older = write_csv(tmp_path / "ged191-x.csv", SYRIA_COLUMNS, [ged_row(best="8.0")])
    assert store.ingest(older).rows_skipped == 1
    assert store.events().source_release.tolist() == ["24.1"]
