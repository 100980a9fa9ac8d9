"""Map files: a foreign CSV read into redline's layout, every problem reported in one pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.data.mapping import ColumnMap, load_map, read_mapped
from redline.errors import ProblemsError

FIX = Path(__file__).parent / "fixtures" / "casebuild"


@pytest.fixture
def mapped():
    cmap, doc = load_map(FIX / "redsea-map.yaml")
    return read_mapped(FIX / "redsea.csv", cmap, doc)


def test_reads_every_row_with_its_fields(mapped):
    df = mapped.frame
    assert len(df) == 79
    assert mapped.read_as["delimiter"] == ";"
    first = df.iloc[0]
    assert first.event_id == "RS-001" and first.date == "2024-01-01"
    assert first.actor == "Houthis (Ansar Allah)" and first.target == "USS Carney"
    assert first.event_type == "ASSAULT" and first.raw_type == "ATTACK"
    assert first.killed == "1" and first.country == "Yemen"
    # two sources in one cell, split on the map's separator
    assert first.sources == "https://example.org/rs/0 | https://example.org/alt/0"
    assert json.loads(first.extra) == {"reliability": "high"}
    assert mapped.unmapped_columns == ["reliability"]
    counts = df.event_type.value_counts().to_dict()
    assert counts == {"ASSAULT": 71, "ACCUSE": 6, "": 2}
    assert (df.loc[df.raw_type == "AIRSTRIKE", "mode"] == "aerial").all()


def test_values_the_map_does_not_name_are_kept_raw_and_counted(mapped):
    assert dict(mapped.unmapped_values) == {"event_type": {"BLOCKADE": 1}}
    row = mapped.frame[mapped.frame.raw_type == "BLOCKADE"].iloc[0]
    assert row.event_type == ""
    # OTHER is mapped to null by the map: unknown, and not listed as unmapped
    other = mapped.frame[mapped.frame.raw_type == "OTHER"].iloc[0]
    assert other.event_type == ""


def test_every_problem_of_the_file_in_one_pass(tmp_path):
    lines = (FIX / "redsea.csv").read_text().splitlines()
    lines[3] = lines[3].replace("05/01/2024", "2024-01-05")      # not the map's date format
    lines[7] = lines[7].replace(";;Attack", ";many;Attack")        # not a count
    lines[9] = lines[9].replace("17/01/2024", "31/02/2024")        # no such day
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    cmap, doc = load_map(FIX / "redsea-map.yaml")
    with pytest.raises(ProblemsError) as exc:
        read_mapped(bad, cmap, doc)
    found = [(p.line, p.field) for p in exc.value.problems]
    assert found == [(4, "when"), (8, "dead"), (10, "when")]
    text = str(exc.value)
    assert "3 problems" in text and "%d/%m/%Y" in text and "28/01/2024" in text
    assert "a whole number" in text


def test_a_map_naming_missing_columns_lists_each(tmp_path):
    m = (FIX / "redsea-map.yaml").read_text().replace("summary: what", "summary: text") \
        .replace("place: where", "place: location")
    p = tmp_path / "map.yaml"
    p.write_text(m)
    cmap, doc = load_map(p)
    with pytest.raises(ProblemsError) as exc:
        read_mapped(FIX / "redsea.csv", cmap, doc)
    probs = exc.value.problems
    assert [(x.field, x.line) for x in probs] == [("columns.place", 10), ("columns.summary", 12)]
    assert "'location'" in str(probs[0]) and "reliability" in str(probs[0])


def test_a_value_mapped_to_no_plover_type_names_the_map_line(tmp_path):
    m = (FIX / "redsea-map.yaml").read_text().replace("CONDEMN: ACCUSE", "CONDEMN: ACUSE")
    p = tmp_path / "map.yaml"
    p.write_text(m)
    with pytest.raises(ProblemsError) as exc:
        load_map(p)
    (prob,) = exc.value.problems
    assert prob.line == 15 and prob.field == "values.event_type.CONDEMN"
    assert "ACCUSE" in prob.expected


def test_unknown_fields_of_a_map_are_all_reported(tmp_path):
    p = tmp_path / "map.yaml"
    p.write_text("format: csv\ncolumns: {date: d, actor: a, fighter: f}\n"
                 "constants: {colour: red}\n")
    with pytest.raises(ProblemsError) as exc:
        load_map(p)
    assert [x.field for x in exc.value.problems] == ["columns.fighter", "constants.colour"]


def test_windows_1252_and_a_byte_order_mark_read(tmp_path):
    cmap = ColumnMap(columns={"date": "d", "actor": "a", "place": "p"})
    p = tmp_path / "w.csv"
    p.write_bytes("d,a,p\r\n2024-01-02,Kata\x92ib Hezbollah,Al-Asad\r\n".encode("latin-1"))
    m = read_mapped(p, cmap)
    assert m.read_as["encoding"] == "cp1252" and m.frame.actor[0] == "Kata\u2019ib Hezbollah"
    p.write_bytes("\ufeffd,a,p\n2024-01-02,KH,Erbil\n".encode("utf-8"))
    m = read_mapped(p, cmap)
    assert m.read_as["encoding"] == "utf-8" and m.frame.place[0] == "Erbil"


def test_parquet_with_a_map(tmp_path):
    import pandas as pd
    p = tmp_path / "e.parquet"
    pd.DataFrame({"day": ["2024-03-01", "2024-03-02"], "by": ["A", "B"], "n": [2, None]}).to_parquet(p)
    m = read_mapped(p, ColumnMap(format="parquet", columns={"date": "day", "actor": "by",
                                                             "killed": "n"}))
    assert list(m.frame.killed) == ["2", ""] and list(m.frame.actor) == ["A", "B"]


def test_gzipped_text_reads(tmp_path):
    import gzip
    p = tmp_path / "e.csv.gz"
    p.write_bytes(gzip.compress(b"d;a\n2024-03-01;A\n2024-03-02;B\n"))
    m = read_mapped(p, ColumnMap(columns={"date": "d", "actor": "a"}))
    assert list(m.frame.actor) == ["A", "B"] and m.read_as["delimiter"] == ";"
