"""Ingest speed: a generated GDELT 2.0 export of 2,000,000 rows into a fresh store.

    .venv/bin/python bench/ingest.py [--rows N] [--keep DIR]

Prints rows/s of ``DuckDBStore.ingest``, the ratio against ``pandas.read_csv`` of the
same file (read only, all columns as text — pandas does less work than the ingest),
and the peak memory (ru_maxrss) of a child process that does only the ingest.
Targets: >= 1,000,000 rows/s, faster than pandas, peak < 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from redline.data.importers.gdelt import GDELT2_COLUMNS
from redline.data.schema import cameo_table

TARGET_RATE = 1_000_000
TARGET_PEAK = 1 << 30

_CHILD = r"""
import json, resource, sys, time
from redline.data.store import DuckDBStore
store = DuckDBStore(sys.argv[2])
t0 = time.perf_counter()
res = store.ingest(sys.argv[1], "gdelt")
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
print(json.dumps({"rows": res.rows_read, "added": res.rows_added, "seconds": wall,
                  "peak_bytes": peak}))
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` realistic GDELT 2.0 event rows (tab-separated, no header) with DuckDB."""
    codes = sorted(c for c in cameo_table() if len(c) >= 3)
    code_list = "[" + ", ".join(f"'{c}'" for c in codes) + "]"
    actors = ("['UNITED STATES', 'IRAN', 'IRAQ', 'MILITANT', 'KATAIB HEZBOLLAH', 'SYRIA', "
              "'JORDAN', 'PENTAGON', 'POLICE', 'GOVERNMENT', 'ISRAEL', 'HAMAS', 'HOUTHI', NULL]")
    acodes = "['USA', 'IRN', 'IRQ', 'IRQMIL', 'IRQREB', 'SYR', 'JOR', 'USAMIL', 'COP', 'GOV', 'ISR', NULL]"
    places = ("['Baghdad, Baghdad, Iraq', 'Al Qaim, Al Anbar, Iraq', 'Erbil, Arbil, Iraq', "
              "'Damascus, Dimashq, Syria', 'Amman, Amman, Jordan', 'Washington, District of Columbia, "
              "United States', 'Tehran, Tehran, Iran', 'Iraq', 'Syria', 'Gaza, Israel (general), Israel']")
    fips = "['IZ', 'IZ', 'IZ', 'SY', 'JO', 'US', 'IR', 'IZ', 'SY', 'IS']"

    def pick(lst: str, salt: int) -> str:
        return f"{lst}[1 + (hash(i, {salt}) % len({lst}))::INT]"

    geo = f"(hash(i, 5) % 10)::INT + 1"
    a1n, a2n = pick(actors, 1), pick(actors, 2)
    cols = {
        "GLOBALEVENTID": "(1000000000 + i)::VARCHAR",
        "SQLDATE": "strftime(DATE '2023-10-17' + (hash(i, 3) % 240)::INT, '%Y%m%d')",
        "MonthYear": "'202401'", "Year": "'2024'", "FractionDate": "'2024.0767'",
        "Actor1Code": pick(acodes, 1), "Actor1Name": a1n, "Actor1CountryCode": "'USA'",
        "Actor2Code": pick(acodes, 2), "Actor2Name": a2n, "Actor2CountryCode": "'IRQ'",
        "IsRootEvent": "(hash(i, 4) % 2)::VARCHAR",
        "EventCode": pick(code_list, 6),
        "QuadClass": "(1 + hash(i, 8) % 4)::VARCHAR",
        "GoldsteinScale": "round((hash(i, 9) % 200)::INT / 10.0 - 10, 1)::VARCHAR",
        "NumMentions": "(1 + hash(i, 10) % 50)::VARCHAR", "NumSources": "'1'",
        "NumArticles": "(1 + hash(i, 11) % 50)::VARCHAR",
        "AvgTone": "round((hash(i, 12) % 2000)::INT / 100.0 - 10, 6)::VARCHAR",
        "Actor1Geo_Type": "'4'", "Actor1Geo_FullName": f"{places}[{geo}]",
        "Actor1Geo_CountryCode": f"{fips}[{geo}]",
        "Actor1Geo_Lat": "round(29 + (hash(i, 13) % 800)::INT / 100.0, 4)::VARCHAR",
        "Actor1Geo_Long": "round(35 + (hash(i, 14) % 1000)::INT / 100.0, 4)::VARCHAR",
        "Actor1Geo_FeatureID": "(-3000000 + hash(i, 15) % 100000)::VARCHAR",
        "ActionGeo_Type": "'4'", "ActionGeo_FullName": f"{places}[{geo}]",
        "ActionGeo_CountryCode": f"{fips}[{geo}]", "ActionGeo_ADM1Code": f"{fips}[{geo}] || '07'",
        "ActionGeo_Lat": "round(29 + (hash(i, 16) % 800)::INT / 100.0, 4)::VARCHAR",
        "ActionGeo_Long": "round(35 + (hash(i, 17) % 1000)::INT / 100.0, 4)::VARCHAR",
        "ActionGeo_FeatureID": "(-3000000 + hash(i, 18) % 100000)::VARCHAR",
        "DATEADDED": "'20240201' || lpad(((hash(i, 19) % 96) * 15)::VARCHAR, 6, '0')",
        "SOURCEURL": "'https://news.example.com/' || (hash(i, 20) % 100000)::VARCHAR || '/article-' || i::VARCHAR || '.html'",
    }
    select = ", ".join(f"{cols.get(c, 'NULL')} AS \"{c}\"" for c in GDELT2_COLUMNS)
    con = duckdb.connect()
    con.execute(f"SELECT setseed(0.{seed})")
    con.execute(f"COPY (SELECT {select} FROM range({rows}) t(i)) TO '{path}' "
                "(FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
    con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep the file and store in")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        src = work / "bench.export.CSV"
        store = work / "bench.duckdb"
        for p in (store, Path(str(store) + ".wal")):
            p.unlink(missing_ok=True)
        t0 = time.perf_counter()
        generate(src, args.rows)
        gen_s = time.perf_counter() - t0
        size = src.stat().st_size
        print(f"generated {args.rows:,} GDELT rows ({size / 2**20:,.0f} MiB) in {gen_s:.1f} s")

        out = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(store)],
                             capture_output=True, text=True, env={**os.environ})
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return 1
        res = json.loads(out.stdout.strip().splitlines()[-1])
        rate = res["rows"] / res["seconds"]

        import pandas as pd
        t0 = time.perf_counter()
        df = pd.read_csv(src, sep="\t", header=None, names=list(GDELT2_COLUMNS), dtype=str,
                         quoting=3, keep_default_na=False, na_values=[""])
        pd_s = time.perf_counter() - t0
        assert len(df) == args.rows
        del df

        ok_rate, ok_pd, ok_mem = rate >= TARGET_RATE, res["seconds"] < pd_s, res["peak_bytes"] < TARGET_PEAK
        print(f"ingest:       {res['rows']:,} rows ({res['added']:,} new) in {res['seconds']:.2f} s "
              f"= {rate:,.0f} rows/s  [{'ok' if ok_rate else 'BELOW'} target {TARGET_RATE:,}]")
        print(f"pandas:       read_csv in {pd_s:.2f} s = {args.rows / pd_s:,.0f} rows/s; "
              f"ingest is {pd_s / res['seconds']:.1f}x pandas  [{'ok' if ok_pd else 'SLOWER'}]")
        print(f"peak memory:  {res['peak_bytes'] / 2**20:,.0f} MiB (ingest child, ru_maxrss)  "
              f"[{'ok' if ok_mem else 'ABOVE'} 1 GiB]")
        print(f"cpus: {os.cpu_count()}, duckdb {duckdb.__version__}, memory_limit "
              f"{os.environ.get('REDLINE_MEMORY_LIMIT', 'default 500MB')}")
        return 0 if (ok_rate and ok_pd and ok_mem) else 2


if __name__ == "__main__":
    sys.exit(main())
