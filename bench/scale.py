"""Scale-out: the analyst queries over a GDELT-like Parquet dataset, on every engine.

    .venv/bin/python bench/scale.py [--rows 20000000] [--keep DIR] [--no-spark] [--repeat 3]

Generates a GDELT-like dataset (``redline.data.synthetic``, year/month Parquet
partitions, written by DuckDB), then runs three analyst queries

* top dyads of material conflict (ASSAULT, COERCE) over 2019-2021,
* weekly counts per country (10 countries, pivoted),
* daily counts of the built-in case's seven streams over the ten years,

three ways: through redline on DuckDB (``ParquetStore``), as hand-written DuckDB
SQL over the same files, and through redline on local Spark (``SparkStore``,
``local[2]``).  The first two run interleaved in one process, so a busy machine
slows both alike; each mode also runs alone in a process of its own for its peak
memory.  Prints the best of ``--repeat`` warm runs, rows/s,
the ratio to hand-written SQL, and each process's peak memory (VmHWM; for
Spark also the JVM's).  Checks that all three give the same answers.
Targets: redline on DuckDB within 1.5x of hand-written SQL; peak < 1 GiB on DuckDB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.5
TARGET_PEAK = 1 << 30
QUERIES = ("dyads", "weekly", "daily")

_CHILD = r"""
import datetime as dt, json, os, resource, sys, time
mode, folder, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
from redline.data.case import load_case
from redline.data.filters import EventFilter
from redline.data.streams import stream_filters
from redline.data.synthetic import SYNTHETIC_START, SYNTHETIC_DAYS

CONFLICT = EventFilter(event_types="ASSAULT,COERCE", start="2019-01-01", end="2021-12-31")
COUNTRIES = ["United States", "Iran", "Iraq", "Israel", "Palestine", "Syria", "Russia",
             "Ukraine", "China", "Turkey"]
START = SYNTHETIC_START
END = START + dt.timedelta(days=SYNTHETIC_DAYS - 1)
STREAMS = stream_filters(load_case("us-iran-proxies-2023"), None, START, END)

def lit(vals):
    return ", ".join("'" + v.replace("'", "''") + "'" for v in vals)

def pred(f):
    p = ["TRUE"]
    if f.actors: p.append(f"actor IN ({lit(f.actors)})")
    if f.targets: p.append(f"target IN ({lit(f.targets)})")
    if f.event_types: p.append(f"event_type IN ({lit(f.event_types)})")
    if f.with_target_casualties: p.append("coalesce(target_killed, 0) + coalesce(target_injured, 0) > 0")
    return " AND ".join(p)

def sql_runners():
    import duckdb
    con = duckdb.connect()
    con.execute("SET memory_limit='500MB'")
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{folder}/year=*/month=*/*.parquet', "
                "hive_partitioning=false)")
    weekly_sel = ", ".join(f"count(*) FILTER (WHERE country = '{c}') AS \"{c}\"" for c in COUNTRIES)
    daily_sel = ", ".join(f"count(*) FILTER (WHERE {pred(f)}) AS \"{n}\"" for n, f in STREAMS.items())
    daily_any = " OR ".join(f"({pred(f)})" for f in STREAMS.values())
    sql = {
        "dyads": "SELECT actor, target, count(*) AS events, sum(CAST(event_type = 'ASSAULT' AS BIGINT)) AS assaults, "
                 "sum(killed) AS killed, sum(intensity) AS intensity, min(date) AS first, max(date) AS last "
                 "FROM events WHERE event_type IN ('ASSAULT', 'COERCE') AND date BETWEEN DATE '2019-01-01' "
                 "AND DATE '2021-12-31' AND target IS NOT NULL GROUP BY actor, target "
                 "ORDER BY events DESC, actor, target",
        "weekly": f"SELECT date_trunc('week', date) AS week, {weekly_sel} FROM events "
                  f"WHERE country IN ({lit(COUNTRIES)}) GROUP BY 1 ORDER BY 1",
        "daily": f"SELECT date, {daily_sel} FROM events WHERE date BETWEEN DATE '{START}' AND DATE '{END}' "
                 f"AND ({daily_any}) GROUP BY date ORDER BY date",
    }
    return {k: (lambda q=q: con.execute(q).df()) for k, q in sql.items()}

def redline_runners(engine):
    from redline.data.open import open_store
    if engine == "spark":
        store = open_store(folder, "spark", spark_master="local[2]",
                           conf={"spark.driver.memory": "2g"})
        store.session.sparkContext.setLogLevel("ERROR")
        store.count()  # start the JVM and list the files, timed apart
    else:
        store = open_store(folder, "duckdb")
    return {
        "dyads": lambda: store.dyads(CONFLICT),
        "weekly": lambda: store.weekly_counts(EventFilter(), "country", COUNTRIES),
        "daily": lambda: store.daily_counts(STREAMS, START, END),
    }

t_open = time.perf_counter()
if mode == "pair":  # hand-written SQL and redline-on-DuckDB interleaved, for a fair ratio on a busy machine
    pair = {"sql": sql_runners(), "duckdb": redline_runners("duckdb")}
else:
    pair = {mode: sql_runners() if mode == "sql" else redline_runners(mode)}
t_open = time.perf_counter() - t_open

def checksum(df):
    num = df.select_dtypes(exclude=["datetime", "datetimetz"])
    return round(float(sum(float(v) for col in num.columns if col not in ("actor", "target")
                           for v in num[col].dropna() if not isinstance(v, str))), 3)

out = {"mode": mode, "open_seconds": t_open, "queries": {}}
for name in pair[next(iter(pair))]:
    times = {m: [] for m in pair}
    for i in range(repeat + 1):  # the first run warms caches and is not counted
        for m, run in pair.items():
            t0 = time.perf_counter(); df = run[name](); times[m].append(time.perf_counter() - t0)
            if i == 0:
                out["queries"].setdefault(m, {})[name] = {"rows": len(df), "checksum": checksum(df),
                                                          "first": times[m][0]}
    for m in pair:
        out["queries"][m][name]["seconds"] = min(times[m][1:])
# VmHWM (not ru_maxrss, which execve inherits from the parent that generated the data)
out["peak_bytes"] = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status")
                         if l.startswith("VmHWM:"))
if mode == "spark":
    jvm = 0
    for pid in os.popen(f"pgrep -P {os.getpid()}").read().split():
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    jvm = max(jvm, int(line.split()[1]) * 1024)
        except OSError:
            pass
    out["jvm_peak_bytes"] = jvm
print("RESULT " + json.dumps(out))
"""


def run_child(mode: str, folder: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, mode, str(folder), str(repeat)],
                          capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--keep", type=Path, help="dataset folder to (re)use")
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from redline.data.engines.duckdb_parquet import ParquetStore
    from redline.data.synthetic import write_synthetic_parquet

    tmp = None
    folder = args.keep
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="redline-scale-")
        folder = Path(tmp.name) / "events"
    if not any(folder.glob("year=*/month=*/*.parquet")):
        t0 = time.perf_counter()
        write_synthetic_parquet(folder, args.rows)
        gen = time.perf_counter() - t0
        print(f"generated {args.rows:,} GDELT-like events in {gen:.1f} s "
              f"({args.rows / gen:,.0f} rows/s) -> {folder}")
    rows = ParquetStore(folder).count()
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    print(f"dataset: {rows:,} events, {size / 2**20:,.0f} MiB Parquet, "
          f"{len(list(folder.glob('year=*/month=*')))} partitions\n")

    modes = ["sql", "redline-duckdb"] + ([] if args.no_spark else ["spark"])
    # One process per mode for peak memory (and Spark's times); one process running the
    # hand-written SQL and redline-on-DuckDB interleaved for the times of those two.
    alone = {m: run_child({"redline-duckdb": "duckdb"}.get(m, m), folder, 1) for m in modes}
    pair = run_child("pair", folder, args.repeat)
    times = {"sql": pair["queries"]["sql"], "redline-duckdb": pair["queries"]["duckdb"]}
    if "spark" in modes:
        times["spark"] = run_child("spark", folder, args.repeat)["queries"]["spark"]

    label = {"sql": "hand-written DuckDB SQL", "redline-duckdb": "redline, DuckDB",
             "spark": "redline, Spark local[2]"}
    print(f"{'query':8} {'engine':26} {'seconds':>8} {'rows/s':>14} {'vs SQL':>7} {'result rows':>11}")
    ok = True
    for q in QUERIES:
        base = times["sql"][q]
        for m in modes:
            r = times[m][q]
            ratio = r["seconds"] / base["seconds"]
            print(f"{q:8} {label[m]:26} {r['seconds']:8.3f} {rows / r['seconds']:14,.0f} "
                  f"{ratio:6.2f}x {r['rows']:11,}")
            if r["rows"] != base["rows"] or abs(r["checksum"] - base["checksum"]) > 1e-6 * max(1, abs(base["checksum"])):
                print(f"   !! {m} answers {q} differently: {r['rows']} rows, checksum {r['checksum']} "
                      f"vs {base['rows']}, {base['checksum']}")
                ok = False
    print()
    for m in modes:
        r = alone[m]
        extra = f", JVM {mib(r['jvm_peak_bytes'])}" if r.get("jvm_peak_bytes") else ""
        print(f"peak memory {label[m]:26} {mib(r['peak_bytes'])}{extra}; open/start {r['open_seconds']:.1f} s")
    worst = max(times["redline-duckdb"][q]["seconds"] / times["sql"][q]["seconds"] for q in QUERIES)
    peak = alone["redline-duckdb"]["peak_bytes"]
    print(f"\nredline on DuckDB vs hand-written SQL, worst query: {worst:.2f}x "
          f"(target <= {TARGET_RATIO}x) {'PASS' if worst <= TARGET_RATIO else 'FAIL'}")
    print(f"peak memory redline on DuckDB: {mib(peak)} (target < {mib(TARGET_PEAK)}) "
          f"{'PASS' if peak < TARGET_PEAK else 'FAIL'}")
    print(f"same answers on every engine: {'yes' if ok else 'NO'}")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok and worst <= TARGET_RATIO and peak < TARGET_PEAK else 1


if __name__ == "__main__":
    sys.exit(main())
