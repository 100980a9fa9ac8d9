"""The case format: one folder a person can read, diff and edit.

::

    my-case/
      case.yaml      name, description, time zone, window, actors, ties, sites,
                     streams, covariates, key events
      events.csv     (or events.parquet) redline's own event columns
      tallies.csv    optional: published cumulative counts, to check coverage
      scenarios/     optional: scenario files (see redline.scenarios)

:func:`load_case` validates ``case.yaml`` (pydantic) and reports the first
problem with its file, line, YAML path and a valid value.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticError

from redline.data.schema import EVENT_TYPES, MODES
from redline.data.yamlfile import load_yaml, raise_pydantic
from redline.errors import UnknownActorError, UnknownCaseError, UnknownStreamError, ValidationError

__all__ = [
    "snake_case_id", "Actor", "Tie", "ModelDefaults", "Site", "StreamFilter", "StreamCoverage", "CoverageGap", "Covariate", "KeyEvent", "Case",
    "load_case", "builtin_cases", "resolve_case_path", "ACTOR_KINDS", "TIE_KINDS",
]

ACTOR_KINDS = ("state", "government", "armed_group", "umbrella", "state_force",
               "legislature", "unattributed", "organisation", "coalition",
               # the targets analysts meet beside the parties themselves
               "civilians", "merchant_shipping", "infrastructure")
TIE_KINDS = ("sponsors", "member_of", "part_of_state", "hosts", "allied_with", "hostile_to")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def snake_case_id(example: str):
    """A pydantic validator for ids of case and scenario files: lower_snake_case,
    with ``example`` in the message so the user sees a valid one of the right kind."""
    def check(v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"must be lower_snake_case, e.g. {example}")
        return v
    return check


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Actor(_Strict):
    """A party to the case.  ``id`` is what events refer to."""

    id: str = Field(description="lower_snake_case id, e.g. kataib_hezbollah")
    name: str
    kind: Literal[ACTOR_KINDS]  # type: ignore[valid-type]
    country: str | None = None
    aliases: list[str] = Field(
        default_factory=list,
        description="other names, matched case-insensitively; glob patterns with * and ? "
                    "(e.g. 'USS *') too: whole names win over patterns, longer patterns over "
                    "shorter")
    description: str | None = None
    sources: list[str] = Field(default_factory=list)

    _id = field_validator("id")(snake_case_id("kataib_hezbollah"))


class Tie(_Strict):
    """A standing relation between two actors (``from`` sponsors ``to``, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: Literal[TIE_KINDS]  # type: ignore[valid-type]
    since: dt.date | None = None
    until: dt.date | None = None
    note: str | None = None
    sources: list[str] = Field(min_length=1)


class Site(_Strict):
    """A named place of the case (a base, a border post) with coordinates."""

    name: str
    country: str
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    aliases: list[str] = Field(default_factory=list)
    kind: str | None = None


class CoverageGap(_Strict):
    """Days a stream's sources are known not to cover (an outlet down, a country dropped)."""

    start: dt.date
    end: dt.date
    note: str = ""


class StreamCoverage(_Strict):
    """What the sources of a stream cover: its first and last day, and known gaps.

    Change points near these edges may mark the data thinning out rather than a change
    of behaviour; :func:`redline.analysis.escalation.detect_phases` flags them.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    gaps: list[CoverageGap] = Field(default_factory=list)

    def edges(self) -> list[dt.date]:
        """Every day where coverage begins or ends (gap ends count twice: both sides)."""
        out = [d for d in (self.start, self.end) if d is not None]
        for g in self.gaps:
            out += [g.start, g.end]
        return out


class StreamFilter(_Strict):
    """A named filter over events; its daily counts feed the models.

    Every list is an OR over its values; the fields are ANDed.  Empty = any.
    """

    name: str
    label: str | None = None
    actors: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    event_types: list[Literal[EVENT_TYPES]] = Field(default_factory=list)  # type: ignore[valid-type]
    modes: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    exclude_modes: list[str] = Field(default_factory=list)
    with_target_casualties: bool = False
    #: events without direction (UCDP's two-sided fighting): true = only those, with
    #: actors/targets matching the pair in either order; false = only directed events;
    #: unset = both (mutual ones still matched in either order)
    mutual: bool | None = None
    coverage: StreamCoverage | None = None

    _name = field_validator("name")(snake_case_id("militia_attacks_on_us"))

    @field_validator("modes", "exclude_modes")
    @classmethod
    def _check_modes(cls, v: list[str]) -> list[str]:
        bad = [m for m in v if m not in MODES]
        if bad:
            raise ValueError(f"unknown mode {bad[0]!r}; valid: {', '.join(MODES)}")
        return v


class Covariate(_Strict):
    """A step covariate: 1 on days in [start, end], else 0 (end open = to the end)."""

    name: str
    start: dt.date
    end: dt.date | None = None
    description: str
    sources: list[str] = Field(default_factory=list)


class KeyEvent(_Strict):
    """An event the brief's timeline marks, pointing at event ids when it can."""

    date: dt.date
    label: str
    event_ids: list[str] = Field(default_factory=list)


class ModelDefaults(_Strict):
    """What ``redline fit CASE`` uses when the command line does not say."""

    streams: list[str] = Field(default_factory=list)
    covariates: list[str] = Field(default_factory=list)
    link: Literal["identity", "softplus"] = "softplus"


class Case(_Strict):
    """A validated case: the hand-written part of ``case.yaml`` plus where its files are."""

    name: str
    title: str
    description: str
    timezone: str = "UTC"
    start: dt.date
    end: dt.date
    actors: list[Actor] = Field(min_length=1)
    ties: list[Tie] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    streams: list[StreamFilter] = Field(default_factory=list)
    covariates: list[Covariate] = Field(default_factory=list)
    key_events: list[KeyEvent] = Field(default_factory=list)
    model: ModelDefaults = Field(default_factory=ModelDefaults)
    folder: Path | None = Field(default=None, exclude=True)

    # -- lookups -----------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise UnknownActorError(f"no actor {actor_id!r} in case {self.name!r}",
                                expected="one of " + ", ".join(a.id for a in self.actors))

    def stream(self, name: str) -> StreamFilter:
        for s in self.streams:
            if s.name == name:
                return s
        raise UnknownStreamError(f"no stream {name!r} in case {self.name!r}",
                                 expected="one of " + ", ".join(s.name for s in self.streams))

    def alias_map(self) -> dict[str, str]:
        """Lower-cased whole name or alias -> actor id (ids map to themselves).

        Patterns (``USS *``) are left out: :meth:`resolver` applies them.
        """
        from redline.data.aliases import is_pattern
        out: dict[str, str] = {}
        for a in self.actors:
            for name in [a.id, a.name, *a.aliases]:
                if not is_pattern(name):
                    out[name.strip().lower()] = a.id
        return out

    def resolver(self):
        """An :class:`~redline.data.aliases.AliasResolver` over whole names and patterns."""
        from redline.data.aliases import AliasResolver
        return AliasResolver(self)

    @property
    def events_path(self) -> Path | None:
        if self.folder is None:
            return None
        for name in ("events.csv", "events.parquet"):
            if (self.folder / name).exists():
                return self.folder / name
        return None

    @property
    def tallies_path(self) -> Path | None:
        p = None if self.folder is None else self.folder / "tallies.csv"
        return p if p is not None and p.exists() else None

    @property
    def scenarios_dir(self) -> Path | None:
        p = None if self.folder is None else self.folder / "scenarios"
        return p if p is not None and p.is_dir() else None


def builtin_cases() -> dict[str, Path]:
    """Name -> folder of every case shipped with redline."""
    root = Path(str(resources.files("redline") / "cases"))
    return {p.name: p for p in sorted(root.iterdir()) if (p / "case.yaml").exists()}


def resolve_case_path(name_or_path: str | Path) -> Path:
    """A built-in case name or a folder (or its case.yaml) -> the case folder."""
    p = Path(name_or_path)
    if p.is_file() and p.name == "case.yaml":
        return p.parent
    if p.is_dir() and (p / "case.yaml").exists():
        return p
    cases = builtin_cases()
    if str(name_or_path) in cases:
        return cases[str(name_or_path)]
    raise UnknownCaseError(
        f"no built-in case and no case folder named {str(name_or_path)!r}",
        expected="a folder with case.yaml, or one of: " + ", ".join(cases),
    )


def load_case(name_or_path: str | Path) -> Case:
    """Load and validate a case by built-in name or folder.

    Raises
    ------
    InputError
        With file, line and YAML path of the first problem found.
    """
    folder = resolve_case_path(name_or_path)
    doc = load_yaml(folder / "case.yaml")
    if not isinstance(doc.data, dict):
        raise ValidationError("case.yaml must be a mapping", file=str(doc.path), line=1,
                              expected="keys name, title, actors, ...")
    try:
        case = Case.model_validate({**doc.data, "folder": folder})
    except PydanticError as exc:
        raise_pydantic(doc, exc)
    _check_references(case, doc)
    return case


def _check_references(case: Case, doc) -> None:
    ids = [a.id for a in case.actors]
    seen: set[str] = set()
    for i, a in enumerate(case.actors):
        if a.id in seen:
            raise ValidationError(f"actor id {a.id!r} is defined twice", file=str(doc.path),
                                  line=doc.line_of(("actors", i, "id")), field=f"actors[{i}].id",
                                  expected="unique ids")
        seen.add(a.id)
    owner: dict[str, tuple[str, int]] = {}
    for i, a in enumerate(case.actors):
        for name in [a.id, a.name, *a.aliases]:
            key = name.strip().lower()
            if key in owner and owner[key][0] != a.id:
                raise ValidationError(
                    f"alias {name!r} of actor {a.id!r} already names actor {owner[key][0]!r}",
                    file=str(doc.path), line=doc.line_of(("actors", i, "aliases")),
                    field=f"actors[{i}].aliases",
                    expected="each name or alias to resolve to one actor")
            owner.setdefault(key, (a.id, i))
    for i, c in enumerate(case.covariates):
        if c.end is not None and c.end < c.start:
            raise ValidationError("end is before start", file=str(doc.path),
                                  line=doc.line_of(("covariates", i, "end")),
                                  field=f"covariates[{i}].end",
                                  expected=f"a date on or after {c.start}, or no end")
    valid = "one of the case's actor ids: " + ", ".join(ids)
    for i, t in enumerate(case.ties):
        for key, val in (("from", t.source), ("to", t.target)):
            if val not in seen:
                raise UnknownActorError(f"tie names unknown actor {val!r}", file=str(doc.path),
                                        line=doc.line_of(("ties", i, key)),
                                        field=f"ties[{i}].{key}", expected=valid)
        if t.since and t.until and t.until < t.since:
            raise ValidationError("until is before since", file=str(doc.path),
                                  line=doc.line_of(("ties", i, "until")), field=f"ties[{i}].until",
                                  expected=f"a date on or after {t.since}")
    names: set[str] = set()
    for i, s in enumerate(case.streams):
        if s.name in names:
            raise ValidationError(f"stream {s.name!r} is defined twice", file=str(doc.path),
                                  line=doc.line_of(("streams", i, "name")),
                                  field=f"streams[{i}].name", expected="unique names")
        names.add(s.name)
        cov = s.coverage
        spans: list[tuple[dt.date | None, dt.date | None, tuple[str | int, ...]]] = (
            [(cov.start, cov.end, ("coverage", "end"))] if cov is not None else [])
        spans += [(g.start, g.end, ("coverage", "gaps", j, "end"))
                  for j, g in enumerate(cov.gaps if cov is not None else [])]
        for lo, hi, loc in spans:
            if lo is not None and hi is not None and hi < lo:
                raise ValidationError("end is before start", file=str(doc.path),
                                      line=doc.line_of(("streams", i, *loc)),
                                      field=f"streams[{i}]." + ".".join(map(str, loc)),
                                      expected=f"a date on or after {lo}")
        for key in ("actors", "targets"):
            for j, val in enumerate(getattr(s, key)):
                if val not in seen:
                    raise UnknownActorError(f"stream names unknown actor {val!r}",
                                            file=str(doc.path),
                                            line=doc.line_of(("streams", i, key, j)),
                                            field=f"streams[{i}].{key}[{j}]", expected=valid)
    for i, name in enumerate(case.model.streams):
        if name not in names:
            raise UnknownStreamError(f"model names unknown stream {name!r}", file=str(doc.path),
                                     line=doc.line_of(("model", "streams", i)),
                                     field=f"model.streams[{i}]",
                                     expected="one of " + ", ".join(sorted(names)))
    cov_names = {c.name for c in case.covariates}
    for i, name in enumerate(case.model.covariates):
        if name not in cov_names:
            raise ValidationError(f"model names unknown covariate {name!r}", file=str(doc.path),
                                  line=doc.line_of(("model", "covariates", i)),
                                  field=f"model.covariates[{i}]",
                                  expected="one of " + ", ".join(sorted(cov_names)))
    if case.end < case.start:
        raise ValidationError("end is before start", file=str(doc.path),
                              line=doc.line_of(("end",)), field="end",
                              expected=f"a date after {case.start}")
