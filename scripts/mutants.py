"""Mutation testing of the number-computing modules with cosmic-ray (``make mutants``).

Reads ``mutants.toml``: for each module, a cosmic-ray session is initialised
once under ``out/mutants/`` and all but a seeded random sample of its mutants
are marked skipped; the sample is then executed (incrementally: a rerun only
does what is still pending) in a copy of ``src/`` and ``tests/``, so the work
tree is never mutated.  Prints killed / sampled per module, writes
``out/mutants/report.json`` with every survivor's diff.

Usage: python scripts/mutants.py [--only SUBSTRING] [--report]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "out" / "mutants"
TREE = OUT / "tree"


def _copy_tree() -> None:
    """src/ and tests/ into out/mutants/tree (fresh each run), ../shared linked beside it."""
    if TREE.exists():
        shutil.rmtree(TREE)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.duckdb*")
    for part in ("src", "tests"):
        shutil.copytree(REPO / part, TREE / part, ignore=ignore)
    shutil.copy2(REPO / "pyproject.toml", TREE / "pyproject.toml")
    # tests find ../shared beside the checkout: the tree's parent must have it too
    shared = REPO.parent / "shared"
    link = TREE.parent / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared)


def _slug(path: str) -> str:
    return path.removeprefix("src/redline/").removesuffix(".py").replace("/", ".")


def _test_command(tests: list[str]) -> str:
    return (f"{sys.executable} -m pytest -x -q -p no:cacheprovider --no-header -o addopts= "
            + " ".join(tests))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(TREE / "src")
    env["OMP_NUM_THREADS"] = "1"
    return env


def _baseline_seconds(tests: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(_test_command(tests).split(), cwd=TREE, env=_env(),
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"the tests fail before any mutation:\n{res.stdout[-3000:]}")
    return time.perf_counter() - t0


def _init_session(mod: dict, settings: dict, config: Path, session: Path) -> None:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult
    subprocess.run(["cosmic-ray", "init", str(config), str(session)], cwd=TREE, env=_env(),
                   check=True)
    n = int(settings.get("sample", 0))
    with use_db(str(session), WorkDB.Mode.open) as db:
        ids = sorted(item.job_id for item in db.work_items)
        if n and len(ids) > n:
            keep = set(random.Random(f"{settings.get('seed', 0)}:{mod['path']}").sample(ids, n))
            skipped = [i for i in ids if i not in keep]
            db.set_multiple_results(skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))


def _forget_survivors(session: Path) -> None:
    """Make surviving mutants pending again, so that exec runs them with the current tests."""
    import sqlite3
    con = sqlite3.connect(session)
    with con:
        con.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED' "
                    "OR test_outcome = 'survived'")
    # (cosmic-ray then runs them again; a kill then is a kill by the current tests)
    con.close()


def _equivalent(cfg: dict) -> dict[tuple[str, int, str], str]:
    """(path, line, operator) -> why, from mutants.toml's [[equivalent]] entries."""
    return {(e["path"], int(e["line"]), e["operator"]): e["why"] for e in cfg.get("equivalent", [])}


def _summary(session: Path, path: str = "", equivalent: dict | None = None) -> dict:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome
    out = {"total_mutants": 0, "sampled": 0, "killed": 0, "survived": 0, "incompetent": 0,
           "equivalent": 0, "pending": 0, "killed_on_retest": 0, "survivors": [],
           "equivalents": []}
    equivalent = equivalent or {}
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = {i.job_id: i for i in db.work_items}
        out["total_mutants"] = len(items)
        done = set()
        for job_id, r in db.results:
            done.add(job_id)
            if r.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            out["sampled"] += 1
            if r.test_outcome == TestOutcome.SURVIVED:
                m = items[job_id].mutations[0]
                entry = {"job": job_id, "operator": m.operator_name, "line": m.start_pos[0],
                         "diff": r.diff}
                why = equivalent.get((path, m.start_pos[0], m.operator_name))
                if why:
                    out["equivalent"] += 1
                    out["equivalents"].append({**entry, "why": why})
                else:
                    out["survived"] += 1
                    out["survivors"].append(entry)
            elif r.test_outcome == TestOutcome.INCOMPETENT:
                out["incompetent"] += 1
            else:
                out["killed"] += 1
                if (r.output or "").startswith("killed on retest"):
                    out["killed_on_retest"] += 1
        out["pending"] = len(set(items) - done)
        out["sampled"] += out["pending"]
    return out


def _changed_lines(diff: str | None) -> str:
    lines = [ln[1:].strip() for ln in (diff or "").splitlines()
             if ln[:1] in "+-" and not ln.startswith(("+++", "---")) and ln[1:].strip()]
    return " → ".join(f"`{ln}`" for ln in lines)


def _markdown(report: dict) -> None:
    print("| module | mutants | sampled | killed (of which on a retest, by tests added to its list after the first pass) "
          "| equivalent | survived | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    killed = scored = 0
    for path, s in report.items():
        n = s["killed"] + s["survived"]
        killed, scored = killed + s["killed"], scored + n
        score = f"{s['killed'] / n:.0%}" if n else "n/a"
        print(f"| `{path}` | {s['total_mutants']} | {s['sampled']} | {s['killed']} "
              f"({s['killed_on_retest']}) | {s['equivalent']} | {s['survived']} | {score} |")
    if scored:
        n_eq = sum(s["equivalent"] for s in report.values())
        n_re = sum(s["killed_on_retest"] for s in report.values())
        print(f"| all | | {scored + n_eq} | {killed} ({n_re}) | {n_eq} | {scored - killed} | "
              f"{killed / scored:.0%} |")
        print(f"\nFirst pass, before the tests it prompted: {killed - n_re} of {scored} "
              f"killed ({(killed - n_re) / scored:.0%}).")
    print("\nSurvivors not explained (each needs a test):\n")
    for path, s in report.items():
        for m in s["survivors"]:
            print(f"- `{path}`:{m['line']} ({m['operator']}): {_changed_lines(m['diff'])}")
    print("\nEquivalent mutants (no test can tell them apart from the code):\n")
    for path, s in report.items():
        for m in s["equivalents"]:
            print(f"- `{path}`:{m['line']}: {_changed_lines(m['diff'])} — {m['why']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run modules whose path contains this text")
    ap.add_argument("--report", action="store_true", help="print the scores, run nothing")
    ap.add_argument("--markdown", action="store_true",
                    help="print the scores and survivors as Markdown (for docs/testing.md), run nothing")
    ap.add_argument("--retest-survivors", action="store_true",
                    help="run the surviving mutants again (after adding tests that should kill them)")
    args = ap.parse_args(argv)
    cfg = tomllib.loads((REPO / "mutants.toml").read_text(encoding="utf-8"))
    settings = cfg.get("settings", {})
    equivalent = _equivalent(cfg)
    OUT.mkdir(parents=True, exist_ok=True)
    args.report = args.report or args.markdown
    if not args.report:
        _copy_tree()
    report = {}
    for mod in cfg["module"]:
        slug = _slug(mod["path"])
        session = OUT / f"{slug}.sqlite"
        if args.only and args.only not in mod["path"]:
            if session.exists():
                report[mod["path"]] = _summary(session, mod["path"], equivalent)
            continue
        if (not args.report and session.exists() and not args.retest_survivors
                and _summary(session)["pending"] == 0):
            report[mod["path"]] = _summary(session, mod["path"], equivalent)
            continue  # nothing left to run for this module
        if not args.report:
            base = _baseline_seconds(mod["tests"])
            timeout = max(float(settings.get("timeout_floor", 30)),
                          base * float(settings.get("timeout_factor", 4)))
            config = OUT / f"{slug}.toml"
            config.write_text(
                "[cosmic-ray]\n"
                f"module-path = {json.dumps(mod['path'])}\n"
                f"timeout = {timeout:.0f}\n"
                "excluded-modules = []\n"
                f"test-command = {json.dumps(_test_command(mod['tests']))}\n\n"
                "[cosmic-ray.distributor]\nname = \"local\"\n", encoding="utf-8")
            if not session.exists():
                _init_session(mod, settings, config, session)
            elif args.retest_survivors:
                _forget_survivors(session)
            print(f"{mod['path']}: baseline {base:.1f} s, running its sample ...", flush=True)
            subprocess.run(["cosmic-ray", "exec", str(config), str(session)], cwd=TREE,
                           env=_env(), check=True)
        if session.exists():
            report[mod["path"]] = _summary(session, mod["path"], equivalent)
    (OUT / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    if args.markdown:
        _markdown(report)
        return 0
    print(f"\n{'module':48s} {'mutants':>7s} {'sampled':>7s} {'killed':>6s} {'survived':>8s} "
          f"{'score':>6s}")
    killed = scored = 0
    for path, s in report.items():
        n = s["killed"] + s["survived"]
        killed, scored = killed + s["killed"], scored + n
        score = f"{s['killed'] / n:6.0%}" if n else "   n/a"
        print(f"{path:48s} {s['total_mutants']:7d} {s['sampled']:7d} {s['killed']:6d} "
              f"{s['survived']:8d} {score}" + (f"  ({s['pending']} pending)" if s["pending"] else ""))
    if scored:
        print(f"{'all sampled modules':48s} {'':7s} {'':7s} {killed:6d} {scored - killed:8d} "
              f"{killed / scored:6.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
