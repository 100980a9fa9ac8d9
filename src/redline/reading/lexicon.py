"""The reader's dictionaries: loaded from the YAML files in ``dictionaries/``.

A :class:`Lexicon` holds, for one case, every phrase the reader looks for
(triggers, modes, actors) compiled into spaCy ``PhraseMatcher`` objects over a
blank English tokenizer (no trained model: see ``docs/reading.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import spacy
import yaml
from spacy.matcher import PhraseMatcher

from redline.errors import ReadingError

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

__all__ = ["Lexicon", "TriggerInfo", "get_lexicon", "inflect_verb", "pluralize", "load_dictionary"]

STATEMENT_TYPES = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT", "SUPPORT", "AGREE"})
_VOWELS = set("aeiou")


def load_dictionary(name: str) -> dict[str, Any]:
    """Parse ``dictionaries/<name>.yaml`` shipped with the package."""
    ref = resources.files("redline.reading").joinpath("dictionaries").joinpath(f"{name}.yaml")
    try:
        with ref.open("r", encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:  # pragma: no cover - shipped files are tested
        raise ReadingError(f"dictionary does not parse: {exc}", file=str(ref)) from exc
    if not isinstance(data, dict):
        raise ReadingError("dictionary must be a mapping", file=str(ref))
    return data


def pluralize(noun: str) -> list[str]:
    """Singular and plural of a (possibly multi-word) noun; the last word inflects."""
    head, _, last = noun.rpartition(" ")
    pre = head + " " if head else ""
    if last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in _VOWELS:
        plural = last[:-1] + "ies"
    elif last.isupper():
        plural = last + "s"
    else:
        plural = last + "s"
    return [noun, pre + plural]


def inflect_verb(entry: str) -> tuple[str, list[str]]:
    """``"strike|struck"`` -> ("strike", [strike, strikes, striking, struck, ...]).

    The first word is inflected by lemminflect (phrasal verbs keep their
    particle); the forms after ``|`` are added as they are.
    """
    from lemminflect import getAllInflections, getAllInflectionsOOV

    base, *extra = [p.strip() for p in entry.split("|")]
    first, _, rest = base.partition(" ")
    tail = " " + rest if rest else ""
    forms = {base}
    infl = getAllInflections(first, upos="VERB") or getAllInflectionsOOV(first, upos="VERB")
    for _tag, words in infl.items():
        forms.update(w + tail for w in words)
    forms.update(extra)
    return base, sorted(forms)


@dataclass(frozen=True)
class TriggerInfo:
    """What a trigger phrase means: its category, part of speech, lemma, default mode."""

    category: str
    pos: str  # "v", "n" or "vn" (a form that can be either)
    lemma: str
    mode: str | None
    form: str  # "base", "s", "ed", "ing", "noun"
    block: str | None = None  # CAMEO verb block whose patterns may refine the category


def _split_mode(entry: Any) -> tuple[str, str | None]:
    if isinstance(entry, dict):
        (k, v), = entry.items()
        return str(k), (str(v) if v else None)
    return str(entry), None


@dataclass
class Lexicon:
    """Compiled dictionaries for one case."""

    nlp: Any
    triggers: dict[str, list[TriggerInfo]]
    trigger_matcher: PhraseMatcher
    mode_words: dict[str, str]
    mode_matcher: PhraseMatcher
    actor_phrases: dict[str, tuple[str, bool]]  # lower phrase -> (actor id, named)
    actor_matcher_lower: PhraseMatcher
    actor_matcher_exact: PhraseMatcher
    light_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    requires_object: dict[str, frozenset[str]]
    sponsored: list[dict[str, Any]]
    government_words: frozenset[str]
    governments: dict[str, str]  # country -> government actor id
    actor_country: dict[str, str | None]
    actor_kind: dict[str, str]
    actor_names: dict[str, str]
    only_as_noun: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    no_object_needed: frozenset[str] = field(default_factory=frozenset)  # lemmas exempt from requires_object
    ignore_matcher: Any = None
    world_matcher: Any = None
    world_lookup: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (code, kind)
    code_to_case: dict[str, str] = field(default_factory=dict)  # world code -> case actor id
    discard_finder: Any = None  # sports, entertainment, disease: no political event
    disaster_words: frozenset[str] = field(default_factory=frozenset)
    labour_words: frozenset[str] = field(default_factory=frozenset)


def _is_exact(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@lru_cache(maxsize=8)
def get_lexicon(case_name: str | None) -> Lexicon:
    """Build (once per case) the lexicon; ``None`` = generic phrases only."""
    from redline.data.case import load_case

    case = load_case(case_name) if case_name else None
    return build_lexicon(case)


def build_lexicon(case: Any) -> Lexicon:
    nlp = spacy.blank("en")
    trig = load_dictionary("triggers")
    modes = load_dictionary("modes")
    actors = load_dictionary("actors")

    triggers: dict[str, list[TriggerInfo]] = {}
    verb_forms: dict[str, list[tuple[str, str, str | None, str]]] = {}
    for cat, spec in trig.items():
        if cat.upper() != cat or not isinstance(spec, dict):
            continue
        for entry in spec.get("verbs", []) or []:
            text, mode = _split_mode(entry)
            if text.startswith("="):  # this exact form only ("=targeted", not "targets")
                verb_forms.setdefault(text[1:].lower(), []).append((cat, text[1:], mode, "ed"))
                continue
            base, forms = inflect_verb(text)
            for f in forms:
                form = ("ing" if f.split(" ")[0].endswith("ing") else
                        "s" if f != base and f.split(" ")[0].endswith("s") else
                        "base" if f == base else "ed")
                verb_forms.setdefault(f.lower(), []).append((cat, base, mode, form))
        for entry in spec.get("nouns", []) or []:
            text, mode = _split_mode(entry)
            for f in pluralize(text):
                triggers.setdefault(f.lower(), []).append(TriggerInfo(cat, "n", text, mode, "noun"))
    for f, infos in verb_forms.items():
        for cat, base, mode, form in infos:
            nouns = [t for t in triggers.get(f, []) if t.category == cat]
            if nouns:  # same spelling as a noun of the same category: ambiguous
                triggers[f] = [t for t in triggers[f] if t.category != cat]
                triggers[f].append(TriggerInfo(cat, "vn", base, mode or nouns[0].mode, form))
            else:
                triggers.setdefault(f, []).append(TriggerInfo(cat, "v", base, mode, form))
    # every inflected form of the reporting and light verbs, inflected once
    light, reporting = (frozenset(f.lower() for e in trig.get(key, []) or []
                                  for f in inflect_verb(str(e))[1])
                        for key in ("light_verbs", "reporting_verbs"))
    _add_cameo_verbs(triggers, reporting | _NOT_EVENTS | _CASUALTY_WORDS, light)
    trigger_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    # spaCy types Language.tokenizer as any callable; blank("en") has a Tokenizer
    for f, doc in zip(triggers, cast("Tokenizer", nlp.tokenizer).pipe(list(triggers))):
        trigger_matcher.add(f, [doc])

    mode_words: dict[str, str] = {}
    for mode, words in modes.items():
        for w in words or []:
            for f in pluralize(str(w)):
                mode_words.setdefault(f.lower(), mode)
    mode_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for f in mode_words:
        mode_matcher.add(f, [nlp.make_doc(f)])

    ids: set[str] | None = None
    actor_phrases: dict[str, tuple[str, bool]] = {}
    governments: dict[str, str] = {}
    actor_country: dict[str, str | None] = {}
    actor_kind: dict[str, str] = {}
    actor_names: dict[str, str] = {}
    if case is not None:
        ids = {a.id for a in case.actors}
        for a in case.actors:
            actor_country[a.id] = a.country
            actor_kind[a.id] = a.kind
            actor_names[a.id] = a.name
            if a.kind == "government" and a.country:
                governments[a.country] = a.id
            for name in [a.name, *a.aliases]:
                if "(" in name or ";" in name:
                    continue  # annotated aliases ("X (suspected)") are not text
                actor_phrases.setdefault(name, (a.id, a.kind not in ("unattributed",)))
    for aid, phrases in (actors.get("phrases") or {}).items():
        if ids is not None and aid not in ids:
            continue
        named = aid != "iran_backed_militias" and (case is None or actor_kind.get(aid) != "unattributed")
        for p in phrases or []:
            actor_phrases.setdefault(str(p), (aid, named))
    lower_m = PhraseMatcher(nlp.vocab, attr="LOWER")
    exact_m = PhraseMatcher(nlp.vocab, attr="ORTH")
    lookup: dict[str, tuple[str, bool]] = {}
    for p, val in actor_phrases.items():
        norm = normalize_quotes(p)
        if _is_exact(norm):
            exact_m.add(norm, [nlp.make_doc(norm)])
            lookup[norm] = val
        else:
            lower_m.add(norm.lower(), [nlp.make_doc(norm.lower())])
            lookup[norm.lower()] = val
    world_m, world_lookup, code_to_case = _world_actors(nlp, case, governments, actor_kind)
    sponsored = [s for s in (actors.get("sponsored") or [])
                 if ids is None or s.get("actor") in ids]

    only = set()
    for item in trig.get("only_as_noun", []) or []:
        cat, _, lemma = str(item).partition(":")
        only.add((cat, lemma))
    ignore_m = PhraseMatcher(nlp.vocab, attr="LOWER")
    for phrase in trig.get("ignore", []) or []:
        ignore_m.add(str(phrase).lower(), [nlp.make_doc(str(phrase).lower())])
    return Lexicon(
        ignore_matcher=ignore_m,
        nlp=nlp,
        triggers=triggers,
        trigger_matcher=trigger_matcher,
        mode_words=mode_words,
        mode_matcher=mode_matcher,
        actor_phrases=lookup,
        actor_matcher_lower=lower_m,
        actor_matcher_exact=exact_m,
        light_verbs=light,
        reporting_verbs=reporting,
        requires_object={k: frozenset(w.lower() for w in v or []) for k, v in (trig.get("requires_object") or {}).items()},
        sponsored=sponsored,
        government_words=frozenset(w.lower() for w in actors.get("government_words", []) or []),
        governments=governments,
        actor_country=actor_country,
        actor_kind=actor_kind,
        actor_names=actor_names,
        only_as_noun=frozenset(only),
        world_matcher=world_m,
        no_object_needed=frozenset(str(w).lower() for w in trig.get("no_object_needed", []) or []),
        discard_finder=PhraseFinder({p: True for p in _discards(trig)}),
        disaster_words=frozenset(str(w).lower() for w in trig.get("disasters", []) or []),
        labour_words=frozenset(str(w).lower() for w in trig.get("labour", []) or []),
        world_lookup=world_lookup,
        code_to_case=code_to_case,
    )


def _add_cameo_verbs(triggers: dict[str, list[TriggerInfo]], skip: frozenset[str],
                     light: frozenset[str]) -> None:
    """Add the CAMEO verb forms the hand-written lexicon lacks (``skip``: light
    and reporting verbs, which carry an event noun or a statement rather than an
    event).  A form gets its block's default category, or ``"?"`` when only a
    pattern of its block can give one (:func:`redline.reading.mentions._refine`)."""

    from redline.reading.world import get_world, plover_of

    world = get_world()
    for form, (lemma, block, code, kind) in world.verbs.items():
        if form in triggers or form.split(" ")[0] in skip:
            continue  # the hand-written lexicon is tuned on the reference analysis: it wins
        if form in light:
            # a light verb is an event only through a pattern ("imposed a curfew");
            # with an event noun after it the noun's own trigger speaks
            triggers[form] = [TriggerInfo("?", "v", lemma, None, kind, block)]
            continue
        cat = plover_of(code) if code != "---" and lemma not in _PATTERN_ONLY else None
        triggers[form] = [TriggerInfo(cat or "?", "v", lemma, None, kind, block)]


def _discards(trig: dict[str, Any]) -> set[str]:
    from redline.reading.world import get_world

    keep = {str(p).lower() for p in trig.get("not_discards", []) or []}
    return (set(get_world().discards) | {str(p).lower() for p in trig.get("discards", []) or []}) - keep


class PhraseFinder:
    """Longest-match lookup of lower-case phrases over a tokenised sentence.

    Tens of thousands of names would cost a spaCy ``PhraseMatcher`` seconds to
    build (one lexeme per new word); a dictionary of surface strings keyed by their
    first word is built in milliseconds and matches as fast.
    """

    def __init__(self, phrases: dict[str, Any], max_words: int = 8) -> None:
        self.phrases = phrases
        self.first = {p.split(" ", 1)[0].split("-", 1)[0] for p in phrases}
        self.max_words = max_words

    def __call__(self, text_lower: str, idx: list[int], toks: list[str],
                 lower: list[str]) -> list[tuple[int, int]]:
        """Token spans ``(start, end)`` of the phrases in a sentence, longest first, no overlaps."""
        n = len(toks)
        out = []
        i = 0
        first = self.first
        while i < n:
            hit = None
            w = lower[i]
            if w in first or ("-" in w and w.split("-", 1)[0] in first):
                for j in range(min(n, i + self.max_words), i, -1):
                    if text_lower[idx[i]:idx[j - 1] + len(toks[j - 1])] in self.phrases:
                        hit = j
                        break
            if hit:
                out.append((i, hit))
                i = hit
            else:
                i += 1
        return out


# forms that open phrases far more often than they state an event
_NOT_EVENTS = frozenset({"according", "including", "regarding", "concerning", "following", "given",
                         "based", "linked", "related", "called", "known", "aimed", "involving",
                         "considering", "pending", "fail", "failed", "fails", "failing", "try",
                         "tried", "tries", "trying", "attempt", "attempted", "attempts", "seek",
                         "seeks", "sought", "seeking", "want", "wants", "wanted", "plan",
                         "plans", "planned", "planning", "expect", "expected", "expects", "hope",
                         "hoped", "hopes", "intend", "intended", "intends", "prepare",
                         "prepared", "prepares", "preparing", "continue", "continued",
                         "continues", "continuing", "begin", "began", "begun", "start",
                         "started", "starts", "let", "lets", "help", "helped", "helps",
                         "further", "post", "posted", "suspected", "suspect", "alleged",
                         "remain", "remained", "remains", "stay", "stayed", "use", "used",
                         "uses", "using"})


# verbs of many senses: an event only where a CAMEO pattern fits ("took control of")
_PATTERN_ONLY = frozenset({"take", "give", "get", "make", "put", "set", "keep", "hold", "bring",
                           "come", "go", "see", "show", "turn", "run", "leave", "move", "open",
                           "close", "raise", "lead", "carry", "draw", "pass", "meet", "reach",
                           "cut", "push", "pull", "play", "mark", "face", "handle", "deal",
                           "suggest", "say", "tell", "note", "add", "compare", "link", "escalate",
                           "heighten", "boost", "increase", "further", "summon", "end"})
# casualty words: the coder counts them, they are no events of their own
_CASUALTY_WORDS = frozenset({"die", "died", "dies", "dying", "hurt", "hurts", "hurting", "wound",
                             "wounded", "wounds", "wounding", "injure", "injured", "injures",
                             "injuring", "kill", "killed", "kills", "killing"})


# sectors that make a country's code resolve to the case's actor for that country
_STATE_SECTORS = frozenset({"", "GOV", "MIL", "SPY", "LEG", "JUD", "ELI"})


def _world_actors(nlp: Any, case: Any, governments: dict[str, str],
                  actor_kind: dict[str, str]) -> tuple[PhraseFinder, dict[str, tuple[str, str]], dict[str, str]]:
    """A matcher over the world actor and agent phrases, their (code, kind), and
    the world codes the case knows (``IRQ``, ``IRQGOV`` -> ``iraq_government``)."""
    from redline.reading.world import get_world

    world = get_world()
    lookup: dict[str, tuple[str, str]] = dict(world.actors)
    for p, sector in world.agents.items():
        lookup.setdefault(p, (sector, "agent"))
    m = PhraseFinder(lookup)
    code_to_case: dict[str, str] = {}
    if case is not None:
        by_country: dict[str, str] = {}
        for a in case.actors:
            if a.country and a.kind in ("state", "government") and a.country not in by_country:
                by_country[a.country] = a.id
        for iso3, cname in world.iso3_country.items():
            aid = by_country.get(cname)
            if aid is None:
                continue
            for sec in _STATE_SECTORS:
                code_to_case[iso3 + sec] = aid
            if cname in governments:
                code_to_case[iso3 + "GOV"] = governments[cname]
        # the case's own names of organisations win over the world table
        for a in case.actors:
            code_to_case.setdefault(a.id, a.id)
    return m, lookup, code_to_case


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u2011": "-",
                         "\u02bc": "'", "\u2032": "'"})


def normalize_quotes(text: str) -> str:
    """Replace typographic quotes and dashes one-for-one (character offsets are kept)."""
    return text.translate(_QUOTES)


_WS = re.compile(r"\s+")
