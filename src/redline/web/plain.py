"""Analyst text for the web app: event ids as links (the plain-word helpers themselves live in
:mod:`redline.reports.plainwords`, which the brief uses too)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from redline.reports.plainwords import case_names, method_words, named

__all__ = ["case_names", "linked_ids", "method_words", "named", "readable_id"]


def readable_id(event_id: str) -> str:
    """An event id without its case prefix ("case:USP-0124" -> "USP-0124")."""
    return event_id.split(":")[-1]


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
