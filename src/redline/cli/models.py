"""Commands over the models: fit and backtest."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import typer

from redline.cli.app import app, console, store_for_case
from redline.cli.render import frame_table, print_diagnostics


def _split(v: str | None) -> list[str] | None:
    return [x.strip() for x in v.split(",") if x.strip()] if v else None


@app.command()
def fit(
    case: str = typer.Argument(..., help="Case name or folder."),
    streams: str | None = typer.Option(None, help="Comma-separated stream names (default: the case's model.streams)."),
    model: str = typer.Option("daily-hawkes", help="daily-hawkes, poisson, negbin or persistence."),
    link: str | None = typer.Option(None, help="identity (excitation only) or softplus (signed: deterrence)."),
    family: str = typer.Option("poisson", help="poisson or negbin (overdispersed counts)."),
    covariate: list[str] | None = typer.Option(None, "--covariate", help="A case covariate name or NAME=DATE:DATE; repeat for more."),
    no_covariates: bool = typer.Option(False, "--no-covariates", help="Fit without any covariate."),
    n_boot: int = typer.Option(0, "--n-boot", help="Parametric bootstrap refits for the intervals (0: Wald intervals)."),
    seed: int = typer.Option(1, min=0, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Fit a model to a case's daily stream counts and save it next to the store."""
    from redline.analysis.fit import coupling_table, fit_case, fit_path, save_fit

    store = store_for_case(case)
    covs = [] if no_covariates else covariate
    with console.status("fitting…"):
        f = fit_case(store, case, _split(streams), model, link, family, covs, n_boot=n_boot,
                     random_state=seed)
    default = not (streams or link or covariate or no_covariates or family != "poisson" or n_boot)
    path = (save_fit(f, fit_path(store.path, f.case.name, model, f.settings, default))
            if model == "daily-hawkes" else None)
    m = f.model
    if as_json:
        out = {"case": f.case.name, "settings": f.settings, "saved_to": str(path) if path else None,
               "loglik": m.loglik_, "aic": getattr(m, "aic_", None), "bic": getattr(m, "bic_", None)}
        if model == "daily-hawkes":
            out.update({
                "baseline": dict(zip(m.stream_names_, np.asarray(m.baseline_).tolist())),
                "coupling": coupling_table(f).to_dict(orient="records"),
                "branching_ratio": m.branching_ratio_, "converged": bool(m.converged_),
                "covariate_effects": pd.DataFrame(np.asarray(m.coef_), index=m.stream_names_,
                                                  columns=m.covariate_names_).to_dict() if len(m.covariate_names_) else {},
                "residuals": f.residuals().summary().to_dict(orient="records"),
                "diagnostics": m.diagnostics_.to_list(),
            })
        print(json.dumps(out, indent=1, default=str))
        return
    console.rule(f"{model} fit of {f.case.name} · {f.settings['start']} .. {f.settings['end']}")
    counts = f.counts.sum()
    base = pd.DataFrame({"stream": list(f.counts.columns), "events": counts.values,
                         "days": len(f.counts), "mean per day": counts.values / len(f.counts)})
    if model == "daily-hawkes":
        base["baseline per day"] = np.asarray(m.baseline_)
        console.print(frame_table(base, title="Streams"))
        ct = coupling_table(f)
        ct["interval (95%)"] = [f"{lo:+.3f} .. {hi:+.3f}" for lo, hi in zip(ct["low"], ct["high"])]
        ct = ct[["source", "verdict", "target", "effect", "interval (95%)", "half_life_days"]].rename(columns={"half_life_days": "half-life (days)"})
        console.print(frame_table(ct, title="Who excites / inhibits whom (effect of one source event on the target)"))
        if len(m.covariate_names_):
            cov = pd.DataFrame(np.asarray(m.coef_), index=m.stream_names_, columns=m.covariate_names_)
            console.print(frame_table(cov.reset_index(names="stream"),
                                      title=f"Covariate effects on the baseline ({'log scale' if f.settings['link'] == 'identity' else 'softplus predictor'})"))
        res = f.residuals().summary()
        console.print(frame_table(res, title="Residuals (randomised PIT; uniform if the model fits)"))
        br = (f"branching ratio {m.branching_ratio_:.3f}" if f.settings["link"] == "identity" else
              f"branching ratio of the positive couplings {m.branching_ratio_:.3f} (under the "
              "softplus link only a rough guide to stability)")
        console.print(f"{br} · log-likelihood {m.loglik_:.2f} · "
                      f"AIC {m.aic_:.1f} · BIC {m.bic_:.1f} · converged {m.converged_}")
        print_diagnostics(console, m.diagnostics_)
        if path:
            console.print(f"saved to {path}")
    else:
        console.print(frame_table(base, title="Streams"))
        console.print(f"log-likelihood {m.loglik_:.2f}")


@app.command()
def backtest(
    case: str = typer.Argument(..., help="Case name or folder."),
    horizon: int = typer.Option(14, help="Days forecast from each origin."),
    origins: str = typer.Option("weekly", help="weekly, or a number of evenly spaced origins."),
    start: str | None = typer.Option(None, "--from", help="First origin, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last origin, YYYY-MM-DD."),
    streams: str | None = typer.Option(None, help="Comma-separated stream names."),
    n_paths: int = typer.Option(500, "--paths", help="Simulated paths per Hawkes forecast."),
    seed: int = typer.Option(1, min=0, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Rolling-origin backtest of the Hawkes model against the baselines (CRPS, log score)."""
    from redline.analysis.backtest import backtest_case

    store = store_for_case(case)
    with console.status("backtesting…"):
        result = backtest_case(store, case, horizon=horizon, origins=origins, start=start, end=end,
                               streams=_split(streams), n_paths=n_paths, random_state=seed)
    if as_json:
        print(json.dumps({"summary": result.summary.to_dict(orient="records"),
                          "origins": [str(o) for o in result.scores["origin"].unique()],
                          "conditional_on_covariates": result.conditional_on_covariates,
                          "diagnostics": result.diagnostics.to_list()}, indent=1, default=str))
        return
    print_diagnostics(console, result.diagnostics)
    console.print(frame_table(result.summary, title=f"Backtest: {result.scores['origin'].nunique()} origins, {horizon}-day horizon "
                              "(lower scores are better; skill = 1 - score / Poisson's)"))

