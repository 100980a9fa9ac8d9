"""Bad input: every error names file, line and field, and leaves the store exactly as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from datahelpers import acled_row, gdelt_row, write_acled, write_gdelt
from redline.data.case import builtin_cases, load_case
from redline.data.store import DuckDBStore
from redline.errors import (DuplicateIdError, EmptyInputError, EncodingError, InputError,
                            SchemaError, StoreBusyError, UnknownActorError, ValidationError)

REDLINE = Path(sys.executable).parent / "redline"


@pytest.fixture(scope="module")
def _case_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "events.duckdb"
    DuckDBStore(path).ingest("us-iran-proxies-2023")
    return path


@pytest.fixture
def full_store(_case_store, tmp_path):
    """A store that already holds the built-in case (233 events)."""
    dst = tmp_path / "events.duckdb"
    shutil.copyfile(_case_store, dst)
    return DuckDBStore(dst)


def _fails(store, unchanged, path, exc_type, fmt=None, *parts):
    with unchanged(store):
        with pytest.raises(exc_type) as info:
            store.ingest(path, fmt)
    msg = str(info.value)
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    return msg


# -- columns --------------------------------------------------------------------------------

def test_acled_missing_column(full_store, unchanged, tmp_path):
    cols = [c for c in ("event_id_cnty", "event_type", "actor1", "latitude")]
    path = write_acled(tmp_path / "a.csv", [acled_row(0)], columns=cols)
    _fails(full_store, unchanged, path, SchemaError, "acled", str(path), "line 1",
           "field 'event_date'", "missing column")


def test_gdelt_wrong_column_count(full_store, unchanged, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(0)[:58]])
    _fails(full_store, unchanged, path, SchemaError, "gdelt", str(path), "line 1", "58", "61")


def test_gdelt_ragged_row_later_in_file(full_store, unchanged, tmp_path):
    rows = [gdelt_row(i) for i in range(5)]
    rows[3] = rows[3][:40]
    path = write_gdelt(tmp_path / "g.export.CSV", rows)
    _fails(full_store, unchanged, path, SchemaError, "gdelt", str(path), "line 4")


def test_csv_unknown_column(full_store, unchanged, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("date,actor,event_type,colour\n2024-01-01,Iran,THREATEN,red\n")
    _fails(full_store, unchanged, path, SchemaError, None, str(path), "line 1", "field 'colour'")


# -- values ---------------------------------------------------------------------------------

def test_date_that_does_not_parse(full_store, unchanged, tmp_path):
    path = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(1), acled_row(2, event_date="2024-13-01")])
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 4",
           "field 'event_date'", "'2024-13-01'", "expected a date")


def test_csv_date_that_does_not_parse(full_store, unchanged, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("date,actor,event_type\n2024-01-01,Iran,THREATEN\n2024-13-01,Iran,THREATEN\n")
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 3", "field 'date'",
           "YYYY-MM-DD")


def test_gdelt_bad_date(full_store, unchanged, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(0), gdelt_row(1, SQLDATE="20241301")])
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 2",
           "field 'SQLDATE'", "YYYYMMDD")


def test_latitude_out_of_range(full_store, unchanged, tmp_path):
    path = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(1, latitude="95.5")])
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 3",
           "field 'latitude'", "between -90 and 90")


def test_gdelt_latitude_out_of_range(full_store, unchanged, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(0), gdelt_row(1), gdelt_row(2, ActionGeo_Lat="-91")])
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 3", "field 'ActionGeo_Lat'")


def test_icews_latitude_out_of_range(full_store, unchanged, tmp_path):
    head = ("Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
            "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\t"
            "Publisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude\n")
    row = "1\t2018-06-01\tIran\tNA\tIran\tThreaten\t130\t-4.4\tIraq\tNA\tIraq\t9\t1\tX\tBaghdad\tNA\tNA\tIraq\t{}\t44.4\n"
    path = tmp_path / "events.tab"
    path.write_text(head + row.format("33.3") + row.replace("1\t2018", "2\t2018", 1).format("123"))
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 3", "field 'Latitude'")


def test_negative_casualties(full_store, unchanged, tmp_path):
    path = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(1, fatalities="-3")])
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 3",
           "field 'fatalities'", "'-3'", "0 or more")


def test_plover_bad_values_name_the_json_key(full_store, unchanged, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "date": "2024-01-02", "event": "ASSAULT"}\n'
                    '{"id": "b", "date": "2024-01-02", "event": "ASSAULT", "location": {"lat": 120, "lon": 1}}\n')
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 2", "field 'location.lat'")
    path.write_text('{"id": "a", "date": "2024-01-02", "event": "EXPLODE"}\n')
    _fails(full_store, unchanged, path, ValidationError, None, str(path), "line 1", "field 'event'", "PLOVER")
    path.write_text('{"id": "a", "date": "2024-01-02", "event": "ASSAULT"}\n{"id": "b", "date": \n')
    _fails(full_store, unchanged, path, InputError, None, str(path), "line 2", "JSON")


# -- encoding, emptiness, duplicates, archives ------------------------------------------------

def test_non_utf8_bytes(full_store, unchanged, tmp_path):
    path = write_acled(tmp_path / "a.csv", [acled_row(i) for i in range(4)])
    data = path.read_bytes().replace(b"Synthetic test event 2", b"Synthetic test \xff\xfe event 2")
    path.write_bytes(data)
    _fails(full_store, unchanged, path, EncodingError, None, str(path), "line 4", "UTF-8")


def test_non_utf8_gdelt(full_store, unchanged, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(i) for i in range(3)])
    path.write_bytes(path.read_bytes().replace(b"KATAIB HEZBOLLAH", b"KATA\xe9IB", 2))
    _fails(full_store, unchanged, path, EncodingError, None, str(path), "line 1", "UTF-8")


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file(full_store, unchanged, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    _fails(full_store, unchanged, path, EmptyInputError, None, str(path), "empty")


def test_header_only(full_store, unchanged, tmp_path):
    path = write_acled(tmp_path / "a.csv", [])
    _fails(full_store, unchanged, path, EmptyInputError, None, str(path), "no events")


def test_duplicate_id_with_different_content(full_store, unchanged, tmp_path):
    rows = [acled_row(0), acled_row(1), acled_row(2, event_id_cnty="IRQ1000", fatalities="9")]
    path = write_acled(tmp_path / "a.csv", rows)
    _fails(full_store, unchanged, path, DuplicateIdError, None, str(path), "line 4",
           "field 'event_id_cnty'", "IRQ1000", "lines 2 and 4")


def test_duplicate_identical_rows_are_kept_once(store, tmp_path):
    path = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(0), acled_row(1)])
    assert store.ingest(path).rows_added == 2


def test_zip_without_export(full_store, unchanged, tmp_path):
    z = tmp_path / "20240202.export.CSV.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("README.txt", "nothing here")
    _fails(full_store, unchanged, z, InputError, "gdelt", str(z), "no GDELT event export", "README.txt")


# -- case files -------------------------------------------------------------------------------

def test_case_tie_with_unknown_actor(tmp_path):
    folder = tmp_path / "bad-case"
    shutil.copytree(builtin_cases()["us-iran-proxies-2023"], folder)
    yaml_path = folder / "case.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.strip().startswith("ties:"))
    j = next(n for n in range(i + 1, len(lines)) if " to: " in lines[n] or lines[n].strip().startswith("to:"))
    lines[j] = re.sub(r"\bto: [a-z_]+", "to: hezbollah_of_atlantis", lines[j], count=1)
    yaml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UnknownActorError) as info:
        load_case(folder)
    msg = str(info.value)
    assert str(yaml_path) in msg and f"line {j + 1}" in msg and "ties[0].to" in msg
    assert "hezbollah_of_atlantis" in msg and "one of the case's actor ids" in msg


# -- the CLI and concurrent access --------------------------------------------------------------

def _cli(*args, store):
    return subprocess.run([str(REDLINE), "--store", str(store), *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_prints_error_without_traceback(tmp_path):
    if not REDLINE.exists():
        pytest.skip("the redline console script is not installed next to this Python")
    path = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(1, latitude="95.5")])
    out = _cli("ingest", str(path), store=tmp_path / "s.duckdb")
    assert out.returncode != 0
    text = out.stdout + out.stderr
    assert "Traceback" not in text
    assert "line 3" in text and "latitude" in text


def test_cli_ingests_builtin_case(tmp_path):
    if not REDLINE.exists():
        pytest.skip("the redline console script is not installed next to this Python")
    out = _cli("ingest", "us-iran-proxies-2023", "--format", "case", store=tmp_path / "s.duckdb")
    assert out.returncode == 0, out.stderr
    assert "233" in out.stdout
    assert DuckDBStore(tmp_path / "s.duckdb").count() == 233


_HOLDER = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CREATE TABLE IF NOT EXISTS held (x INT)")
    con.begin(); con.execute("INSERT INTO held VALUES (1)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def test_second_process_gets_store_busy(full_store, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(full_store.path), "20"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreBusyError) as info:
            full_store.count()
        assert "store is busy" in str(info.value) or "is busy" in str(info.value)
        path = write_acled(tmp_path / "a.csv", [acled_row(0)])
        with pytest.raises(StoreBusyError):
            full_store.ingest(path)
    finally:
        holder.kill()
        holder.wait()
    # the file is intact: once the writer is gone the store opens and holds what it held
    assert full_store.count() == 233
