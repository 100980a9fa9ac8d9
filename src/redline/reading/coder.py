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

from dataclasses import dataclass, field
from typing import Any

from redline.reading.lexicon import STATEMENT_TYPES, Lexicon, TriggerInfo
from redline.reading.mentions import LOCATIVE, Mention, Sentence

__all__ = ["Candidate", "code_sentence", "DocumentState"]

BOUNDARY_WORDS = frozenset({";", ":", "while", "whereas", "but", "although", "though",
                            "because", "after", "before", "following", "since", "when",
                            "who", "which", "that", "whom", "where", "amid", "despite",
                            "(", ")", "—", "unless", "if"})
DETS = frozenset({"a", "an", "the", "this", "that", "these", "those", "its", "their", "his",
                  "her", "our", "several", "more", "further", "new", "multiple", "many",
                  "recent", "some", "any", "two", "three", "retaliatory", "'s", "of", "wave",
                  "series", "fresh", "latest", "deadly", "first", "second", "dozens", "numerous",
                  "renewed", "repeated", "precision", "multitiered", "no"})
DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "their", "his", "her"})
NOUN_FOLLOW = frozenset({"on", "against", "in", "at", "by", "of", "that", "which", "were", "was",
                         "have", "has", "had", ",", ".", "and", "across", "targeting", "near",
                         "from", "killed", "hit", "is", "are", "for", "to", "with", "as", ")",
                         "over", "inside", "into", "along", "'", '"', "carried", "launched"})
BE = frozenset({"was", "were", "been", "being", "is", "are", "be", "got", "get"})
MODALS = frozenset({"would", "could", "may", "might", "will", "shall", "should", "can", "must",
                    "to", "wo", "ca"})
NEG = frozenset({"not", "n't", "never", "no", "without", "nor", "failed", "fails", "fail",
                 "failing", "unable"})
# categories of cooperation: refused, they are REJECT; intended, AGREE
COOPERATIVE = frozenset({"RETREAT", "CONCEDE", "AID", "COOPERATE", "AGREE", "CONSULT", "SUPPORT"})
REFUSAL = frozenset({"not", "n't", "never"})
INTENT_MODALS = frozenset({"will", "shall", "'ll"})
INTENT_BEFORE_TO = frozenset({"ready", "willing", "prepared", "committed", "determined", "plans",
                              "planned", "intends", "intended", "pledged", "promised", "offered",
                              "agreed", "agrees", "decided", "expected", "set", "due", "going"})
# verbs after which "to <verb>" reports an act that took place (or was tried)
REAL_BEFORE_TO = frozenset({"attempted", "tried", "began", "started", "moved", "managed",
                            "continued", "resumed", "proceeded", "went", "voted", "decided"})
# objects that make "launch", "fire" and "hit" no attack
NOT_ATTACKED = frozenset({"investigation", "investigations", "inquiry", "probe", "appeal", "campaign",
                          "program", "programme", "initiative", "website", "satellite", "plan",
                          "bid", "review", "study", "fundraiser", "minister", "official", "coach",
                          "employee", "staff", "workers", "manager", "crisis", "record", "market",
                          "talks", "dialogue", "process", "product", "service", "app", "drive"})
# words before an event noun that make it a prospect, not a fact
UNREAL = frozenset({"considering", "considers", "considered", "weighing", "mulling", "possible",
                    "potential", "proposed", "planned", "threatened", "prospect", "risk",
                    "avoid", "prevent", "averting", "avert"})
RECIP_PREPS = frozenset({"on", "against", "at", "targeting", "targeted", "toward", "towards",
                         "to", "hitting", "upon"})
HEDGES = frozenset({"reportedly", "allegedly", "suspected", "reports", "reported",
                    "according", "believed", "apparently", "purportedly", "unconfirmed",
                    "claimed", "likely", "possibly", "probably"})
KILL = frozenset({"killed", "kill", "kills", "killing", "dead", "died", "die", "dies", "deaths",
                  "death", "fatalities", "slain", "lives"})
INJURE = frozenset({"injured", "injure", "injuring", "injures", "injuries", "wounded", "wounding",
                    "wounds", "hurt", "wounding", "casualties"})
NUM_HEDGE = frozenset({"at", "least", "about", "some", "around", "nearly", "more", "than", "over",
                       "up", "to", "an", "estimated", "approximately", "almost", "roughly",
                       "another", "at least"})
CATEGORY_MODE = {"ACCUSE": "statement", "THREATEN": "statement", "REQUEST": "statement",
                 "REJECT": "statement", "SUPPORT": "statement", "AGREE": "statement",
                 "RETREAT": "statement", "SANCTION": "sanction", "CONSULT": "meeting"}
PLACED = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "CONSULT"})
CONTENT_AS_ACTOR = frozenset({"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "PROTEST", "SANCTION"})
PRONOUNS = frozenset({"him", "her", "them", "it", "us", "me", "you", "himself", "themselves"})
MAX_TOKENS = 400  # work per sentence is bounded: longer sentences are cut


@dataclass
class DocumentState:
    """What earlier sentences of the same document tell later ones."""

    last_assault_actor: tuple[str | None, list[int] | None] = (None, None)
    recent: list[tuple[int, str, str | None, str | None, str]] = field(default_factory=list)


@dataclass
class Candidate:
    trigger: Mention
    info: TriggerInfo
    noun: bool
    category: str
    actor: Mention | None = None
    recipient: Mention | None = None
    recipient_id: str | None = None
    actor_id: str | None = None
    explicit_actor: bool = False
    inherited: bool = False
    mode: str | None = None
    mode_m: Mention | None = None
    place: Mention | None = None
    date: Mention | None = None
    killed: int | None = None
    injured: int | None = None
    cas_spans: dict[str, list[int]] = field(default_factory=dict)
    claimed: bool = False
    definite: bool = False
    content_of: "Candidate | None" = None
    drop: bool = False
    hedged: bool = False


def _boundaries(s: Sentence) -> list[int]:
    b = []
    lw = s.lower
    for i, w in enumerate(lw):
        if w in BOUNDARY_WORDS:
            b.append(i)
        elif w == "retaliation" or (w == "response" and i + 1 < len(lw) and lw[i + 1] == "to"
                                    and i and lw[i - 1] == "in"):
            b.append(i - 1 if i and lw[i - 1] == "in" else i)
    return b


def _clause(bounds: list[int], i: int, n: int) -> tuple[int, int]:
    left = max((b for b in bounds if b < i), default=-1)
    right = min((b for b in bounds if b > i), default=n)
    return left, right


def _mention_at(ms: list[Mention], i: int) -> Mention | None:
    for m in ms:
        if m.start <= i < m.end:
            return m
    return None


def _is_noun(s: Sentence, t: Mention, info: TriggerInfo, modes: set[int], actors: set[int]) -> bool:
    if info.pos == "n":
        return True
    prev = s.lower[t.start - 1] if t.start else ""
    nxt = s.lower[t.end] if t.end < len(s.lower) else "."
    if info.pos == "v":
        return info.form == "ing" and prev in DETS
    if info.form == "ed":
        return False
    if info.form == "ing":
        return prev in DETS
    if prev in DETS or prev.isdigit() or (t.start - 1) in modes:
        return True
    if (t.start - 1) in actors:
        return nxt in NOUN_FOLLOW
    if t.start == 0:
        return True
    return nxt in NOUN_FOLLOW and prev not in ("to", "will", "would", "could", "may", "might")


def _subject(s: Sentence, pos: int, bounds: list[int], lex: Lexicon, exclude: set[int]) -> Mention | None:
    left, _ = _clause(bounds, pos, len(s.lower))
    cands = [a for a in s.actors if left < a.start and a.end <= pos and a.start not in exclude
             and a.end not in exclude
             and "anti" not in a.flags and "locative" not in a.flags
             and not (a.start > 0 and _prev_word(s, a.start) in RECIP_PREPS | {"with", "by", "for"})]
    if not cands and left >= 0 and (s.lower[left] in ("that", ",") or s.lower[left] in lex.reporting_verbs) and left > 0:
        if s.lower[left] in lex.reporting_verbs:
            return _subject(s, left, bounds, lex, exclude)
        # "X said that ...": the speaker is the actor of the reported statement
        for j in range(left - 1, max(-1, left - 6), -1):
            if s.lower[j] in lex.reporting_verbs and _mention_at(s.actors, j) is None:
                return _subject(s, j, bounds, lex, exclude)
    if not cands:
        return None
    named = [a for a in cands if a.named]
    pool = named or cands
    return pool[0]


def _prev_word(s: Sentence, i: int) -> str:
    """The word before token ``i``, skipping an article ("to the president")."""
    j = i - 1
    if j >= 0 and s.lower[j] in ("the", "a", "an"):
        j -= 1
    return s.lower[j] if j >= 0 else ""


def _agent(s: Sentence, end: int) -> Mention | None:
    """The mention after "by" right after position ``end``."""
    for j in range(end, min(end + 5, len(s.lower))):
        if s.lower[j] == "by":
            m = _mention_at(s.actors, j + 1) or _mention_at(s.actors, j + 2)
            return m
        if s.lower[j] not in BE | {"carried", "out", "launched", "conducted", "claimed",
                                   "reportedly", "allegedly", "apparently", "allegedly",
                                   "executed", "staged", "mounted", "ordered"}:
            return None
    return None


def _premodifier(s: Sentence, t: Mention, modes: set[int], lex: Lexicon) -> tuple[Mention | None, bool]:
    """Actor named inside the noun phrase before a noun trigger; and whether it is definite."""
    j = t.start - 1
    found = None
    definite = False
    steps = 0
    while j >= 0 and steps < 6:
        w = s.lower[j]
        m = _mention_at(s.actors, j)
        if m is not None:
            if found is None and "anti" not in m.flags:
                found = m
            j = m.start - 1
            steps += 1
            continue
        if w == "'s" or w == "'":
            j -= 1
            continue
        if j in modes or w in ("-", "air", "drone", "missile", "rocket") or (
                w.isalpha() and w.islower() and w not in DETS and w not in NUM_HEDGE
                and w not in LOCATIVE and w not in RECIP_PREPS and w not in BE
                and w not in ("and", "or", "by", "with", "for", "about", "during", "under")
                and w not in BOUNDARY_WORDS and steps < 3):
            j -= 1
            steps += 1
            continue
        if w in ('"', "'"):
            j -= 1
            continue
        if w in DETS:
            if w in DEFINITE:
                definite = True
            j -= 1
            steps += 1
            if w in ("a", "an") or w in DEFINITE:
                break
            continue
        break
    # a place named as a modifier ("the Jordan attack") is where, not who
    if found is not None and any(p.start == found.start and "actor" in p.flags for p in s.places):
        if s.lower[found.end] != "'s" and lex.actor_kind.get(found.value) == "government":
            found = None
    return found, definite


def _light_verb(s: Sentence, t: Mention, lex: Lexicon, modes: set[int]) -> int | None:
    j = t.start - 1
    steps = 0
    while j >= 0 and steps < 6:
        w = s.lower[j]
        if w in lex.light_verbs:
            return j
        if w == "out" and j > 0 and s.lower[j - 1] in ("carried", "carry", "carrying", "carries"):
            return j - 1
        if w in DETS or j in modes or w in NUM_HEDGE or w in ("responsibility", "for", "-") \
                or w.isdigit() or (w.isalpha() and w.islower() and w not in BE and w not in RECIP_PREPS
                                   and w not in ("and", "by", "in") and steps < 2):
            j -= 1
            steps += 1
            continue
        if _mention_at(s.actors, j) is not None and steps < 3:
            j -= 1
            steps += 1
            continue
        return None
    return None


def _number_near(s: Sentence, k: int, bounds: list[int], right_first: bool) -> tuple[int, Mention] | None:
    nums = {m.start: m for m in s.numbers}
    left, right = _clause(bounds, k, len(s.lower))
    if right_first:
        j = k + 1
        while j < min(right, k + 6):
            if j in nums:
                return nums[j].value, nums[j]
            if s.lower[j] not in NUM_HEDGE:
                break
            j += 1
    j = k - 1
    while j > max(left, k - 8):
        if j in nums:
            value = nums[j].value
            if any(s.lower[x] == "along" or s.lower[x] == "together" for x in range(max(0, j - 3), j)):
                value += 1  # "X, along with two guards, were killed"
            return value, nums[j]
        if s.lower[j] in KILL | INJURE:
            break
        j -= 1
    return None


def _number_after_named(s: Sentence, k: int) -> tuple[int, Mention] | None:
    """"killed Abu Baqir al-Saadi and two of his guards" -> 3."""
    nums = {m.start: m for m in s.numbers}
    j = k + 1
    named = 0
    while j < min(len(s.lower), k + 10):
        m = _mention_at(s.actors, j)
        if m is not None:
            named = 1
            j = m.end
            continue
        if s.tokens[j][:1].isupper() or s.lower[j] in ("-", "'s"):
            named = 1
            j += 1
            continue
        if s.lower[j] in ("and", "along", "with", ",") and named:
            j += 1
            continue
        if j in nums and named:
            return nums[j].value + 1, nums[j]
        return None
    return None


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
    cands: list[Candidate] = []
    negated_at: list[int] = []
    for t in s.triggers:
        info = t.value[0]
        noun = _is_noun(s, t, info, modes, actor_tok)
        if not noun and (info.category, info.lemma) in lex.only_as_noun:
            continue
        c = Candidate(t, info, noun, info.category, hedged=hedged)
        # factuality: negation, infinitive, modal
        window = [s.lower[j] for j in range(max(0, t.start - 3), t.start)]
        left, right = _clause(bounds, t.start, n)
        for cut in (";", ",", ":", "but", "while", "although"):
            if cut in window:
                window = window[len(window) - window[::-1].index(cut):]
        if any(w in NEG for w in window):
            negated_at.append(t.end)
            if not noun and info.category in COOPERATIVE and any(w in REFUSAL for w in window):
                c.category = "REJECT"  # "will not release the soldiers": a refusal
                cands.append(c)
            continue
        if noun and any(w in UNREAL for w in window):
            continue  # "is considering sanctions", "possible strikes": not (yet) an event
        if not noun and info.pos == "v" and window and window[-1] in ("a", "an", "the"):
            continue  # "demanded an end": a verb-only trigger used as a noun
        if any(0 <= t.start - e <= 3 for e in negated_at) and (not noun or info.form == "ing"):
            continue  # "has not ruled out striking": the content of a negated act
        if not noun and info.form in ("base", "ed") and window and (
                window[-1] in MODALS or (len(window) > 1 and window[-2] in MODALS
                                         and (window[-1].endswith("ly") or window[-1] == "have"))):
            reported = any(w in lex.reporting_verbs for w in s.lower[max(0, t.start - 5):t.start])
            # "attempted to assassinate", "began to withdraw": the act took place
            real = window[-1] == "to" and len(window) > 1 and window[-2] in REAL_BEFORE_TO
            intent = window[-1] in INTENT_MODALS or (
                window[-1] == "to" and len(window) > 1 and window[-2] in INTENT_BEFORE_TO)
            if intent and not reported and not real:
                # a stated intention: to cooperate is AGREE, to use force is THREATEN
                if info.category in COOPERATIVE:
                    c.category = "AGREE"
                elif info.category in ("ASSAULT", "COERCE", "SANCTION"):
                    c.category = "THREATEN"
                else:
                    continue
            elif not real and not (reported and info.category not in ("ASSAULT", "COERCE")):
                continue
        if not noun and info.form == "ing" and window and window[-1] in ("to", "for", "of", "from"):
            continue
        if info.category == "ASSAULT" and not noun and info.lemma in ("launch", "fire", "hit") and any(
                w in NOT_ATTACKED for w in s.lower[t.end:min(n, t.end + 4)]):
            continue  # "launched an investigation", "fired the minister", "hit by a crisis"
        req = lex.requires_object.get(info.category)
        if req is not None and req and info.block is None:  # CAMEO forms passed their patterns
            after = s.lower[t.end:min(n, t.end + 5)]
            if not any(w.rstrip("s") in req or w in req for w in after) and not (
                    info.category in ("SUPPORT", "RETREAT")
                    and any(t.end <= a.start < t.end + 4 and "agent" not in a.flags for a in s.actors)):
                continue  # "praised Egypt", "released the journalist" name their object
        cands.append(c)

    words = set(s.lower)
    if words & lex.disaster_words:
        # "floods hit Bangladesh", "a bus crash killed 12": no attacker, no attack
        d = min(j for j, w in enumerate(s.lower) if w in lex.disaster_words)
        cands = [c for c in cands if c.category != "ASSAULT" or any(
            a.named and a.end <= min(d, c.trigger.start) for a in s.actors)]
    if words & lex.labour_words or any(s.lower[j:j + 2] == ["on", "strike"] for j in range(n - 1)):
        for c in cands:
            if c.category == "ASSAULT" and c.info.lemma == "strike" and not s.modes:
                c.category = "PROTEST"  # a labour strike
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

    # definite re-mentions without news are not events
    # casualties
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

    # modes, dates, places: each mention goes to its nearest trigger
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

    for c in cands:
        if c.mode is None:
            c.mode = c.info.mode or CATEGORY_MODE.get(c.category)
        if c.claimed and c.actor is not None:
            c.explicit_actor = True
    for c in cands:
        if c.actor is None and c.recipient is None and c.recipient_id is None and (
                c.category != "ASSAULT" or (c.place is None and not s.dates and c.killed is None
                                            and c.injured is None)):
            c.drop = True
    merged = _merge([c for c in cands if not c.drop])
    # the main clause's event first: background clauses ("after X attacked",
    # "where 28 people were killed") explain it
    return sorted(merged, key=lambda c: (_background(s, bounds, c.trigger.start), c.trigger.start))


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
