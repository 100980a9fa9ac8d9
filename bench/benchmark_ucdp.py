"""Known skill on real data: the benchmark over UCDP GED dyads (issue 15).

Reads ``../shared/data/ucdp/ged211-precise-global.csv.gz`` directly (side_a and
side_b as an unordered dyad), builds the daily series of every dyad with at
least ``--min-events`` events, and runs :func:`redline.models.benchmark.run_benchmark`.

Units are split once, before any result was looked at, by a hash of their
name: ``--split dev`` (even hash) is where model changes were chosen,
``--split holdout`` (odd hash) is where they are judged, ``--split all`` both.

Prints the summary, the time per model (and its ratio to the Poisson
baseline's, measured in the same run) and writes tables to ``--out``.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python bench/benchmark_ucdp.py --jobs 2 --out bench-out
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd

from redline.data.units import daily_units
from redline.models.benchmark import MODELS, BenchmarkSettings, run_benchmark

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("REDLINE_SHARED", ROOT.parent / "shared")) / "data" / "ucdp"
SOURCE = "UCDP GED 21.1, precisely located events, 1989–2020"
CITATION = ("Sundberg, Ralph and Erik Melander (2013). Introducing the UCDP Georeferenced Event "
            "Dataset. Journal of Peace Research 50(4): 523–532; UCDP GED 21.1, CC BY 4.0.")


def split_of(unit: str) -> str:
    """'dev' or 'holdout', fixed by a hash of the unit's name."""
    return "dev" if hashlib.md5(unit.encode()).digest()[0] % 2 == 0 else "holdout"


def load_units(min_events: int) -> dict[str, pd.Series]:
    df = pd.read_csv(DATA / "ged211-precise-global.csv.gz",
                     usecols=["date", "side_a", "side_b", "country"])
    ev = df.rename(columns={"side_a": "actor", "side_b": "target"})
    return daily_units(ev, by="dyad", min_events=min_events)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--min-events", type=int, default=300)
    ap.add_argument("--horizon", default="14")
    ap.add_argument("--origins", default="monthly")
    ap.add_argument("--split", choices=("dev", "holdout", "all"), default="all")
    ap.add_argument("--limit", type=int, default=0, help="only the first N units (a smoke run)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--n-paths", type=int, default=200)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--write-skill", action="store_true",
                    help="write src/redline/models/benchmark_skill.json (what skill_statement reads)")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    units = load_units(a.min_events)
    if a.split != "all":
        units = {u: s for u, s in units.items() if split_of(u) == a.split}
    if a.limit:
        units = dict(list(units.items())[: a.limit])
    t_load = time.perf_counter() - t0
    origins = a.origins if a.origins in ("monthly", "weekly") else int(a.origins)
    settings = BenchmarkSettings(horizons=tuple(int(h) for h in a.horizon.split(",")),
                                 origins=origins, n_paths=a.n_paths)
    done = []

    def progress(unit):
        done.append(unit)
        print(f"\r{len(done)}/{len(units)} units", end="", file=sys.stderr, flush=True)

    res = run_benchmark(units, a.models.split(","), settings, n_jobs=a.jobs, progress=progress)
    print(file=sys.stderr)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 40)
    cols = ["model", "horizon", "n_units", "n_origins", "crps_mean", "log_score_mean",
            "coverage_50", "coverage_90", "pit_coverage_90", "pit_distance",
            "skill_vs_poisson_median", "skill_vs_poisson_lo", "skill_vs_poisson_hi",
            "share_beating_poisson", "skill_vs_persistence_median", "skill_vs_persistence_lo",
            "skill_vs_persistence_hi", "share_beating_persistence"]
    print(res.summary[cols].round(4).to_string(index=False))
    if a.split == "all":
        for part in ("dev", "holdout"):
            sub = res.subset(u for u in units if split_of(u) == part)
            print(f"\n{part} units only ({sub.summary['n_units'].iloc[0]}):")
            print(sub.summary[cols].round(4).to_string(index=False))
            if a.out:
                a.out.mkdir(parents=True, exist_ok=True)
                sub.summary.to_csv(a.out / f"summary-{part}.csv", index=False)
    n_orig = int(res.summary["n_origins"].iloc[0])
    print(f"\nunits: {len(units)} ({a.split}); origins scored per model: {n_orig}")
    print(f"wall time {time.perf_counter() - t0:.1f} s (reading {t_load:.1f} s, "
          f"benchmark {res.wall_seconds:.1f} s with {a.jobs} worker(s))")
    ref = res.seconds.get("poisson") or float("nan")
    for m, s in res.seconds.items():
        print(f"  {m:15s} {s:8.1f} CPU s in workers  {1000 * s / max(n_orig, 1):6.2f} ms/origin  "
              f"x{s / ref:5.1f} of poisson")
    print(f"diagnostics: {len(res.diagnostics)} "
          + ", ".join(f"{c}×{sum(d.code == c for d in res.diagnostics)}"
                      for c in res.diagnostics.codes()))
    if a.out:
        a.out.mkdir(parents=True, exist_ok=True)
        res.summary.to_csv(a.out / "summary.csv", index=False)
        res.units.assign(split=res.units["unit"].map(split_of)).to_csv(a.out / "units.csv",
                                                                        index=False)
        res.scores.to_parquet(a.out / "scores.parquet", index=False)
        res.pit.to_csv(a.out / "pit.csv", index=False)
        (a.out / "result.json").write_text(json.dumps(res.to_dict(), indent=1, default=str))
    if a.write_skill:
        keep = ["model", "horizon", "n_units", "n_origins", "crps_mean", "coverage_50",
                "coverage_90", "pit_coverage_90", "pit_distance", "skill_vs_poisson_median", "skill_vs_poisson_lo",
                "skill_vs_poisson_hi", "share_beating_poisson", "skill_vs_persistence_median",
                "share_beating_persistence"]
        out = {"source": SOURCE, "citation": CITATION, "split": a.split,
               "settings": res.to_dict()["settings"],
               "summary": json.loads(res.summary[keep].to_json(orient="records"))}
        path = ROOT / "src" / "redline" / "models" / "benchmark_skill.json"
        path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
