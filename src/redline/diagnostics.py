"""Diagnostics: what a stage could not support, carried as data beside its result.

Every stage (fit, simulation, analysis, scenario run, benchmark, brief) returns
the problems it detected as :class:`Diagnostic` objects in a :class:`Diagnostics`
list, instead of emitting Python warnings that a caller may filter away.  The CLI,
the web app and the brief read these lists and show the ones that concern them;
JSON outputs carry them under ``"diagnostics"``.

Each code is registered once in :data:`CODES` with its default severity and its
meaning; ``docs/diagnostics.md`` is generated from that table (a test keeps the
two in step), so a reader can look up any code they are shown.

The serialised shape is fixed::

    {"code": "fit.thin_stream", "severity": "warning",
     "message": "...", "subject": {"kind": "stream", "id": "us_strikes"}}

``subject`` is ``null`` when the problem concerns the whole result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, overload

__all__ = [
    "CODES",
    "Code",
    "Diagnostic",
    "Diagnostics",
    "Severity",
    "SubjectKind",
    "diagnostic",
    "render_codes_markdown",
]

Severity = Literal["info", "warning", "error"]
SubjectKind = Literal["parameter", "stream", "option", "metric", "case"]

_SEVERITIES: tuple[str, ...] = ("info", "warning", "error")
_KINDS: tuple[str, ...] = ("parameter", "stream", "option", "metric", "case")


@dataclass(frozen=True)
class Code:
    """One registered diagnostic code: its default severity and what it means."""

    code: str
    severity: Severity
    meaning: str
    stage: str


def _codes(stage: str, rows: Iterable[tuple[str, Severity, str]]) -> dict[str, Code]:
    return {c: Code(c, s, m, stage) for c, s, m in rows}


# One section per pipeline stage; add a code to its stage's section, with a meaning
# a reader who was shown the code can act on.
CODES: dict[str, Code] = {
    # --- models ------------------------------------------------------------------
    **_codes("models", [
        ("fit.not_converged", "warning",
         "The optimiser stopped before it converged; estimates and intervals may be off."),
        ("fit.supercritical", "warning",
         "The fitted process is explosive (spectral radius of the excitation at or above 1): "
         "simulated paths can grow without bound."),
        ("fit.bootstrap_thin", "warning",
         "Too few bootstrap refits succeeded for percentile intervals; Wald intervals are "
         "shown instead."),
        ("fit.unidentified", "warning",
         "A parameter's standard error could not be computed (flat likelihood); its interval "
         "is missing."),
        ("fit.thin_stream", "warning",
         "A stream has too few events in the fit window to estimate how it excites or is "
         "excited by the others: its couplings and covariate effects are held at 0 and only "
         "its baseline is fitted."),
        ("fit.covariate_separates", "warning",
         "A step covariate separates a stream (none of its events fall on the days the "
         "covariate is on, or none on the days it is off), so its effect would be infinite; "
         "the covariate is dropped for that stream."),
        ("fit.coefficient_dropped", "warning",
         "A covariate effect came out beyond a sane size or with a standard error far larger "
         "than itself: the data cannot pin it down, so it is dropped for that stream and the "
         "model refitted."),
        ("fit.at_bound", "warning",
         "A parameter sits at a bound of the optimiser: the data push it further than the "
         "model allows; its standard error is missing. Decays and dispersions at a bound are "
         "reported as info."),
        ("simulate.explosive", "warning",
         "Some simulated paths ran away (the self-excitation fed on itself past a rate far "
         "above anything in the data): means over paths are dominated by them, so read "
         "medians or statistics of the stable paths."),
    ]),
    # --- data --------------------------------------------------------------------
    **_codes("data", [
        ("data.mutual_in_two_streams", "warning",
         "Events without direction (fighting between two sides, such as UCDP's) are counted "
         "in two streams at once, so those streams share events: excitation between them "
         "cannot be told apart from the shared events. Give the pair one stream with "
         "`mutual: true`, or `mutual: false` on the directed streams."),
        ("case.unresolved_name", "warning",
         "A name in the case's events resolves to no actor of the case: its events stay "
         "under the raw name and no stream of actors counts them."),
        ("case.actor_without_events", "warning",
         "An actor of the case appears in none of its events: its name and aliases match "
         "nothing, or the case does not need it."),
        ("case.thin_stream", "warning",
         "A stream has too few events in the window for a model fitted on it to say much."),
        ("case.window_edge_empty", "warning",
         "The case window begins or ends with a month or more without any event; models "
         "read that gap as calm."),
        ("case.multi_party_name", "warning",
         "A name in the case (an actor or target of an event, or an alias) joins several "
         "parties (with ';', '/', 'and', '&' or ',') but resolves to one actor, so the other "
         "parties' part in those events is lost: split each such row into one event per "
         "party and remove such aliases."),
        ("case.events_outside_window", "info",
         "Some events fall outside the case window; streams and models leave them out."),
    ]),
    # --- analysis ----------------------------------------------------------------
    **_codes("analysis", [
        ("analysis.not_run", "warning",
         "An analysis could not run on the case (too few days or events for it); the brief "
         "goes on without it and makes no judgment that would rest on it."),
        ("analysis.coverage_edge", "warning",
         "A change point lies within the stated distance of the edge of a stream's coverage "
         "(its start, end or a known gap): it may mark the data thinning out, not a change in "
         "behaviour, so it is not reported as a phase."),
        ("analysis.imprecise_dates", "info",
         "Some events of a stream are dated only to a week, a month or a year; daily models "
         "put each on one day of its span, so day-level timing (lags, change-point dates) is "
         "uncertain for that share of the stream."),
        ("analysis.events_outside_window", "info",
         "The store holds events of the case's streams before or after the case window; they "
         "are counted and named but not modelled."),
        ("analysis.fatality_missing", "info",
         "Some attacks have no casualty field; the fatality probability uses the attacks with "
         "one and is bounded by counting the others as all fatal or none."),
        ("analysis.open_claims", "info",
         "Most claimed attacks are claimed openly by a named group or a state: the unclaimed "
         "rows are read as missing claim records, and the deniable share is not read as "
         "deniability."),
    ]),
    # --- scenarios ---------------------------------------------------------------
    **_codes("scenarios", [
        ("scenarios.explosive_paths", "warning",
         "Some simulated paths exploded (counts far beyond the others, from parameter draws "
         "under which the process grows without bound): the outcome's headline is the median, "
         "its mean and interval are computed on the stable paths."),
        ("scenarios.interval_widened", "info",
         "The batch means are so skewed that their 5-95% range did not hold the mean; the "
         "interval was widened to the stated level."),
        ("scenarios.monte_carlo_noise", "info",
         "For some outcomes Monte Carlo noise is most of the spread of the batch means: their "
         "intervals have it removed, but run more paths before reading small differences "
         "between options."),
        ("scenarios.thin_normalisation", "warning",
         "An objective is normalised by a history of fewer events than the floor; the divisor "
         "was raised to the floor so that one event more or less cannot decide the ranking."),
        ("scenarios.identical_options", "info",
         "Two options produced the same outcomes on every path: they tie, whatever the "
         "weights."),
        ("scenarios.assumption_metric", "info",
         "A metric rests only (or partly) on assumed probabilities written in the scenario, "
         "not on anything fitted from data."),
        ("scenarios.ranking_withheld", "warning",
         "The ranking of options rests on an outcome whose paths exploded; it is not stated as "
         "a judgment."),
    ]),
    # --- benchmark ---------------------------------------------------------------
    **_codes("benchmark", [
        ("backtest.fold_failed", "warning",
         "A model could not be fitted or forecast at one origin; that origin is left out for "
         "every model so all are compared on the same folds."),
        ("backtest.not_run", "warning",
         "The case's window is too short to fit before a forecast origin and score the horizon "
         "after it: there is no backtest, and no statement of forecast skill."),
        ("backtest.heavy_tail", "info",
         "A forecast put noticeable probability above the largest count scored; the count "
         "grid was widened."),
        ("benchmark.unit_unscored", "warning",
         "No origin of a unit could be scored (too short, or no events in any training "
         "window); the unit is left out of every table."),
        ("benchmark.zero_reference", "info",
         "A reference model's CRPS is zero on a unit (no events, none forecast): skill against "
         "it is undefined there, so the unit is left out of that skill and counted."),
    ]),
    # --- reports -----------------------------------------------------------------
    **_codes("reports", [
        ("reports.judgment_withheld", "warning",
         "A key judgment was withheld or downgraded because the result it rests on failed a "
         "guard; the brief's section 'What the data cannot tell' says which and why."),
    ]),
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem a stage detected.

    Parameters
    ----------
    code
        A key of :data:`CODES`, such as ``"fit.thin_stream"``.
    severity
        ``"info"``, ``"warning"`` or ``"error"`` (an error means the result it is
        attached to must not be used for a judgment).
    message
        A plain-language sentence naming the subject and the numbers involved.
    subject_kind, subject_id
        What the problem concerns (``"stream"``, ``"us_strikes"``); both ``None``
        when it concerns the whole result.
    """

    code: str
    severity: Severity
    message: str
    subject_kind: SubjectKind | None = None
    subject_id: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise KeyError(f"diagnostic code {self.code!r} is not registered in "
                           "redline.diagnostics.CODES")
        if self.severity not in _SEVERITIES:
            raise ValueError(f"severity must be one of {_SEVERITIES}, not {self.severity!r}")
        if (self.subject_kind is None) != (self.subject_id is None):
            raise ValueError("subject_kind and subject_id are given together or not at all")
        if self.subject_kind is not None and self.subject_kind not in _KINDS:
            raise ValueError(f"subject kind must be one of {_KINDS}, not {self.subject_kind!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fixed JSON shape (see the module docstring)."""
        subject = (None if self.subject_kind is None
                   else {"kind": self.subject_kind, "id": self.subject_id})
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "subject": subject}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Diagnostic:
        """Inverse of :meth:`to_dict`."""
        subj = d.get("subject") or {}
        return cls(d["code"], d["severity"], d["message"], subj.get("kind"), subj.get("id"))

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message}"


def diagnostic(code: str, message: str, *, severity: Severity | None = None,
               subject: tuple[SubjectKind, str] | None = None) -> Diagnostic:
    """Build a diagnostic with its code's default severity unless one is given."""
    if code not in CODES:
        raise KeyError(f"diagnostic code {code!r} is not registered in redline.diagnostics.CODES")
    kind, sid = subject if subject is not None else (None, None)
    return Diagnostic(code, severity or CODES[code].severity, message, kind, sid)


class Diagnostics:
    """An ordered list of diagnostics without repeats, with lookups by subject."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        self._items: list[Diagnostic] = []
        self.extend(items)

    def add(self, code: str, message: str, *, severity: Severity | None = None,
            subject: tuple[SubjectKind, str] | None = None) -> Diagnostic:
        """Record a problem and return it."""
        d = diagnostic(code, message, severity=severity, subject=subject)
        self.append(d)
        return d

    def append(self, d: Diagnostic) -> None:
        if d not in self._items:
            self._items.append(d)

    def extend(self, items: Iterable[Diagnostic]) -> None:
        for d in items:
            self.append(d)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    @overload
    def __getitem__(self, i: int) -> Diagnostic: ...
    @overload
    def __getitem__(self, i: slice) -> list[Diagnostic]: ...

    def __getitem__(self, i: int | slice) -> Diagnostic | list[Diagnostic]:
        return self._items[i]

    def __repr__(self) -> str:
        if not self._items:
            return "Diagnostics([])"
        return "Diagnostics([\n" + "".join(f"  {d},\n" for d in self._items) + "])"

    def codes(self) -> list[str]:
        """The codes present, in order of first appearance."""
        return list(dict.fromkeys(d.code for d in self._items))

    def has(self, code: str, subject_id: str | None = None) -> bool:
        """Whether ``code`` was recorded (for ``subject_id`` when given)."""
        return any(d.code == code and (subject_id is None or d.subject_id == subject_id)
                   for d in self._items)

    def about(self, kind: SubjectKind, subject_id: str) -> Diagnostics:
        """The diagnostics that concern one subject."""
        return Diagnostics(d for d in self._items
                           if d.subject_kind == kind and d.subject_id == subject_id)

    def at_least(self, severity: Severity) -> Diagnostics:
        """The diagnostics of this severity or worse."""
        rank = _SEVERITIES.index(severity)
        return Diagnostics(d for d in self._items if _SEVERITIES.index(d.severity) >= rank)

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-ready list of :meth:`Diagnostic.to_dict`."""
        return [d.to_dict() for d in self._items]

    @classmethod
    def from_list(cls, rows: Iterable[dict[str, Any]]) -> Diagnostics:
        return cls(Diagnostic.from_dict(r) for r in rows)


def render_codes_markdown() -> str:
    """``docs/diagnostics.md``: every registered code with its severity and meaning."""
    lines = [
        "# Diagnostics",
        "",
        "Every stage of redline returns what it could not support as diagnostics beside its "
        "result. The CLI prints them, the web pages and the brief show them, and JSON outputs "
        "carry them under `diagnostics` in this shape:",
        "",
        "```json",
        '{"code": "fit.thin_stream", "severity": "warning", "message": "...",',
        ' "subject": {"kind": "stream", "id": "us_strikes"}}',
        "```",
        "",
        "`severity` is `info` (worth knowing), `warning` (read the number with care) or "
        "`error` (a judgment that rests on it is withheld). `subject.kind` is one of "
        "`parameter`, `stream`, `option`, `metric`, `case`; `subject` is null when the "
        "problem concerns the whole result.",
        "",
        "This page is generated from `redline.diagnostics.CODES` "
        "(`python -m redline.diagnostics > docs/diagnostics.md`); a test keeps it current.",
    ]
    stages: dict[str, list[Code]] = {}
    for c in CODES.values():
        stages.setdefault(c.stage, []).append(c)
    for stage, codes in stages.items():
        if not codes:
            continue
        lines += ["", f"## {stage.capitalize()}", "", "| code | severity | meaning |",
                  "|---|---|---|"]
        lines += [f"| `{c.code}` | {c.severity} | {c.meaning} |" for c in sorted(
            codes, key=lambda c: c.code)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_codes_markdown(), end="")
