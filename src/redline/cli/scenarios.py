"""Commands over scenarios: simulate the options of a scenario, list a case's scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer

from redline.cli.app import app, console, err_console, store_for_case
from redline.cli.options import writable_dir
from redline.cli.render import frame_table, print_diagnostics


@app.command()
def simulate(
    scenario: str = typer.Argument(..., help="A scenario file, or the name of a scenario a built-in case ships (e.g. after-tower-22)."),
    paths: int = typer.Option(10000, "--paths", help="Simulated paths per option."),
    seed: int = typer.Option(1, "--seed", min=0, help="Random seed; the same seed gives the same output."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (options, ranking, sensitivity, backtest, ...)."),
    out: Path | None = typer.Option(None, "--out", help="Also write result.json, outcomes.csv, motives.csv, fan.csv and assumptions.csv to this folder."),
    no_backtest: bool = typer.Option(False, "--no-backtest", help="Skip the scenario's backtest."),
) -> None:
    """Run every option of a scenario through the fitted model and score the actors' motives."""
    from redline.scenarios import load_scenario, run_scenario

    writable_dir(out, "--out")
    spec, case = load_scenario(scenario)
    store = store_for_case(spec.case)
    result = run_scenario(spec, case, store, n_paths=paths, seed=seed, progress=paths >= 2000,
                          backtest=not no_backtest, console=err_console)
    if out is not None:
        _write(result, out)
    if as_json:
        print(json.dumps(result.to_dict(fan=False), indent=1, sort_keys=False))
        return
    _print(result)
    if out is not None:
        console.print(f"wrote result.json, outcomes.csv, motives.csv, fan.csv, assumptions.csv to {out}")


def _print(result) -> None:
    s = result.settings
    console.rule(f"{result.title}")
    console.print(f"case {result.case} · decision day {s['decision_day']} · horizon {s['horizon_days']} days · "
                  f"{s['paths']:,} paths per option in {s['batches']} parameter draws ({result.model['uncertainty']}) · "
                  f"seed {s['seed']}")
    m = result.model
    coup = ", ".join(f"{c['source']} → {c['target']} {c['effect']:.3f}" for c in m["coupling"])
    base = ", ".join(f"{k} {v:.3f}" for k, v in m["baseline"].items())
    console.print(f"model (the scenario's own settings): DailyHawkes, {m['link']} link, {m['family']}, "
                  f"fitted {m['fit_window']}; baseline (events per day) {base}; "
                  f"couplings (extra events per source event) {coup}", highlight=False)
    f = result.fatality
    if f:
        console.print(f"fatality per attack: {f['killed']} of {f['known']} attacks with known casualties "
                      f"killed ({f['window']}) → Beta({f['a']:g}, {f['b']:g}), mean {f['mean']:.3f}")
    labels = {x["id"]: x["label"] for x in result.metrics}
    table = result.outcome_table().drop(columns=["label"])
    console.print(frame_table(table, title="Outcomes: mean [5%, 95%: parameter draws and Monte Carlo error]; "
                              "median [5%, 95% of paths] where paths exploded", max_width=24))
    console.print(", ".join(f"{k}: {v}" for k, v in labels.items()), style="dim")
    console.print(frame_table(pd.DataFrame([{"option": o["id"], "label": o["label"]} for o in result.options]),
                              title="Options", max_width=90))
    console.print(frame_table(result.motive_table(),
                              title="Motive scores (higher = better for the actor) [5%, 95%]", max_width=28))
    rk = pd.DataFrame(result.ranking)
    if getattr(result, "ranking_withheld", None):
        console.print("[bold]Ranking withheld:[/] " + "; ".join(result.ranking_withheld), highlight=False)
    if len(rk):
        console.print(frame_table(rk, title=f"Ranking by the motives of {result.actor}"))
    sens = result.sensitivity
    if sens:
        pf = ", ".join(f"{k} {v:.3f}" for k, v in sens["p_first"].items())
        console.print(f"Sensitivity (weights ~ Dirichlet, concentration {sens['concentration']:g}, "
                      f"{sens['draws']} draws): P(ranks first) {pf}")
        fl = sens.get("flip_top_two")
        if fl:
            if not fl.get("to") and fl["weight_shift"] is not None:
                console.print(f"{fl['first']} and {fl['second']} score the same: a tie that no "
                              "weighting of the objectives separates.")
            elif fl["weight_shift"] is None:
                console.print(f"No reweighting of {result.actor}'s objectives puts {fl['second']} above {fl['first']}.")
            else:
                moves = ", ".join(f"{x['amount']:.3f} from {x['objective']}" for x in fl["from"])
                console.print(f"Smallest weight change that puts {fl['second']} level with {fl['first']}: "
                              f"move {fl['weight_shift']:.3f} of the total weight ({moves}) to {fl['to']}.")
    bt = result.backtest
    if bt:
        sim = bt["simulated"]
        q = sim["quantiles"]
        console.print(f"Backtest: fitted to {bt['fit_end']}, option {bt['option']}: {bt['stream']} "
                      f"{bt['window']} observed {bt['observed']}, simulated median {q['q50']:g} "
                      f"(5-95% {q['q05']:g}-{q['q95']:g}); observed quantile {bt['quantile']:.4f}.")
        for c in bt["covariates_not_in_model"]:
            console.print(f"  not in the model: {c['covariate']} (from {c['start']}, "
                          f"{c['days_active_in_fit_window']} days inside the fit window): {c['description']}")
    console.print("[bold]Assumptions[/] (every number not fitted from data)")
    for a in result.assumptions:
        unit = f" {a['unit']}" if a["unit"] else ""
        src = f" [{', '.join(a['sources'])}]" if a["sources"] else ""
        console.print(f"- {a['id']} = {a['value']:g}{unit}: {a['justification'].strip()}{src}",
                      highlight=False, soft_wrap=True)
    diags = getattr(result, "diagnostics", None)
    if diags:
        console.print("[bold]Diagnostics[/] (what the run could not support; docs/diagnostics.md)")
        print_diagnostics(console, diags, prefix="- ")


def _write(result, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps(result.to_dict(), indent=1), encoding="utf-8")
    result.outcome_table().to_csv(out / "outcomes.csv", index=False)
    result.motive_table().to_csv(out / "motives.csv", index=False)
    result.assumption_table().to_csv(out / "assumptions.csv", index=False)
    rows = []
    for oid, streams in result.fan.items():
        for s, f in streams.items():
            for k, d in enumerate(f["dates"]):
                rows.append({"option": oid, "stream": s, "date": d, "mean": f["mean"][k],
                             **{f"daily_{q}": v[k] for q, v in f["daily"].items()},
                             **{f"cumulative_{q}": v[k] for q, v in f["cumulative"].items()}})
    pd.DataFrame(rows).to_csv(out / "fan.csv", index=False)


@app.command()
def options(
    case: str = typer.Argument(..., help="Case name or folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List the scenarios a case ships, with their options."""
    from redline.data.case import load_case
    from redline.scenarios import case_scenarios, load_scenario

    c = load_case(case)
    rows = []
    for name, path in case_scenarios(c).items():
        spec, _ = load_scenario(path)
        for o in spec.options:
            rows.append({"scenario": name, "decision_day": str(spec.decision_day),
                         "horizon_days": spec.horizon_days, "actor": o.actor or spec.actor,
                         "option": o.id, "label": o.label, "interventions": len(o.interventions)})
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    if not rows:
        console.print(f"case {c.name} ships no scenarios")
        return
    df = pd.DataFrame(rows)
    for name, g in df.groupby("scenario", sort=False):
        first = g.iloc[0]
        console.rule(f"{name} · decision day {first['decision_day']} · {first['horizon_days']} days")
        console.print(frame_table(g[["option", "actor", "label", "interventions"]],
                                  title=f"`redline simulate {name}` runs these options"))
