"""Where the models fail: benchmark scores by the kind of origin.

Reads ``scores.parquet`` written by ``bench/benchmark_ucdp.py --out DIR`` and the
same UCDP series, and classifies every (unit, origin) by what the unit did:

* ``lull``: no event in the 90 days before the origin, none in the horizon;
* ``onset``: no event in the 90 days before, at least one in the horizon;
* ``burst``: the horizon holds more than three times the events the trailing
  90 days' rate predicts, and at least 5;
* ``ordinary``: everything else.

Prints mean CRPS per model and class, and each model's pooled skill over Poisson.

    PYTHONPATH=src .venv/bin/python bench/benchmark_failures.py DIR [--horizon 14]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_ucdp import load_units


def classify(units: dict[str, pd.Series], origins: pd.DataFrame, horizon: int) -> pd.Series:
    out = []
    for unit, origin in zip(origins["unit"], origins["origin"]):
        s = units[unit]
        o = s.index.get_loc(origin)
        before = s.iloc[max(0, o - 90):o].sum()
        after = s.iloc[o:o + horizon].sum()
        expected = before / 90 * horizon
        if before == 0:
            out.append("onset" if after > 0 else "lull")
        elif after >= 5 and after > 3 * expected:
            out.append("burst")
        else:
            out.append("ordinary")
    return pd.Series(out, index=origins.index)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--horizon", type=int, default=14)
    ap.add_argument("--min-events", type=int, default=300)
    a = ap.parse_args(argv)
    scores = pd.read_parquet(a.dir / "scores.parquet")
    scores = scores[scores["horizon"] == a.horizon]
    units = load_units(a.min_events)
    keys = scores[["unit", "origin"]].drop_duplicates().reset_index(drop=True)
    keys["kind"] = classify(units, keys, a.horizon)
    sc = scores.merge(keys, on=["unit", "origin"])
    crps = sc.pivot_table(index="kind", columns="model", values="crps", aggfunc="mean")
    n = keys["kind"].value_counts()
    print(f"origins by kind at {a.horizon} days:\n{n.to_string()}\n")
    print("mean CRPS by kind (lower is better):")
    print(crps.round(4).to_string())
    print("\npooled skill over poisson by kind (1 - sum CRPS / sum CRPS of poisson):")
    tot = sc.pivot_table(index="kind", columns="model", values="crps", aggfunc="sum")
    print((1 - tot.div(tot["poisson"], axis=0)).round(3).to_string())
    cov = sc.pivot_table(index="kind", columns="model", values="coverage_90", aggfunc="mean")
    print("\n90% interval coverage by kind:")
    print(cov.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
