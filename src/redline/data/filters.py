"""EventFilter: the one way to say which events a query is about.

The CLI's ``redline events`` options, a case's streams and the web app's facets
all become an :class:`EventFilter`; the store's engines turn it into their query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = ["EventFilter", "case_scope"]


def _tuple(v: Any) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return tuple(x.strip() for x in v.split(",") if x.strip())
    return tuple(v)


@dataclass(frozen=True)
class EventFilter:
    """Which events: each tuple is an OR over its values, the fields are ANDed.

    Dates are inclusive.  ``text`` is a case-insensitive substring of the summary.

    ``mutual`` says how events without direction (``mutual`` true in the store: UCDP's
    fighting between two sides) are matched.  Their actor and target are an unordered
    pair, so ``actors``/``targets`` match such an event in either order.  ``None``
    (default) takes directed and mutual events; ``True`` only mutual ones (a stream of
    the fighting between two sides); ``False`` only directed ones (who did what to whom).

    ``scope_case``, ``scope_prefix`` and ``scope_actors`` say which events belong to a
    case: those ingested for the case (``case_id``), OR whose ``event_id`` starts with the
    prefix, OR whose actor OR target is one of the scope actors.  The scope as a whole is
    ANDed with the other fields; with none set there is no scope.  A case's own scope is
    :func:`case_scope` (the CLI and the web app both use it).
    """

    actors: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    exclude_modes: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    text: str | None = None
    with_target_casualties: bool = False
    mutual: bool | None = None
    event_ids: tuple[str, ...] = field(default=())
    id_prefix: str | None = None
    scope_prefix: str | None = None
    scope_actors: tuple[str, ...] = ()
    scope_case: str | None = None

    def __post_init__(self) -> None:
        for f in ("actors", "targets", "event_types", "modes", "countries", "exclude_modes",
                  "event_ids", "scope_actors"):
            object.__setattr__(self, f, _tuple(getattr(self, f)))
        object.__setattr__(self, "event_types", tuple(t.upper() for t in self.event_types))
        for f in ("start", "end"):
            v = getattr(self, f)
            if isinstance(v, str):
                object.__setattr__(self, f, dt.date.fromisoformat(v))

    @classmethod
    def from_stream(cls, stream: Any, start: dt.date | None = None,
                    end: dt.date | None = None) -> EventFilter:
        """The filter of a case stream (:class:`redline.data.case.StreamFilter`)."""
        return cls(actors=stream.actors, targets=stream.targets, event_types=stream.event_types,
                   modes=stream.modes, countries=stream.countries,
                   exclude_modes=stream.exclude_modes,
                   with_target_casualties=stream.with_target_casualties,
                   mutual=getattr(stream, "mutual", None), start=start, end=end)

    @property
    def scoped(self) -> bool:
        """True when a case scope is set (:attr:`scope_prefix` or :attr:`scope_actors`)."""
        return bool(self.scope_prefix or self.scope_actors or self.scope_case)

    def with_scope(self, prefix: str | None, actors: Any = (),
                   case: str | None = None) -> EventFilter:
        """This filter within a case scope (see the class docstring)."""
        return replace(self, scope_prefix=prefix or None, scope_actors=_tuple(actors),
                       scope_case=case or None)

    def in_case(self, case: Any) -> EventFilter:
        """This filter within the scope of ``case`` (:func:`case_scope`)."""
        return replace(self, **case_scope(case))

    def with_dates(self, start: dt.date | None, end: dt.date | None) -> EventFilter:
        return replace(self, start=start, end=end)

    def as_dict(self) -> dict[str, Any]:
        """Only the fields that filter, for provenance headers."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v in ((), None, False):
                continue
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else (list(v) if isinstance(v, tuple) else v)
        return out


def case_scope(case: Any) -> dict[str, Any]:
    """The events of a case, as :class:`EventFilter` fields: the one scope of redline.

    A case's events are those ingested for it: ``case_id`` is the case's name (its own
    events file, and any file ingested with ``--case NAME``).  Rows of stores written
    before ``case_id`` existed are found by their ``"<case>:"`` id prefix.  Sharing an
    actor with another case (``united_states``) takes in none of that case's events.

    Parameters
    ----------
    case
        A :class:`~redline.data.case.Case` or its name.
    """
    name = case if isinstance(case, str) else case.name
    return {"scope_case": name, "scope_prefix": f"{name}:", "scope_actors": ()}
