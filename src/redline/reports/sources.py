"""Numbered sources of a brief: every URL or document id it cites, once, in order of first use.

A brief cites by number (``[3]`` links to ``#src-3``).  Sources come from event
rows (``sources``), ties, covariates and scenario motives; ``seed:...`` ids are
documents (the analyses a case grew from), not links.  The list is built while the
brief is composed, so the numbers follow the order a reader meets them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markupsafe import Markup, escape

__all__ = ["Source", "SourceList", "source_label"]


@dataclass(frozen=True)
class Source:
    """One cited source.  ``ref`` is the URL or document id as the data gives it."""

    number: int
    ref: str
    uses: tuple[str, ...] = ()
    grades: tuple[tuple[str, str], ...] = ()

    @property
    def is_url(self) -> bool:
        return self.ref.startswith(("http://", "https://"))

    @property
    def is_collection(self) -> bool:
        """Many sources cited as one (see :attr:`SourceList.collect_above`)."""
        return self.ref.startswith(COLLECTION)

    @property
    def anchor(self) -> str:
        return f"src-{self.number}"

    @property
    def label(self) -> str:
        if self.is_collection:
            n, _, use = self.ref.removeprefix(COLLECTION).partition(":")
            what = "a key judgment" if use.startswith("key judgment:") else (use or "this brief")
            return (f"the {int(n):,} sources of the events behind {what}, not listed one by one: "
                    "each event's sources are in the case's events file and on the web app's "
                    "events page")
        return source_label(self.ref)

    @property
    def plain_uses(self) -> tuple[str, ...]:
        """What the source backs, in a reader's words: the key judgments it supports are
        counted, not named by their internal keys; ids lose their underscores."""
        judged = sum(1 for u in self.uses if u.startswith("key judgment:"))
        out = [f"{judged} key judgment{'s' if judged > 1 else ''}"] if judged else []
        for u in self.uses:
            if not u.startswith("key judgment:"):
                text = u.replace("_", " ")
                if text not in out:
                    out.append(text)
        return tuple(out)

    @property
    def reliability(self) -> str:
        """The grade of the source (:func:`reliability_of`: the case's grades, then the
        defaults)."""
        return reliability_of(self.ref, dict(self.grades))


#: Prefix of a collective source: ``collection:<count>:<use>``.
COLLECTION = "collection:"


def source_label(ref: str) -> str:
    """A short readable label: host and path for a URL, the id for a document."""
    if ref.startswith("seed:"):
        return "document " + ref.split(":", 1)[1]
    if ref.startswith(("http://", "https://")):
        parts = urlsplit(ref)
        host = parts.netloc.removeprefix("www.")
        path = parts.path.rstrip("/")
        return host + (path if len(path) <= 70 else path[:67] + "…")
    return ref


#: Default reliability grades by web domain (a case may set its own, per source or per
#: domain, in ``sources.yaml`` beside its ``case.yaml`` (:func:`case_grades`); these apply where it
#: does not). "established": wire services, major newspapers, official statements;
#: "state media": outlets run by a party to the conflict; anything else is "unrated".
DEFAULT_RELIABILITY = {
    "reuters.com": "established", "apnews.com": "established", "bbc.co.uk": "established",
    "bbc.com": "established", "nytimes.com": "established", "washingtonpost.com": "established",
    "wsj.com": "established", "theguardian.com": "established", "aljazeera.com": "established",
    "defense.gov": "official", "centcom.mil": "official", "state.gov": "official",
    "whitehouse.gov": "official", "treasury.gov": "official", "congress.gov": "official",
    "irna.ir": "state media", "presstv.ir": "state media", "tasnimnews.com": "state media",
    "farsnews.ir": "state media", "mehrnews.com": "state media", "ina.iq": "state media",
    "islamtimes.org": "partisan", "almayadeen.net": "partisan",
}
#: What each grade means, stated where grades are shown.
RELIABILITY_NOTE = ("Reliability grades: 'established' (wire services and major newspapers), "
                    "'official' (a government's own statement: reliable about what it says, not "
                    "necessarily about what happened), 'state media' (run by a party to the "
                    "conflict), 'partisan' (aligned with one side), 'unrated' (anything else, "
                    "including bare addresses). A case can set its own grades per source or per "
                    "web domain.")


def case_grades(case) -> dict[str, str]:
    """The case's own reliability grades: ``sources.yaml`` in its folder, of the form
    ``reliability: {reuters.com: established, "https://x.org/a": unrated}`` (a web
    domain, which covers its subdomains, or one exact source). None: an empty dict."""
    import yaml
    folder = getattr(case, "folder", None)
    path = folder / "sources.yaml" if folder else None
    if path is None or not path.exists():
        return {}
    from redline.errors import InputError
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    grades = doc.get("reliability", {}) if isinstance(doc, dict) else None
    if not isinstance(grades, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in grades.items()):
        raise InputError(f"{path.name}: 'reliability' must map a domain or source to a grade",
                         field="reliability", expected="e.g. reliability: {reuters.com: established}")
    return {k.lower().removeprefix("www.") if "://" not in k else k: v for k, v in grades.items()}


def reliability_of(ref: str, grades: dict[str, str] | None = None) -> str:
    """The reliability grade of a source: the case's grade for the exact ref, else for its
    domain (or a parent domain), else the default for the domain, else "unrated"; documents
    (``seed:...``) are "document"."""
    grades = grades or {}
    if ref.startswith(COLLECTION):
        return "mixed"
    if ref in grades:
        return grades[ref]
    if not ref.startswith(("http://", "https://")):
        return "document" if ref.startswith("seed:") else "unrated"
    host = (urlsplit(ref).hostname or "").lower().removeprefix("www.")
    parts = host.split(".")
    for table in (grades, DEFAULT_RELIABILITY):
        for i in range(len(parts) - 1):
            grade = table.get(".".join(parts[i:]))
            if grade:
                return grade
    return "unrated"


@dataclass
class SourceList:
    """Sources in order of first citation.

    ``cite(refs, use)`` returns their numbers (adding new ones at the end) and
    remembers where each was used, so the list can say what every source backs.
    """

    grades: dict[str, str] = field(default_factory=dict)
    #: A use citing more distinct sources than this cites them as one collective entry:
    #: a list of thousands (a 30-year event file) says nothing a reader can check, and
    #: each event keeps its own sources in the data.
    collect_above: int = 150
    _numbers: dict[str, int] = field(default_factory=dict)
    _uses: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, ref: str) -> bool:
        return ref in self._numbers

    def cite(self, refs: Iterable[str], use: str | None = None) -> list[int]:
        """Numbers of ``refs`` (blank and repeated refs dropped), adding unseen ones."""
        out: list[int] = []
        for ref in refs:
            ref = (ref or "").strip()
            if not ref:
                continue
            if ref not in self._numbers:
                self._numbers[ref] = len(self._numbers) + 1
                self._uses[ref] = []
            if use and use not in self._uses[ref]:
                self._uses[ref].append(use)
            n = self._numbers[ref]
            if n not in out:
                out.append(n)
        return sorted(out)

    def markup(self, refs: Iterable[str], use: str | None = None, show: int = 6) -> Markup:
        """Citation links ``[1] [4] [7]`` for ``refs``; past ``show`` the rest fold away;
        more than :attr:`collect_above` distinct refs are cited as one collective entry."""
        distinct = list(dict.fromkeys(r.strip() for r in refs if r and r.strip()))
        if len(distinct) > self.collect_above:
            distinct = [f"{COLLECTION}{len(distinct)}:{use or ''}"]
        return citation_markup(self.cite(distinct, use), show)

    @property
    def sources(self) -> list[Source]:
        grades = tuple(self.grades.items())
        return [Source(n, ref, tuple(self._uses[ref]), grades)
                for ref, n in sorted(self._numbers.items(), key=lambda kv: kv[1])]

    @property
    def documents(self) -> list[Source]:
        return [s for s in self.sources if not s.is_url]

    @property
    def links(self) -> list[Source]:
        return [s for s in self.sources if s.is_url]


def _runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted distinct numbers as runs of consecutive ones: [2, 3, 4, 7] -> [(2, 4), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def citation_markup(numbers: list[int], show: int = 6) -> Markup:
    """``[n]`` links to ``#src-n``; three or more consecutive sources read as one range
    ``[2–27]`` (sources are numbered in order of first citation, so the events of one
    stream mostly are consecutive); more than ``show`` links fold into a <details> element.

    A range links to its first source and names all of them in ``data-cite`` ("2-27").
    """
    if not numbers:
        return Markup("")
    links = []
    for a, b in _runs(numbers):
        if b - a >= 2:
            links.append(Markup('<a class="cite" href="#src-{0}" data-cite="{0}-{1}" '
                                'title="sources {0} to {1}">[{0}–{1}]</a>').format(a, b))
        else:
            links += [Markup('<a class="cite" href="#src-{0}" data-cite="{0}">[{0}]</a>').format(n)
                      for n in range(a, b + 1)]
    head = Markup("").join(links[:show])
    if len(links) <= show:
        return Markup('<span class="cites">{}</span>').format(head)
    rest = Markup("").join(links[show:])
    return Markup('<span class="cites">{}<details class="more-cites"><summary>+{} more</summary>'
                  '{}</details></span>').format(head, len(links) - show, rest)


def sources_of(frame, column: str = "sources") -> list[str]:
    """Every ref in a DataFrame's list-valued ``sources`` column, in row order."""
    out: list[str] = []
    if frame is None or column not in getattr(frame, "columns", ()):
        return out
    for refs in frame[column]:
        if refs is None:
            continue
        for r in list(refs):
            if r and r not in out:
                out.append(str(r))
    return out


__all__ += ["citation_markup", "sources_of", "escape", "reliability_of", "DEFAULT_RELIABILITY",
            "RELIABILITY_NOTE", "case_grades"]
