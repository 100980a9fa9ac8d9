"""Fixtures of the engine suite: the same datasets in every store, one Spark per session.

Each dataset (the built-in case; a small GDELT-like synthetic one) is written to
a DuckDB file, the reference, and exported to a Parquet dataset that the other
engines read.  ``other_store(dataset)`` opens the dataset on the engine under
test; the shared queries in ``test_engine_queries.py`` must return what the
reference returns.
"""

from __future__ import annotations

import os

import pytest

from redline.data.store import DuckDBStore

SYNTHETIC_ROWS = 20_000
ENGINES = ["parquet-duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="session")
def datasets(tmp_path_factory):
    """name -> (DuckDB file, Parquet folder) holding the same events."""
    from redline.data.synthetic import write_synthetic_duckdb

    root = tmp_path_factory.mktemp("engines")
    case_db = root / "case.duckdb"
    DuckDBStore(case_db).ingest("us-iran-proxies-2023")
    syn_db = write_synthetic_duckdb(root / "synthetic.duckdb", SYNTHETIC_ROWS, seed=7)
    out = {}
    for name, db in (("case", case_db), ("synthetic", syn_db)):
        folder = root / f"{name}-parquet"
        DuckDBStore(db).export_parquet(folder)
        out[name] = (db, folder)
    return out


@pytest.fixture(scope="session")
def spark():
    """A local Spark for the whole session: 2 cores, 2 shuffle partitions, no UI."""
    pytest.importorskip("pyspark")
    from redline.data.engines.spark import spark_session

    session = spark_session("local[2]", conf={"spark.sql.shuffle.partitions": "2",
                                              "spark.default.parallelism": "2",
                                              "spark.driver.memory": "1g"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    if not os.environ.get("REDLINE_KEEP_SPARK"):
        session.stop()


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture
def other_store(request, engine, datasets):
    """other_store(dataset_name) -> the store of that dataset on the engine under test."""
    def open_(name: str):
        folder = datasets[name][1]
        if engine == "spark":
            from redline.data.engines.spark import SparkStore
            return SparkStore(str(folder), session=request.getfixturevalue("spark"))
        from redline.data.engines.duckdb_parquet import ParquetStore
        return ParquetStore(folder)
    return open_


@pytest.fixture
def reference(datasets):
    """reference(dataset_name) -> the DuckDB store (the default engine) of that dataset."""
    return lambda name: DuckDBStore(datasets[name][0])
