"""Casualties: the numbers of killed and injured, given to the attack they belong to."""

from __future__ import annotations

from redline.reading.candidates import Candidate
from redline.reading.lexicon import Lexicon
from redline.reading.mentions import Sentence
from redline.reading.roles import (
    BE,
    INJURE,
    KILL,
    _mention_at,
    _number_after_named,
    _number_near,
    _subject,
)

__all__ = ["assign_casualties"]


def assign_casualties(s: Sentence, lex: Lexicon, cands: list[Candidate], kill_cands: list[Candidate],
                      assaults: list[Candidate], bounds: list[int]) -> None:
    """Set ``killed``/``injured`` (and victims as recipients) on the candidates; a
    killing with no attack in the sentence becomes the event (added to ``cands``)."""
    for k, w in enumerate(s.lower):
        kind = "killed" if w in KILL else "injured" if w in INJURE else None
        if kind is None:
            continue
        if w == "lives" and not (k > 0 and s.lower[k - 1] in ("their", "his", "her")):
            continue
        near_neg = s.lower[max(0, k - 4):k]
        value: int | None = None
        num_m = None
        if any(x in ("no", "without", "none") for x in near_neg) and not any(
                max(0, k - 4) <= m.start < k for m in s.numbers):
            value = 0
        else:
            verbal = w.endswith(("ed", "ing")) and not (k and s.lower[k - 1] in BE)
            got = _number_near(s, k, bounds, right_first=verbal)
            if got is None and verbal:
                got = _number_after_named(s, k)
            if got is not None:
                value, num_m = got
        kinds = ["killed", "injured"] if w == "casualties" else [kind]
        if w == "casualties" and value != 0:
            continue
        if value is None and w not in ("killed", "wounded", "injured", "died", "slain"):
            continue
        pool = [c for c in cands if c.category in ("ASSAULT", "COERCE") and not c.drop]
        if not pool and kill_cands and kind == "killed" and not assaults:
            kc = min(kill_cands, key=lambda c: abs(c.trigger.start - k))
            cands.append(kc)
            pool = [kc]
        if not pool:
            continue
        before = [c for c in pool if c.trigger.start <= k]
        target = max(before, key=lambda c: c.trigger.start) if before else min(pool, key=lambda c: c.trigger.start)
        for kd in kinds:
            if value is not None and getattr(target, kd) is None:
                setattr(target, kd, value)
                if num_m is not None:
                    target.cas_spans[kd] = s.char_span(num_m.start, num_m.end)
                else:
                    target.cas_spans[kd] = s.char_span(k, k + 1)
        if target.recipient is None and k > 0 and any(x in BE for x in s.lower[max(0, k - 2):k]):
            subj = _subject(s, k, bounds, lex, set())
            if subj is not None and subj is not target.actor:
                target.recipient = subj  # "X were killed in a strike": X are the victims
        # victims named after the number ("killed three US soldiers")
        if target.recipient is None and num_m is not None:
            m = _mention_at(s.actors, num_m.end) or _mention_at(s.actors, num_m.end + 1)
            if m is None and num_m.start > 0:
                m = next((a for a in s.actors if num_m.end <= a.start <= num_m.end + 2), None)
            if m is not None and m is not target.actor:
                target.recipient = m
