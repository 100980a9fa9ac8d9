"""A small case with invented actors and places, and a scenario on it, written to a folder.

Used to check that the brief's text comes from the case and the numbers, never from the
built-in case.  Events are simulated with a planted structure: attacks at ``rate_hi`` a
day until ``drop_day``, then at ``rate_lo``; a wave of responses just before the drop;
a few events dated only to a month; a few after the case window.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

START = dt.date(2031, 3, 1)

CASE = """\
name: {name}
title: Northland and the Southern Front, 2031
description: >-
  The Southern Front, sponsored by Patronia, attacked Northland's garrisons in the
  Host Republic; Northland answered with raids and embargoes.
start: {start}
end: {end}
actors:
  - {{id: northland, name: Northland, kind: state, country: Northland}}
  - {{id: patronia, name: Patronia, kind: state, country: Patronia}}
  - {{id: southern_front, name: Southern Front, kind: armed_group, country: Host Republic,
     description: An armed group that claims its attacks under its own name.}}
  - {{id: host_republic, name: Host Republic Government, kind: government, country: Host Republic}}
ties:
  - {{from: patronia, to: southern_front, kind: sponsors, sources: ["doc:northland-notes"]}}
  - {{from: host_republic, to: northland, kind: hosts, sources: ["doc:northland-notes"]}}
sites:
  - {{name: Camp Lantern, kind: base, country: Host Republic, latitude: 10.5, longitude: 20.5}}
streams:
  - name: front_attacks
    label: Southern Front attacks on Northland garrisons
    actors: [southern_front]
    targets: [northland]
    event_types: [ASSAULT]
  - name: northland_raids
    label: Northland raids on the Southern Front
    actors: [northland]
    targets: [southern_front]
    event_types: [ASSAULT]
  - name: northland_embargoes
    label: Northland embargoes on Patronia
    actors: [northland]
    targets: [patronia]
    event_types: [SANCTION]
covariates:
  - name: lantern_talks
    start: {talks}
    description: After Northland and Patronia opened talks at Camp Lantern.
    sources: ["doc:northland-notes"]
key_events:
  - {{date: {wave}, label: Northland raid wave, event_ids: [{wave_id}]}}
model:
  streams: [front_attacks, northland_raids]
  link: softplus
"""

SCENARIO = """\
name: lantern
title: After the garrison attack
description: Options of Northland after the attacks of the spring.
case: {folder}
actor: northland
decision_day: {decision}
horizon_days: 30
model:
  streams: [front_attacks, northland_raids]
  covariates: []
  link: softplus
  start: {start}
metrics:
  - {{id: attacks_30, label: Front attacks in 30 days, kind: count, stream: front_attacks}}
  - {{id: p_pause_7, label: "P(attacks pause >= 7 days)", kind: p_pause, stream: front_attacks, min_days: 7}}
  - {{id: embargoes_30, label: Embargo rounds in 30 days, kind: count, stream: northland_embargoes}}
  - id: p_escalation
    label: "P(open war with Patronia, 30 days)"
    kind: p_assumed_event
    base_probability: war_base
assumptions:
  - {{id: raid_size, value: 3, unit: raids, justification: "The size of the spring wave."}}
  - {{id: war_base, value: 0.005, justification: "A small invented base rate, for the test."}}
options:
  - id: a
    label: Hold fire
  - id: b
    label: Raid wave
    interventions:
      - {{type: inject, stream: northland_raids, day: 2, count: raid_size}}
  - id: c
    label: Hold fire and say so
exogenous_streams: [northland_embargoes]
motives:
  - actor: northland
    objectives:
      - id: fewer_attacks
        label: Fewer attacks on the garrisons
        metric: attacks_30
        direction: minimise
        weight: 0.8
        normalisation: history
        justification: Protect the garrisons.
        sources: ["doc:northland-notes"]
      - id: show_resolve
        label: Show resolve with embargoes
        metric: embargoes_30
        direction: maximise
        weight: 0.2
        normalisation: history
        justification: A domestic audience asks for firmness.
        sources: ["doc:northland-notes"]
"""

HEADER = ["event_id", "date", "date_precision", "actor", "target", "event_type", "raw_type", "mode",
          "country", "place", "latitude", "longitude", "killed", "injured", "target_killed",
          "target_injured", "claimed_by", "summary", "sources"]


def write_any_case(folder: Path, seed: int = 0, n_days: int = 120, drop_day: int = 70,
                   rate_hi: float = 1.2, rate_lo: float = 0.15, name: str = "northland-2031",
                   n_after: int = 3) -> tuple[Path, Path]:
    """Write case.yaml, events.csv and scenarios/lantern.yaml; returns (case folder, scenario)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []

    def add(day, actor, target, etype="ASSAULT", mode="rocket", prec="day", killed=""):
        rows.append({"event_id": f"NL-{len(rows) + 1:04d}", "day": day, "date_precision": prec,
                     "actor": actor, "target": target, "event_type": etype, "raw_type": etype,
                     "mode": mode, "country": "Host Republic", "place": "Camp Lantern",
                     "latitude": 10.5, "longitude": 20.5, "target_killed": killed,
                     "claimed_by": "Southern Front" if actor == "Southern Front" else "",
                     "summary": "Invented event for a test.", "sources": "doc:northland-notes"})
    for d in range(n_days):
        for _ in range(rng.poisson(rate_hi if d < drop_day else rate_lo)):
            add(d, "Southern Front", "Northland", killed=str(int(rng.random() < 0.1)))
    wave = drop_day - 3
    first_wave = len(rows)
    for d in (wave, wave + 1, 20, 40):
        add(d, "Northland", "Southern Front", mode="aerial")
    for d in (15, 50):
        add(d, "Northland", "Patronia", etype="SANCTION", mode="sanction")
    for _ in range(2):
        add(30, "Southern Front", "Northland", prec="month")
    for k in range(n_after):
        add(n_days + 10 + 7 * k, "Southern Front", "Northland")
    with open(folder / "events.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, HEADER)
        w.writeheader()
        for r in rows:
            r = dict(r)
            r["date"] = (START + dt.timedelta(days=int(r.pop("day")))).isoformat()
            w.writerow({k: r.get(k, "") for k in HEADER})
    end = START + dt.timedelta(days=n_days - 1)
    (folder / "case.yaml").write_text(CASE.format(
        name=name, start=START, end=end, talks=START + dt.timedelta(days=drop_day),
        wave=START + dt.timedelta(days=wave), wave_id=f"NL-{first_wave + 1:04d}"), encoding="utf-8")
    (folder / "scenarios").mkdir(exist_ok=True)
    scen = folder / "scenarios" / "lantern.yaml"
    scen.write_text(SCENARIO.format(folder=folder, start=START,
                                    decision=START + dt.timedelta(days=drop_day - 10)),
                    encoding="utf-8")
    return folder, scen


#: Words of the built-in case that must never appear in another case's brief.
BUILTIN_WORDS = ("US", "U.S.", "Iran", "Iranian", "Iraq", "Iraqi", "Syria", "Jordan", "Gaza",
                 "Kata'ib", "Hezbollah", "Nujaba", "Tower 22", "Tehran", "Baghdad", "IRGC",
                 "Washington", "Pentagon", "American", "militia", "militias", "Islamic Resistance")
