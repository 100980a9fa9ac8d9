"""Writing Parquet datasets: ingest --to-parquet, export --parquet, synthetic data."""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest

from redline.data.engines.duckdb_parquet import DATA_GLOB, LOG_NAME, ParquetStore
from redline.data.store import DuckDBStore
from redline.errors import InputError

os.environ.setdefault("COLUMNS", "200")

CASE = "us-iran-proxies-2023"
CSV = """date,actor,target,event_type,mode,country,killed,summary,sources
2024-01-28,Kata'ib Hezbollah,united_states,ASSAULT,drone,Jordan,3,Tower 22 drone attack,https://a.example/1
2024-02-02,united_states,kataib_hezbollah,ASSAULT,aerial,Iraq,,Strikes on 85 targets,https://a.example/2 | https://a.example/3
"""


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.glob(DATA_GLOB))


def test_ingest_to_parquet_same_rows_as_duckdb(tmp_path):
    db = DuckDBStore(tmp_path / "s.duckdb")
    db.ingest(CASE)
    pq = ParquetStore(tmp_path / "ds")
    result = pq.ingest(CASE)
    assert (result.rows_read, result.rows_added) == (233, 233)
    cols = ["event_id", "date", "actor", "target", "event_type", "mode", "intensity", "killed"]
    a = db.events()[cols]
    b = pq.events()[cols]
    pd.testing.assert_frame_equal(a.astype(str), b.astype(str))
    # partitioned by year and month of the date, Hive style
    assert {p.parts[:2] for p in _files(tmp_path / "ds")} >= {("year=2023", "month=10"),
                                                              ("year=2024", "month=2")}


def test_reingest_adds_nothing_and_writes_no_file(tmp_path):
    pq = ParquetStore(tmp_path / "ds")
    pq.ingest(CASE)
    before = _files(tmp_path / "ds")
    again = pq.ingest(CASE)
    assert again.rows_added == 0 and again.rows_read == 233
    assert _files(tmp_path / "ds") == before
    assert pq.count() == 233
    assert len(pq.ingest_log()) == 1
    assert not [p for p in (tmp_path / "ds").iterdir() if p.name.startswith("_staging")]


def test_overlapping_file_adds_only_new_events(tmp_path):
    f1, f2 = tmp_path / "a.csv", tmp_path / "b.csv"
    f1.write_text(CSV)
    lines = CSV.splitlines()
    f2.write_text("\n".join(lines + ["2024-02-07,united_states,kataib_hezbollah,ASSAULT,drone,Iraq,1,"
                                     "Baghdad strike,https://a.example/4"]) + "\n")
    pq = ParquetStore(tmp_path / "ds")
    assert pq.ingest(f1, case=CASE).rows_added == 2
    r = pq.ingest(f2, case=CASE)
    assert (r.rows_read, r.rows_added) == (3, 1)
    ev = pq.events()
    assert ev["event_id"].is_unique and len(ev) == 3
    assert "kataib_hezbollah" in set(ev["actor"])  # aliases resolved as in the DuckDB store
    assert list(ev.loc[ev["summary"] == "Strikes on 85 targets", "sources"].iloc[0]) == [
        "https://a.example/2", "https://a.example/3"]


def test_invalid_file_leaves_the_dataset_unchanged(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("2024-02-02", "2024-02-31"))
    pq = ParquetStore(tmp_path / "ds")
    with pytest.raises(InputError) as info:
        pq.ingest(bad)
    assert info.value.line == 3 and info.value.field == "date"
    assert _files(tmp_path / "ds") == []
    assert not (tmp_path / "ds" / LOG_NAME).exists()


def test_ingest_frame_is_idempotent(tmp_path):
    frame = pd.DataFrame({"event_id": ["text:1", "text:2"], "date": pd.to_datetime(["2024-01-01", "2024-03-05"]).date,
                          "actor": ["iran", "iraq_government"], "event_type": ["THREATEN", "ACCUSE"],
                          "mode": ["statement", None], "killed": [None, None]})
    pq = ParquetStore(tmp_path / "ds")
    assert pq.ingest_frame(frame, "doc").rows_added == 2
    assert pq.ingest_frame(frame, "doc").rows_added == 0
    assert pq.count() == 2


def test_export_parquet_from_duckdb_store_idempotent(tmp_path):
    db = DuckDBStore(tmp_path / "s.duckdb")
    db.ingest(CASE)
    assert db.export_parquet(tmp_path / "ds") == 233
    files = _files(tmp_path / "ds")
    assert db.export_parquet(tmp_path / "ds") == 0
    assert _files(tmp_path / "ds") == files
    pq = ParquetStore(tmp_path / "ds")
    assert pq.overview() == db.overview()


def test_synthetic_parquet_equals_synthetic_duckdb(tmp_path):
    from redline.data.synthetic import write_synthetic_duckdb, write_synthetic_parquet
    db = DuckDBStore(write_synthetic_duckdb(tmp_path / "s.duckdb", 5000, seed=3))
    pq = ParquetStore(write_synthetic_parquet(tmp_path / "ds", 5000, seed=3))
    assert pq.count() == db.count() == 5000
    assert pq.overview() == db.overview()
    ev = db.events()
    assert ev["event_type"].value_counts().index[0] == "CONSULT"  # GDELT-like mix
    assert ev["killed"].isna().mean() > 0.8  # casualties mostly unknown


def test_cli_ingest_to_parquet_and_query(tmp_path):
    from typer.testing import CliRunner

    from redline.cli.app import app, register_commands
    register_commands()
    runner = CliRunner()
    ds = tmp_path / "ds"
    r = runner.invoke(app, ["ingest", CASE, "--to-parquet", str(ds)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "233 new" in " ".join(r.output.split())
    r = runner.invoke(app, ["ingest", CASE, "--to-parquet", str(ds)], catch_exceptions=False)
    assert "0 new" in " ".join(r.output.split())
    r = runner.invoke(app, ["--store", str(ds), "events", "--actor", "united_states", "--limit", "3"],
                      catch_exceptions=False)
    assert r.exit_code == 0 and "37 events" in r.output


def test_cli_export_parquet(tmp_path):
    from typer.testing import CliRunner

    from redline.cli.app import app, register_commands
    register_commands()
    runner = CliRunner()
    db = tmp_path / "s.duckdb"
    DuckDBStore(db).ingest(CASE)
    r = runner.invoke(app, ["--store", str(db), "export", "--parquet", str(tmp_path / "ds")],
                      catch_exceptions=False)
    assert r.exit_code == 0 and "wrote 233 new events" in r.output
    n = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/ds/*/*/*.parquet')").fetchone()[0]
    assert n == 233


@pytest.mark.spark
def test_spark_export_parquet(tmp_path, datasets, spark):
    from redline.data.engines.spark import SparkStore
    store = SparkStore(str(datasets["case"][1]), session=spark)
    assert store.export_parquet(str(tmp_path / "out")) == 233
    assert store.export_parquet(str(tmp_path / "out")) == 0
    assert ParquetStore(tmp_path / "out").count() == 233
