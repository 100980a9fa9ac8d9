"""The analyze command: phases, action-reaction, deterrence and the actor network of a case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import typer
from rich.markup import escape as esc

from redline.cli.app import app, console, store_for_case
from redline.cli.options import parse_date, writable_dir
from redline.cli.render import frame_table
from redline.errors import InputError


def _ints(text: str, field: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"invalid list of days {text!r}", field=field,
                         expected="whole numbers separated by commas, e.g. 7,14,28") from None




def _interval(lo, hi, fmt="{:.2f}") -> str:
    if lo is None or pd.isna(lo):
        return ""
    h = "inf" if hi is None or pd.isna(hi) or hi == float("inf") else fmt.format(hi)
    return f"{fmt.format(lo)} .. {h}"


@app.command()
def analyze(
    case: str = typer.Argument(..., help="Case name or folder."),
    attack: str | None = typer.Option(None, help="Attack stream (default: the case's first model stream)."),
    strike: str | None = typer.Option(None, help="Response stream (default: the case's second model stream)."),
    pair: list[str] | None = typer.Option(None, "--pair", help="ACTION:REACTION streams to pair; repeat for more."),
    window: int = typer.Option(14, "--reaction-window", help="Longest reaction lag, days."),
    windows: str = typer.Option("7,14,28", help="Window lengths around strike waves, days."),
    gap: int = typer.Option(3, help="Strikes at most this many days apart form one wave."),
    start: str | None = typer.Option(None, "--from", help="Analysis window start, YYYY-MM-DD (default: the case's)."),
    end: str | None = typer.Option(None, "--to", help="Analysis window end, YYYY-MM-DD."),
    no_model: bool = typer.Option(False, "--no-model", help="Skip the Hawkes fit of the deterrence view."),
    seed: int = typer.Option(0, min=0, help="Random seed of the Monte Carlo tests."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as one JSON object."),
    out: Path | None = typer.Option(None, "--out", help="Write every table as CSV, and analysis.json, into DIR."),
) -> None:
    """Escalation phases, action-reaction, deterrence around strike waves, and the actor network."""
    from redline.analysis.report import analyze as run

    writable_dir(out, "--out")
    pairs = None
    if pair:
        pairs = []
        for p in pair:
            if ":" not in p:
                raise InputError(f"invalid pair {p!r}", field="--pair", expected="ACTION:REACTION")
            a, b = p.split(":", 1)
            pairs.append((a.strip(), b.strip()))
    store = store_for_case(case)
    with console.status("analysing…"):
        result = run(store, case, attack=attack, strike=strike, pairs=pairs, reaction_window=window,
                     windows=_ints(windows, "--windows"), gap_days=gap, fit_model=not no_model,
                     start=parse_date(start, "--from"), end=parse_date(end, "--to"), random_state=seed)
    if out is not None:
        written = result.write(out)
    if as_json:
        print(result.to_json())
        return
    _show(result)
    if out is not None:
        console.print(f"wrote {len(written)} files to {out}")


def _show(r) -> None:
    console.rule(f"{r.case.name} · {r.start} .. {r.end}")
    tot = r.totals()[["scope", "events", "killed", "injured", "intensity"]]
    console.print(frame_table(tot, title="Totals (casualties: sums of the values the sources give; "
                              "--out DIR for by-side columns)"))
    ph = r.phases
    seg = ph.segments.assign(**{"rate 95%": [_interval(a, b) for a, b in zip(ph.segments.rate_low, ph.segments.rate_high)]})
    seg = seg[["start", "end", "days", "events", "rate_per_day", "rate 95%", "dispersion"]]
    console.print(frame_table(seg, title=f"Phases of {ph.stream}"))
    if len(ph.change_points):
        cp = ph.change_points.assign(**{"date 95%": [f"{a:%Y-%m-%d} .. {b:%Y-%m-%d}" for a, b in
                                                      zip(ph.change_points.date_low, ph.change_points.date_high)]})
        console.print(frame_table(cp[["date", "direction", "rate_before", "rate_after", "p_value", "date 95%"]],
                                  title="Change points"))
    console.print(f"[dim]{esc(ph.method)}[/]")
    for note in ph.notes:
        console.print(f"[yellow]note:[/] {esc(note)}")
    for rc in r.reciprocity:
        s = rc.summary
        t = rc.by_k[["k", "n_actions", "observed", "chance", "ratio", "p_value"]].rename(
            columns={"k": "within k days", "observed": "P(reaction)", "chance": "P by chance"})
        console.print(frame_table(t, title=(
            f"{rc.action} → {rc.reaction}: {s['with_reaction']}/{s['actions']} actions followed within "
            f"{rc.window} days, median lag {s['median_lag_days']} days "
            f"(circular-shift test over {rc.n_shifts} shifts, {rc.span_start:%Y-%m-%d}..{rc.span_end:%Y-%m-%d})")))
    d = r.deterrence
    console.print(frame_table(_wave_table(d.rates), title=(
        f"Attacks ({d.attack}) around strike waves ({d.strike}; strikes ≤ {d.gap_days} days "
        "apart form a wave): rate ratio after/before with an exact 95% CI"), max_rows=40))
    conf = sorted({x.split(" (")[0] for c in d.rates.confounders for x in c})
    if conf:
        console.print(f"[dim]windows overlap these covariates of the case: {', '.join(conf)}; "
                      "counts, p-values and event ids: --json or --out DIR[/]")
    fits = [f for f in d.model.get("fits", []) if "error" not in f]
    if fits:
        mt = pd.DataFrame([{"fit": f["label"], "strike → attack effect": f["effect"],
                            "95%": _interval(f["low"], f["high"], "{:+.2f}"), "verdict": f["verdict"]}
                           for f in fits])
        console.print(frame_table(mt, title=d.model["model"]))
    console.print("[bold]What the numbers support[/]")
    for line in d.statements:
        console.print(f"• {line.strip()}", highlight=False)
    n = r.network
    console.print("[bold]Sponsor chains[/] (sponsors, then member_of in reverse): " + "; ".join(" > ".join(c) for c in n.chains))
    if n.embedding:
        console.print("[bold]State embedding[/]: " + "; ".join(" > ".join(c) for c in n.embedding))
    den = n.deniability
    console.print(frame_table(_shares(den["claims"]), title=(
        f"Claims of {den['attacks']} attacks: deniable (unclaimed, umbrella, unattributed) "
        f"{den['deniable_share']:.1%} ({den['deniable_share_low']:.1%} .. {den['deniable_share_high']:.1%})")))
    if den.get("deniability_reading"):
        console.print(f"Reading: {den['deniability_reading']}.", highlight=False)
    console.print(frame_table(_shares(den["attribution"]), title="Attribution by the sources (actor column)"))
    if len(den["strike_targets"]):
        st = den["strike_targets"]
        st = pd.DataFrame({"sponsor": st["sponsor"], "strikes": st["strikes"],
                           "on sponsor": st["on_sponsor"], "on proxies": st["on_proxies"],
                           "on sponsor's soil": st["on_sponsor_territory"],
                           "where (sponsor targets)": st["sponsor_strike_countries"]})
        console.print(frame_table(st, title="Strikes on the sponsor vs its proxies"))
    dy = n.dyads[["actor", "target", "violent", "killed"]].assign(
        share=[f"{x:.1%}" for x in n.dyads["share_of_violence"]])
    console.print(frame_table(dy.head(10), title="Dyads carrying the most violence"))
    ac = n.actors[["actor", "events_out", "events_in", "tie_betweenness", "hostility_pagerank"]]
    console.print(frame_table(ac.rename(columns={"events_out": "acts", "events_in": "acted on",
                                                 "tie_betweenness": "betweenness",
                                                 "hostility_pagerank": "pagerank"}),
                              title="Actors: events and centrality (betweenness on ties; "
                                    "pagerank on hostile acts)"))
    for note in n.notes:
        console.print(f"[yellow]note:[/] {esc(note)}")


def _wave_table(rates: pd.DataFrame) -> pd.DataFrame:
    """One row per wave and window: attacks per day before -> after, ratio, exact 95% CI."""
    rows = []
    last = None
    for w in rates.sort_values(["start", "window_days"]).itertuples(index=False):
        label = f"{w.start:%Y-%m-%d}" + ("" if w.start == w.end else f"..{w.end:%m-%d}")
        hi = "inf" if not np.isfinite(w.ci_high) else f"{w.ci_high:.2f}"
        rows.append({
            "wave (strikes)": "" if label == last else f"{label} ({int(w.strikes)})",
            "window": f"{int(w.window_days)} d",
            "per day before → after": f"{w.rate_before:.2f} → {w.rate_after:.2f}",
            "ratio": w.rate_ratio,
            "95% CI": f"{w.ci_low:.2f} .. {hi}",
        })
        last = label
    return pd.DataFrame(rows)


def _shares(df: pd.DataFrame) -> pd.DataFrame:
    """class, attacks, share with its 95% interval as one readable column."""
    return pd.DataFrame({"class": df["class"], "attacks": df["attacks"],
                         "share (95% CI)": [f"{a:.1%} ({b:.1%}..{c:.1%})" for a, b, c in
                                            zip(df["share"], df["share_low"], df["share_high"])],
                         "deniable": df["deniable"]})
