"""Text for readers without internal names: no code calls, attribute paths or snake_case ids.

The analyses write "basis" notes for people who read code too
(``coupling_table(fit_case()): adjacency, 95% Wald interval``): they trace a number to the
function that made it, and the JSON outputs keep them.  What a reader of the brief or the
web app sees (hover text included) is the method in words: a judgment's or number's own
``how`` where it was written, else the basis with its code removed by
:func:`method_words`.
"""

from __future__ import annotations

import re

__all__ = ["case_names", "method_words", "named"]

_CALLS = re.compile(r"\b[a-z_][a-z0-9_]*\((?:[^()]|\([^()]*\))*\)(?:\s*:\s*)?")
#: An attribute path (``ScenarioResult.options[a].outcomes``, ``redline.x.CONSTANT``):
#: nothing in it reads as words, so a note made only of one says nothing to a reader.
_PATH = re.compile(r"\b[A-Za-z_][\w]*(?:\[[^\]]*\])?(?:\.[A-Za-z_][\w]*(?:\[[^\]]*\])?)+")
#: Internal words of method notes -> what they mean to a reader.
_WORDS = {"adjacency": "effect of one event", "Wald": "", "circular-shift": "shifted-timing",
          "rolling-origin": "past-period", "PELT": "", "CRPS": "forecast error"}
_SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def _drop_path(m: re.Match) -> str:
    # a path of code has an index or three parts; "U.S." or "acleddata.com" is text
    path = m.group(0)
    return "" if "[" in path or path.count(".") >= 2 else path


def method_words(basis: str | None) -> str:
    """A method note with its code calls removed ("fit_case(): adjacency, 95% interval" ->
    "effect of one event, 95% interval"); "" when nothing readable is left (a bare
    attribute path or snake_case id says nothing to a reader)."""
    if not basis:
        return ""
    text = _PATH.sub(_drop_path, _CALLS.sub("", basis))
    for word, plain in _WORDS.items():
        text = re.sub(rf"\b{re.escape(word)}\b\s*", (plain + " ") if plain else "", text)
    text = " ".join(text.replace(" ,", ",").replace(" ;", ";").split()).strip(" ;,:")
    if _SNAKE.search(text) or not re.search(r"[A-Za-z]{3}", text):
        return ""
    return text


def named(text: str, names: dict[str, str]) -> str:
    """``text`` with each whole-word id of ``names`` (snake_case covariates, streams,
    actors) replaced by its readable name."""
    if not names:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(names, key=len,
                                                                          reverse=True)) + r")\b")
    return pattern.sub(lambda m: names[m.group(1)], text)


def case_names(case) -> dict[str, str]:
    """Every snake_case id of a case a text may mention -> its readable name (a covariate
    as the brief writes it: ``kh_suspension`` -> "KH suspension", from its description)."""
    from redline.reports.judgments import covariate_label, proper_nouns
    out = {a.id: a.name for a in case.actors}
    out.update({s.name: s.label or s.name for s in case.streams})
    proper = proper_nouns(case)
    out.update({c.name: getattr(c, "label", None) or covariate_label(c, proper)
                for c in case.covariates})
    return {k: v for k, v in out.items() if "_" in k}
