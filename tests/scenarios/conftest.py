"""A small synthetic case and scenario whose right answers are planted.

Attacks (brigade -> home) arrive about once a day for 120 days; the first 60
carry a casualty record and 15 of those killed someone, so the fatality
posterior under a Beta(1, 1) prior is Beta(16, 46).  Strikes (home -> brigade)
are rare and unrelated to the attacks.  Built here rather than on the built-in
case so that no test passes because of how that case happens to look.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

START = dt.date(2023, 1, 1)
N_DAYS = 120
KILLED_KNOWN = 60   # attacks with a casualty record
KILLED_FATAL = 15   # of which fatal

CASE_YAML = f"""\
name: synthetic_scenario_case
title: Synthetic scenario case
description: Built by a test; the fatality record is planted.
start: {START}
end: {START + dt.timedelta(days=N_DAYS - 1)}
actors:
  - {{id: home, name: Home State, kind: state, country: Homeland}}
  - {{id: brigade, name: The Brigade, kind: armed_group, country: Hostland}}
streams:
  - name: attacks
    actors: [brigade]
    targets: [home]
    event_types: [ASSAULT]
  - name: strikes
    actors: [home]
    targets: [brigade]
    event_types: [ASSAULT]
model:
  streams: [attacks, strikes]
  link: identity
"""

HEADER = ["event_id", "date", "date_precision", "actor", "target", "event_type", "raw_type", "mode",
          "country", "place", "latitude", "longitude", "killed", "injured", "target_killed",
          "target_injured", "claimed_by", "summary", "sources"]


def red_line(series: str, probability: str) -> str:
    return (f"      - type: red_line\n"
            f"        when: {{series: {series}, at_least: 1, within_days: 1}}\n"
            f"        probability: {probability}\n"
            f"        then: {{stream: strikes, count: 1, delay_days: [1, 1]}}\n"
            f"        max_fires: 1000\n")


SCENARIO_YAML = f"""\
name: synthetic_red_lines
title: Red lines on a synthetic case
case: case
actor: home
decision_day: {START + dt.timedelta(days=N_DAYS - 1)}
horizon_days: 30
model:
  streams: [attacks, strikes]
  covariates: []
  link: identity
fatalities: {{stream: attacks, prior: [1, 1]}}
metrics:
  - {{id: attacks, label: Attacks, kind: count, stream: attacks}}
  - {{id: strikes, label: Strikes, kind: count, stream: strikes}}
  - {{id: p_fatal, label: Any fatal attack, kind: p_fatality}}
assumptions:
  - {{id: p_never, value: 0.0, justification: "Never answers, for the test."}}
  - {{id: p_always, value: 1.0, justification: "Always answers, for the test."}}
options:
  - id: nothing
    label: Nothing
  - id: on_fatal
    label: Answer fatal attacks
    interventions:
{red_line("fatalities", "p_always")}  - id: on_attack
    label: Answer every attack
    interventions:
{red_line("attacks", "p_always")}  - id: never
    label: A red line never enforced
    interventions:
{red_line("attacks", "p_never")}"""


METRICS_YAML = f"""\
name: synthetic_metrics
title: Metrics on a synthetic case
case: case
actor: home
decision_day: {START + dt.timedelta(days=N_DAYS - 1)}
horizon_days: 30
model:
  streams: [attacks, strikes]
  covariates: []
  link: identity
fatalities: {{stream: attacks, prior: [1, 1]}}
metrics:
  - {{id: attacks, label: Attacks, kind: count, stream: attacks}}
  - {{id: pause, label: Two quiet weeks, kind: p_pause, stream: attacks, min_days: 14}}
  - {{id: strike_soon, label: A strike within 5 days, kind: p_any, stream: strikes, days: 5}}
  - {{id: p_fatal, label: Any fatal attack, kind: p_fatality}}
  - {{id: retaliation, label: Retaliation, kind: p_assumed_event, base_probability: p_base}}
  - {{id: escalation, label: Escalation, kind: p_assumed_event, per_event: {{stream: strikes, probability: p_q}}}}
assumptions:
  - {{id: p_base, value: 0.2, justification: "A base risk, for the test."}}
  - {{id: p_q, value: 0.3, justification: "A risk per strike, for the test."}}
  - {{id: p_half, value: 0.5, justification: "Half the worlds, for the test."}}
options:
  - id: nothing
    label: Nothing
  - id: silence
    label: Attacks stop
    interventions:
      - {{type: set_baseline, stream: attacks, rate: 0}}
      - {{type: set_coupling, source: attacks, target: attacks, value: 0}}
      - {{type: set_coupling, source: strikes, target: attacks, value: 0}}
  - id: half
    label: Attacks stop in half the worlds
    interventions:
      - {{type: set_baseline, stream: attacks, rate: 0, probability: p_half}}
      - {{type: set_coupling, source: attacks, target: attacks, value: 0}}
      - {{type: set_coupling, source: strikes, target: attacks, value: 0}}
  - id: risky
    label: A risky step
    interventions:
      - {{type: event_risk, metric: retaliation, probability: p_half}}
  - id: wave
    label: A strike wave
    interventions:
      - {{type: inject, stream: strikes, day: 2, count: 4}}
motives:
  - actor: home
    objectives:
      - id: fewer_attacks
        label: Fewer attacks
        metric: attacks
        direction: minimise
        weight: 3.0
        normalisation: history
        justification: Attacks relative to the last 30 days, for the test.
        sources: ["test"]
      - id: no_deaths
        label: No fatal attack
        metric: p_fatal
        direction: minimise
        weight: 1.0
        normalisation: none
        justification: A probability as it is, for the test.
        sources: ["test"]
backtest: {{fit_end: {START + dt.timedelta(days=89)}, option: nothing, stream: attacks,
            start: {START + dt.timedelta(days=90)}, end: {START + dt.timedelta(days=N_DAYS - 1)}}}
"""


def write_synthetic_scenario(folder: Path, scenario: str = SCENARIO_YAML) -> Path:
    """Write case/ (case.yaml, events.csv) and scenario.yaml under ``folder``; return the scenario."""
    rng = np.random.default_rng(11)
    case_dir = folder / "case"
    case_dir.mkdir(parents=True, exist_ok=True)
    (case_dir / "case.yaml").write_text(CASE_YAML, encoding="utf-8")
    rows = []
    for day in range(N_DAYS):
        for _ in range(int(rng.poisson(1.0))):
            rows.append({"day": day, "actor": "brigade", "target": "home"})
        if rng.random() < 0.05:
            rows.append({"day": day, "actor": "home", "target": "brigade", "mode": "aerial"})
    attacks = [r for r in rows if r["actor"] == "brigade"]
    assert len(attacks) > KILLED_KNOWN + 20
    for i, r in enumerate(attacks[:KILLED_KNOWN]):
        r["target_killed"] = (1 + i % 3) if i < KILLED_FATAL else 0
    with open(case_dir / "events.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, HEADER)
        w.writeheader()
        for i, e in enumerate(rows, 1):
            row = {"event_id": f"S{i:05d}", "date_precision": "day", "event_type": "ASSAULT",
                   "mode": "rocket", "country": "Hostland", "summary": "synthetic", "sources": "test"}
            row.update({k: v for k, v in e.items() if k != "day"})
            row["date"] = (START + dt.timedelta(days=e["day"])).isoformat()
            w.writerow(row)
    path = folder / "scenario.yaml"
    path.write_text(scenario, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synthetic_scenario(tmp_path_factory):
    """(spec, case, store) of the synthetic scenario, the case ingested into a fresh store."""
    from redline.data.store import DuckDBStore
    from redline.scenarios import load_scenario
    folder = tmp_path_factory.mktemp("synthetic_scenario")
    spec, case = load_scenario(write_synthetic_scenario(folder))
    store = DuckDBStore(folder / "events.duckdb")
    store.ingest(folder / "case")
    return spec, case, store


@pytest.fixture(scope="module")
def synthetic_metrics_scenario(tmp_path_factory):
    """(spec, case, store) of the metrics scenario on the same synthetic case."""
    from redline.data.store import DuckDBStore
    from redline.scenarios import load_scenario
    folder = tmp_path_factory.mktemp("synthetic_metrics")
    spec, case = load_scenario(write_synthetic_scenario(folder, METRICS_YAML))
    store = DuckDBStore(folder / "events.duckdb")
    store.ingest(folder / "case")
    return spec, case, store
