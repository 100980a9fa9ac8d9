"""Numbered sources of a brief: every URL or document id it cites, once, in order of first use.

A brief cites by number (``[3]`` links to ``#src-3``).  Sources come from event
rows (``sources``), ties, covariates and scenario motives; ``seed:...`` ids are
documents (the analyses a case grew from), not links.  The list is built while the
brief is composed, so the numbers follow the order a reader meets them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

__all__ = ["Source", "SourceList", "source_label"]


@dataclass(frozen=True)
class Source:
    """One cited source.  ``ref`` is the URL or document id as the data gives it."""

    number: int
    ref: str
    uses: tuple[str, ...] = ()

    @property
    def is_url(self) -> bool:
        return self.ref.startswith(("http://", "https://"))

    @property
    def anchor(self) -> str:
        return f"src-{self.number}"

    @property
    def label(self) -> str:
        return source_label(self.ref)


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


@dataclass
class SourceList:
    """Sources in order of first citation.

    ``cite(refs, use)`` returns their numbers (adding new ones at the end) and
    remembers where each was used, so the list can say what every source backs.
    """

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
        """Citation links ``[1] [4] [7]`` for ``refs``; past ``show`` the rest fold away."""
        return citation_markup(self.cite(refs, use), show)

    @property
    def sources(self) -> list[Source]:
        return [Source(n, ref, tuple(self._uses[ref]))
                for ref, n in sorted(self._numbers.items(), key=lambda kv: kv[1])]

    @property
    def documents(self) -> list[Source]:
        return [s for s in self.sources if not s.is_url]

    @property
    def links(self) -> list[Source]:
        return [s for s in self.sources if s.is_url]


def citation_markup(numbers: list[int], show: int = 6) -> Markup:
    """``[n]`` links to ``#src-n``; more than ``show`` fold into a <details> element."""
    if not numbers:
        return Markup("")
    links = [Markup('<a class="cite" href="#src-{0}" data-cite="{0}">[{0}]</a>').format(n)
             for n in numbers]
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


__all__ += ["citation_markup", "sources_of", "escape"]
