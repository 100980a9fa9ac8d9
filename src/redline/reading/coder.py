"""Rules that turn one analysed sentence into events.

Each trigger is a candidate event.  Its actor is the subject of a verb (or of the
light verb that carries a noun: "conducted airstrikes"), the agent after "by" in
the passive, or the modifier of a noun ("a US drone strike", "Iran's attacks").
Its recipient is the first actor after it (after "on", "against", "targeting" for
nouns).  Non-factual triggers (negated, after "to" or a modal) are dropped, event
nouns that are the content of a statement ("condemned the strikes") are not events
of their own, and a definite re-mention ("the attack") is an event only when the
sentence gives its actor, date or casualties.  See docs/reading.md.
"""

from __future__ import annotations

from typing import Any

from redline.reading.candidates import Candidate, DocumentState
from redline.reading.casualties import assign_casualties
from redline.reading.lexicon import STATEMENT_TYPES, Lexicon
from redline.reading.mentions import Mention, Sentence
from redline.reading.roles import (
    BE,
    CATEGORY_MODE,
    CONTENT_AS_ACTOR,
    HEDGES,
    PLACED,
    PRONOUNS,
    RECIP_PREPS,
    _agent,
    _boundaries,
    _clause,
    _light_verb,
    _mention_at,
    _premodifier,
    _subject,
)
from redline.reading.sense import apply_sense_rules, factual_candidates

__all__ = ["MAX_TOKENS", "Candidate", "DocumentState", "code_sentence"]

MAX_TOKENS = 400  # work per sentence is bounded: longer sentences are cut


def code_sentence(s: Sentence, lex: Lexicon, state: DocumentState) -> list[Candidate]:
    """Candidate events of one sentence (roles filled, filters applied)."""
    n = len(s.lower)
    if n == 0 or not s.triggers:
        return []
    bounds = sorted(set(_boundaries(s)) | {
        i for i, w in enumerate(s.lower) if w in lex.reporting_verbs
        and not (i and s.lower[i - 1] == "to") and not (i + 1 < n and s.lower[i + 1] == "by")
        and _mention_at(s.actors, i) is None})  # "United States" is not "states"
    modes = {i for m in s.modes for i in range(m.start, m.end)}
    actor_tok = {i for m in s.actors for i in range(m.start, m.end)}
    hedged = any(w in HEDGES for w in s.lower)
    cands = apply_sense_rules(s, lex, factual_candidates(s, lex, bounds, modes, actor_tok, hedged))
    kill_cands = [c for c in cands if c.category == "ASSAULT" and c.info.lemma == "kill"]
    others = [c for c in cands if c not in kill_cands]
    assaults = [c for c in others if c.category == "ASSAULT"]
    if assaults:
        cands = others  # "an attack that killed three": the killing is the attack's outcome

    # roles; a mention right before an event noun modifies it ("the Jordan attack")
    noun_at = {c.trigger.start for c in cands if c.noun}
    noun_at |= {m.start for m in s.modes if m.end in noun_at}
    for c in cands:
        t = c.trigger
        passive = False
        if not c.noun:
            if c.info.form == "ed":
                before = s.lower[max(0, t.start - 3):t.start]
                passive = any(w in BE for w in before) or _agent(s, t.end) is not None
            if passive:
                c.actor = _agent(s, t.end)
                c.recipient = _subject(s, t.start, bounds, lex, noun_at)
            else:
                c.actor = _subject(s, t.start, bounds, lex, noun_at)
                if c.info.lemma == "receive":
                    # "Iran received weapons from Russia": the giver is the actor
                    giver = next((a for a in s.actors if t.end < a.start <= t.end + 8
                                  and s.lower[a.start - 1] == "from"), None)
                    if giver is not None:
                        c.actor, c.recipient = giver, c.actor
            c.explicit_actor = c.actor is not None
        else:
            pre, c.definite = _premodifier(s, t, modes, lex)
            if pre is None and t.start >= 2 and s.lower[t.start - 1] in ("and", ",", "or"):
                prev_c = next((x for x in cands if x.trigger.end == t.start - 1 and x.noun), None)
                if prev_c is not None:
                    pre = prev_c.actor  # "US warnings and sanctions"
            c.actor = pre or _agent(s, t.end)
            if c.actor is None:
                lv = _light_verb(s, t, lex, modes)
                if lv is not None:
                    if s.lower[lv].startswith("claim"):
                        c.claimed = True
                    lv_before = s.lower[max(0, lv - 3):lv]
                    if any(w in BE for w in lv_before):
                        c.actor = _agent(s, lv + 1) or _agent(s, t.end)
                    else:
                        c.actor = _subject(s, lv, bounds, lex, noun_at)
                elif c.category in STATEMENT_TYPES:
                    c.actor = _subject(s, t.start, bounds, lex, noun_at) if (
                        left := _clause(bounds, t.start, n)[0]) >= 0 and s.lower[left] == "that" else None
            c.explicit_actor = c.actor is not None
        # recipient (active and nominal)
        if c.recipient is None and not (not c.noun and t.end < n and s.lower[t.end] in PRONOUNS):
            _, right = _clause(bounds, t.end, n)
            right = min(right, t.end + 14)
            if c.noun:
                right = min([right] + [x.start for x in s.triggers if x.start >= t.end])
            for a in s.actors:
                if a.start < t.end or a.start >= right or a is c.actor:
                    continue
                if "agent" in a.flags:
                    continue  # "killed a soldier": an unnamed victim is no recipient
                if a.end < n and s.lower[a.end] in lex.reporting_verbs:
                    continue  # ", the Iraqi military said": the speaker
                if a.start and s.lower[a.start - 1] in ("to", "into") and any(
                        p.start == a.start for p in s.places):
                    continue  # "deployed to Iraq": a place
                if "locative" in a.flags and a.value is not None:
                    continue
                between = s.lower[t.end:a.start]
                if c.noun and not (set(between) & RECIP_PREPS) and not t.text.lower().endswith(("for", "of")):
                    continue
                c.recipient = a
                break

    # "strikes were carried out, targeting X" / "an attack that targeted X": the verb
    # describes the noun's event, so it lends the noun its recipient instead of
    # standing as an event of its own
    for c in cands:
        if c.noun or c.category != "ASSAULT" or c.actor is not None or c.trigger.start < 2:
            continue
        prev = s.lower[c.trigger.start - 1]
        if not (c.info.form == "ing" and prev == ",") and prev not in ("that", "which"):
            continue
        host = [d for d in cands if d.noun and d.category == "ASSAULT"
                and d.trigger.end <= c.trigger.start and c.trigger.start - d.trigger.end <= 6]
        if host:
            d = host[-1]
            d.recipient = d.recipient or c.recipient
            c.drop = True

    # statement content: event nouns that are the object of another trigger
    for c in cands:
        if c.category == "ASSAULT" or c.trigger.start >= n:
            continue
        t = c.trigger
        nxt = s.lower[t.end] if t.end < n else ""
        has_object = (not c.noun) or nxt in ("of", "about", "over", "against", "on", "for", "to") \
            or t.text.lower().endswith(("for", "of"))
        if not has_object:
            continue
        _, right = _clause(bounds, t.end, n)
        for d in cands:
            if d is c or not d.noun:
                continue
            if t.end <= d.trigger.start < min(right, t.end + 10) and d.content_of is None:
                d.content_of = c
                d.drop = True
                gap = d.trigger.start - t.end
                if d.category != "ASSAULT":
                    continue
                if c.category in CONTENT_AS_ACTOR and gap <= 4:
                    if d.actor is not None:
                        c.recipient = d.actor
                    elif d.definite and state.last_assault_actor[0]:
                        c.recipient_id = state.last_assault_actor[0]
                        c.recipient = None
                    elif c.recipient is not None and c.recipient.start > d.trigger.start:
                        c.recipient = None  # the victims of the act are not the accused
                elif c.category in ("THREATEN", "RETREAT") and d.recipient is not None:
                    c.recipient = d.recipient
                break

    assign_casualties(s, lex, cands, kill_cands, assaults, bounds)
    for c in cands:
        if c.category == "ASSAULT" and c.noun and c.definite and not c.explicit_actor \
                and c.killed is None and c.injured is None:
            c.drop = True
    cands = [c for c in cands if not c.drop]

    # anti-X: the target of a protest or condemnation
    for c in cands:
        if c.recipient is None and c.recipient_id is None and c.category in ("PROTEST", "ACCUSE"):
            anti = [a for a in s.actors if "anti" in a.flags]
            if anti:
                c.recipient = anti[0]
    _attach(s, cands)
    for c in cands:
        if c.mode is None:
            c.mode = c.info.mode or CATEGORY_MODE.get(c.category)
        if c.claimed and c.actor is not None:
            c.explicit_actor = True
    for c in cands:
        if c.category == "ASSAULT" and c.actor is None and c.noun \
                and _background(s, bounds, c.trigger.start) and c.killed is None:
            c.drop = True  # "sought refuge after violence erupted": background, no attacker
        if c.actor is None and c.recipient is None and c.recipient_id is None and (
                c.category != "ASSAULT" or (c.place is None and not s.dates and c.killed is None
                                            and c.injured is None)):
            c.drop = True
    merged = _merge([c for c in cands if not c.drop])
    # the main clause's event first: background clauses ("after X attacked",
    # "where 28 people were killed") explain it
    return sorted(merged, key=lambda c: (_background(s, bounds, c.trigger.start), c.trigger.start))


def _attach(s: Sentence, cands: list[Candidate]) -> None:
    """Modes, dates and places: each mention goes to its nearest trigger."""
    def nearest(pos: int, pool: list[Candidate]) -> Candidate | None:
        if not pool:
            return None
        return min(pool, key=lambda c: (abs(c.trigger.start - pos) if pos >= c.trigger.start
                                        else abs(c.trigger.start - pos) + 0.5))

    for m in s.modes:
        assault_like = [c for c in cands if c.category in ("ASSAULT", "COERCE", "THREATEN")]
        c = nearest(m.start, assault_like)
        if c is None or abs(c.trigger.start - m.start) > 8:
            continue
        if c.category != "ASSAULT":
            continue
        inside = c.trigger.start <= m.start < c.trigger.end
        if c.mode_m is None or abs(m.start - c.trigger.start) < abs(c.mode_m.start - c.trigger.start) or inside:
            if c.mode_m is None or not (c.mode_m.start <= c.trigger.start):
                c.mode, c.mode_m = m.value, m
    for d in s.dates:
        c = nearest(d.start, cands)
        if c is not None and (c.date is None):
            c.date = d
    placed = [c for c in cands if c.category in PLACED]
    for p in s.places:
        if "actor" in p.flags:
            continue
        c = nearest(p.start, placed)
        if c is None:
            continue
        if c.place is None or p.value.specificity > c.place.value.specificity:
            c.place = p


BACKGROUND = frozenset({"after", "following", "since", "when", "who", "which", "whom", "where",
                        "amid", "despite", "because", "although", "though", "while", "whereas",
                        "if", "unless", "before", "("})


def _background(s: Sentence, bounds: list[int], pos: int) -> bool:
    """Whether the token at ``pos`` sits in a subordinate (background) clause."""
    left, _ = _clause(bounds, pos, len(s.lower))
    return left >= 0 and s.lower[left] in BACKGROUND


def _key(m: Mention | None) -> Any:
    return None if m is None else m.value


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """One event per type, actor and recipient within a sentence."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: c.trigger.start):
        for o in out:
            if o.category != c.category:
                continue
            a1, a2 = _key(o.actor), _key(c.actor)
            r1, r2 = _key(o.recipient) or o.recipient_id, _key(c.recipient) or c.recipient_id
            if (a1 is None or a2 is None or a1 == a2) and (r1 is None or r2 is None or r1 == r2) \
                    and not (o.place and c.place and o.place.value.name != c.place.value.name
                             and o.place.value.country != c.place.value.country) \
                    and not (o.date and c.date and o.date.value.date != c.date.value.date):
                for f in ("actor", "recipient", "recipient_id", "mode_m", "place", "date",
                          "killed", "injured"):
                    if getattr(o, f) is None and getattr(c, f) is not None:
                        setattr(o, f, getattr(c, f))
                if o.mode is None or (o.mode_m is None and c.mode_m is not None):
                    o.mode = c.mode
                o.cas_spans = {**c.cas_spans, **o.cas_spans}
                o.explicit_actor = o.explicit_actor or c.explicit_actor
                break
        else:
            out.append(c)
    return out
