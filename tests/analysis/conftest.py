"""Small synthetic cases whose right answers are known by construction."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from redline.data.case import load_case
from redline.data.store import DuckDBStore

START = dt.date(2023, 1, 1)

CASE_YAML = """\
name: {name}
title: Synthetic case
description: Built by a test; the right answers are planted.
start: {start}
end: {end}
actors:
  - {{id: home, name: Home State, kind: state, country: Homeland}}
  - {{id: patron, name: Patron State, kind: state, country: Patronia}}
  - {{id: front, name: The Front, kind: umbrella, country: Hostland, aliases: [Front Umbrella]}}
  - {{id: brigade, name: The Brigade, kind: armed_group, country: Hostland, aliases: [Brigade]}}
  - {{id: cell, name: The Cell, kind: armed_group, country: Hostland}}
  - {{id: unknowns, name: Unknown gunmen, kind: unattributed, country: Hostland}}
  - {{id: militia_force, name: Militia Force, kind: state_force, country: Hostland}}
  - {{id: host_gov, name: Host Government, kind: government, country: Hostland}}
ties:
  - {{from: patron, to: front, kind: sponsors, sources: [test]}}
  - {{from: brigade, to: front, kind: member_of, sources: [test]}}
  - {{from: cell, to: brigade, kind: member_of, sources: [test]}}
  - {{from: brigade, to: militia_force, kind: member_of, sources: [test]}}
  - {{from: militia_force, to: host_gov, kind: part_of_state, sources: [test]}}
  - {{from: host_gov, to: home, kind: hosts, sources: [test]}}
streams:
  - name: attacks
    actors: [front, brigade, cell, unknowns]
    targets: [home]
    event_types: [ASSAULT]
  - name: strikes
    actors: [home]
    targets: [patron, front, brigade, cell, unknowns]
    event_types: [ASSAULT]
  - name: casualty_attacks
    actors: [front, brigade, cell, unknowns]
    targets: [home]
    event_types: [ASSAULT]
    with_target_casualties: true
{extra}
model:
  streams: [attacks, strikes]
  link: softplus
"""

HEADER = ["event_id", "date", "date_precision", "actor", "target", "event_type", "raw_type", "mode",
          "country", "place", "latitude", "longitude", "killed", "injured", "target_killed",
          "target_injured", "claimed_by", "summary", "sources"]


def write_case(folder: Path, events: list[dict], n_days: int, name: str = "synthetic",
               extra: str = "") -> Path:
    """Write case.yaml and events.csv; ``events`` rows need day, actor, target (+ optional fields)."""
    folder.mkdir(parents=True, exist_ok=True)
    end = START + dt.timedelta(days=n_days - 1)
    (folder / "case.yaml").write_text(CASE_YAML.format(name=name, start=START, end=end, extra=extra),
                                      encoding="utf-8")
    with open(folder / "events.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, HEADER)
        w.writeheader()
        for i, e in enumerate(events, 1):
            row = {"event_id": f"E{i:05d}", "date_precision": "day", "event_type": "ASSAULT",
                   "mode": "rocket", "country": "Hostland", "summary": "synthetic", "sources": "test"}
            row.update({k: v for k, v in e.items() if k != "day"})
            row["date"] = (START + dt.timedelta(days=int(e["day"]))).isoformat()
            w.writerow(row)
    return folder


@pytest.fixture
def make_case(tmp_path):
    """make_case(events, n_days, extra='') -> (store, case), the case ingested into a fresh store."""
    counter = iter(range(1000))

    def make(events: list[dict], n_days: int, extra: str = ""):
        k = next(counter)
        folder = write_case(tmp_path / f"case{k}", events, n_days, extra=extra)
        store = DuckDBStore(tmp_path / f"store{k}.duckdb")
        store.ingest(folder)
        return store, load_case(folder)

    return make
