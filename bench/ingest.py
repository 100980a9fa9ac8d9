"""Ingest speed against its physical limit: DuckDB's own read of the same file.

    .venv/bin/python bench/ingest.py [--rows N] [--repeats R] [--keep DIR] [--no-ucdp]

GDELT: a 2.0 export of N rows (default 400,000) made of the rows of the real sample in
``../shared/data/real-samples/gdelt2-export`` (each copied with a fresh GLOBALEVENTID,
so rows are as long and varied as real ones); when the sample is absent, generated
rows.  Each repeat times, in fresh child processes and alternating,

- ``ingest``: ``DuckDBStore.ingest`` of the file into a new store (checks, mapping,
  alias join, id checks, log, commit);
- ``raw read``: DuckDB ``read_csv`` of the same file, all 61 columns as text,
  materialised into a table of a new DuckDB file (``CREATE TABLE AS``), with the same
  memory limit — the least any ingest of the file has to do.

and prints the best of each and ``ingest speed / raw-read speed`` (target >= 0.75).
UCDP: the 151,980-row global file (``ged211-precise-global.csv.gz``) the same way
(target: ingest <= 5 s).  Also the peak memory of the ingest child (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from redline.data.importers.gdelt import GDELT2_COLUMNS

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
GDELT_SAMPLE = SHARED / "real-samples" / "gdelt2-export" / "20150218230000.export.CSV"
UCDP_GLOBAL = SHARED / "ucdp" / "ged211-precise-global.csv.gz"
TARGET_RATIO = 0.75
TARGET_UCDP_SECONDS = 5.0

_INGEST = r"""
import json, sys, time
from redline.data.store import DuckDBStore
store = DuckDBStore(sys.argv[2])
t0 = time.perf_counter()
res = store.ingest(sys.argv[1], sys.argv[3])
wall = time.perf_counter() - t0
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"rows": res.rows_read, "added": res.rows_added, "seconds": wall,
                  "peak_bytes": hwm * 1024}))
"""

_RAW = r"""
import json, sys, time, duckdb
from redline.data.store import INGEST_MEMORY_LIMIT
t0 = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute(f"SET memory_limit='{INGEST_MEMORY_LIMIT}'")
con.execute("SET preserve_insertion_order=false")
n = con.execute(f"CREATE TABLE raw AS SELECT * FROM {sys.argv[3]}").fetchall()[0][0]
con.close()
print(json.dumps({"rows": n, "seconds": time.perf_counter() - t0}))
"""


def gdelt_raw_sql(path: Path) -> str:
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in GDELT2_COLUMNS) + "}"
    return (f"read_csv('{path}', delim='\\t', header=false, quote='', escape='', columns={cols}, "
            "auto_detect=false)")


def ucdp_raw_sql(path: Path) -> str:
    return f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"


def generate_from_sample(path: Path, rows: int, sample: Path) -> None:
    """``rows`` rows copied round-robin from the real export ``sample``, each with a new id."""
    con = duckdb.connect()
    try:
        src = gdelt_raw_sql(sample)
        n = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
        others = ", ".join(f's."{c}"' for c in GDELT2_COLUMNS[1:])
        con.execute(f"CREATE TEMP TABLE s AS SELECT row_number() OVER () - 1 AS k, * FROM {src}")
        con.execute(f"COPY (SELECT (2000000000 + i)::VARCHAR AS GLOBALEVENTID, {others} "
                    f"FROM range({rows}) r(i) JOIN s ON s.k = i % {n} ORDER BY i) TO '{path}' "
                    "(FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
    finally:
        con.close()


def generate_synthetic(path: Path, rows: int) -> None:
    """Fallback when the real sample is absent: rows of the same shape, made up."""
    from redline.data.schema import cameo_table
    codes = "[" + ", ".join(f"'{c}'" for c in sorted(c for c in cameo_table() if len(c) >= 3)) + "]"
    cols = {
        "GLOBALEVENTID": "(1000000000 + i)::VARCHAR",
        "SQLDATE": "strftime(DATE '2023-10-17' + (hash(i, 3) % 240)::INT, '%Y%m%d')",
        "Actor1Name": "['UNITED STATES', 'IRAN', 'IRAQ', 'MILITANT', NULL][1 + (hash(i, 1) % 5)::INT]",
        "Actor2Name": "['POLICE', 'GOVERNMENT', 'SYRIA', NULL][1 + (hash(i, 2) % 4)::INT]",
        "EventCode": f"{codes}[1 + (hash(i, 6) % len({codes}))::INT]",
        "ActionGeo_FullName": "'Baghdad, Baghdad, Iraq'", "ActionGeo_CountryCode": "'IZ'",
        "ActionGeo_Lat": "'33.3406'", "ActionGeo_Long": "'44.4009'",
        "SOURCEURL": "'https://news.example.com/' || i::VARCHAR || '/a-long-article-slug.html'",
    }
    select = ", ".join(f"{cols.get(c, repr('x'))} AS \"{c}\"" for c in GDELT2_COLUMNS)
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT {select} FROM range({rows}) t(i)) TO '{path}' "
                    "(FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
    finally:
        con.close()


def _child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=False, env={**os.environ})
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def race(work: Path, src: Path, fmt: str, raw_sql: str, repeats: int) -> tuple[dict, dict]:
    """Best (fastest) ingest and raw read of ``src`` over ``repeats`` alternating runs."""
    best_ingest: dict | None = None
    best_raw: dict | None = None
    for r in range(repeats):
        for p in work.glob(f"{fmt}-*.duckdb*"):
            p.unlink()
        ing = _child(_INGEST, str(src), str(work / f"{fmt}-ingest-{r}.duckdb"), fmt)
        raw = _child(_RAW, str(src), str(work / f"{fmt}-raw-{r}.duckdb"), raw_sql)
        assert raw["rows"] == ing["rows"], (raw, ing)
        if best_ingest is None or ing["seconds"] < best_ingest["seconds"]:
            best_ingest = ing
        if best_raw is None or raw["seconds"] < best_raw["seconds"]:
            best_raw = raw
    assert best_ingest is not None and best_raw is not None
    return best_ingest, best_raw


def report(name: str, ing: dict, raw: dict) -> float:
    ratio = raw["seconds"] / ing["seconds"]  # = ingest rows/s over raw-read rows/s
    print(f"{name}: ingest {ing['rows']:,} rows in {ing['seconds']:.2f} s "
          f"({ing['rows'] / ing['seconds']:,.0f} rows/s, peak {ing['peak_bytes'] / 2**20:,.0f} MiB); "
          f"raw read {raw['seconds']:.2f} s ({raw['rows'] / raw['seconds']:,.0f} rows/s); "
          f"ingest/raw = {ratio:.2f}")
    return ratio


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep the files in")
    ap.add_argument("--no-ucdp", action="store_true", help="skip the UCDP global file")
    args = ap.parse_args()

    ok = True
    with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        src = work / "bench.export.CSV"
        if GDELT_SAMPLE.exists():
            generate_from_sample(src, args.rows, GDELT_SAMPLE)
            kind = f"rows of the real sample {GDELT_SAMPLE.name}"
        else:
            generate_synthetic(src, args.rows)
            kind = "generated rows (real sample not found)"
        size = src.stat().st_size
        print(f"GDELT file: {args.rows:,} {kind}, {size / 2**20:,.0f} MiB "
              f"({size / args.rows:,.0f} bytes/row); best of {args.repeats}")
        ing, raw = race(work, src, "gdelt", gdelt_raw_sql(src), args.repeats)
        ratio = report("gdelt", ing, raw)
        ok &= ratio >= TARGET_RATIO
        print(f"  target ingest/raw >= {TARGET_RATIO}: {'ok' if ratio >= TARGET_RATIO else 'BELOW'}")

        if not args.no_ucdp and UCDP_GLOBAL.exists():
            ing, raw = race(work, UCDP_GLOBAL, "ucdp", ucdp_raw_sql(UCDP_GLOBAL), args.repeats)
            report("ucdp global", ing, raw)
            fast = ing["seconds"] <= TARGET_UCDP_SECONDS
            ok &= fast
            print(f"  target <= {TARGET_UCDP_SECONDS:.0f} s: {'ok' if fast else 'ABOVE'}")
        elif not args.no_ucdp:
            print(f"ucdp: {UCDP_GLOBAL} not found, skipped")
    print(f"cpus: {os.cpu_count()}, duckdb {duckdb.__version__}, memory_limit "
          f"{os.environ.get('REDLINE_MEMORY_LIMIT', 'default 500MB')}, load {os.getloadavg()[0]:.1f}")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
