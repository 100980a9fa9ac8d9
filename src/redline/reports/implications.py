"""The Implications section and the scenario's key judgments, from a ScenarioResult."""

from __future__ import annotations

from typing import Any

import pandas as pd

from redline.reports import charts
from redline.reports.judgments import Judgment, Quantity, countable, fmt_date, fmt_num
from redline.reports.sources import SourceList

__all__ = ["implications_section", "scenario_judgments", "option_ref", "FRAGILE_P_FIRST"]

#: Below this chance of coming first (under parameter or weight uncertainty), the key
#: judgment calls the ranking fragile instead of naming a winner.
FRAGILE_P_FIRST = 0.5


def _opt_label(o: dict) -> str:
    return f"({o['id']}) {o['label']}"


def option_ref(o: dict | Any) -> str:
    """An option inside a sentence: ``option c (“(b) plus targeted killing …”)``.

    The id and the label stay apart, so a label that itself names an option ("(b) plus
    ...") never runs into the id.
    """
    oid = o["id"] if isinstance(o, dict) else o.id
    label = o["label"] if isinstance(o, dict) else o.label
    return f"option {oid} (“{label}”)" if label and label != oid else f"option {oid}"


def _objective_label(motive, objective_id: str | None) -> str:
    for ob in (motive.objectives if motive else []):
        if ob.id == objective_id:
            return ob.label
    return str(objective_id or "").replace("_", " ")


def _leader(p: dict[str, float]) -> tuple[str | None, float]:
    if not p:
        return None, float("nan")
    k = max(p, key=lambda o: p[o])
    return k, float(p[k])


def _metric_sources(spec) -> list[str]:
    out: list[str] = []
    for a in spec.assumptions:
        out += [s for s in a.sources if s not in out]
    return out


#: How a simulated share is made, in words (the hover text of each option's number).
_PATH_SHARE = ("Share of simulated paths where it happens; the interval spans 5-95% of batch means, "
               "each batch with its own draw of the model's parameters.")


def scenario_judgments(res) -> list[Judgment]:
    """Ranking with its sensitivity, pause probabilities per option, the scenario backtest."""
    r, spec = res.scenario_result, res.scenario
    out: list[Judgment] = []
    opts = {o["id"]: o for o in r.options}
    actor = res.case.actor(r.actor).name
    motive = spec.motive(r.actor) if hasattr(spec, "motive") else None
    motive_refs = [s for ob in (motive.objectives if motive else []) for s in ob.sources]
    if r.ranking and not getattr(r, "ranking_withheld", None):
        out.append(_ranking_judgment(res, opts, actor, motive, motive_refs))
    pause = [m for m in spec.metrics if m.kind == "p_pause"]
    if pause:
        m = pause[0]
        key = f"scenario.{m.id}"
        fields = {"label": res.noun(m.label)}
        parts = []
        for o in r.options:
            d = o["outcomes"][m.id]
            lo, hi = d.get("headline_interval", d["interval"])
            fields[f"o_{o['id']}"] = Quantity(f"{key}.{o['id']}", float(d.get("headline", d["mean"])),
                                              float(lo), float(hi), kind="share",
                                              level=float(d.get("interval_level", 0.90)),
                                              basis=f"ScenarioResult.options[{o['id']}].outcomes.{m.id}",
                                              how=_PATH_SHARE)
            parts.append(f"({o['id']}) {{o_{o['id']}}}")
        fields["h"] = Quantity(key + ".horizon", float(spec.horizon_days), kind="count")
        fields["d"] = Quantity(key + ".min_days", float(m.min_days or 1), kind="count")
        fields["stream"] = res.noun(res.labels.get(m.stream, m.stream)) if m.stream else "events"
        t = ("Simulated over {h} days, the chance that {stream} pause for at least {d} days in a "
             "row, by option: " + "; ".join(parts) + ".")
        out.append(Judgment(key=key, template=t, fields=fields, sources=_metric_sources(spec)[:6],
                            section="implications", priority=6,
                            basis="run_scenario(): share of paths; interval 5-95% of batch means",
                            how=_PATH_SHARE))
    bt = r.backtest
    if bt and bt.get("simulated"):
        key = "scenario.backtest"
        q = bt["simulated"]["quantiles"]
        opt = opts.get(bt["option"], {"id": bt["option"], "label": bt["option"]})
        a, b = bt["window"].split("..")
        ids = [i for i in res.stream_ids.get(bt["stream"], [])
               if a <= str(res.events.set_index("event_id").at[i, "date"])[:10] <= b]
        refs = [s for i in ids for s in res.sources_by_id.get(i, [])]
        out.append(Judgment(
            key=key, section="implications", priority=8,
            basis="run_scenario() backtest: fitted to fit_end, option simulated, observed placed",
            how=("The model was fitted only to the data before the option was taken, the option was "
                 "simulated from there, and what then happened was placed in the simulated range."),
            template=("Check against what happened: fitted up to {fit_end} and run with {opt}, "
                      "the model's median was {mean} {stream} from {a} to {b}; the case records {obs}, "
                      "below the simulated range: the model did not foresee how few there would be."
                      if bt["observed"] < q["q05"] else
                      "Check against what happened: fitted up to {fit_end} and run with {opt}, "
                      "the model's median was {mean} {stream} from {a} to {b}; the case records {obs}, "
                      "above the simulated range: the model did not foresee how many there would be."
                      if bt["observed"] > q["q95"] else
                      "Check against what happened: fitted up to {fit_end} and run with {opt}, "
                      "the model's median was {mean} {stream} from {a} to {b}; the case records {obs}."),
            fields={"fit_end": pd.Timestamp(bt["fit_end"]), "opt": option_ref(opt),
                    "mean": Quantity(key + ".median", float(q["q50"]), float(q["q05"]), float(q["q95"]),
                                     kind="count", level=0.90, basis="ScenarioResult.backtest.simulated",
                                     how="Median and 5-95% range of the simulated counts."),
                    "stream": countable(res.noun(res.labels.get(bt["stream"], bt["stream"]))),
                    "a": pd.Timestamp(a), "b": pd.Timestamp(b),
                    "obs": Quantity(key + ".observed", float(bt["observed"]), kind="count")},
            sources=refs))
    return out


def _ranking_judgment(res, opts: dict, actor: str, motive, motive_refs: list[str]) -> Judgment:
    """The top option by mean score, said to be close or fragile when it is.

    The ranking is fragile when the top option comes first in fewer than
    :data:`FRAGILE_P_FIRST` of the parameter draws (batches of paths) or of the weight
    draws; the judgment then names the option that comes first more often, with both
    chances, instead of saying that the top option "ranks first".
    """
    r = res.scenario_result
    top = r.ranking[0]
    tid = top["option"]
    second = r.ranking[1] if len(r.ranking) > 1 else None
    pf_w = {k: float(v) for k, v in (r.sensitivity.get("p_first") or {}).items()}
    pf_p = {x["option"]: float(x["p_first_parameters"]) for x in r.ranking
            if x.get("p_first_parameters") is not None}
    key = f"scenario.ranking.{tid}"

    def q_w(oid: str) -> Quantity:
        return Quantity(f"scenario.ranking.{oid}.p_first_weights", pf_w.get(oid, float("nan")),
                        kind="share", basis="ScenarioResult.sensitivity.p_first",
                        how="Share of random draws of the motive weights in which this option "
                            "scores best.")

    def q_p(oid: str) -> Quantity:
        return Quantity(f"scenario.ranking.{oid}.p_first_parameters", pf_p.get(oid, float("nan")),
                        kind="share", basis="ScenarioResult.ranking[].p_first_parameters",
                        how="Share of simulated batches, each with its own draw of the model's "
                            "parameters, in which this option scores best.")

    fields: dict[str, Any] = {
        "actor": actor, "opt": option_ref(opts[tid]),
        "score": Quantity(key + ".score", float(top["score"]), float(top["low"]), float(top["high"]),
                          kind="signed", digits=3, level=0.90, basis="ScenarioResult.ranking[0]",
                          how="Mean of the option's motive score over the simulated paths; the "
                              "interval spans 5-95% of the batch means."),
        "pp": q_p(tid), "pw": q_w(tid),
        "n": Quantity(key + ".draws", float(r.sensitivity.get("draws", 0)), kind="count")}
    p_lead, _ = _leader(pf_p)
    w_lead, _ = _leader(pf_w)
    fragile = (pf_p.get(tid, 1.0) < FRAGILE_P_FIRST) or (pf_w.get(tid, 1.0) < FRAGILE_P_FIRST)
    if fragile:
        only = "only " if pf_p.get(tid, 1.0) < FRAGILE_P_FIRST else ""
        t = ("Scored by the weighted motives of {actor}, {opt} has the highest mean score, {score}, "
             "but the ranking is close and should not decide anything on its own: with the model's "
             "parameters uncertain it comes first in " + only + "{pp} of simulated batches")
        if p_lead is not None and p_lead != tid:
            fields["p_lead"], fields["pp_lead"] = option_ref(opts[p_lead]), q_p(p_lead)
            t += ", against {pp_lead} for {p_lead}"
        t += (", and with the weights varied in " + ("only " if pf_w.get(tid, 1.0) < FRAGILE_P_FIRST else "")
              + "{pw} of {n} draws")
        if w_lead is not None and w_lead != tid:
            fields["w_lead"] = option_ref(opts[w_lead]) if w_lead != p_lead else f"option {w_lead}"
            fields["pw_lead"] = q_w(w_lead)
            t += ", against {pw_lead} for {w_lead}"
    else:
        t = ("Scored by the weighted motives of {actor}, {opt} ranks first with a score of {score}; "
             "it stays first in {pp} of simulated batches with the model's parameters uncertain "
             "and in {pw} of {n} draws of the weights")
    flip = r.sensitivity.get("flip_top_two") or {}
    tie = second is not None and (flip.get("weight_shift") == 0 or
                                  abs(float(second["score"]) - float(top["score"])) < 1e-12)
    if tie and second is not None:  # (a tie needs a second option)
        fields["second"] = option_ref(opts[second["option"]])
        t += "; it ties with {second}, which scores the same, so the motives do not separate them."
    elif second is not None and flip.get("weight_shift") is not None and flip.get("to"):
        fields["shift"] = Quantity(key + ".flip_shift", float(flip["weight_shift"]), digits=2,
                                   basis="ScenarioResult.sensitivity.flip_top_two",
                                   how="The smallest shift of weight to one motive that puts the "
                                       "second option first.")
        fields["to"] = _objective_label(motive, flip.get("to"))
        sid = second["option"]
        named = {fields.get("p_lead"), fields.get("w_lead")}
        fields["second"] = (f"option {sid}" if any(str(x).startswith(f"option {sid} ") for x in named if x)
                            else option_ref(opts[sid]))
        t += "; moving {shift} of weight to “{to}” puts {second} first."
    else:
        t += "."
    caveats = [c for c in (getattr(r, "ranking_caveats", []) or [])
               if isinstance(c, dict) and c.get("kind") == "thin_normalisation"]
    for k, c in enumerate(caveats):
        fields[f"cav_label{k}"] = c["label"]
        fields[f"cav_h{k}"] = Quantity(f"{key}.caveat{k}.history", float(c["history"]), kind="count",
                                       basis="ScenarioResult.ranking_caveats",
                                       how="Events in the history that scales this motive's score.")
        fields[f"cav_f{k}"] = Quantity(f"{key}.caveat{k}.floor", float(c["floor"]), kind="count",
                                       basis="redline.scenarios.motives.MIN_HISTORY_EVENTS",
                                       how="The smallest history the scaling allows: fewer events "
                                           "count as this many.")
        noun = "event" if c["history"] == 1 else "events"
        t += (" Read it with care: " if k == 0 else " Also, ") + (
            f"“{{cav_label{k}}}” is scaled by a history of only {{cav_h{k}}} {noun}, "
            f"raised to {{cav_f{k}}}.")
    return Judgment(key=key, template=t, fields=fields, sources=motive_refs,
                    section="implications", priority=5,
                    basis="run_scenario(): motive scores; P(first) over batches and Dirichlet weight draws",
                    how=("Each option's simulated outcomes scored by the actor's weighted motives; how "
                         "often each comes first is counted over batches and over random draws "
                         "of the weights."))


def _fan_rows(r, stream: str, labels: dict[str, str]) -> list[dict]:
    rows = []
    for o in r.options:
        f = r.fan.get(o["id"], {}).get(stream)
        if not f:
            continue
        cum = f["cumulative"]
        for d in range(len(f["dates"])):
            rows.append({"option": o["id"], "title": f"{o['id']}: {o['label']}", "day": d + 1,
                         **{k: cum[k][d] for k in ("q05", "q25", "q50", "q75", "q95")}})
    return rows


def implications_section(res, src: SourceList) -> dict[str, Any]:
    r, spec = res.scenario_result, res.scenario
    labels = res.labels
    fans = []
    for stream in r.model.get("streams", [])[:2]:
        rows = _fan_rows(r, stream, labels)
        if rows:
            fans.append({"stream": labels.get(stream, stream),
                         "chart": charts.fan_spec(rows, "cumulative events")})
    metrics = r.metrics
    outcome_rows = []
    for o in r.options:
        cells = []
        for m in metrics:
            d = o["outcomes"][m["id"]]
            prob = "probability" in d
            kind = "share" if prob else "number"
            lo, hi = d.get("headline_interval", d["interval"])
            median = d.get("headline_stat") == "median"
            cells.append({"mean": fmt_num(d.get("headline", d["mean"]), kind) + (" (median)" if median else ""),
                          "interval": f"{fmt_num(lo, kind)}–{fmt_num(hi, kind)}"
                                      + (" of paths" if median else "")})
        outcome_rows.append({"id": o["id"], "label": o["label"], "cells": cells})
    actor = r.actor
    motive = spec.motive(actor)
    objectives = list(motive.objectives) if motive else []
    per = r.motives.get(actor, {}).get("per_option", {})
    pf_w = r.sensitivity.get("p_first", {})
    rank = {x["option"]: x for x in r.ranking}
    motive_rows = []
    for o in sorted(r.options, key=lambda o: rank.get(o["id"], {}).get("rank", 99)):
        rk = rank.get(o["id"], {})
        motive_rows.append({
            "id": o["id"], "label": o["label"], "rank": rk.get("rank"),
            "first_params": rk.get("p_first_parameters", 0.0) >= FRAGILE_P_FIRST,
            "first_weights": pf_w.get(o["id"], 0.0) >= FRAGILE_P_FIRST,
            "cells": [fmt_num(per.get(o["id"], {}).get(ob.id, {}).get("utility", float("nan")), "signed")
                      for ob in objectives],
            "score": fmt_num(rk.get("score", float("nan")), "signed", 3),
            "interval": f"{fmt_num(rk.get('low', float('nan')), 'signed', 3)} to "
                        f"{fmt_num(rk.get('high', float('nan')), 'signed', 3)}",
            "p_first_params": fmt_num(rk.get("p_first_parameters", float("nan")), "share"),
            "p_first_weights": fmt_num(pf_w.get(o["id"], float("nan")), "share")})
    others = []
    for a_id in r.motives:
        if a_id == actor:
            continue
        others.append({"actor": res.case.actor(a_id).name,
                       "scores": [{"id": o["id"], "score": fmt_num(o["motives"][a_id]["score"], "signed", 3)}
                                  for o in r.options if a_id in o["motives"]]})
    flip = r.sensitivity.get("flip_top_two") or {}
    if not flip.get("to"):
        flip = {}  # a tie (or no reweighting flips the order): nothing to move
    bt = r.backtest
    return {
        "name": r.scenario, "title": r.title, "description": spec.description,
        "actor": res.case.actor(actor).name, "decision_day": fmt_date(spec.decision_day),
        "horizon": spec.horizon_days, "paths": r.settings.get("paths"),
        "options": [{"id": o.id, "label": o.label, "description": o.description,
                     "n": len(o.interventions)} for o in spec.options],
        "fans": fans, "metrics": metrics, "outcomes": outcome_rows,
        "objectives": [{"label": ob.label, "weight": ob.weight, "direction": ob.direction,
                        "cites": src.markup(ob.sources, use=f"motive: {ob.label}")} for ob in objectives],
        "motive_rows": motive_rows, "others": others,
        "withheld": list(getattr(r, "ranking_withheld", []) or []),
        "tie": bool(r.ranking) and len(r.ranking) > 1
               and abs(float(r.ranking[0]["score"]) - float(r.ranking[1]["score"])) < 1e-12,
        "flip": {"shift": fmt_num(flip["weight_shift"]), "from": "; ".join(
                     f"“{_objective_label(motive, x['objective'])}” ({fmt_num(x['amount'])})"
                     for x in flip.get("from", [])),
                 "to": f"“{_objective_label(motive, flip.get('to'))}”", "first": flip.get("first"),
                 "second": flip.get("second"), "fragile": _fragile(r)}
        if flip.get("weight_shift") is not None else None,
        "concentration": r.sensitivity.get("concentration"), "draws": r.sensitivity.get("draws"),
        "backtest": None if not bt else {
            "option": bt["option"],
            "window": " – ".join(fmt_date(d) for d in bt["window"].split("..")),
            "observed": bt["observed"], "median": fmt_num(bt["simulated"]["quantiles"]["q50"], "count"),
            "stream": res.noun(res.labels.get(bt["stream"], bt["stream"])),
            "low": fmt_num(bt["simulated"]["quantiles"]["q05"], "count"),
            "high": fmt_num(bt["simulated"]["quantiles"]["q95"], "count"),
            "quantile": fmt_num(bt["quantile"], "share"),
            "missing": [res.covariate_phrase(c["covariate"]) for c in bt.get("covariates_not_in_model", [])]},
    }


def _fragile(r) -> bool:
    """The top option comes first in under :data:`FRAGILE_P_FIRST` of the parameter or
    weight draws (the rule of the ranking judgment)."""
    if not r.ranking:
        return False
    top = r.ranking[0]
    p_w = (r.sensitivity.get("p_first") or {}).get(top["option"], 1.0)
    return min(top.get("p_first_parameters", 1.0), p_w) < FRAGILE_P_FIRST
