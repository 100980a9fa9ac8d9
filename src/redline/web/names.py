"""Names a person types in a filter, resolved to what the store holds.

An analyst types "Kata'ib Hezbollah", "KH" or "iraq", not ``kataib_hezbollah`` or
"Iraq": actor and target filters take the case's ids, names and aliases (any case),
countries match whatever capitalisation the case's events use, and a ``stream``
parameter stands for the filter of one of the case's streams.  Whatever does not
resolve is kept as typed (so the count is honest: 0) and reported, so the page can
say why nothing matched and what would.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from redline.data.filters import EventFilter

__all__ = ["Resolved", "merge_stream", "resolve_names", "suggest"]


@dataclass(frozen=True)
class Resolved:
    """Filter values mapped to store values, and the ones that matched nothing known."""

    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    unknown: tuple[tuple[str, str], ...] = field(default=())  # (field, value as typed)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def suggest(value: str, choices: list[str], n: int = 3) -> list[str]:
    """The closest few of ``choices`` to ``value`` (case-insensitive), for "did you mean"."""
    lower = {c.lower(): c for c in choices}
    return [lower[m] for m in difflib.get_close_matches(value.lower(), list(lower), n=n,
                                                        cutoff=0.5)]


def resolve_names(case, actor: str | None, target: str | None, country: str | None,
                  countries: Sequence[str] = ()) -> Resolved:
    """Map comma-separated actor/target ids, names, aliases or names an alias pattern
    matches to the case's actor ids, and
    countries to the spelling in ``countries`` (the case's known countries)."""
    # the case's own resolver, as the command line uses: ids, names, aliases and patterns
    resolver = case.resolver()
    unknown: list[tuple[str, str]] = []

    def actors_of(value: str | None, name: str) -> tuple[str, ...]:
        out = []
        for v in _split(value):
            hit = resolver.resolve(v)
            if hit is None:
                unknown.append((name, v))
                out.append(v)
            else:
                out.append(hit)
        return tuple(dict.fromkeys(out))
    known = {c.lower(): c for c in countries}
    places = []
    for v in _split(country):
        hit = known.get(v.lower())
        if hit is None:
            unknown.append(("country", v))
        places.append(hit or v)
    return Resolved(actors_of(actor, "actor"), actors_of(target, "target"),
                    tuple(dict.fromkeys(places)), tuple(unknown))


def merge_stream(filt: EventFilter, stream: Any) -> EventFilter:
    """``filt`` narrowed to a case stream's filter: a field set on both keeps the values in
    both (the filter's fields are ANDed, each an OR over its values)."""
    base = EventFilter.from_stream(stream)
    kw: dict[str, Any] = {}
    for name in ("actors", "targets", "event_types", "modes", "countries"):
        mine, theirs = getattr(filt, name), getattr(base, name)
        if mine and theirs:
            both = tuple(v for v in mine if v in theirs)
            kw[name] = both or ("\x00none",)  # disjoint: nothing can match
        else:
            kw[name] = mine or theirs
    kw["exclude_modes"] = tuple(dict.fromkeys(filt.exclude_modes + base.exclude_modes))
    kw["with_target_casualties"] = filt.with_target_casualties or base.with_target_casualties
    return replace(filt, **kw)
