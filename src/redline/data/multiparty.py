"""Names that join several parties, found by ``redline case check``.

An event has one actor and one target.  A raw name such as ``Kata'ib Hezbollah;
Kata'ib Sayyid al-Shuhada`` names two parties; when it resolves to one actor (through an
alias added to silence an unresolved name, or a pattern), every event of it is credited
to that actor and the other party disappears from the case.  That is almost always a
coding error: the row should be split into one event per party.

A name is judged to join several parties when, after cutting it at ``;``, `` / ``,
`` and ``, ``&`` and ``,``:

- it uses ``;`` (a list, or a name with a note glued on), or
- at least two of its parts each resolve, or look like, different actors of the case
  ("looks like": the part resolves once a trailing role word such as ``leaders`` or a
  parenthesised note is dropped, so ``KH leaders`` reads as KH), and the whole resolves
  to one of those actors: one party is credited with what several did.

Real single names are left alone: ``Asa'ib Ahl al-Haq`` (no separator), ``US and
coalition forces`` (both parts are the US), ``Iran-backed groups in Iraq and Syria``
(only one part names an actor), and ``Hayat Tahrir al-Sham, Syria`` (a place after a
comma says where, not who: a trailing part naming a country of the case's actors or a
site is dropped first).  Lists of groups that acted together are left alone unless they
use ``;``: a list resolved to an actor none of its parts names (a joint actor, such as
``case init`` proposes for UCDP's side name ``FPRC, MPC``), and a list resolved to an
actor of kind ``umbrella`` or ``coalition`` (the analyst's statement that its groups
acted as one party, such as ``National Front for Liberation, SNA`` under the SNA).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from redline.data.aliases import AliasConflictError

__all__ = ["MultiPartyName", "case_places", "find_multi_party_names", "multi_party_parts",
           "parties_named", "split_parties"]

_SEPARATORS = re.compile(r"\s*;\s*|\s+/\s+|\s+and\s+|\s*&\s*|\s*,\s*", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)")
#: words after a name that say which people of a party are meant, not another party
ROLE_WORDS = frozenset({
    "leader", "leaders", "leadership", "commander", "commanders", "member", "members",
    "official", "officials", "fighter", "fighters", "operative", "operatives", "affiliate",
    "affiliates", "financier", "financiers", "network", "figures", "militants",
})
#: actor kinds a list of groups may legitimately resolve to (they act as one party)
GROUP_KINDS = frozenset({"umbrella", "coalition"})
#: how many lines of one name the report lists before it counts the rest
MAX_LINES = 10


@dataclass(frozen=True)
class MultiPartyName:
    """One name, in one field of one file, that joins several parties but resolves to one actor."""

    file: str
    #: ``actor`` or ``target`` (events file), or ``actors[i].aliases`` (case.yaml)
    field: str
    value: str
    #: the actor the whole name resolves to
    actor: str
    #: each part of the name -> the actor it resolves to or looks like (None: no actor)
    parts: dict[str, str | None]
    #: 1-based lines holding the name (a parquet file: row number, header = 1), at most MAX_LINES
    lines: tuple[int, ...]
    #: rows holding the name (1 for an alias)
    count: int
    #: True when the name is an alias in case.yaml, False for a value in the events file
    alias: bool

    @property
    def expected(self) -> str:
        """What a valid value looks like."""
        if self.alias:
            return ("one party per alias: remove this alias, and split the rows that use the "
                    "name into one event per party")
        return ("one party per event row: split the row into one row per party, each with its "
                "own event_id (parties that acted as one: an umbrella or coalition actor)")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.lines[0] if self.lines else None,
                "lines": list(self.lines), "rows": self.count, "field": self.field,
                "value": self.value, "resolved_to": self.actor, "parts": dict(self.parts),
                "expected": self.expected}


def split_parties(value: str) -> list[str]:
    """The parts of ``value`` between the separators (``;``, `` / ``, `` and ``, ``&``, ``,``),
    ignoring separators inside parentheses."""
    parts, at = [], 0
    for m in _SEPARATORS.finditer(_outside_parens(value)):
        parts.append(value[at:m.start()])
        at = m.end()
    parts.append(value[at:])
    return [p.strip() for p in parts if p.strip()]


def _outside_parens(value: str) -> str:
    """``value`` with the text inside parentheses masked (same length): "Islamic Resistance
    in Iraq (suspected, per SOHR)" is one name with a note."""
    return _PARENS.sub(lambda m: "(" + "x" * (len(m.group(0)) - 2) + ")", value)


def _looks_like(part: str, resolver) -> str | None:
    words = _PARENS.sub(" ", part).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while words and words[-1].lower() in ROLE_WORDS:
        words = words[:-1]
    core = " ".join(words)
    for name in dict.fromkeys([part, core]):
        try:
            hit = resolver.resolve(name) if name else None
        except AliasConflictError:
            # two patterns claim this piece; it is no name of the data, so it names no one
            hit = None
        if hit is not None:
            return hit
    return None


def multi_party_parts(value: str, actor: str | None, resolver, places: Iterable[str] = (),
                      group_actors: Iterable[str] = ()) -> dict[str, str | None] | None:
    """The parts of ``value`` and the actors they name, when ``value`` joins several parties
    but resolves to the one actor ``actor``; None when it reads as one party.

    Parameters
    ----------
    value
        A raw actor or target name, or an alias.
    actor
        The actor id ``value`` resolves to (None: unresolved, never flagged here).
    resolver
        An :class:`~redline.data.aliases.AliasResolver` of the case.
    places
        Lower-cased names of places (countries, sites): a part after the last comma that is
        one of them qualifies the name and is dropped.
    group_actors
        Actor ids whose kind is a group of parties (umbrella, coalition).
    """
    if actor is None:
        return None
    named = parties_named(value, resolver, places)
    if len(named) < 2:
        return None
    actors = {a for a in named.values() if a is not None}
    credited = len(actors) >= 2 and actor in actors and actor not in set(group_actors)
    return named if credited or ";" in _outside_parens(value) else None


def parties_named(value: str, resolver, places: Iterable[str] = ()) -> dict[str, str | None]:
    """Each part of ``value`` -> the actor it resolves to or looks like (None: no actor);
    one part when ``value`` has no separator.  A trailing place after the last comma (one of
    ``places``, lower-cased) is dropped unless the name uses ``;``."""
    masked = _outside_parens(value)
    head, comma, _ = masked.rpartition(",")
    if comma and ";" not in masked and value[len(head) + 1:].strip().lower() in set(places):
        value = value[:len(head)]
    return {p: _looks_like(p, resolver) for p in split_parties(value)}


def case_places(case) -> set[str]:
    """Lower-cased countries of the case's actors and names, aliases and countries of its sites."""
    out = {a.country.strip().lower() for a in case.actors if a.country}
    for s in case.sites:
        out.update(n.strip().lower() for n in [s.name, s.country, *s.aliases])
    return out


def _event_lines(case, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """(field, value) -> lines of the events file where ``field`` holds ``value``."""
    from redline.data.importers.case import CaseImporter

    path = case.events_path
    out: dict[tuple[str, str], list[int]] = {k: [] for k in wanted}
    if path is None or not wanted:
        return out
    rows: Iterator[tuple[int, dict[str, str]]]
    if path.suffix == ".parquet":
        import pandas as pd
        df = pd.read_parquet(path)
        df = df[[c for c in ("actor", "target") if c in df.columns]]
        # a parquet file's "lines" are its row numbers with the header as 1, as elsewhere
        rows = ((i + 2, {str(k): ("" if v is None else str(v)) for k, v in r.items()})
                for i, r in enumerate(df.to_dict("records")))
    else:
        imp = CaseImporter(case.folder, case=case)
        imp.validate_header(path)
        rows = imp.iter_rows(path)
    for line, row in rows:
        for f in ("actor", "target"):
            key = (f, (row.get(f) or "").strip())
            if key in out:
                out[key].append(line)
    return out


def find_multi_party_names(case, resolved: Iterable[tuple[str, str, str]]) -> list[MultiPartyName]:
    """Every name of the case that joins several parties but resolves to one actor.

    Parameters
    ----------
    case
        A :class:`~redline.data.case.Case` loaded from its folder.
    resolved
        ``(field, raw value, actor id)`` of the events as the case ingest resolved them
        (field ``actor`` or ``target``); raw names no actor takes are left out.

    Returns
    -------
    list of MultiPartyName
        Aliases in ``case.yaml`` first, then values of the events file, each once.
    """
    from redline.data.aliases import is_pattern
    from redline.data.yamlfile import load_yaml

    resolver = case.resolver()
    places = case_places(case)
    groups = {a.id for a in case.actors if a.kind in GROUP_KINDS}
    found: list[MultiPartyName] = []
    yaml_path = case.folder / "case.yaml"
    doc = None
    for i, a in enumerate(case.actors):
        for j, alias in enumerate(a.aliases):
            if is_pattern(alias):
                continue
            parts = multi_party_parts(alias, a.id, resolver, places, groups)
            if parts is None:
                continue
            doc = doc or load_yaml(yaml_path)
            line = doc.line_of(("actors", i, "aliases", j))
            found.append(MultiPartyName(str(yaml_path), f"actors[{i}].aliases", alias, a.id,
                                        parts, () if line is None else (line,), 1, True))
    flagged: dict[tuple[str, str], tuple[str, dict[str, str | None]]] = {}
    for f, value, actor in resolved:
        key = (f, value.strip())
        if key in flagged:
            continue
        parts = multi_party_parts(value, actor, resolver, places, groups)
        if parts is not None:
            flagged[key] = (actor, parts)
    lines = _event_lines(case, set(flagged))
    def first_line(key: tuple[str, str]) -> tuple[int, str, str]:
        at = lines.get(key) or [0]
        return (at[0], *key)

    for f, value in sorted(flagged, key=first_line):
        actor, parts = flagged[(f, value)]
        at = lines.get((f, value), [])
        found.append(MultiPartyName(str(case.events_path), f, value, actor, parts,
                                    tuple(at[:MAX_LINES]), len(at), False))
    return found
