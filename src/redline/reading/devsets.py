"""Score the reader on labelled sentence sets that use other labels than ours.

Two formats are read, besides the project's own gold JSON lines
(:mod:`redline.reading.evaluate`):

``pentacode`` (``.tsv``)
    one sentence, a tab and a CAMEO "pentacode" class a line: 0 statement or appeal
    (CAMEO roots 01-02), 1 verbal cooperation (03-05), 2 material cooperation
    (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20).
``petrarch`` (``.xml``)
    PETRARCH-2 validation records: ``<Sentence>`` followed by ``<EventCoding
    eventcode=... sourcecode=... targetcode=...>`` (or ``noevents="True"``) and
    ``<Text>``.

Scoring is one label per sentence: the reader's first event (or none).  A PLOVER
category matches a pentacode class when some CAMEO code that maps to the category
lies in the class (the project's table ``redline/data/cameo_plover.csv`` maps
CAMEO 02 appeals to REQUEST, so REQUEST counts for class 0 or 3); it matches a PETRARCH record when some gold CAMEO code maps to
it.  A sentence whose gold has a label and whose prediction misses it is a false
negative; a wrong prediction is also a false positive (so micro precision is the
share of emitted labels that are right and micro recall the share of labelled
sentences that get their label).  Pentacode class 0 has no PLOVER category at all
(PLOVER dropped CAMEO's plain statements and appeals), so those sentences can only
be missed: the table also gives the scores over classes 1-4.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from redline.errors import ReadingError

__all__ = [
    "DEVSET_FORMATS",
    "LabelledSentence",
    "category_classes",
    "evaluate_devset",
    "load_devset",
    "load_pentacode",
    "load_petrarch",
    "pentacode_class",
    "score_labels",
]

DEVSET_FORMATS = ("pentacode", "petrarch")


@dataclass
class LabelledSentence:
    """One sentence with the set of labels that count as right (empty: no event)."""

    id: str
    text: str
    labels: frozenset[str]
    date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def pentacode_class(cameo_code: str) -> str | None:
    """Pentacode class ("0".."4") of a CAMEO event code, by its two-digit root."""
    try:
        root = int(str(cameo_code)[:2])
    except ValueError:
        return None
    if 1 <= root <= 2:
        return "0"
    if 3 <= root <= 5:
        return "1"
    if 6 <= root <= 8:
        return "2"
    if 9 <= root <= 13:
        return "3"
    if 14 <= root <= 20:
        return "4"
    return None


def category_classes() -> dict[str, frozenset[str]]:
    """PLOVER category -> the pentacode classes of the CAMEO codes mapped to it."""
    from redline.data.schema import cameo_table

    out: dict[str, set[str]] = {}
    for code, (plover, _mode, _g) in cameo_table().items():
        cls = pentacode_class(code)
        if plover and cls is not None:
            out.setdefault(plover, set()).add(cls)
    return {k: frozenset(v) for k, v in out.items()}


def load_pentacode(path: str | Path) -> list[LabelledSentence]:
    """Read a pentacode TSV (errors name the file, line and field)."""
    path = Path(path)
    out, problems = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise ReadingError("labelled sentence file not found", file=str(path)) from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition("\t")
        if not sep or label.strip() not in {"0", "1", "2", "3", "4"}:
            problems.append(f"line {no}: label {label.strip()[:20]!r}")
            continue
        out.append(LabelledSentence(f"{path.stem}:{no}", text.strip(), frozenset({label.strip()})))
    if problems:
        raise ReadingError(f"{len(problems)} line(s) without a class: " + "; ".join(problems[:5]),
                           file=str(path), field="class",
                           expected="a sentence, a tab, and one of 0 1 2 3 4")
    return out


_SENT = re.compile(r"<Sentence\b([^>]*)/?>(.*?)(?=<Sentence\b|</Sentences>|\Z)", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.DOTALL)
_CODING = re.compile(r"<EventCoding\b([^>]*)/?>")


def load_petrarch(path: str | Path) -> list[LabelledSentence]:
    """Read PETRARCH-2 validation records (only those with ``evaluate="true"``).

    The file holds ``#`` comment blocks that are not XML, so it is read with
    patterns rather than an XML parser.
    """
    from redline.data.schema import cameo_table

    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ReadingError("labelled sentence file not found", file=str(path)) from exc
    table = cameo_table()
    out = []
    for m in _SENT.finditer(raw):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get("evaluate", "true").lower() != "true":
            continue
        body = m.group(2)
        text = _TEXT.search(body)
        if text is None:
            line = raw.count("\n", 0, m.start()) + 1
            raise ReadingError("a <Sentence> without <Text>", file=str(path), line=line, field="Text")
        codes, labels = [], set()
        for c in _CODING.finditer(body):
            ca = dict(_ATTR.findall(c.group(1)))
            if "eventcode" in ca:
                codes.append(ca)
                plover = (table.get(ca["eventcode"]) or table.get(ca["eventcode"][:3])
                          or table.get(ca["eventcode"][:2]) or (None,))[0]
                if plover:
                    labels.add(plover)
        date = attrs.get("date")
        iso = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if date and len(date) == 8 else None
        out.append(LabelledSentence(attrs.get("id", f"{path.stem}:{m.start()}"),
                                    " ".join(text.group(1).split()), frozenset(labels), iso,
                                    {"codings": codes}))
    return out


def load_devset(path: str | Path, fmt: str | None = None) -> tuple[str, list[LabelledSentence]]:
    """Load a labelled set, its format from ``fmt`` or the file's suffix."""
    path = Path(path)
    fmt = fmt or {".tsv": "pentacode", ".xml": "petrarch"}.get(path.suffix.lower())
    if fmt == "pentacode":
        return fmt, load_pentacode(path)
    if fmt == "petrarch":
        return fmt, load_petrarch(path)
    raise ReadingError(f"unknown labelled-sentence format {fmt!r}", file=str(path),
                       expected="a .tsv pentacode file or a PETRARCH .xml file")


def score_labels(gold: list[frozenset[str]], pred: list[str | None],
                 groups: list[str] | None = None) -> pd.DataFrame:
    """Per-label and micro precision, recall, F1 of one label per item.

    ``pred[i]`` is right when it is in ``gold[i]``.  Rows: each label (by gold
    label for recall, by predicted label for precision), then ``micro``; columns
    ``precision recall f1 tp fp fn support``.  ``groups`` (same length) names the
    label a prediction counts under in the per-label rows (default: itself).
    """
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    # a None prediction's group is never looked up (it counts as neither tp nor fp)
    groups = groups or cast(list[str], [p for p in pred])
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    support: dict[str, int] = {}
    for g, p, grp in zip(gold, pred, groups):
        for lab in g:
            support[lab] = support.get(lab, 0) + 1
        right = p is not None and p in g
        if right:
            tp[grp] = tp.get(grp, 0) + 1
        else:
            if p is not None:
                fp[grp] = fp.get(grp, 0) + 1
            for lab in g:
                fn[lab] = fn.get(lab, 0) + 1
    rows = []
    labels = sorted(set(tp) | set(fp) | set(fn) | set(support))
    for lab in labels + ["micro"]:
        if lab == "micro":
            t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
            sup = sum(1 for g in gold if g)
        else:
            t, f_p, f_n, sup = tp.get(lab, 0), fp.get(lab, 0), fn.get(lab, 0), support.get(lab, 0)
        p_ = t / (t + f_p) if t + f_p else float("nan")
        r_ = t / (t + f_n) if t + f_n else float("nan")
        f1 = 2 * p_ * r_ / (p_ + r_) if (t + f_p and t + f_n and p_ + r_) else (0.0 if t + f_p and t + f_n else float("nan"))
        rows.append({"label": lab, "precision": p_, "recall": r_, "f1": f1, "tp": t, "fp": f_p,
                     "fn": f_n, "support": sup})
    return pd.DataFrame(rows).set_index("label")


def evaluate_devset(path: str | Path, case: Any = None, fmt: str | None = None,
                    predict: Callable[[LabelledSentence], str | None] | None = None) -> pd.DataFrame:
    """One-label scores of the reader on a labelled set (see the module docstring).

    Returns the :func:`score_labels` frame; ``attrs`` holds ``coverage`` (share of
    sentences with an emitted event), ``false_alarm`` (share of no-event sentences
    with an emitted event; NaN when the set has none), ``format``, ``n`` and
    ``items`` (id, text, gold labels, prediction) for error analysis.  Pentacode
    frames also carry ``micro_1_4``: micro scores over the sentences of classes 1-4.
    """
    from redline.reading.reader import read_text

    fmt, items = load_devset(path, fmt)

    def first_event(it: LabelledSentence) -> str | None:
        recs = read_text(it.text, date=it.date, case=case, document=it.id)
        return recs[0].event_type if recs else None

    predict = predict or first_event
    raw = [predict(it) for it in items]
    if fmt == "pentacode":
        classes = category_classes()
        pred = []
        gold = [it.labels for it in items]
        for p, g in zip(raw, gold):
            cls = classes.get(p) if p else None
            # REQUEST holds CAMEO 02 (appeal) and 10 (demand): right for class 0 or 3
            pred.append(None if not cls else (min(cls & g) if cls & g else min(cls)))
    else:
        pred, gold = raw, [it.labels for it in items]
    table = score_labels(gold, pred)
    table.attrs["format"] = fmt
    table.attrs["n"] = len(items)
    table.attrs["coverage"] = sum(p is not None for p in raw) / len(items) if items else float("nan")
    empty = [p for it, p in zip(items, raw) if not it.labels]
    table.attrs["false_alarm"] = (sum(p is not None for p in empty) / len(empty)) if empty else float("nan")
    if fmt == "pentacode":
        keep = [i for i, g in enumerate(gold) if "0" not in g]
        sub = score_labels([gold[i] for i in keep], [pred[i] for i in keep])
        table.attrs["micro_1_4"] = sub.loc["micro"].to_dict()
    table.attrs["items"] = [(it.id, it.text, sorted(it.labels), r) for it, r in zip(items, raw)]
    return table
