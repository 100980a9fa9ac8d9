"""Rebuild the built-in case's events.csv and tallies.csv from ../shared.

Run from the project root:  python scripts/build_case.py

The shared records use their own event types (ATTACK, AIRSTRIKE, CONDEMN, ...)
and US/other casualty columns.  This script maps them onto redline's CSV format
(PLOVER types, modes, casualties by side) and keeps every row's source URL and
the original type in ``raw_type``.  Actor names stay as the sources give them:
the case's aliases resolve them when the case is ingested.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "cases" / "us-iran-proxies-2023"
DST = ROOT / "src" / "redline" / "cases" / "us-iran-proxies-2023"

TYPE_MAP = {
    "ATTACK": "ASSAULT", "AIRSTRIKE": "ASSAULT", "ASSASSINATION": "ASSAULT",
    "THREATEN": "THREATEN", "CONDEMN": "ACCUSE", "MEET": "CONSULT",
    "SANCTION": "SANCTION", "DEMAND": "REQUEST", "SUSPEND": "RETREAT",
}
# OTHER rows are a mixed bag; these have a clear PLOVER reading.  The rest keep a
# NULL event_type (unknown), with the original type in raw_type.
OTHER_MAP = {
    "USP-0016": ("MOBILIZE", "other"),     # THAAD and Patriot deployments announced
    "USP-0047": ("REJECT", "statement"),   # Iran denies involvement at the UN
    "USP-0156": ("REJECT", "statement"),   # Iran denies a role in Tower 22
    "USP-0158": ("REJECT", "statement"),   # Pentagon dismisses the KH suspension
    "USP-0074": ("COERCE", "other"),       # Iraq arrests suspects of the embassy attack
    "USP-0136": ("SANCTION", "statement"),  # Iraq recalls its ambassador from Tehran
    "USP-0181": ("REJECT", "statement"),   # US denies striking an Iraqi base
}
MODE_MAP = {"airstrike": "aerial", "drone_strike": "drone", "statement": "statement",
            "sanction": "sanction", "drone": "drone", "rocket": "rocket", "missile": "missile",
            "other": "other"}
# Hand corrections (see the case's EDITS.md).  An event has one actor and one target; two
# shared records name several parties in the target field, and an alias glued to one actor
# would credit all of them to it.  USP-0055 is two actions on one day and becomes two rows
# (the second gets the next free id); USP-0138 sanctions KH leaders and the airline Fly
# Baghdad, a company and not a party of the case, so its target is KH and the airline stays
# in the summary.
TARGET_FIX = {"USP-0055": "Kata'ib Hezbollah", "USP-0138": "Kata'ib Hezbollah"}
SUMMARY_FIX = {
    "USP-0055": "Treasury sanctioned six KH-linked individuals, including an IRGC-QF official "
                "(State's designation of KSS the same day is USP-0233).",
}
SPLIT_ROWS = {
    "USP-0055": [{"event_id": "USP-0233", "target": "Kata'ib Sayyid al-Shuhada",
                  "summary": "State designated Kata'ib Sayyid al-Shuhada and its leader al-Saraji "
                             "as Specially Designated Global Terrorists, the day Treasury "
                             "sanctioned KH-linked individuals (USP-0055)."}],
}
US_SIDE = {"US forces", "United States", "US and coalition forces", "US-led coalition",
           "US-led coalition forces", "Coalition forces", "US Embassy", "US diplomatic staff"}

OUT_COLUMNS = ["event_id", "date", "date_precision", "actor", "target", "event_type", "raw_type",
               "mode", "country", "place", "latitude", "longitude", "killed", "injured",
               "target_killed", "target_injured", "claimed_by", "summary", "sources"]


def _int(v: str) -> int | None:
    return int(v) if v.strip() else None


def convert(row: dict[str, str]) -> dict[str, object]:
    etype = TYPE_MAP.get(row["event_type"])
    mode = MODE_MAP.get(row["mode"], row["mode"] or None)
    if row["event_type"] == "ASSASSINATION":
        mode = "targeted"
    if row["event_type"] == "OTHER":
        etype, mode = OTHER_MAP.get(row["event_id"], (None, mode))
    us_k, us_i, oth_k = _int(row["us_killed"]), _int(row["us_injured"]), _int(row["other_killed"])
    target_is_us = row["target"] in US_SIDE
    if target_is_us:
        t_k, t_i = us_k, us_i
    else:
        # For strikes on the groups the sources' non-US deaths are the target side's.
        t_k, t_i = oth_k, None
    parts = [v for v in (us_k, oth_k) if v is not None]
    killed = sum(parts) if parts else None
    claimed = row["claimed_by"].strip() or None
    return {
        "event_id": row["event_id"], "date": row["date"], "date_precision": row["date_precision"],
        "actor": row["actor"], "target": row["target"], "event_type": etype,
        "raw_type": row["event_type"], "mode": mode, "country": row["country"] or None,
        "place": row["location"] or None, "latitude": row["latitude"] or None,
        "longitude": row["longitude"] or None, "killed": killed, "injured": us_i,
        "target_killed": t_k, "target_injured": t_i, "claimed_by": claimed,
        "summary": row["summary"], "sources": row["source_url"],
    }


def corrected(row: dict[str, object]) -> list[dict[str, object]]:
    """The row with the hand corrections above: one row, or the rows it is split into."""
    eid = str(row["event_id"])
    row = {**row, "target": TARGET_FIX.get(eid, row["target"]),
           "summary": SUMMARY_FIX.get(eid, row["summary"])}
    return [row] + [{**row, **extra} for extra in SPLIT_ROWS.get(eid, [])]


def main() -> None:
    with open(SRC / "events.csv", encoding="utf-8", newline="") as fh:
        rows = [r for raw in csv.DictReader(fh) for r in corrected(convert(raw))]
    with open(DST / "events.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=OUT_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    shutil.copyfile(SRC / "tallies.csv", DST / "tallies.csv")
    print(f"wrote {len(rows)} events and the tallies to {DST}")


if __name__ == "__main__":
    main()
