"""Turning the names a source uses into a case's actor ids: whole names and glob patterns.

An actor's ``aliases`` in ``case.yaml`` hold whole names (``Kata'ib Hezbollah``) and
patterns with ``*`` (any run of characters, also none) and ``?`` (one character), such
as ``USS *`` or ``* (container ship)``.  Every other character is literal, brackets
included, so a name like ``Houthis [Ansar Allah]`` is a whole name.  Matching ignores
case and surrounding blanks.

Order of precedence, first match wins:

1. whole names: the actor's id, its name and its whole-name aliases;
2. patterns, the more specific first: a pattern with more literal characters (the
   characters that are not ``*`` or ``?``) comes before one with fewer.

Two patterns of the same number of literal characters that belong to different actors
and both match one name are an error (:class:`AliasConflictError`), raised only for a
name that actually occurs in the data: the case is ambiguous there and nothing could
say which actor is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from redline.errors import ValidationError

__all__ = ["AliasResolver", "AliasConflictError", "is_pattern"]


class AliasConflictError(ValidationError):
    """Two patterns of equal precedence for different actors match one name."""


def is_pattern(alias: str) -> bool:
    """True when ``alias`` is a glob pattern (holds ``*`` or ``?``)."""
    return "*" in alias or "?" in alias


def _compile(pattern: str) -> re.Pattern[str]:
    # Only * and ? are wildcards; escaping the rest keeps brackets and dots literal.
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class _Pattern:
    text: str
    regex: re.Pattern[str]
    actor: str
    actor_index: int
    literal: int  # characters that are not wildcards: the precedence


def _norm(name: str) -> str:
    return name.strip().lower()


class AliasResolver:
    """Resolve raw names with a case's actors (see the module docstring for the order).

    Parameters
    ----------
    case
        A :class:`redline.data.case.Case`.
    yaml_line
        Optional ``callable(path_tuple) -> line`` of the case file, so a conflict names the
        line of the pattern in ``case.yaml``.
    """

    def __init__(self, case, yaml_line=None) -> None:
        self.case = case
        self._line = yaml_line
        self.exact: dict[str, str] = {}
        self.patterns: list[_Pattern] = []
        for i, a in enumerate(case.actors):
            for name in [a.id, a.name]:
                self.exact.setdefault(_norm(name), a.id)
            for alias in a.aliases:
                if is_pattern(alias):
                    text = _norm(alias)
                    self.patterns.append(_Pattern(alias, _compile(text), a.id, i,
                                                  len(text) - text.count("*") - text.count("?")))
                else:
                    self.exact.setdefault(_norm(alias), a.id)
        self.patterns.sort(key=lambda p: -p.literal)

    def resolve(self, name: str | None) -> str | None:
        """The actor id ``name`` resolves to, or None.

        Raises
        ------
        AliasConflictError
            Two equal-precedence patterns of different actors match ``name``.
        """
        if name is None:
            return None
        key = _norm(str(name))
        if not key:
            return None
        hit = self.exact.get(key)
        if hit is not None:
            return hit
        found: _Pattern | None = None
        for p in self.patterns:
            if found is not None and p.literal < found.literal:
                break  # a more specific pattern already matched
            if p.regex.fullmatch(key):
                if found is None:
                    found = p
                elif p.actor != found.actor:
                    self._conflict(name, found, p)
        return None if found is None else found.actor

    def resolve_all(self, names: Iterable[str | None]) -> dict[str, str]:
        """Raw name -> actor id for every name in ``names`` that resolves (others left out)."""
        out: dict[str, str] = {}
        for n in set(x for x in names if x is not None):
            hit = self.resolve(n)
            if hit is not None:
                out[n] = hit
        return out

    def _conflict(self, name: str, a: _Pattern, b: _Pattern) -> None:
        folder = getattr(self.case, "folder", None)
        line_of = self._line
        if line_of is None and folder is not None and (folder / "case.yaml").exists():
            from redline.data.yamlfile import load_yaml
            line_of = load_yaml(folder / "case.yaml").line_of
        line = None if line_of is None else line_of(("actors", b.actor_index, "aliases"))
        field = f"actors[{b.actor_index}].aliases"
        raise AliasConflictError(
            f"name {name!r} matches pattern {a.text!r} of actor {a.actor!r} and pattern "
            f"{b.text!r} of actor {b.actor!r}, which have the same precedence "
            f"({a.literal} literal characters)",
            file=None if folder is None else str(folder / "case.yaml"), line=line, field=field,
            expected=f"a whole-name alias {name!r} on the actor it means, or a longer pattern")


def resolve_in_store(con, case, where_sql: str = "TRUE") -> int:
    """Re-resolve ``actor``/``target`` of the rows ``where_sql`` selects from their raw names,
    with the case as it is now (so an edited alias takes effect without a rebuild).

    Rows without a raw name (frames coded by ``redline read``) keep their ids.  Returns the
    number of distinct raw names that resolve to an actor.

    Parameters
    ----------
    con
        A writable DuckDB connection of the store, inside the caller's transaction.
    case
        The :class:`~redline.data.case.Case` whose aliases apply.
    where_sql
        SQL condition on ``events`` choosing the case's rows.
    """
    import pandas as pd
    rows = con.execute(f"SELECT DISTINCT actor_raw FROM events WHERE ({where_sql}) AND actor_raw "
                       f"IS NOT NULL UNION SELECT DISTINCT target_raw FROM events WHERE "
                       f"({where_sql}) AND target_raw IS NOT NULL").fetchall()
    resolved = case.resolver().resolve_all(r[0] for r in rows)
    frame = pd.DataFrame({"name": list(resolved), "id": list(resolved.values())},
                         columns=["name", "id"]).astype(str)
    con.register("alias_resolved_frame", frame)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE alias_resolved AS SELECT * FROM alias_resolved_frame")
        for col in ("actor", "target"):
            con.execute(
                f"""UPDATE events SET "{col}" = coalesce(
                        (SELECT id FROM alias_resolved r WHERE r.name = events.{col}_raw),
                        events.{col}_raw)
                    WHERE ({where_sql}) AND {col}_raw IS NOT NULL""")
        con.execute("DROP TABLE alias_resolved")
    finally:
        con.unregister("alias_resolved_frame")
    return len(resolved)
