"""Version-2 columns on every engine: old datasets read with them NULL; mutual pairs
matched and grouped alike by DuckDB and Spark."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from redline.data.engines.duckdb_parquet import ParquetStore
from redline.data.filters import EventFilter
from redline.data.schema import EVENT_COLUMNS

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/data, for the UCDP file helpers
from ucdphelpers import SYRIA_COLUMNS, ged_row, write_csv  # noqa: E402

V1 = [c.name for c in EVENT_COLUMNS if c.since == 1]
V2 = [c.name for c in EVENT_COLUMNS if c.since == 2]


@pytest.fixture(scope="module")
def mutual_dataset(tmp_path_factory):
    """A Parquet dataset of UCDP fights stored in both side orders and one directed row,
    plus an old folder: the same rows without the version-2 columns."""
    tmp = tmp_path_factory.mktemp("mutual")
    src = write_csv(tmp / "ged-x.csv", SYRIA_COLUMNS, [
        ged_row(id="1", side_a="A", side_b="B"),
        ged_row(id="2", type_of_violence="2", side_a="B", side_b="A", date_start="2016-01-02",
                date_end="2016-01-02"),
        ged_row(id="3", type_of_violence="3", side_a="A", side_b="Civilians")])
    directed = tmp / "d.csv"
    directed.write_text("event_id,date,actor,target,event_type\nd1,2016-01-03,B,A,ASSAULT\n",
                        encoding="utf-8")
    new = ParquetStore(tmp / "new")
    new.ingest(src)
    new.ingest(directed)
    old = tmp / "old" / "year=2016" / "month=1"
    old.mkdir(parents=True)
    con = duckdb.connect()
    try:
        cols = ", ".join(f'"{c}"' for c in V1)
        con.execute(f"COPY (SELECT {cols} FROM read_parquet('{tmp / 'new'}/year=*/month=*/*.parquet', "
                    f"hive_partitioning=false)) TO '{old / 'old.parquet'}' (FORMAT parquet)")
    finally:
        con.close()
    return tmp / "new", tmp / "old"


def _stores(folder, spark):
    from redline.data.engines.spark import SparkStore
    return ParquetStore(folder), SparkStore(str(folder), session=spark)


def test_old_dataset_reads_new_columns_as_null_on_every_engine(mutual_dataset, spark):
    for store in _stores(mutual_dataset[1], spark):
        ev = store.events()
        assert len(ev) == 4 and list(ev.columns) == [c.name for c in EVENT_COLUMNS], store
        assert ev[V2].isna().all().all(), store


@pytest.mark.parametrize("filt", [
    EventFilter(actors="A", targets="B"), EventFilter(actors="B", targets="A"),
    EventFilter(actors="B", targets="A", mutual=False), EventFilter(targets="A", mutual=True),
])
def test_mutual_filters_agree_across_engines(mutual_dataset, spark, filt):
    duck, sp = _stores(mutual_dataset[0], spark)
    assert set(duck.events(filt).event_id) == set(sp.events(filt).event_id)
    assert duck.count(filt) == sp.count(filt) > 0


def test_dyads_agree_across_engines(mutual_dataset, spark):
    duck, sp = _stores(mutual_dataset[0], spark)
    cols = ["actor", "target", "mutual", "events"]
    a = duck.dyads()[cols].sort_values(cols[:3]).reset_index(drop=True)
    b = sp.dyads()[cols].sort_values(cols[:3]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert a.set_index(["actor", "target", "mutual"]).loc[("A", "B", True), "events"] == 2
