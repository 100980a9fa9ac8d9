"""``redline case init``: from any file redline reads to a case folder a person reviews.

:func:`read_source` brings a file into redline's layout (a map for foreign CSV and
Parquet files, an importer for the known formats); :func:`propose_case` writes the
``case.yaml`` text: the window of the data, one actor per distinct name with its
event counts and a guessed kind marked for review, and default streams;
:func:`init_case` does both and writes ``DIR/case.yaml`` and ``DIR/events.csv``.

What this is not: the proposal is a start.  Kinds are guessed from words in the
names, ties are left to the analyst, and names seen in fewer than
``min_actor_events`` events are listed in a comment instead of becoming actors.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from redline.data.mapping import OUTPUT_COLUMNS, ColumnMap, load_map, read_mapped
from redline.errors import InputError

__all__ = ["SourceFrame", "read_source", "propose_case", "init_case", "InitResult", "slug_id",
           "guess_kind", "MIN_STREAM_EVENTS"]

#: a default stream needs at least this many events in the window to be worth fitting
MIN_STREAM_EVENTS = 30
#: busiest actor pairs that get default streams
TOP_PAIRS = 3


@dataclass
class SourceFrame:
    """A source file in redline's layout plus what did not map."""

    frame: pd.DataFrame
    format: str
    unmapped_columns: list[str] = field(default_factory=list)
    unmapped_values: dict[str, Counter] = field(default_factory=dict)
    read_as: dict[str, str] = field(default_factory=dict)


def _store_columns_for_csv() -> list[str]:
    """The columns redline's CSV (and so a case's events.csv) accepts."""
    from redline.data.importers.redline_csv import OPTIONAL, REQUIRED
    return list(dict.fromkeys(["event_id", *REQUIRED, *OPTIONAL]))


def _from_importer(path: Path, fmt: str | None) -> SourceFrame:
    """Read a file of a known format through its importer (in a throwaway store)."""
    from redline.data.store import DuckDBStore
    accepted = _store_columns_for_csv()
    with tempfile.TemporaryDirectory(prefix="redline-init-") as tmp:
        store = DuckDBStore(Path(tmp) / "init.duckdb")
        result = store.ingest(path, None if fmt in (None, "redline") else fmt)
        with store.connect() as con:
            df = con.execute("SELECT * FROM events ORDER BY date, event_id").df()
    out = pd.DataFrame(index=df.index)
    for c in accepted:
        if c in ("actor", "target"):
            src = df[f"{c}_raw"] if f"{c}_raw" in df else df[c]
            out[c] = src.fillna(df[c]) if c in df else src
        elif c == "sources" and c in df:
            # a row without sources holds NULL (pandas: NA or None), not an empty list
            out[c] = df[c].map(lambda v: " | ".join(map(str, v))
                               if isinstance(v, (list, tuple, np.ndarray)) and len(v) else "")
        elif c in df:
            out[c] = df[c]
    # store columns redline's CSV does not take stay, as JSON, in `extra`
    skip = set(accepted) | {"actor_raw", "target_raw", "intensity", "source_format", "ingest_id",
                            "machine_coded", "provenance", "case_id", "extra"}
    rest = [c for c in df.columns if c not in skip]

    def extra(i: int) -> str:
        d = {}
        if "extra" in df and isinstance(df.at[i, "extra"], str) and df.at[i, "extra"]:
            d.update(json.loads(df.at[i, "extra"]))
        for c in rest:
            v = df.at[i, c]
            if v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NaT:
                d[c] = v.item() if hasattr(v, "item") else (str(v) if not isinstance(v, (int, float, bool, str)) else v)
        return json.dumps(d, ensure_ascii=False, sort_keys=True) if d else ""
    out["extra"] = [extra(i) for i in df.index]
    for c in ("date",):
        out[c] = pd.to_datetime(out[c]).dt.date.astype(str)
    return SourceFrame(out.astype(object).where(out.notna(), ""), result.format, rest)


def read_source(path: str | Path, fmt: str | None = None,
                map_path: str | Path | None = None) -> SourceFrame:
    """A file in redline's layout.

    Parameters
    ----------
    path
        The file.
    fmt
        ``csv``/``parquet`` (foreign file described by the map), ``redline`` (redline's own
        CSV) or an importer's name; wins over the map's ``format:``.  Sniffed when neither
        says.
    map_path
        A map file (see :mod:`redline.data.mapping`); needed for foreign files.
    """
    path = Path(path)
    cmap, doc = (load_map(map_path) if map_path is not None else (None, None))
    fmt = fmt or (cmap.format if cmap is not None else None)
    if cmap is not None and fmt in ("csv", "parquet"):
        if fmt != cmap.format:
            cmap = ColumnMap.model_validate({**cmap.model_dump(), "format": fmt})
        m = read_mapped(path, cmap, doc)
        return SourceFrame(m.frame, fmt, m.unmapped_columns, m.unmapped_values, m.read_as)
    if fmt == "parquet":
        raise InputError("a Parquet file needs a map of its columns", file=str(path),
                         field="--columns", expected="--columns MAP.yaml (see docs/cases.md)")
    return _from_importer(path, "csv" if fmt == "redline" else fmt)


# -- proposing a case ------------------------------------------------------------

def slug_id(name: str) -> str:
    """A lower_snake_case id for a name: ``"Kata'ib Hezbollah"`` -> ``kataib_hezbollah``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"['’`]", "", text.lower())
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not text:
        text = "actor"
    if not text[0].isalpha():
        text = "a_" + text
    return text[:60].rstrip("_")


_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("civilians", ("civilian",)),
    ("merchant_shipping", ("ship", "vessel", "tanker", "carrier", "freighter", "mv ", "m/v")),
    ("infrastructure", ("pipeline", "airport", "port of", "power plant", "oil field", "refinery")),
    ("legislature", ("congress", "parliament", "senate", "assembly")),
    ("state_force", ("army", "forces of", "military", "police", "navy", "air force",
                     "security forces")),
    ("government", ("government", "ministry", "president", "cabinet")),
    ("umbrella", ("resistance", "axis", "alliance", "coalition of")),
    ("coalition", ("coalition",)),
    ("unattributed", ("unknown", "unidentified", "unattributed")),
    ("organisation", ("united nations", "red cross", "ngo", "organisation", "organization")),
)


def guess_kind(name: str) -> str:
    """A first guess at an actor's kind from words in its name (``armed_group`` otherwise)."""
    low = f" {name.lower()} "
    for kind, words in _KIND_WORDS:
        if any(w in low for w in words):
            return kind
    return "armed_group"


def _name_counts(df: pd.DataFrame) -> pd.DataFrame:
    acts = df["actor"].astype(str).str.strip()
    tgts = df["target"].astype(str).str.strip() if "target" in df else pd.Series([], dtype=str)
    a = acts[acts != ""].value_counts()
    t = tgts[tgts != ""].value_counts()
    out = pd.DataFrame({"as_actor": a, "as_target": t}).fillna(0).astype(int)
    out["events"] = out.as_actor + out.as_target
    return out.sort_values(["events"], ascending=False, kind="stable")


def _mutual(df: pd.DataFrame) -> pd.Series:
    if "mutual" not in df:
        return pd.Series(False, index=df.index)
    return df["mutual"].astype(str).str.lower().isin(("true", "1", "yes"))


def _streams(df: pd.DataFrame, ids: dict[str, str], min_events: int) -> list[dict]:
    """Default streams: ASSAULT each way for the busiest pairs (one per mutual pair), then
    each other event type with enough events."""
    streams: list[dict] = []
    # labels name the actors as the file writes them (the first name that maps to an id)
    name_of: dict[str, str] = {}
    for raw, i in ids.items():
        name_of.setdefault(i, raw)
    a = df["actor"].map(ids)
    t = df["target"].map(ids) if "target" in df else pd.Series(None, index=df.index)
    assault = (df["event_type"] == "ASSAULT") & a.notna() & t.notna() & (a != t)
    mutual = _mutual(df)
    pairs: Counter = Counter()
    for x, y, m in zip(a[assault], t[assault], mutual[assault]):
        key = tuple(sorted((x, y))) + ("mutual",) if m else (x, y, "directed")
        pairs[key] += 1
    taken: set[tuple] = set()
    for key, n in pairs.most_common():
        if len([k for k in taken if k[2] == "pair"]) >= TOP_PAIRS or n < min_events:
            break
        x, y, how = key
        pair = tuple(sorted((x, y))) + ("pair",)
        if pair in taken:
            continue
        taken.add(pair)
        if how == "mutual":
            streams.append({"name": f"fighting_{x}_{y}"[:60],
                            "label": f"Fighting between {name_of.get(x, x)} and {name_of.get(y, y)}",
                            "actors": [x, y], "targets": [x, y], "event_types": ["ASSAULT"],
                            "mutual": True})
            continue
        for s, r in ((x, y), (y, x)):
            n_sr = pairs.get((s, r, "directed"), 0)
            if n_sr == 0:
                continue
            streams.append({"name": f"{s}_attacks_on_{r}"[:60], "label": f"Attacks by {name_of.get(s, s)} on {name_of.get(r, r)}",
                            "actors": [s], "targets": [r], "event_types": ["ASSAULT"]})
    for etype, n in df.loc[df["event_type"] != "", "event_type"].value_counts().items():
        if etype == "ASSAULT" or n < min_events:
            continue
        streams.append({"name": f"all_{str(etype).lower()}", "label": f"All {etype} events",
                        "event_types": [etype]})
    return streams


def _dump(value) -> str:
    """A value as one line of YAML (JSON is YAML; plain words stay unquoted)."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9 _.()-]*", value) \
            and value.lower() not in ("yes", "no", "on", "off", "true", "false", "null"):
        return value
    return json.dumps(value, ensure_ascii=False)


def propose_case(src: SourceFrame, name: str, source_name: str,
                 min_actor_events: int = 1, max_actors: int = 60,
                 min_stream_events: int = MIN_STREAM_EVENTS) -> tuple[str, dict]:
    """The text of a proposed ``case.yaml`` and a summary of what was proposed.

    Parameters
    ----------
    src
        The events in redline's layout (:func:`read_source`).
    name
        The case name.
    source_name
        The file the events came from (for the description).
    min_actor_events, max_actors
        Names in fewer events, or past the ``max_actors`` busiest, are listed in a
        comment instead of becoming actors.

    Returns
    -------
    (yaml_text, summary) where summary holds ``actors``, ``left_out``, ``streams``.
    """
    df = src.frame
    dates = pd.to_datetime(df["date"].astype(str))
    start, end = dates.min().date(), dates.max().date()
    counts = _name_counts(df)
    keep = counts[counts.events >= min_actor_events].head(max_actors)
    left_out = counts.drop(keep.index)
    ids: dict[str, str] = {}
    used: set[str] = set()
    actors = []
    for raw, row in keep.iterrows():
        base = slug_id(str(raw))
        aid, k = base, 2
        while aid in used:
            aid, k = f"{base}_{k}", k + 1
        used.add(aid)
        ids[str(raw)] = aid
        actors.append((aid, str(raw), guess_kind(str(raw)), int(row.as_actor), int(row.as_target)))
    streams = _streams(df, ids, min_stream_events)
    lines = [
        f"# Proposed by `redline case init` from {source_name} on {dt.date.today()}.",
        "# Review before you rely on it:",
        "#  - each actor's kind is a guess from words in its name (marked `review`);",
        "#  - merge actors that are one party under several names: keep one and move the",
        "#    other names into its aliases (whole names, or patterns such as 'USS *');",
        "#  - add ties (sponsors, member_of, hosts, ...) with their sources;",
        "#  - check the streams and pick the model's streams below;",
        "#  - then run `redline case check` on this folder.",
        f"name: {_dump(name)}",
        f"title: {_dump(name)}",
        "description: >-",
        f"  Events from {source_name} ({len(df):,} rows, {start} to {end}), proposed by",
        "  redline case init. Describe the case here.",
        "timezone: UTC",
        "# window: the first and last date in the data",
        f"start: {start}",
        f"end: {end}",
        "",
        "actors:",
    ]
    for aid, raw, kind, n_a, n_t in actors:
        lines += [f"  - id: {aid}",
                  f"    name: {_dump(raw)}",
                  f"    kind: {kind}  # review: guessed from the name; {n_a} events as actor, "
                  f"{n_t} as target",
                  "    aliases: []"]
    if len(left_out):
        lines.append(f"# {len(left_out)} names not proposed as actors (fewer events; they stay raw "
                     "names until an actor or alias takes them):")
        for raw, row in left_out.head(40).iterrows():
            lines.append(f"#   {raw!s}: {int(row.events)} events")
        if len(left_out) > 40:
            lines.append(f"#   ... and {len(left_out) - 40} more (`redline case check` lists all)")
    lines += ["", "ties: []  # add: {from: ID, to: ID, kind: sponsors, sources: [...]}", ""]
    if streams:
        lines.append(f"# Default streams: attacks each way for the busiest pairs and other event "
                     f"types with at least {min_stream_events} events.")
        lines.append("streams:")
        for s in streams:
            lines.append(f"  - name: {s['name']}")
            lines.append(f"    label: {_dump(s['label'])}")
            for key in ("actors", "targets", "event_types"):
                if s.get(key):
                    lines.append(f"    {key}: {_dump(s[key])}")
            if s.get("mutual"):
                lines.append("    mutual: true  # events without direction: the pair in either order")
    else:
        lines += [f"# No default streams: no pair or event type has {min_stream_events} events.",
                  "streams: []"]
    model_streams = [s["name"] for s in streams if s["name"].startswith(("fighting_",))
                     or "_attacks_on_" in s["name"]][:4]
    lines += ["", "model:", f"  streams: {_dump(model_streams)}", "  covariates: []", ""]
    return "\n".join(lines) + "\n", {"actors": actors, "left_out": left_out, "streams": streams,
                                     "start": start, "end": end}


@dataclass
class InitResult:
    folder: Path
    rows: int
    format: str
    actors: int
    left_out: int
    streams: list[str]
    unmapped_columns: list[str]
    unmapped_values: dict[str, Counter]
    start: dt.date
    end: dt.date


def init_case(source: str | Path, folder: str | Path, *, map_path: str | Path | None = None,
              name: str | None = None, fmt: str | None = None, force: bool = False) -> InitResult:
    """Write ``folder/case.yaml`` and ``folder/events.csv`` from ``source`` (see module doc).

    Raises
    ------
    InputError
        The folder already holds a case (unless ``force``), or any problem of the file
        (all of them at once for mapped files).
    """
    folder = Path(folder)
    if (folder / "case.yaml").exists() and not force:
        raise InputError("the folder already holds a case.yaml", file=str(folder / "case.yaml"),
                         expected="a new folder (or --force to overwrite)")
    src = read_source(source, fmt, map_path)
    name = name or folder.resolve().name
    text, summary = propose_case(src, name, Path(source).name)
    folder.mkdir(parents=True, exist_ok=True)
    frame = src.frame
    cols = [c for c in OUTPUT_COLUMNS if c in frame and c in _store_columns_for_csv() + ["extra"]]
    cols = [c for c in cols if c in ("date", "actor", "event_type")
            or frame[c].astype(str).str.len().gt(0).any()]
    frame[cols].to_csv(folder / "events.csv", index=False)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    from redline.data.case import load_case
    load_case(folder)  # what we wrote must load; a failure here is a bug, not the user's
    return InitResult(folder, len(frame), src.format, len(summary["actors"]),
                      len(summary["left_out"]), [s["name"] for s in summary["streams"]],
                      src.unmapped_columns, src.unmapped_values, summary["start"], summary["end"])
