"""Bad input to the engines: each fails fast, with one clear line."""

from __future__ import annotations

import sys
import time

import duckdb
import pytest

from redline.data.open import open_store
from redline.errors import EngineError, EngineUnavailableError, StoreError


def test_unknown_engine():
    with pytest.raises(EngineError, match="unknown engine 'sqlite'.*duckdb, spark"):
        open_store("x.duckdb", engine="sqlite")


def test_unknown_engine_from_environment(monkeypatch):
    monkeypatch.setenv("REDLINE_ENGINE", "presto")
    with pytest.raises(EngineError, match="presto"):
        open_store("x.duckdb")


def test_unreachable_spark_connect_fails_within_seconds(datasets):
    pytest.importorskip("pyspark")
    t0 = time.perf_counter()
    store = open_store(str(datasets["case"][1]), engine="spark", spark_master="sc://127.0.0.1:1")
    with pytest.raises(EngineError, match=r"cannot reach the Spark Connect server sc://127.0.0.1:1"):
        store.count()
    assert time.perf_counter() - t0 < 10


def test_spark_without_pyspark_names_the_extra(monkeypatch, datasets):
    for mod in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")
                or m.startswith("ibis.backends.pyspark")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    with pytest.raises(EngineUnavailableError) as info:
        open_store(str(datasets["case"][1]), engine="spark")
    assert "pip install 'redline[spark]'" in str(info.value)
    assert "\n" not in str(info.value)


def test_spark_needs_a_dataset_not_a_duckdb_file(datasets):
    pytest.importorskip("pyspark")
    with pytest.raises(StoreError, match="is a file; the spark engine reads Parquet datasets"):
        open_store(str(datasets["case"][0]), engine="spark")


def _write(path, sql):
    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.sql(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")


@pytest.fixture
def foreign_dataset(tmp_path):
    """A folder in the year/month layout whose files are raw GDELT columns, not redline's."""
    _write(tmp_path / "gdelt" / "year=2024" / "month=1" / "a.parquet",
           "SELECT 1 AS GLOBALEVENTID, 20240101 AS SQLDATE, 'USA' AS Actor1Code")
    return tmp_path / "gdelt"


@pytest.fixture
def mistyped_dataset(tmp_path, datasets):
    """Canonical column names, but ``date`` stored as text."""
    src = datasets["case"][1]
    _write(tmp_path / "typed" / "year=2024" / "month=1" / "a.parquet",
           f"SELECT * REPLACE (CAST(date AS VARCHAR) AS date) FROM read_parquet('{src}/*/*/*.parquet')")
    return tmp_path / "typed"


@pytest.fixture
def mixed_dataset(tmp_path, datasets):
    """Good files and, in one partition, a file whose ``killed`` is text."""
    import shutil
    dest = tmp_path / "mixed"
    shutil.copytree(datasets["case"][1], dest)
    _write(dest / "year=2023" / "month=10" / "zz-bad.parquet",
           f"SELECT * REPLACE ('many' AS killed) FROM read_parquet('{dest}/*/*/*.parquet') LIMIT 3")
    return dest


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
@pytest.mark.parametrize("kind,message", [
    ("foreign_dataset", "has no column 'event_id'"),
    ("mistyped_dataset", "column 'date' of type string"),
])
def test_mismatched_schema_is_named(engine, kind, message, request):
    folder = request.getfixturevalue(kind)
    if engine == "spark":
        request.getfixturevalue("spark")
    store = open_store(str(folder), engine=engine)
    t0 = time.perf_counter()
    with pytest.raises(StoreError, match=message):
        store.overview()
    assert time.perf_counter() - t0 < 30


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_one_bad_file_among_good_ones(engine, mixed_dataset, request):
    if engine == "spark":
        request.getfixturevalue("spark")
    store = open_store(str(mixed_dataset), engine=engine)
    with pytest.raises(StoreError, match="Parquet dataset|Spark could not run"):
        store.dyads()


def test_empty_or_missing_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="holds no events"):
        open_store(tmp_path / "empty").count()


def test_uri_store_needs_spark():
    with pytest.raises(StoreError, match="--engine spark for URIs"):
        open_store("s3a://bucket/events")


def test_uri_survives_pathlib(datasets):
    """`--store` is parsed as a Path, which folds 's3a://b' to 's3a:/b'; open_store repairs it."""
    from pathlib import Path
    from redline.data.open import _location
    assert _location(Path("s3a://bucket/gdelt/events")) == "s3a://bucket/gdelt/events"
    assert _location(Path("gs://b/x")) == "gs://b/x"
    assert _location("/data/events") == "/data/events"
