"""World knowledge (actors outside the case, CAMEO triggers) and sense (negation,
modality, discards, labour strikes, passive giving)."""

from __future__ import annotations

import pytest

from redline.reading import read_text
from redline.reading.lexicon import inflect_verb
from redline.reading.world import get_world, match_pattern, norm


def first(text: str, **kw):
    recs = read_text(text, **kw)
    return recs[0] if recs else None


def test_inflections_come_from_lemminflect():
    assert "agreed" in inflect_verb("agree")[1] and "agreeed" not in inflect_verb("agree")[1]
    assert {"struck", "striking", "strikes"} <= set(inflect_verb("strike|struck")[1])
    assert {"carried out", "carrying out"} <= set(inflect_verb("carry out")[1])


def test_tables_are_shipped_and_typed():
    w = get_world()
    assert w.actors["serbia"] == ("SRB", "state") and w.actors["united nations"][0] == "IGOUNO"
    assert w.agents["police"] == "COP" and w.agents["protesters"] == "OPP"
    assert w.iso3_country["IRQ"] == "Iraq"
    assert "world cup" in w.discards


@pytest.mark.parametrize("text,event,actor,code", [
    ("Serbia demanded a meeting with the European Union.", "REQUEST", "Serbia", "SRB"),
    ("Hundreds of protesters marched in Belgrade on Sunday.", "PROTEST", "protesters", "OPP"),
    ("Al-Shabab fighters attacked a police station in Mogadishu.", "ASSAULT", "Al-Shabab", "SOMREB"),
    ("Meanwhile, a Swiss court rejected the Croatian government's request.", "REJECT", "Swiss court", "CHEJUD"),
    ("Parliament ratified an agreement with Ukraine.", "AGREE", "Parliament", "LEG"),
])
def test_actors_outside_the_case_are_typed_not_dropped(text, event, actor, code):
    r = first(text)
    assert r is not None and (r.event_type, r.actor, r.actor_code) == (event, actor, code)


def test_world_codes_resolve_to_case_actors():
    r = first("Iraqi troops launched an assault on the last ISIS bastion.")
    assert r.event_type == "ASSAULT" and r.actor == "iraq_government" and r.actor_code == "IRQMIL"
    # without a case the same sentence keeps the raw text and its code
    r = first("Swiss troops launched an assault on the bastion.")
    assert r.actor == "Swiss troops" and r.actor_code == "CHEMIL"


def test_cameo_pattern_refines_a_verb():
    w = get_world()
    lemma, block, code, kind = w.verbs["agreed"]
    toks = [norm(t) for t in ["russia", "and", "ukraine", "agreed", "to", "a", "ceasefire"]]
    p = match_pattern(toks, 3, 4, block)
    assert p is not None and p.category == "AGREE"
    r = first("Russia and Ukraine agreed to a ceasefire.")
    assert r.event_type == "AGREE" and r.actor == "Russia"


@pytest.mark.parametrize("text", [
    "The two sides failed to reach agreement.",
    "Chinese regulators have launched an investigation into Alibaba.",
    "Washington is considering sanctions against Iraqi banks.",
    "Manchester United beat Chelsea 2-1 on Sunday.",
    "An earthquake killed 40 people in Turkey.",
    "A bus crash killed 12 people in Peru.",
    "Floods hit Bangladesh, killing 30.",
    "Protests erupted in Cairo last March.",
])
def test_no_event(text):
    assert [r.event_type for r in read_text(text) if r.event_type in ("AGREE", "ASSAULT", "SANCTION")] == []


def test_labour_strike_is_protest():
    r = first("Workers staged a strike over pay in Nigeria.")
    assert r.event_type == "PROTEST" and r.actor_code == "LAB"


def test_received_from_gives_the_giver_as_actor():
    r = first("Iran received weapons from Russia.")
    assert (r.event_type, r.actor, r.recipient) == ("AID", "Russia", "iran")


def test_real_infinitive_and_possessive_pronoun_actor():
    r = first("The rebels attempted to assassinate the governor.")
    assert r is not None and r.event_type == "ASSAULT" and r.actor_code == "REB"
    r = first("China reiterated its demand that Japan withdraw.")
    assert r is not None and r.event_type == "REQUEST" and r.actor == "China"


def test_modal_is_no_act():
    assert read_text("Iraqi troops could attack the town.") == []


def test_protesters_acts_and_month_names():
    r = first("On 5 March 2021, protesters gathered in Yangon to demand the release of Aung San Suu Kyi.")
    assert r.event_type == "PROTEST" and r.trigger == "gathered" and r.actor_code == "OPP"
    assert [x.event_type for x in read_text("Rioters burned tyres and blocked roads in Nairobi.")] == ["PROTEST"]


def test_generic_case_phrase_qualified_by_another_name_is_not_the_case_actor():
    r = first("Suspected Fulani militia killed 12 villagers in Plateau state.")
    assert r.event_type == "ASSAULT" and r.actor != "iran_backed_militias" and r.actor_code == "UAF"
    assert first("Iraqi militias attacked US forces.").actor == "iran_backed_militias"
