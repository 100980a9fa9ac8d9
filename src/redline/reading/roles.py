"""Positional rules that find an event's roles in a sentence: clause bounds, subject,
agent of a passive, noun-phrase modifier, light verb, and the numbers of victims.

Everything works on a tokenised :class:`~redline.reading.mentions.Sentence` without a
parser; :mod:`redline.reading.coder` calls these.
"""

from __future__ import annotations

from redline.reading.lexicon import Lexicon, TriggerInfo
from redline.reading.mentions import LOCATIVE, Mention, Sentence

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
RECIP_PREPS = frozenset({"on", "against", "at", "targeting", "targeted", "toward", "towards",
                         "to", "hitting", "upon"})
HEDGES = frozenset({"reportedly", "allegedly", "suspected", "reports", "reported",
                    "according", "believed", "apparently", "purportedly", "unconfirmed",
                    "claimed", "likely", "possibly", "probably"})
KILL = frozenset({"killed", "kill", "kills", "killing", "dead", "died", "die", "dies", "deaths",
                  "death", "fatalities", "slain", "lives"})
INJURE = frozenset({"injured", "injure", "injuring", "injures", "injuries", "wounded", "wounding",
                    "wounds", "hurt", "casualties"})
NUM_HEDGE = frozenset({"at", "least", "about", "some", "around", "nearly", "more", "than", "over",
                       "up", "to", "an", "estimated", "approximately", "almost", "roughly",
                       "another", "at least"})
CATEGORY_MODE = {"ACCUSE": "statement", "THREATEN": "statement", "REQUEST": "statement",
                 "REJECT": "statement", "SUPPORT": "statement", "AGREE": "statement",
                 "RETREAT": "statement", "SANCTION": "sanction", "CONSULT": "meeting"}
PLACED = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "CONSULT"})
CONTENT_AS_ACTOR = frozenset({"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "PROTEST", "SANCTION"})
PRONOUNS = frozenset({"him", "her", "them", "it", "us", "me", "you", "himself", "themselves"})


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
                                   "reportedly", "allegedly", "apparently", "executed", "staged", "mounted", "ordered"}:
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
