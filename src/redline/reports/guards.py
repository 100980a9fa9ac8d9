"""Which key judgments the results can carry, and the section "What the data cannot tell".

Each candidate judgment of the brief is checked against the guard of the result it
rests on before it is stated:

* the ranking of options: withheld when the scenario run withheld it (exploded paths
  in an outcome the deciding motive uses); its caveats are stated with it;
* the phases: withheld when no change point survives the selection-adjusted test
  (``p_selection`` > :data:`ALPHA`), or when the peak or the last phase is bounded by a
  change point at a coverage edge (it may be the sources thinning out);
* the deterrence window: withheld when its two windows hold fewer than
  :data:`MIN_WINDOW_ATTACKS` attacks together (no rate ratio can say anything);
* a coupling of the fitted model: withheld when its interval is not finite, or when
  the model core warned about that parameter (at a bound, unidentified) or about a
  stream it joins (too thin in the fit window); every coupling when the fit did not
  converge or the window is shorter than :data:`MIN_MODEL_DAYS`; one whose effect
  halves more slowly than a third of the window (its duration is not identified).

What is withheld is listed, with the reason, in "What the data cannot tell", beside
the diagnostics of every stage (warnings first) and the events outside the window.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from redline.reports import judgments as J

__all__ = ["guarded_judgments", "cannot_tell_section", "ALPHA", "MIN_WINDOW_ATTACKS"]

#: Level at which a change point counts as found after the selection-adjusted test.
ALPHA = 0.05
#: Fewest attacks (before and after together) a deterrence judgment may rest on.
MIN_WINDOW_ATTACKS = 5
#: Fewest scored forecast origins a statement of forecast skill may rest on.
MIN_BACKTEST_ORIGINS = 5
#: Fewest days of a case window on which the fitted model's couplings are stated.
MIN_MODEL_DAYS = 60


def _phase_guard(ph) -> str | None:
    cp = ph.change_points
    if cp is None or cp.empty:
        return None
    if "p_selection" in cp and cp["p_selection"].notna().any():
        best = float(cp["p_selection"].min())
        if best > ALPHA:
            return (f"no change point of the series survives the test that accounts for the search "
                    f"(smallest selection-adjusted p = {best:.2g}); the phases may be noise")
    if "coverage_edge" in cp and cp["coverage_edge"].any():
        seg = ph.segments
        peak_i = int(seg["rate_per_day"].to_numpy().argmax())
        bounding = {peak_i, peak_i + 1, len(seg) - 1}  # change k starts segment k
        flagged = [k + 1 for k, e in enumerate(cp["coverage_edge"]) if e]
        if bounding & set(flagged):
            d = cp.loc[cp["coverage_edge"], "date"].iloc[0]
            return (f"the change point of {J.fmt_date(d)} lies at an edge of the stream's declared "
                    "coverage: the change may be the sources thinning out, not behaviour")
    return None


def _model_guard(res) -> str | None:
    """Why no coupling of the fitted model can be stated: the optimiser did not converge,
    or the window is too short to tell excitation from a rate that moves."""
    fit = getattr(res, "fit", None)
    model = getattr(fit, "model", None)
    if model is None:
        return None
    if getattr(model, "converged_", True) is False:
        return "the model's fit did not converge, so none of its estimates can be read"
    n_days = len(getattr(fit, "counts", ()))
    if 0 < n_days < MIN_MODEL_DAYS:
        return (f"the case window holds {n_days} days, too few (fewer than {MIN_MODEL_DAYS}) "
                "for the model to tell one stream provoking another from rates that move "
                "together")
    return None


def _half_life_guard(j, n_days: int) -> str | None:
    """Why one coupling cannot be read: its effect is estimated to last longer than a
    third of the window, so the data cannot show it wearing off."""
    hl = j.fields.get("hl")
    days = getattr(hl, "value", None)
    if days is None or not n_days or days <= n_days / 3:
        return None
    return (f"its effect is estimated to halve only every {days:.0f} days, more than a third "
            f"of the {n_days}-day window: the data cannot show how long it lasts")


def _fit_guard(res, src: str, tgt: str) -> str | None:
    """Why the fit cannot carry the coupling ``src -> tgt``: a warning of the model core
    about that parameter (at a bound, unidentified) or about a thin stream it joins."""
    diags = getattr(res, "diagnostics", None)
    if not diags or not src:
        return None
    for d in diags.at_least("warning"):
        if d.subject_kind == "parameter" and d.subject_id:
            kind, _, pair = d.subject_id.partition(":")
            if pair == f"{src}->{tgt}" and kind not in ("decay", "dispersion", "coef"):
                return d.message.rstrip(".")
        if d.subject_kind == "stream" and d.subject_id in (src, tgt) and d.code.startswith("fit."):
            return d.message.rstrip(".")
    return None


def _wave_span_guard(det, case) -> str | None:
    """Why a before/after comparison around the key wave means nothing: the "wave" is a
    stretch of near-continuous responses longer than the windows it is compared across,
    so "after" begins long after the responses began (a stream that is not a series of
    distinct strikes)."""
    wave = J.key_wave(det, case)
    if wave is None or det.waves is None or det.waves.empty:
        return None
    w = det.waves[det.waves["wave"] == wave]
    rates = det.rates[det.rates["wave"] == wave]
    if w.empty or rates.empty:
        return None
    days = int((w["end"].iloc[0] - w["start"].iloc[0]).days) + 1
    longest = int(rates["window_days"].max())
    if days <= longest:
        return None
    return (f"the responses run without a break for {days} days from "
            f"{J.fmt_date(w['start'].iloc[0])} to {J.fmt_date(w['end'].iloc[0])}, longer than the "
            f"{longest}-day windows compared: there is no distinct wave to look before and after")


def guarded_judgments(res) -> tuple[list[J.Judgment], list[dict[str, str]]]:
    """Candidate key judgments that pass their guards, and those withheld with reasons."""
    labels, by_id = res.labels, res.sources_by_id
    cands: list[J.Judgment] = []
    held: list[dict[str, str]] = []
    r = res.scenario_result
    if r is not None:
        from redline.reports.implications import scenario_judgments
        cands += scenario_judgments(res)
        if getattr(r, "ranking_withheld", None):
            held.append({"what": "Which option ranks first by the motives of "
                                 f"{res.case.actor(r.actor).name}",
                         "why": "; ".join(r.ranking_withheld)})
    if res.deterrence is not None:
        j = J.deterrence_judgment(res.deterrence, res.case, by_id, labels, res.proper)
        if j is not None:
            n = sum(q.value for q in j.quantities if q.key.endswith((".attacks_after", ".attacks_before")))
            span = _wave_span_guard(res.deterrence, res.case)
            if span:
                held.append({"what": "Whether attacks changed after the key wave of responses",
                             "why": span})
            elif n < MIN_WINDOW_ATTACKS:
                held.append({"what": "Whether attacks changed after the key wave of responses",
                             "why": f"its two windows hold only {int(n)} attacks together"})
            else:
                cands.append(j)
    if res.phases is not None:
        label = labels.get(res.phases.stream, res.phases.stream)
        why = _phase_guard(res.phases)
        if why:
            held.append({"what": f"The phases of {res.noun(label)}", "why": why})
        else:
            window = getattr(res, "window", None)
            j = J.phase_judgment(res.phases, by_id, label, window=window)
            cands += [j] if j else []
    if res.coupling is not None:
        rows = {f"coupling.{r.source}.{r.target}": (r.source, r.target)
                for r in res.coupling.itertuples(index=False)}
        model = res.fit.model if getattr(res, 'fit', None) is not None else None
        whole = _model_guard(res)
        if whole:
            held.append({"what": "Who provokes or deters whom, by the fitted model", "why": whole})
        n_days = len(getattr(res.fit, "counts", ())) if getattr(res, "fit", None) is not None else 0
        for j in [] if whole else J.coupling_judgments(res.coupling, labels, res.stream_ids,
                                                       by_id, res.proper, model=model):
            q = j.fields["q"]
            failed = _fit_guard(res, *rows.get(j.key, ("", ""))) or _half_life_guard(j, n_days)
            if not (q.has_interval and np.isfinite([q.low, q.high]).all()):
                failed = failed or "the fitted model gives it no finite interval"
            if failed:
                held.append({"what": f"The effect of {j.fields['src']} on {j.fields['tgt']}",
                             "why": failed})
            else:
                cands.append(j)
    for rec in res.reciprocity[-1:]:
        j = J.reciprocity_judgment(rec, labels, by_id, proper=res.proper)
        cands += [j] if j else []
    if res.backtest is not None:
        scored = int(res.backtest.scores["origin"].nunique()) if len(res.backtest.scores) else 0
        if scored < MIN_BACKTEST_ORIGINS:
            held.append({"what": "How well the model forecasts",
                         "why": f"only {scored} forecast origin{'s' if scored != 1 else ''} could "
                                f"be scored (a skill and its interval need at least "
                                f"{MIN_BACKTEST_ORIGINS})"})
        else:
            ids = [i for s in res.fit.counts.columns for i in res.stream_ids.get(s, [])]
            refs = list(dict.fromkeys(x for i in ids for x in by_id.get(i, [])))
            j = J.skill_judgment(res.backtest, res.backtest_settings.get("horizon", 14),
                                 sources=refs)
            cands += [j] if j else []
    if res.coverage:
        label = labels.get(res.attack_stream, res.attack_stream) if res.attack_stream else "events"
        j = J.coverage_judgment(res.coverage, res.noun(label))
        cands += [j] if j else []
    return cands, held


def cannot_tell_section(res, withheld: list[dict[str, str]]) -> dict[str, Any]:
    """Context of the section "What the data cannot tell"."""
    diags = list(res.diagnostics)
    order = {"error": 0, "warning": 1, "info": 2}
    diags.sort(key=lambda d: order.get(d.severity, 3))
    window = getattr(res, "window", None)
    outside = window.sentences(res.labels) if window is not None else []
    coarse = []
    if getattr(res, "precision", None) is not None:
        for row in res.precision.itertuples(index=False):
            if row.coarse:
                coarse.append(f"{row.coarse} of the {row.events} events of "
                              f"“{res.labels.get(row.stream, row.stream)}” ({100 * row.share:.0f}%)")
    names = {**{a.id: a.name for a in getattr(res.case, "actors", [])},
             **{c.name: res.covariate_label(c.name) for c in getattr(res.case, "covariates", [])
                if hasattr(res, "covariate_label")},
             **{k: f"“{v}”" for k, v in res.labels.items()}}
    # streams and covariates are named wherever they stand; actor ids, which can be words
    always = set(res.labels) | {c.name for c in getattr(res.case, "covariates", [])}
    # an id in quotes ('us_strikes') loses its quotes when the name brings its own (“...”)
    pattern = re.compile(r"'?(?<![\w“])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")(?![\w”])'?") if names else None

    def name_of(m: re.Match) -> str:
        # a one-word id ("is", "us", "attacks") is also an English word: replaced only
        # where the message quotes it or pairs it ("a->b") as an id; ids with "_" or a
        # digit anywhere
        ident, whole, text = m.group(1), m.group(0), m.string
        quoted = whole.startswith("'") and whole.endswith("'")
        arrow = text[max(0, m.start() - 2):m.start()] == "->" or text[m.end():m.end() + 2] == "->"
        if quoted or arrow or ident in always or re.search(r"[_\d]", ident):
            return names[ident]
        return whole

    def readable(msg: str) -> str:
        """Ids in a diagnostic's message written as the case writes the names."""
        return pattern.sub(name_of, msg) if pattern else msg

    # The backtest refits the model at every origin: the same finding about the same
    # subject then repeats with other counts.  One line per code and subject, with how
    # many more fits said the same.
    shown: list[dict[str, Any]] = []
    seen: dict[tuple, dict[str, Any]] = {}
    for d in diags:
        if d.code in ("analysis.events_outside_window", "analysis.imprecise_dates"):
            continue
        key = (d.code, d.subject_kind, d.subject_id)
        if key in seen and d.subject_id is not None:
            seen[key]["repeats"] += 1
            continue
        row = {"code": d.code, "severity": d.severity, "message": readable(d.message),
               "repeats": 0}
        seen[key] = row
        shown.append(row)
    for row in shown:
        if row["repeats"]:
            n = row["repeats"]
            row["message"] += (f" (the same for {n} more {'fit' if n == 1 else 'fits'}, "
                               "such as the backtest's refits at each origin)")
    withheld = [{**w, "why": readable(w["why"])} for w in withheld]
    return {"withheld": withheld, "outside": outside, "coarse": coarse, "diagnostics": shown}
