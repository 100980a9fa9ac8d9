"""Rebuild src/redline/data/cameo_plover.csv from the shared ontology tables.

Run from the project root with ../shared beside it:  python scripts/make_ontology.py

The output joins, per CAMEO code, the PLOVER event category and mode of the
Open Event Data Alliance's CAMEO->PLOVER table (CC BY-SA 4.0) with the code's
Goldstein score (from the ICEWS R package's CAMEO code list, MIT).  Codes the
table leaves out fall back to their root's rule in ROOT_FALLBACK, written here
so the choice is visible.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ontology"
OUT = Path(__file__).resolve().parents[1] / "src" / "redline" / "data" / "cameo_plover.csv"

# Roots the 2021 table does not cover.  PLOVER folds CAMEO 02 (appeal) into
# REQUEST and 08x "yield" into CONCEDE; 01 (public statement) and 09
# (investigate) have no PLOVER event and stay unmapped (NULL event_type).
ROOT_FALLBACK = {"01": "", "02": "REQUEST", "08": "CONCEDE", "09": ""}

# PLOVER's modes are about the form of an act; redline's `mode` is closer to a
# weapon or means.  These codes get a more specific redline mode.
MODE_OVERRIDE = {
    "195": "aerial", "194": "artillery", "193": "small_arms", "1831": "suicide",
    "1832": "ied", "1833": "ied", "183": "ied", "185": "targeted", "186": "targeted",
    "1385": "cbrn", "204": "cbrn", "2041": "cbrn", "2042": "cbrn",
}
MODE_RENAME = {"assassinate": "targeted", "explosives": "ied", "heavy-weapons": "artillery",
               "firearms": "small_arms", "suicide-attack": "suicide"}


def main() -> None:
    table: dict[str, tuple[str, str]] = {}
    for raw in (SHARED / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*(.*)$", raw)
        if not m:
            continue
        code, rest = m.groups()
        rest = rest.split("#", 1)[0]
        parts = [p.strip() for p in rest.split(",")]
        event = parts[0] if parts else ""
        mode = parts[1] if len(parts) > 1 else ""
        if event:
            table.setdefault(code, (event, MODE_RENAME.get(mode, mode)))
    rows = []
    with open(SHARED / "cameo-codes-goldstein.csv", encoding="utf-8", errors="replace") as fh:
        for rec in csv.DictReader(fh):
            code = rec["code"].strip()
            gold = rec["goldstein"].strip()
            if code in table:
                event, mode = table[code]
            elif code[:3] in table and len(code) == 4:
                event, mode = table[code[:3]]
            elif code[:2] in table and code[:2] not in ROOT_FALLBACK:
                event, mode = table[code[:2]][0], ""
            else:
                event, mode = ROOT_FALLBACK.get(code[:2], ""), ""
            mode = MODE_OVERRIDE.get(code, mode)
            rows.append({"cameo_code": code, "plover_type": event, "mode": mode,
                         "goldstein": "" if gold in ("", "NA") else gold,
                         "name": rec["name"].strip()})
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} codes to {OUT}")


if __name__ == "__main__":
    main()
