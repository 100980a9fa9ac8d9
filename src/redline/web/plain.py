"""Analyst text without internal names: no code calls, no case-qualified event ids.

The analyses write statements and "basis" notes for people who read code too
(``coupling_table(fit_case()): adjacency, 95% Wald interval``); a reader of the web
app needs the method in words and the events as links.  These helpers rewrite such
text for display; the JSON twins keep the original.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

__all__ = ["case_names", "linked_ids", "method_words", "named", "readable_id"]

_CALLS = re.compile(r"\b[a-z_][a-z0-9_]*\((?:[^()]|\([^()]*\))*\)(?:\s*:\s*)?")
#: Internal words of method notes -> what they mean to a reader.
_WORDS = {"adjacency": "effect of one event", "Wald": "", "circular-shift": "shifted-timing",
          "rolling-origin": "past-period", "PELT": "", "CRPS": "forecast error"}


def method_words(basis: str | None) -> str:
    """A method note with its code calls removed ("fit_case(): adjacency, 95% interval" ->
    "effect of one event, 95% interval")."""
    if not basis:
        return ""
    text = _CALLS.sub("", basis)
    for word, plain in _WORDS.items():
        text = re.sub(rf"\b{re.escape(word)}\b\s*", (plain + " ") if plain else "", text)
    return " ".join(text.replace(" ,", ",").replace(" ;", ";").split()).strip(" ;,:")


def readable_id(event_id: str) -> str:
    """An event id without its case prefix ("case:USP-0124" -> "USP-0124")."""
    return event_id.split(":")[-1]


def named(text: str, names: dict[str, str]) -> str:
    """``text`` with each whole-word id of ``names`` (snake_case covariates, streams,
    actors) replaced by its readable name."""
    if not names:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(names, key=len,
                                                                          reverse=True)) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], text)


def case_names(case) -> dict[str, str]:
    """Every snake_case id of a case a text may mention -> its readable name."""
    out = {a.id: a.name for a in case.actors}
    out.update({s.name: s.label or s.name for s in case.streams})
    out.update({c.name: getattr(c, "label", None) or c.name.replace("_", " ")
                for c in case.covariates})
    return {k: v for k, v in out.items() if "_" in k}


def linked_ids(text: str, case_name: str) -> Markup:
    """``text`` escaped, each run of case-qualified event ids replaced by a link: one id links
    to its event page as "event USP-0124"; several read "N events"."""
    ids = re.compile(rf"{re.escape(case_name)}:[A-Za-z0-9_.-]+(?:,\s*{re.escape(case_name)}:"
                     r"[A-Za-z0-9_.-]+)*")
    out = []
    pos = 0
    for m in ids.finditer(text):
        out.append(escape(text[pos:m.start()]))
        found = [x.strip() for x in m.group(0).split(",")]
        if len(found) == 1:
            out.append(Markup('<a href="/cases/{}/events/{}">event {}</a>').format(
                case_name, found[0], readable_id(found[0])))
        else:
            out.append(escape(f"{len(found)} events"))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
