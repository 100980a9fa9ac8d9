"""Scoring on labelled sets of other formats: closed-form checks, loaders, the dev sets."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from redline.errors import ReadingError
from redline.reading.devsets import (
    category_classes,
    evaluate_devset,
    load_pentacode,
    load_petrarch,
    pentacode_class,
    score_labels,
)

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "text-dev"
PENTACODE = DEV / "conflibert-cameo-pentacode-train.tsv"
PETRARCH = DEV / "petrarch2-gsr-validation.xml"


def _need(path: Path) -> None:
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing (CI is set: the dev sets must be beside the repo)")
        pytest.skip(f"{path} not beside the repo")


def test_score_labels_closed_form():
    # 5 items: 2 right, 1 wrong (A predicted for B), 1 missed (C), 1 no-event item with a false alarm
    gold = [frozenset({"A"}), frozenset({"A"}), frozenset({"B"}), frozenset({"C"}), frozenset()]
    pred = ["A", "A", "A", None, "B"]
    t = score_labels(gold, pred)
    assert t.loc["micro", "tp"] == 2 and t.loc["micro", "fp"] == 2 and t.loc["micro", "fn"] == 2
    assert math.isclose(t.loc["micro", "precision"], 2 / 4)
    assert math.isclose(t.loc["micro", "recall"], 2 / 4)
    assert t.loc["micro", "support"] == 4  # the no-event item is no support
    assert t.loc["A", "fp"] == 1 and math.isclose(t.loc["A", "precision"], 2 / 3)
    assert t.loc["B", "fn"] == 1 and t.loc["B", "fp"] == 1 and t.loc["C", "fn"] == 1


def test_pentacode_classes_follow_cameo_roots():
    assert [pentacode_class(c) for c in ("010", "0251", "036", "0874", "112", "1384", "145", "195")] \
        == ["0", "0", "1", "2", "3", "3", "4", "4"]
    classes = category_classes()
    assert classes["ASSAULT"] == {"4"} and classes["AGREE"] == {"1"} and classes["ACCUSE"] == {"3"}
    assert classes["AID"] == {"2"} and classes["RETREAT"] == {"2"}
    assert len(classes) == 16


def test_load_pentacode_reports_every_bad_line(tmp_path):
    f = tmp_path / "p.tsv"
    f.write_text("Good sentence.\t4\nNo label here\nBad label.\t7\n", encoding="utf-8")
    with pytest.raises(ReadingError) as e:
        load_pentacode(f)
    msg = str(e.value)
    assert "2 line(s)" in msg and "line 2" in msg and "line 3" in msg


def test_load_petrarch_codes_and_no_events(tmp_path):
    f = tmp_path / "v.xml"
    f.write_text("""<Validation>
# a comment block that is not XML <Sentences>
<Sentences>
<Sentence date="20080804" id="A1" evaluate="true"/>
<EventCoding eventcode="042" sourcecode="USA" targetcode="CHN" />
<EventCoding eventcode="190" sourcecode="CHN" targetcode="USA" />
<Text>
The US leader visited Beijing.
</Text>
<Sentence date="20080805" id="A2" evaluate="true"/>
<EventCoding noevents="True" />
<Text>Nothing happened.</Text>
<Sentence id="A3" evaluate="false"/>
<Text>Skipped.</Text>
</Sentences>
</Validation>""", encoding="utf-8")
    items = load_petrarch(f)
    assert [i.id for i in items] == ["A1", "A2"]
    assert items[0].labels == {"CONSULT", "ASSAULT"} and items[0].date == "2008-08-04"
    assert items[1].labels == frozenset()


def test_pentacode_development_set_scores():
    """The first-event label on the 1,349 pentacode sentences (development set, never
    trained on).  Floors sit below the scores measured when this landed (micro F1
    0.626, coverage 0.79) so that a regression fails."""
    _need(PENTACODE)
    t = evaluate_devset(PENTACODE)
    assert t.attrs["n"] == 1349
    assert t.loc["micro", "f1"] >= 0.58
    assert t.attrs["coverage"] >= 0.74
    for cls in "1234":
        assert t.loc[cls, "recall"] >= 0.2, t


def test_petrarch_validation_scores():
    _need(PETRARCH)
    t = evaluate_devset(PETRARCH)
    assert t.attrs["n"] == 78
    assert t.loc["micro", "f1"] >= 0.45  # measured 0.512 when this landed
    assert 0.0 < t.attrs["false_alarm"] < 1.0
