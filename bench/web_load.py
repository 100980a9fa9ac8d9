"""Load test of `redline serve` on loopback: 50 users for 30 s (locust, headless).

Two runs, each against a fresh server process:

1. the JSON pages of the built-in case (overview, events, facets, actors, an actor,
   dynamics, an event) on a store holding only the case — target p99 < 200 ms;
2. the events page (JSON, paged, with and without filters) on a store that also holds
   1,000,000 synthetic GDELT-like rows — target p99 < 500 ms.

Prints requests/s, p50/p99 latency and errors per run and per page.  Users wait
0.5-1.5 s between requests, as a person clicking through the app would.

    .venv/bin/python bench/web_load.py [--users 50] [--seconds 30] [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CASE = "us-iran-proxies-2023"
ROOT = Path(__file__).resolve().parents[1]
REDLINE = str(Path(sys.executable).parent / "redline")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([REDLINE, "--store", str(store), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 600
    # Up, and warm: the last pages `redline serve` warms at start (the fit, the analyses,
    # the brief's key judgments that every overview loads) answer; the load then measures
    # the steady state, not the start.
    ready = [f"{base}/cases/{CASE}/dynamics.json", f"{base}/cases/{CASE}/judgments.json"]
    while time.time() < deadline and ready:
        try:
            with urllib.request.urlopen(ready[0], timeout=600) as r:
                if r.status == 200:
                    ready.pop(0)
        except OSError:
            time.sleep(0.5)
    if not ready:
        time.sleep(1)
        return proc, base
    proc.kill()
    raise SystemExit("the server did not come up")


LOCUSTFILE = """
import random
from locust import HttpUser, between, task

WEIGHTED = {weighted!r}


class Analyst(HttpUser):
    wait_time = between(0.5, 1.5)

    @task
    def visit(self):
        path = random.choice(WEIGHTED)
        name = path.split("?")[0] + ("?" + path.split("?")[1].split("&page")[0] if "?" in path else "")
        path = path.replace("page=N", "page=%d" % random.randint(1, 200))
        self.client.get(path, name=name, headers={{"Accept": "application/json"}})
"""


LOAD: list[float] = []


def run_load(base: str, paths: list[tuple[str, int]], users: int, seconds: int) -> dict:
    """Run locust headless in its own process (it monkey-patches with gevent) and read its CSV."""
    import csv
    LOAD.append(os.getloadavg()[0])
    weighted = [p for p, w in paths for _ in range(w)]
    with tempfile.TemporaryDirectory() as tmp:
        lf = Path(tmp) / "locustfile.py"
        lf.write_text(LOCUSTFILE.format(weighted=weighted))
        prefix = Path(tmp) / "stats"
        subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(lf), "--headless",
                        "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base,
                        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = {}
        with open(f"{prefix}_stats.csv", newline="") as fh:
            for row in csv.DictReader(fh):
                name = "TOTAL" if row["Name"] == "Aggregated" else row["Name"]
                out[name] = {"requests": int(row["Request Count"]),
                             "failures": int(row["Failure Count"]),
                             "rps": float(row["Requests/s"]), "p50_ms": float(row["50%"]),
                             "p99_ms": float(row["99%"])}
    return out


def report(title: str, stats: dict, target_ms: int) -> bool:
    print(f"\n{title} (load average before: {LOAD[-1]:.2f})")
    print(f"{'page':55s} {'req':>6s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'errors':>6s}")
    for name, s in sorted(stats.items(), key=lambda kv: kv[0] == "TOTAL"):
        print(f"{name:55s} {s['requests']:6d} {s['rps']:7.1f} {s['p50_ms']:7.0f} "
              f"{s['p99_ms']:7.0f} {s['failures']:6d}")
    t = stats["TOTAL"]
    ok = t["p99_ms"] < target_ms and t["failures"] == 0
    print(f"target p99 < {target_ms} ms and no errors: {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    from redline.data.store import DuckDBStore
    from redline.data.synthetic import write_synthetic_duckdb

    c = f"/cases/{CASE}"
    pages = [(f"{c}.json", 2), (f"{c}/events.json", 3), (f"{c}/events.json?type=ASSAULT&page=2", 2),
             (f"{c}/events/facets.json", 1), (f"{c}/actors.json", 1),
             (f"{c}/actors/kataib_hezbollah.json", 1), (f"{c}/dynamics.json", 1),
             (f"{c}/events/{CASE}:USP-0153.json", 1), (f"{c}/events/points.json", 1)]
    big_pages = [(f"{c}/events.json?page=N", 3), (f"{c}/events.json?type=ASSAULT&page=N", 2),
                 (f"{c}/events.json?actor=iran&from=2020-01-01&to=2021-12-31&page=N", 2),
                 (f"{c}/events.json?text=strike&page=1", 1)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "case.duckdb"
        DuckDBStore(small).ingest(CASE)
        proc, base = start_server(small)
        try:
            results.append(report(f"Built-in case, JSON pages: {args.users} users, {args.seconds} s",
                                  run_load(base, pages, args.users, args.seconds), 200))
        finally:
            proc.terminate()
            proc.wait()
        big = Path(tmp) / "big.duckdb"
        t0 = time.time()
        write_synthetic_duckdb(big, args.rows)
        DuckDBStore(big).ingest(CASE)
        print(f"\n{args.rows:,} synthetic GDELT-like rows written in {time.time() - t0:.0f} s")
        proc, base = start_server(big)
        try:
            results.append(report(f"Events page over {args.rows:,} rows: {args.users} users, "
                                  f"{args.seconds} s", run_load(base, big_pages, args.users,
                                                                args.seconds), 500))
        finally:
            proc.terminate()
            proc.wait()
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
