"""The gold file and the per-field scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.data.schema import EVENT_TYPES, MODES
from redline.errors import ReadingError
from redline.reading import evaluate, load_gold

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "reading_gold.jsonl"


def test_gold_file_is_valid():
    items = load_gold(GOLD)
    authored = [i for i in items if i["source"] == "authored"]
    assert len(authored) >= 60
    for item in items:
        for ev in item["events"]:
            assert ev["event_type"] in EVENT_TYPES
            assert ev["mode"] is None or ev["mode"] in MODES


def test_scores_meet_targets_on_gold():
    df = evaluate(GOLD)
    assert set(df.index) == {"event_type", "mode", "actor", "recipient", "location", "date",
                             "casualties"}
    for field in ("event_type", "actor", "recipient"):
        assert df.loc[field, "f1"] >= 0.85, df


def test_scoring_counts_errors(tmp_path):
    gold = tmp_path / "g.jsonl"
    lines = [
        {"id": "1", "date": "2024-02-09", "text": "Iran condemned the US strikes.",
         "events": [{"event_type": "ACCUSE", "actor": "iran", "recipient": "israel"}]},
        {"id": "2", "date": "2024-02-09", "text": "Nothing happened here.",
         "events": [{"event_type": "ASSAULT", "actor": "hamas"}]},
    ]
    gold.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    df = evaluate(gold)
    assert (df.loc["event_type", "tp"], df.loc["event_type", "fn"]) == (1, 1)
    assert df.loc["actor", "tp"] == 1 and df.loc["actor", "fn"] == 1
    assert df.loc["recipient", "fp"] == 1 and df.loc["recipient", "fn"] == 1


def test_bad_gold_line_names_line(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"text": "x", "events": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(ReadingError, match="line 2"):
        load_gold(gold)
