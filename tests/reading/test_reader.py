"""Behaviour of the reader on single sentences and on the reference analysis."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from redline.reading import read_text, records_to_events, to_frame, to_plover

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "us-strikes-iran-backed-groups-2024.txt"
REF = dt.date(2024, 2, 9)  # a Friday


def one(text: str, **kw):
    recs = read_text(text, date=REF, **kw)
    assert len(recs) == 1, [(r.event_type, r.actor, r.trigger) for r in recs]
    return recs[0]


def test_drone_attack_with_casualties_and_site():
    r = one("A drone attack on January 28, 2024, in Jordan killed three US soldiers "
            "and injured about 40 others at Tower 22.")
    assert (r.event_type, r.mode, r.recipient) == ("ASSAULT", "drone", "united_states")
    assert (r.killed, r.injured) == (3, 40)
    assert r.location == "Tower 22" and r.country == "Jordan" and r.latitude == pytest.approx(33.31)
    assert r.date == dt.date(2024, 1, 28) and r.date_precision == "day"


def test_passive_voice_agent_is_actor():
    r = one("US troops were attacked by Iran-backed militias near Erbil yesterday.")
    assert (r.actor, r.recipient) == ("iran_backed_militias", "united_states")
    assert r.date == dt.date(2024, 2, 8)


def test_generic_phrases_resolve():
    r = one("Tehran condemned the Pentagon's strikes.")
    assert (r.event_type, r.actor, r.recipient) == ("ACCUSE", "iran", "united_states")


def test_unresolved_actor_keeps_raw_text_of_recipient():
    r = one("Iraqi officials accused Washington of violating the country's sovereignty.")
    assert r.actor == "iraq_government" and r.actor_raw == "Iraqi officials"


def test_negation_and_modality_are_not_events():
    assert read_text("The militias did not attack US forces on Friday.", date=REF) == []
    assert read_text("The United States could strike Iran-backed groups in Iraq.", date=REF) == []
    assert read_text("An American contractor died of a heart attack at Al-Asad.", date=REF) == []


def test_denial_is_reject():
    r = one("Kata'ib Hezbollah denied involvement in the attack.")
    assert (r.event_type, r.actor, r.mode) == ("REJECT", "kataib_hezbollah", "statement")


def test_numbers_as_words_and_zero():
    r = one("Militants fired twelve rockets at Al-Tanf, wounding twenty-one service members.")
    assert r.injured == 21 and r.mode == "rocket" and r.location == "Al-Tanf Garrison"
    r = one("A rocket attack on the US embassy in Baghdad caused no casualties.")
    assert (r.killed, r.injured) == (0, 0)


def test_relative_dates():
    assert one("Iran-backed militias attacked US forces in Syria on Sunday.").date == dt.date(2024, 2, 4)
    r = one("Iran-backed militias attacked US forces in Syria last week.")
    assert (r.date, r.date_precision) == (dt.date(2024, 1, 29), "week")


def test_spans_point_into_the_document():
    text = "Intro line.\n\nIraqi militants launched drones at Al-Asad Airbase on Tuesday."
    r = read_text(text, date=REF)[0]
    for name in ("trigger", "actor", "location", "date", "sentence"):
        s, e = r.spans[name]
        assert 0 <= s < e <= len(text)
    s, e = r.spans["location"]
    assert text[s:e] == "Al-Asad Airbase"
    s, e = r.spans["actor"]
    assert text[s:e] == "Iraqi militants"


def test_frames_and_plover_and_store_rows():
    recs = read_text("Washington imposed sanctions on Kata'ib Hezbollah on Thursday.", date=REF)
    df = to_frame(recs)
    assert list(df["event_type"]) == ["SANCTION"]
    plover = to_plover(recs)
    assert plover[0]["recipient"] == "kataib_hezbollah" and plover[0]["date"] == "2024-02-08"
    json.dumps(plover)
    ev = records_to_events(recs, "doc-1")
    again = records_to_events(read_text("Washington imposed sanctions on Kata'ib Hezbollah on Thursday.", date=REF), "doc-1")
    assert ev["event_id"].tolist() == again["event_id"].tolist()
    assert ev["event_id"].iloc[0].startswith("text:")
    assert bool(ev["machine_coded"].iloc[0]) and json.loads(ev["provenance"].iloc[0])["document"] == "doc-1"
    from redline.data.schema import column_names
    assert list(ev.columns) == column_names()


def test_confidence_is_lower_when_hedged():
    a = one("Iran-backed militias attacked US forces at Al-Asad Airbase on Monday.")
    b = one("Iran-backed militias reportedly attacked US forces at Al-Asad Airbase on Monday.")
    assert 0 < b.confidence < a.confidence <= 1


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed not beside the repo")
def test_reference_analysis_events():
    recs = read_text(SEED.read_text(encoding="utf-8"), date="2024-02-09", document="seed")

    def has(**want):
        return any(all(getattr(r, k) == v for k, v in want.items()) for r in recs)

    # Tower 22: 28 Jan 2024, 3 killed, about 40 injured
    assert has(event_type="ASSAULT", mode="drone", location="Tower 22", date=dt.date(2024, 1, 28),
               killed=3, injured=40, recipient="united_states")
    # US strikes in Iraq and Syria, Al-Qaim among them
    assert has(event_type="ASSAULT", actor="united_states", country="Iraq", mode="aerial")
    assert has(event_type="ASSAULT", actor="united_states", location="Al-Qaim")
    # the Baghdad drone strike that killed the Kata'ib Hezbollah commander
    assert has(event_type="ASSAULT", actor="united_states", mode="drone", recipient="kataib_hezbollah",
               country="Iraq", killed=3)
    assert has(event_type="ACCUSE", actor="iran", recipient="united_states")
    assert has(event_type="RETREAT", actor="kataib_hezbollah", recipient="united_states")
    assert has(event_type="REQUEST", actor="us_congress", recipient="united_states", trigger="letter")
    assert has(event_type="THREATEN", actor="islamic_resistance_in_iraq", recipient="united_states")
