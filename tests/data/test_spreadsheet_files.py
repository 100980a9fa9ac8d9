"""Files as spreadsheet programs save them: CRLF or mixed line endings, a byte-order
mark, semicolons, Windows-1252 text; NUL bytes in GDELT fields."""

from __future__ import annotations

import pytest
from datahelpers import acled_row, gdelt_row, write_acled, write_gdelt
from ucdphelpers import SYRIA_COLUMNS, ged_row, write_csv

from redline.data.importers.base import sniff_format
from redline.data.store import DuckDBStore
from redline.errors import EncodingError, ValidationError

HEADER = b"event_id,date,actor,target,event_type,summary,latitude"
ROWS = [b'a1,2024-01-01,kh,us,ASSAULT,"Rockets, then drones",33.5',
        b"a2,2024-01-02,kh,us,ASSAULT,Drone strike,33.6",
        b"a3,2024-01-03,us,kh,ASSAULT,Air strike,33.7"]


@pytest.fixture
def store(tmp_path):
    return DuckDBStore(tmp_path / "s.duckdb")


@pytest.fixture
def used_store(tmp_path):
    """A store that already holds an event, so a failed ingest has something to keep."""
    s = DuckDBStore(tmp_path / "u.duckdb")
    first = tmp_path / "first.csv"
    first.write_text("event_id,date,actor,event_type\nz1,2023-01-01,kh,ASSAULT\n", encoding="utf-8")
    s.ingest(first)
    return s


def _check_three_events(store, path):
    res = store.ingest(path)
    assert (res.format, res.rows_read, res.rows_added) == ("csv", 3, 3)
    ev = store.events().set_index("event_id")
    assert ev.loc["csv:a1", "summary"] == "Rockets, then drones"
    assert ev.loc["csv:a3", "latitude"] == 33.7 and ev.loc["csv:a2", "actor"] == "kh"
    # no stray carriage return or byte-order mark survives in any text field
    text = ev[["actor_raw", "target_raw", "summary", "event_type"]].astype(str)
    assert not text.apply(lambda col: col.str.contains("\r|\ufeff")).any().any()
    return res


@pytest.mark.parametrize("ending", [b"\r\n", b"\r", b"\r\r\n"])
def test_line_endings_of_one_kind(store, tmp_path, ending):
    path = tmp_path / "e.csv"
    path.write_bytes(ending.join([HEADER, *ROWS]) + ending)
    _check_three_events(store, path)


def test_mixed_line_endings_are_made_regular_and_said(store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER + b"\r\n" + ROWS[0] + b"\n" + ROWS[1] + b"\r\r\n" + ROWS[2] + b"\r\n")
    res = _check_three_events(store, path)
    assert any("mixed line endings" in n for n in res.notes) and "mixed line endings" in str(res)


def test_a_case_folder_whose_events_file_mixes_line_endings(store, tmp_path):
    """The case ingest's second pass (which rows join the case, names re-resolved) read the
    original file again, not the copy with regular line endings: DuckDB refused it and the
    whole ingest rolled back."""
    folder = tmp_path / "mixed-case"
    folder.mkdir()
    (folder / "case.yaml").write_text(
        "name: mixed-case\ntitle: t\ndescription: d\nstart: 2024-01-01\nend: 2024-01-31\n"
        "actors:\n - {id: kataib_hezbollah, name: KH, kind: armed_group, aliases: [kh]}\n"
        " - {id: united_states, name: US, kind: state, aliases: [us]}\n", encoding="utf-8")
    (folder / "events.csv").write_bytes(HEADER + b"\r\n" + ROWS[0] + b"\n" + ROWS[1] + b"\r\r\n"
                                        + ROWS[2] + b"\r\n")
    res = store.ingest(folder)
    assert (res.format, res.rows_read, res.rows_added) == ("case", 3, 3)
    assert any("mixed line endings" in n for n in res.notes)
    ev = store.events().set_index("event_id")
    assert ev.loc["mixed-case:a1", "summary"] == "Rockets, then drones"
    assert list(ev.sort_index().actor) == ["kataib_hezbollah", "kataib_hezbollah", "united_states"]
    assert set(ev.case_id) == {"mixed-case"}


def test_mixed_line_endings_keep_the_line_numbers_of_errors(store, tmp_path):
    path = tmp_path / "mixed.csv"
    bad = ROWS[2].replace(b"2024-01-03", b"2024-13-03")
    path.write_bytes(HEADER + b"\r\n" + ROWS[0] + b"\n" + ROWS[1] + b"\r\r\n" + bad + b"\r\n")
    with pytest.raises(ValidationError) as e:
        store.ingest(path)
    assert (e.value.line, e.value.field, e.value.file) == (4, "date", str(path))


def test_byte_order_mark(store, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join([HEADER, *ROWS]) + b"\r\n")
    assert sniff_format(path) == "csv"
    _check_three_events(store, path)


def test_byte_order_mark_on_other_formats(store, tmp_path):
    ucdp = write_csv(tmp_path / "ged-x.csv", SYRIA_COLUMNS, [ged_row()])
    ucdp.write_bytes(b"\xef\xbb\xbf" + ucdp.read_bytes())
    assert sniff_format(ucdp) == "ucdp" and store.ingest(ucdp).rows_added == 1
    acled = write_acled(tmp_path / "a.csv", [acled_row(0), acled_row(1)])
    acled.write_bytes(b"\xef\xbb\xbf" + acled.read_bytes())
    assert sniff_format(acled) == "acled" and store.ingest(acled).rows_added == 2


@pytest.mark.parametrize("delimiter", [b";", b"\t"])
def test_semicolon_and_tab_separated(store, tmp_path, delimiter):
    path = tmp_path / "semi.csv"
    lines = [line.replace(b",", delimiter) for line in [HEADER, *ROWS]]
    lines[1] = lines[1].replace(b"Rockets" + delimiter + b" then drones", b"Rockets, then drones")
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    assert sniff_format(path) == "csv"
    _check_three_events(store, path)


def test_decimal_comma_is_named_with_the_fix(used_store, tmp_path, unchanged):
    store = used_store
    path = tmp_path / "semi.csv"
    rows = [r.replace(b",", b";") for r in [HEADER, *ROWS]]
    rows[2] = rows[2].replace(b"33.6", b'"33,6"')
    rows[1] = rows[1].replace(b"Rockets; then drones", b"Rockets then drones")
    path.write_bytes(b"\n".join(rows) + b"\n")
    with unchanged(store), pytest.raises(ValidationError) as e:
        store.ingest(path)
    assert (e.value.line, e.value.field) == (3, "latitude")
    assert "decimal point: '33.6'" in str(e.value)


def test_windows_1252_text_gets_what_to_change(used_store, tmp_path, unchanged):
    store = used_store
    path = tmp_path / "cp1252.csv"
    text = "\r\n".join(["event_id,date,actor,event_type,summary",
                        "a1,2024-01-01,kh,ASSAULT,plain",
                        "a2,2024-01-02,kh,ASSAULT,Caf\u00e9 hit \u201cby drone\u201d"]) + "\r\n"
    path.write_bytes(text.encode("cp1252"))
    with unchanged(store), pytest.raises(EncodingError) as e:
        store.ingest(path)
    msg = str(e.value)
    assert e.value.line == 3 and "UTF-8" in msg and "Windows-1252" in msg
    assert "Caf\u00e9 hit \u201cby drone\u201d" in msg and "CSV UTF-8" in msg and "iconv" in msg
    # the same text saved as UTF-8 ingests
    path.write_bytes(text.encode("utf-8"))
    assert store.ingest(path).rows_added == 2 and store.count() == 3


def test_windows_1252_header_line(store, tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes("event_id,date,actor,event_type,r\u00e9sum\u00e9\n".encode("cp1252"))
    with pytest.raises(EncodingError) as e:
        store.ingest(path, "csv")
    assert e.value.line == 1 and "Windows-1252" in str(e.value)


def test_nul_bytes_in_gdelt_fields_are_stripped_and_counted(store, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(i) for i in range(4)])
    data = path.read_bytes().split(b"\n")
    data[1] = data[1].replace(b"UNITED STATES", b"UNITED\x00 STATES")
    data[2] = data[2].replace(b"Al Qaim", b"Al\x00\x00 Qaim").replace(b"news.example", b"news\x00.example")
    path.write_bytes(b"\n".join(data))
    res = store.ingest(path)
    assert (res.rows_added, res.nul_bytes_stripped) == (4, 2)
    assert "NUL bytes stripped from the text fields of 2 rows" in str(res)
    ev = store.events().set_index("event_id")
    assert ev.loc["gdelt:1100000001", "actor_raw"] == "UNITED STATES"
    assert ev.loc["gdelt:1100000002", "place"].startswith("Al Qaim")
    assert ev.loc["gdelt:1100000002", "sources"][0] == "https://news.example.com/2.html"
    text = ev[["actor_raw", "actor", "target_raw", "place", "country"]].astype(str)
    assert not text.apply(lambda col: col.str.contains("\x00")).any().any()


def test_clean_files_report_no_nul_bytes(store, tmp_path):
    path = write_gdelt(tmp_path / "g.export.CSV", [gdelt_row(i) for i in range(2)])
    res = store.ingest(path)
    assert res.nul_bytes_stripped == 0 and "NUL" not in str(res) and res.notes == ()
