"""The ``case.yaml`` and map-file references of ``docs/cases.md``, generated from the models.

The reference tables are written from the pydantic models that validate the files
(:class:`redline.data.case.Case` and its parts, :class:`redline.data.mapping.ColumnMap`),
so the documentation cannot drift from what ``load_case`` accepts; a test compares the
generated block with the one in ``docs/cases.md``.  Rewrite it with::

    python -m redline.data.casedocs docs/cases.md
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from pydantic import BaseModel

__all__ = ["render_reference", "update_file", "BEGIN", "END"]

BEGIN = "<!-- BEGIN GENERATED REFERENCE (python -m redline.data.casedocs docs/cases.md) -->"
END = "<!-- END GENERATED REFERENCE -->"

_NOTES = {
    ("Case", "name"): "the case's name: what commands and `case_id` in the store call it",
    ("Case", "title"): "one line for the brief's heading",
    ("Case", "description"): "a paragraph on what the case is about",
    ("Case", "timezone"): "IANA time zone of the dates",
    ("Case", "start"): "first day of the observation window (YYYY-MM-DD)",
    ("Case", "end"): "last day of the observation window",
    ("Case", "actors"): "the parties (at least one)",
    ("Case", "ties"): "standing relations between actors",
    ("Case", "sites"): "named places with coordinates",
    ("Case", "streams"): "named filters over events, counted per day for the models",
    ("Case", "covariates"): "step covariates (1 between start and end, else 0)",
    ("Case", "key_events"): "dates the brief's timeline marks",
    ("Case", "model"): "what `redline fit CASE` uses by default",
    ("Tie", "source"): "the actor id the tie goes from",
    ("Tie", "target"): "the actor id the tie goes to",
    ("Tie", "kind"): "the relation (see Tie kinds below)",
    ("Tie", "since"): "first day the tie holds",
    ("Tie", "until"): "last day the tie holds",
    ("Tie", "sources"): "URLs or document ids (at least one)",
    ("Tie", "note"): "a remark on the tie",
    ("Actor", "name"): "the name the brief prints; matched like an alias",
    ("Actor", "kind"): "what the actor is (see Actor kinds below); `case init` guesses it",
    ("Actor", "country"): "the actor's country, if any",
    ("Actor", "description"): "a sentence on who the actor is",
    ("Actor", "sources"): "where the description comes from",
    ("StreamFilter", "name"): "lower_snake_case name that models and scenarios use",
    ("StreamFilter", "label"): "readable name for the brief",
    ("StreamFilter", "actors"): "actor ids (any of them; empty = any actor)",
    ("StreamFilter", "targets"): "target ids (any of them; empty = any target)",
    ("StreamFilter", "event_types"): "PLOVER types (empty = any)",
    ("StreamFilter", "modes"): "modes (empty = any)",
    ("StreamFilter", "countries"): "countries (empty = any)",
    ("StreamFilter", "exclude_modes"): "modes to leave out",
    ("StreamFilter", "mutual"): "true: only events without direction (fighting between two "
                                "sides, matched in either order); false: only directed ones; "
                                "unset: both",
    ("StreamFilter", "with_target_casualties"): "only events that killed or injured on the "
                                                "target's side",
    ("Covariate", "name"): "name the model's covariates use",
    ("Covariate", "start"): "first day the covariate is 1",
    ("Covariate", "end"): "last day it is 1 (empty: to the end of the window)",
    ("Covariate", "description"): "what happened",
    ("Covariate", "sources"): "where that is documented",
    ("KeyEvent", "date"): "the day",
    ("KeyEvent", "label"): "what the timeline says",
    ("KeyEvent", "event_ids"): "ids of the events behind it",
    ("Site", "name"): "the place's name",
    ("Site", "country"): "its country",
    ("Site", "latitude"): "decimal degrees, -90..90",
    ("Site", "longitude"): "decimal degrees, -180..180",
    ("Site", "aliases"): "other names of the place",
    ("Site", "kind"): "base, border post, ...",
    ("ModelDefaults", "streams"): "stream names fitted by default",
    ("ModelDefaults", "covariates"): "covariate names used by default",
    ("ModelDefaults", "link"): "identity (excitation only) or softplus (signed effects)",
}


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping {_type_name(args[0])} → {_type_name(args[1])}"
    if origin in (typing.Union, getattr(__import__('types'), 'UnionType', None)):
        parts = [a for a in args if a is not type(None)]
        text = " or ".join(_type_name(a) for a in parts)
        return text + (" (or null)" if len(parts) < len(args) else "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return {"str": "text", "int": "integer", "float": "number", "bool": "true/false",
            "date": "date YYYY-MM-DD", "Path": "path"}.get(getattr(annotation, "__name__", ""),
                                                         str(annotation))


def _model_table(model: type[BaseModel]) -> list[str]:
    lines = [f"### {model.__name__}", "", (model.__doc__ or "").strip().splitlines()[0], "",
             "| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for name, f in model.model_fields.items():
        if f.exclude:
            continue
        key = f.alias or name
        required = "yes" if f.is_required() else ""
        default = ""
        if not f.is_required():
            d = f.get_default(call_default_factory=True)
            default = ("" if d in (None, [], {}) or isinstance(d, BaseModel) else f"`{d}`")
        meaning = f.description or _NOTES.get((model.__name__, name), "")
        lines.append(f"| `{key}` | {_type_name(f.annotation)} | {required} | {default} | "
                     f"{meaning.replace('|', '/')} |")
    return lines + [""]


def render_reference() -> str:
    """The generated block: every key of ``case.yaml`` and of a map file."""
    from redline.data.case import (
        ACTOR_KINDS,
        TIE_KINDS,
        Actor,
        Case,
        Covariate,
        KeyEvent,
        ModelDefaults,
        Site,
        StreamFilter,
        Tie,
    )
    from redline.data.mapping import MAP_FIELDS, ColumnMap
    from redline.data.schema import EVENT_TYPES, MODES
    out = [BEGIN, "", "## Reference: case.yaml", "",
           "Generated from the validation models in `redline.data.case`.", ""]
    for model in (Case, Actor, Tie, StreamFilter, Covariate, KeyEvent, Site, ModelDefaults):
        out += _model_table(model)
    out += ["Actor kinds: " + ", ".join(f"`{k}`" for k in ACTOR_KINDS) + ".", "",
            "Tie kinds: " + ", ".join(f"`{k}`" for k in TIE_KINDS) + ".", "",
            "Event types (PLOVER): " + ", ".join(f"`{k}`" for k in EVENT_TYPES) + ".", "",
            "Modes: " + ", ".join(f"`{k}`" for k in MODES) + ".", "",
            "## Reference: map file", "",
            "Generated from `redline.data.mapping.ColumnMap`.", ""]
    out += _model_table(ColumnMap)
    out += ["Fields a map can fill (keys of `columns:`, `values:` and `constants:`): "
            + ", ".join(f"`{k}`" for k in MAP_FIELDS) + ".", "", END]
    return "\n".join(out) + "\n"


def update_file(path: str | Path) -> bool:
    """Replace the generated block of ``path``; True when the file changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = head + render_reference().rstrip("\n") + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/cases.md"
    print(("updated " if update_file(target) else "unchanged ") + target, file=sys.stderr)
