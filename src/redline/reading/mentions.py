"""Find what a sentence names: triggers, actors, places, modes, dates, numbers.

Everything here is position-only; :mod:`redline.reading.coder` decides roles.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.util import filter_spans

from redline.reading.gazetteer import Gazetteer
from redline.reading.lexicon import Lexicon, TriggerInfo
from redline.reading.quantities import find_dates, find_numbers
from redline.reading.world import norm

__all__ = ["Sentence", "Mention", "analyse"]

LOCATIVE = frozenset({"in", "at", "near", "across", "throughout", "outside", "inside", "into",
                      "over", "around", "along", "from", "within", "towards", "toward",
                      "between", "of"})
SPONSOR_LINK = frozenset({"backed", "aligned", "linked", "affiliated", "supported", "allied",
                          "sponsored", "funded"})


@dataclass
class Mention:
    kind: str  # trigger, actor, place, mode, date, number
    start: int  # token index
    end: int  # token index, exclusive
    text: str
    value: Any = None
    named: bool = True
    flags: set[str] = field(default_factory=set)
    code: str | None = None  # CAMEO-style actor code (world knowledge), when known


@dataclass
class Sentence:
    text: str
    offset: int  # char offset of the sentence in the document
    index: int
    tokens: list[str]
    lower: list[str]
    idx: list[int]  # char offset of each token in the sentence
    triggers: list[Mention]
    actors: list[Mention]
    places: list[Mention]
    modes: list[Mention]
    dates: list[Mention]
    numbers: list[Mention]

    def char_span(self, start: int, end: int) -> list[int]:
        """Document char span of tokens [start, end)."""
        if start >= len(self.idx):
            return [self.offset + len(self.text)] * 2
        e = self.idx[end - 1] + len(self.tokens[end - 1])
        return [self.offset + self.idx[start], self.offset + e]


def _tok_range(idx: list[int], toks: list[str], s: int, e: int) -> tuple[int, int] | None:
    """Token range [first, last + 1) covering characters [s, e)."""
    first = bisect_right(idx, s) - 1
    if first < 0 or idx[first] + len(toks[first]) <= s:
        first += 1
    last = bisect_left(idx, e) - 1
    if first >= len(idx) or last < first:
        return None
    return first, last + 1


def _sponsored(lex: Lexicon, lower: list[str], toks: list[str]) -> list[Mention]:
    """"Iran-backed militant groups", "pro-Iran militias" and the like."""
    out = []
    n = len(lower)
    for spec in lex.sponsored:
        sponsors = {w.lower() for w in spec.get("sponsor_words", [])}
        links = {w.lower() for w in spec.get("link_words", [])}
        prefixes = {w.lower() for w in spec.get("prefix_words", [])}
        mods = {w.lower() for w in spec.get("modifiers", [])}
        heads = {w.lower() for w in spec.get("heads", [])}
        for i in range(n):
            j = None
            if lower[i] in sponsors and i + 2 < n and lower[i + 1] == "-" and lower[i + 2] in links:
                j = i + 3
            elif lower[i] == "pro" and i + 2 < n and lower[i + 1] == "-" and f"pro-{lower[i + 2]}" in prefixes:
                j = i + 3
            if j is None:
                continue
            k = j
            while k < n and k - j < 4 and lower[k] in mods:
                k += 1
            end = None
            if k < n and lower[k] in heads:
                end = k + 1
            elif k > j and lower[k - 1] in heads:
                end = k
            if end is not None:
                out.append(Mention("actor", i, end, " ".join(toks[i:end]), spec["actor"], named=False))
            else:
                # a bare modifier ("Iranian-affiliated PMF"): not an actor of its own
                out.append(Mention("modifier", i, j, " ".join(toks[i:j])))
    return out


_NOUN_DETS = frozenset({"a", "an", "the", "its", "their", "his", "her", "this", "these", "those"})


_NOUNISH_PREV = frozenset({"a", "an", "the", "this", "these", "those", "its", "their", "his", "her",
                           "our", "my", "your", "of", "'s", "any", "no", "some", "every", "each",
                           "such", "further", "more", "most", "new", "for", "in", "on", "with",
                           "at", "from", "into", "about", "than", "as", "and", "or"})
_VERB_PREV = frozenset({"he", "she", "it", "they", "we", "i", "you", "who", "to", "will", "would",
                        "could", "can", "may", "might", "must", "shall", "should", "did", "does",
                        "do", "not", "n't", "also", "then", "later", "jointly", "reportedly"})
_AUX = frozenset({"is", "are", "was", "were", "been", "be", "being", "'s", "'re", "has", "have",
                  "had"})


def _verb_evidence(lower: list[str], start: int, kind: str, actor_ends: set[int]) -> bool:
    """Whether a CAMEO-only verb form is used as a verb here (a blank tokenizer has
    no part of speech): the word before it decides."""
    prev = lower[start - 1] if start else ""
    if prev in _NOUNISH_PREV:
        return False
    if kind == "ed":
        return True
    if prev in _AUX and kind == "ing":
        return True
    return start in actor_ends or prev in _VERB_PREV or prev.endswith("ly")


def _refine(infos: list[TriggerInfo], lower: list[str], norms: list[str], start: int,
            end: int, actor_ends: set[int]) -> list[TriggerInfo]:
    """Apply the CAMEO patterns of a verb trigger's block: a pattern that fits the
    words around it gives the category ("reached agreement": AGREE), a pattern coded
    as no event removes it, and a CAMEO verb without a default needs a pattern.
    A CAMEO-only form needs evidence that it is a verb here ("the forces", "plans"
    are nouns)."""
    from dataclasses import replace

    from redline.reading.world import match_pattern

    out = []
    for t in infos:
        if t.block is None:
            out.append(t)
            continue
        if start and lower[start - 1] in _NOUNISH_PREV:
            continue  # "the attack", "of support": a noun
        p = match_pattern(norms, start, end, t.block)
        if p is None:
            if t.category != "?" and _verb_evidence(lower, start, t.form, actor_ends):
                out.append(t)
        elif p.category is not None:
            out.append(replace(t, category=p.category))
    return out


def _world_mentions(text: str, idx: list[int], toks: list[str], lower: list[str], lex: Lexicon,
                    actor_ms: list[Mention], modifiers: list[Mention]) -> list[Mention]:
    """Add the actors the case does not name but the world tables do, and join a
    country with the agent after it ("Iraqi troops", "Serbia's army", "the Chinese
    government") into one typed actor (``IRQMIL``)."""
    if lex.world_matcher is None:
        return actor_ms
    taken = [(m.start, m.end) for m in actor_ms + modifiers]
    found: list[Mention] = []
    low = text.lower()
    for s0, e0 in lex.world_matcher(low, idx, toks, lower):
        if any(s0 < e and s < e0 for s, e in taken):
            continue
        surface = text[idx[s0]:idx[e0 - 1] + len(toks[e0 - 1])]
        code, kind = lex.world_lookup.get(surface.lower(), (None, None))
        if code is None:
            continue
        if kind != "agent":
            if not toks[s0][:1].isupper():
                continue  # "turkey", "chad", "may": a common word, not a name
            if kind == "person" and e0 - s0 == 1 and s0 == 0:
                continue  # a capitalised first word is weak evidence of a surname
        if e0 + 1 < len(lower) and lower[e0] == "-" and lower[e0 + 1] in SPONSOR_LINK:
            continue
        value = lex.code_to_case.get(code)
        flags = {"world"} if value is None else set()
        if kind == "agent":
            flags.add("agent")
        found.append(Mention("actor", s0, e0, surface, value, named=kind != "agent",
                             flags=flags, code=code))
    allm = sorted(actor_ms + found, key=lambda m: m.start)
    out: list[Mention] = []
    i = 0
    while i < len(allm):
        m = allm[i]
        nxt = allm[i + 1] if i + 1 < len(allm) else None
        gap = lower[m.end:nxt.start] if nxt is not None else []
        country = _country_code(m, lex)
        if (nxt is not None and country and nxt.code and nxt.value is None and "world" in nxt.flags
                and _is_agent(nxt, lex) and gap in ([], ["'s"], ["'"])):
            code = country + nxt.code
            value = lex.code_to_case.get(code)
            if value is None and m.value is not None and nxt.code in ("GOV", "MIL") \
                    and lex.actor_kind.get(m.value) in ("state", "government"):
                value = m.value
            out.append(Mention("actor", m.start, nxt.end, " ".join(toks[m.start:nxt.end]), value,
                               named=True, flags={"world"} if value is None else set(), code=code))
            i += 2
            continue
        if (m.code and _is_agent(m, lex) and nxt is not None and gap == ["of"]
                and (cc := _country_code(nxt, lex))):
            code = cc + m.code  # "the government of Iraq"
            value = lex.code_to_case.get(code)
            out.append(Mention("actor", m.start, nxt.end, " ".join(toks[m.start:nxt.end]), value,
                               named=True, flags={"world"} if value is None else set(), code=code))
            i += 2
            continue
        out.append(m)
        i += 1
    return out


_AUX_BEFORE = frozenset({"has", "have", "had", "was", "is", "will", "would", "also", "reportedly",
                         "then", "not", "n't", "never", "did", "does", "do", "could", "can"})
_NOT_NAMES = frozenset({"The", "A", "An", "In", "On", "At", "After", "Before", "When", "Meanwhile",
                        "However", "But", "And", "Yesterday", "Today", "Earlier", "Later", "It",
                        "He", "She", "They", "We", "This", "That", "These", "Those", "There"})


def _name_fallbacks(toks: list[str], actor_ms: list[Mention], place_ms: list[Mention],
                    trig_ms: list[Mention]) -> None:
    """Names no table knows: a title runs on into the name after it ("General Qamar
    Bajwa": GOV... the title's code), and a capitalised name that opens the sentence
    right before its verb is a raw actor without a code ("Atambayev has pushed")."""
    n = len(toks)
    starts = {m.start for m in actor_ms} | {m.start for m in place_ms}
    for m in actor_ms:
        if "agent" in m.flags and toks[m.start][:1].isupper():
            j = m.end
            while j < n and toks[j][:1].isupper() and toks[j].isalpha() and j not in starts:
                j += 1
            if j > m.end:
                m.end, m.text, m.named = j, " ".join(toks[m.start:j]), True
    if not trig_ms or any(a.start < trig_ms[0].start for a in actor_ms):
        return
    k = trig_ms[0].start
    while k > 0 and toks[k - 1].lower() in _AUX_BEFORE:
        k -= 1
    j = k
    while j > 0 and toks[j - 1][:1].isupper() and (toks[j - 1].isalpha() or "-" in toks[j - 1]):
        j -= 1
    if j < k and (j == 0 or (j == 1 and toks[0] == "The")) and toks[j] not in _NOT_NAMES \
            and not any(p.start < k and j < p.end for p in place_ms):
        actor_ms.append(Mention("actor", j, k, " ".join(toks[j:k]), None, named=True,
                                flags={"world", "unknown"}))


# what protesters do that is a protest only because they do it
_PROTEST_ACTS = {"gathered": "gather", "gather": "gather", "assembled": "assemble",
                 "rallied": "rally", "burned": "burn", "burnt": "burn", "blocked": "block",
                 "chanted": "chant", "converged": "converge", "stormed": "storm",
                 "occupied": "occupy", "barricaded": "barricade", "camped": "camp"}
_PROTEST_AGENTS = frozenset({"protesters", "protestors", "demonstrators", "rioters", "marchers",
                             "activists", "supporters", "crowds", "crowd", "mob", "strikers"})


def _protest_acts(toks: list[str], lower: list[str], trig_ms: list[Mention],
                  lex: Lexicon) -> list[Mention]:
    """"Protesters gathered", "rioters burned tyres": a PROTEST when protesters act."""
    out = []
    taken = {i for m in trig_ms if m.value[0].block is None for i in range(m.start, m.end)}
    for i, w in enumerate(lower):
        lemma = _PROTEST_ACTS.get(w)
        if lemma and i not in taken and any(lower[j] in _PROTEST_AGENTS for j in range(max(0, i - 4), i)):
            out.append(Mention("trigger", i, i + 1, toks[i],
                               [TriggerInfo("PROTEST", "v", lemma, None, "ed")]))
            break
    return out


def _iso3() -> dict[str, str]:
    from redline.reading.world import get_world

    return get_world().iso3_country


def _is_agent(m: Mention, lex: Lexicon) -> bool:
    return "agent" in m.flags


def _country_code(m: Mention, lex: Lexicon) -> str | None:
    """Three-letter country code of a mention that names a country (or a case
    actor that is one), else None."""
    if m.code and len(m.code) == 3 and "agent" not in m.flags and m.code.isalpha() and m.code.isupper() \
            and m.code in _iso3():
        return m.code
    if m.value is not None and lex.actor_kind.get(m.value) in ("state", "government"):
        from redline.reading.world import get_world

        return get_world().country_iso3.get(lex.actor_country.get(m.value) or "")
    return None


def analyse(doc: Any, text: str, offset: int, index: int, lex: Lexicon, gaz: Gazetteer,
            ref: dt.date | None,
            tokens: tuple[list[str], list[str], list[int]] | None = None) -> Sentence:
    """Find every mention in one sentence (``doc`` is its spaCy Doc; ``tokens``, when
    given, its token texts, lower-cased texts and character offsets)."""
    if tokens is not None:
        toks, lower, idx = tokens
    else:
        toks, idx = [], []
        for t in doc:
            toks.append(t.text)
            idx.append(t.idx)
        lower = [w.lower() for w in toks]

    # actors
    spans = []
    for _match_id, s, e in lex.actor_matcher_lower(doc):
        spans.append(doc[s:e])
    for _match_id, s, e in lex.actor_matcher_exact(doc):
        spans.append(doc[s:e])
    spon = _sponsored(lex, lower, toks)
    modifiers = [m for m in spon if m.kind == "modifier"]
    actor_ms: list[Mention] = [m for m in spon if m.kind == "actor"]
    taken = [(m.start, m.end) for m in actor_ms + modifiers]
    for sp in filter_spans(spans):
        if any(sp.start < e and s < sp.end for s, e in taken):
            continue
        key = sp.text if sp.text in lex.actor_phrases else sp.text.lower()
        aid, named = lex.actor_phrases.get(key, (None, False))
        if aid is None:
            continue
        # "Iran-backed" without a head noun is a modifier, not Iran
        if sp.end + 1 < len(lower) and lower[sp.end] == "-" and lower[sp.end + 1] in SPONSOR_LINK:
            continue
        # "Fulani militia": a generic case phrase qualified by a name the case does not
        # know is someone else's (the world tables type it)
        if not named and sp.start > 1 and toks[sp.start - 1][:1].isupper() \
                and toks[sp.start - 1].lower() not in lex.actor_phrases \
                and toks[sp.start - 1] not in lex.actor_phrases:
            continue
        actor_ms.append(Mention("actor", sp.start, sp.end, sp.text, aid, named=named))
    # "the government" -> the government of the country the sentence names
    for gw in lex.government_words:
        words = gw.split()
        for i in range(len(lower) - len(words) + 1):
            if lower[i:i + len(words)] == words and not any(
                    i < m.end and m.start < i + len(words) for m in actor_ms):
                actor_ms.append(Mention("actor", i, i + len(words), " ".join(toks[i:i + len(words)]),
                                        None, named=True, flags={"government"}))
    actor_ms = _world_mentions(text, idx, toks, lower, lex, actor_ms, modifiers)
    for m in actor_ms:
        if m.start >= 2 and lower[m.start - 1] == "-" and lower[m.start - 2] == "anti":
            m.flags.add("anti")
        j = m.start - 1
        while j >= 0 and j >= m.start - 3 and (lower[j] == "the" or (
                lower[j].isalpha() and lower[j].islower() and lower[j].endswith(("ern", "ral")))):
            j -= 1  # "in the", "in western"
        if j >= 0 and lower[j] in LOCATIVE - {"of", "from"}:
            m.flags.add("locative")

    # places
    place_ms: list[Mention] = []
    for s, e, place in gaz.find(text):
        r = _tok_range(idx, toks, s, e)
        if r is None:
            continue
        place_ms.append(Mention("place", r[0], r[1], text[s:e], place))
    kept_actors = []
    for a in actor_ms:
        over = [p for p in place_ms if p.start < a.end and a.start < p.end]
        if not over:
            kept_actors.append(a)
            continue
        p = over[0]
        inside = p.start >= a.start and p.end <= a.end and (a.end - a.start) > (p.end - p.start)
        if inside:  # "Islamic Resistance in Iraq": the actor wins
            place_ms.remove(p)
            kept_actors.append(a)
        elif p.value.kind == "site" and a.start >= p.start and a.end <= p.end and "locative" not in a.flags:
            kept_actors.append(a)  # "on the US embassy in Baghdad": a US target at a site
        elif "locative" in a.flags or p.value.kind == "site":
            continue  # "in Iraq": a place
        else:
            p.flags.add("actor")  # "Iraq condemned": an actor, but keep the country
            kept_actors.append(a)
    actor_ms = kept_actors

    # triggers
    trig_spans = []
    for _match_id, s, e in lex.trigger_matcher(doc):
        trig_spans.append(doc[s:e])
    trig_ms = []
    ignored = [(s, e) for _, s, e in lex.ignore_matcher(doc)] if lex.ignore_matcher is not None else []
    norms: list[str] | None = None
    actor_ends = {m.end for m in actor_ms}
    for sp in filter_spans(trig_spans):
        if any(a.start <= sp.start and sp.end <= a.end for a in actor_ms):
            continue
        if any(s <= sp.start and sp.end <= e for s, e in ignored):
            continue
        if sp.text == "March" and (sp.start > 0 or (sp.end < len(toks) and toks[sp.end][:1].isdigit())):
            continue  # the month, not a march ("last March", "On 5 March 2021")
        infos: list[TriggerInfo] = lex.triggers.get(sp.text.lower(), [])
        if norms is None:
            norms = [norm(w) for w in lower]
        infos = _refine(infos, lower, norms, sp.start, sp.end, actor_ends)
        if infos:
            trig_ms.append(Mention("trigger", sp.start, sp.end, sp.text, infos))

    protest = _protest_acts(toks, lower, trig_ms, lex)
    if protest:  # protesters' acts win over a CAMEO default ("gathered": CONSULT)
        trig_ms = [m for m in trig_ms if not any(m.start < p.end and p.start < m.end for p in protest)]
        trig_ms.extend(protest)

    # a CAMEO verb whose pattern reached an event noun the hand lexicon knows
    # ("imposed sanctions") leaves the event to that noun
    hand_nouns = [m.start for m in trig_ms if m.value[0].block is None and m.value[0].pos != "v"]
    trig_ms = [m for m in trig_ms if m.value[0].block is None
               or not any(m.end <= h <= m.end + 5 for h in hand_nouns)]

    # modes
    mode_ms = []
    for _match_id, s, e in lex.mode_matcher(doc):
        sp = doc[s:e]
        mode_ms.append(sp)
    mode_ms = [Mention("mode", sp.start, sp.end, sp.text, lex.mode_words[sp.text.lower()])
               for sp in filter_spans(mode_ms)
               if not any(a.start <= sp.start and sp.end <= a.end for a in actor_ms)]

    # dates and numbers
    date_ms = []
    for d in find_dates(text, ref):
        r = _tok_range(idx, toks, d.start, d.end)
        if r:
            date_ms.append(Mention("date", r[0], r[1], text[d.start:d.end], d))
    num_ms = []
    blocked = [(m.start, m.end) for m in date_ms + place_ms]
    for n in find_numbers(text):
        r = _tok_range(idx, toks, n.start, n.end)
        if r and not any(s <= r[0] and r[1] <= e for s, e in blocked):
            num_ms.append(Mention("number", r[0], r[1], text[n.start:n.end], n.value))

    _name_fallbacks(toks, actor_ms, place_ms, trig_ms)
    for lst in (actor_ms, place_ms, trig_ms):
        lst.sort(key=lambda m: m.start)
    return Sentence(text, offset, index, toks, lower, idx, trig_ms, actor_ms, place_ms,
                    mode_ms, date_ms, num_ms)

