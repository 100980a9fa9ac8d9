"""Score the reader against a gold file: per-field precision, recall and F1.

Gold file: JSON lines, one sentence per line::

    {"id": "...", "text": "...", "date": "YYYY-MM-DD", "source": "...",
     "events": [{"event_type": "ASSAULT", "mode": "drone", "actor": "...",
                 "recipient": "...", "location": "...", "date": "YYYY-MM-DD",
                 "killed": 3, "injured": 40}, ...]}

Scoring (see tests/data/gold/GUIDELINES.md): within each sentence, system events
are paired with gold events of the same type (greedily, by how many other fields
agree).  ``event_type`` scores the pairing itself.  For every other field, a pair
whose values agree is a true positive; a system value that is wrong or has no gold
value is a false positive; a gold value that is missed or wrong is a false
negative; fields of unpaired events count as false positives (system) or false
negatives (gold).  Empty values (None) are not scored.  ``location`` agrees when
the names match or when the gold names a country and the system's place lies in
it; ``casualties`` scores ``killed`` and ``injured`` together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from redline.errors import ReadingError

__all__ = ["evaluate", "load_gold", "FIELDS"]

FIELDS = ("event_type", "mode", "actor", "recipient", "location", "date", "casualties")


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read a gold JSON-lines file (errors name the file and line)."""
    path = Path(path)
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise ReadingError("gold file not found", file=str(path)) from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadingError(f"not JSON: {exc.msg}", file=str(path), line=no) from exc
        if "text" not in rec or not isinstance(rec.get("events", []), list):
            raise ReadingError("a gold line needs 'text' and a list 'events'", file=str(path),
                               line=no, field="events")
        out.append(rec)
    return out


def _system_event(r: Any) -> dict[str, Any]:
    return {"event_type": r.event_type, "mode": r.mode, "actor": r.actor,
            "recipient": r.recipient, "location": r.location, "country": r.country,
            "date": r.date.isoformat() if r.date else None, "killed": r.killed,
            "injured": r.injured}


def _agree(field: str, sys: dict[str, Any], gold: dict[str, Any]) -> bool | None:
    """True/False when both have a value, None when the gold has none."""
    g, s = gold.get(field), sys.get(field)
    if field == "location" and g is not None and s is not None:
        return str(g).lower() == str(s).lower() or str(g).lower() == str(sys.get("country") or "").lower()
    if g is None or s is None:
        return None
    return str(g).lower() == str(s).lower()


def _pair(sys_events: list[dict], gold_events: list[dict]) -> list[tuple[dict | None, dict | None]]:
    pairs: list[tuple[dict | None, dict | None]] = []
    left = list(sys_events)
    for g in gold_events:
        same = [s for s in left if s["event_type"] == g["event_type"]]
        if same:
            best = max(same, key=lambda s: sum(bool(_agree(f, s, g)) for f in
                                               ("actor", "recipient", "mode", "location", "date")))
            left.remove(best)
            pairs.append((best, g))
        else:
            pairs.append((None, g))
    pairs.extend((s, None) for s in left)
    return pairs


def evaluate(gold_path: str | Path, case: Any = None, details: bool = False) -> pd.DataFrame:
    """Per-field precision, recall, F1 (and tp, fp, fn) of the reader on a gold file.

    ``attrs`` holds ``n`` (sentences), ``coverage`` (share with at least one coded
    event) and ``false_alarm`` (share of the sentences without a gold event that got
    one; NaN when there are none).

    With ``details=True`` the frame's ``attrs["pairs"]`` holds every (sentence id,
    system event, gold event) pairing for error analysis.
    """
    from redline.reading.reader import read_text

    counts = {f: [0, 0, 0] for f in FIELDS}
    log = []
    n_items = n_emitted = n_empty = n_false = 0
    for item in load_gold(gold_path):
        recs = read_text(item["text"], date=item.get("date"), case=case,
                         document=str(item.get("id", "<gold>")))
        n_items += 1
        n_emitted += bool(recs)
        if not item.get("events"):
            n_empty += 1
            n_false += bool(recs)
        sys_events = [_system_event(r) for r in recs]
        for s, g in _pair(sys_events, item.get("events", [])):
            log.append((item.get("id"), s, g))
            if s is not None and g is not None:
                counts["event_type"][0] += 1
            elif s is not None:
                counts["event_type"][1] += 1
            else:
                counts["event_type"][2] += 1
            for f in FIELDS[1:]:
                subs = ("killed", "injured") if f == "casualties" else (f,)
                for sub in subs:
                    sv = None if s is None else s.get(sub)
                    gv = None if g is None else g.get(sub)
                    if s is not None and g is not None and sv is not None and gv is not None:
                        if _agree(sub, s, g):
                            counts[f][0] += 1
                        else:
                            counts[f][1] += 1
                            counts[f][2] += 1
                    else:
                        counts[f][1] += sv is not None
                        counts[f][2] += gv is not None
    rows = []
    for f, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * p * r / (p + r) if (tp + fp and tp + fn and p + r) else float("nan")
        rows.append({"field": f, "precision": p, "recall": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn})
    df = pd.DataFrame(rows).set_index("field")
    df.attrs["n"] = n_items
    df.attrs["coverage"] = n_emitted / n_items if n_items else float("nan")
    df.attrs["false_alarm"] = n_false / n_empty if n_empty else float("nan")
    if details:
        df.attrs["pairs"] = log
    return df
