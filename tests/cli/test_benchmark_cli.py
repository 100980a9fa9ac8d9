"""`redline benchmark` end to end on a small store of synthetic events."""

import json

import numpy as np
import pandas as pd
import pytest

from redline.data.store import DuckDBStore


@pytest.fixture(scope="module")
def bench_store(tmp_path_factory):
    rng = np.random.default_rng(3)
    days = pd.date_range("2018-01-01", "2020-12-31")
    rows = []
    for day, n in zip(days, rng.poisson(0.5, len(days))):
        for k in range(n):  # mutual events: both directions are the same dyad
            a, b = ("alpha", "beta") if k % 2 else ("beta", "alpha")
            rows.append((day.date(), a, b, "ASSAULT", "Xland"))
    for day, n in zip(days, rng.poisson(0.05, len(days))):
        rows += [(day.date(), "gamma", "delta", "ASSAULT", "Yland")] * int(n)
    path = tmp_path_factory.mktemp("bench") / "events.csv"
    pd.DataFrame(rows, columns=["date", "actor", "target", "event_type", "country"]).to_csv(
        path, index=False)
    store = DuckDBStore(tmp_path_factory.mktemp("store") / "bench.duckdb")
    store.ingest(path, "csv")
    return store.path


def test_benchmark_json_and_files(cli, bench_store, tmp_path):
    out = tmp_path / "out"
    r = cli("--store", str(bench_store), "benchmark", "--min-events", "100", "--origins", "5",
            "--horizon", "7,14", "--models", "poisson,negbin,persistence,conflictology",
            "--train-window", "365", "--json", "--out", str(out))
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) >= {"summary", "units", "diagnostics"}
    keys = {"model", "horizon", "n_units", "crps_mean", "log_score_mean", "coverage_90",
            "skill_vs_poisson_median", "share_beating_poisson", "skill_vs_persistence_median",
            "share_beating_persistence"}
    assert keys <= set(data["summary"][0])
    # alpha→beta and beta→alpha are one unordered dyad; gamma–delta has too few events
    assert {u["unit"] for u in data["units"]} == {"alpha – beta"}
    assert {(s["model"], s["horizon"]) for s in data["summary"]} == {
        (m, h) for m in ("poisson", "negbin", "persistence", "conflictology") for h in (7, 14)}
    assert {p.name for p in out.iterdir()} >= {"summary.csv", "units.parquet", "scores.parquet",
                                               "result.json", "benchmark.html"}
    page = (out / "benchmark.html").read_text()
    assert "<svg" in page and "http" not in page.split("<body>")[1].replace(
        "http://www.w3.org", "")


def test_benchmark_errors_name_the_option(cli, bench_store):
    r = cli("--store", str(bench_store), "benchmark", "--origins", "sometimes")
    assert r.exit_code != 0 and "--origins" in r.output
    r = cli("--store", str(bench_store), "benchmark", "--min-events", "100000")
    assert r.exit_code != 0 and "--min-events" in r.output
    r = cli("--store", str(bench_store), "benchmark", "--min-events", "100", "--models", "oracle")
    assert r.exit_code != 0 and "models" in r.output
