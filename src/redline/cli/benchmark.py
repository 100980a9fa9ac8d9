"""``redline benchmark``: known skill over many units of the store's events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from redline.cli.app import app, console, open_configured_store
from redline.cli.options import parse_date, writable_dir
from redline.cli.render import frame_table, print_diagnostics
from redline.errors import InputError

_DEFAULT_MODELS = "hawkes-level,daily-hawkes,poisson,negbin,persistence,conflictology"


def _origins(value: str):
    if value in ("monthly", "weekly"):
        return value
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise InputError(f"invalid origins {value!r}", field="--origins",
                         expected="monthly, weekly, or a number of origins per unit such as 24")
    return n


def _horizons(value: str) -> tuple[int, ...]:
    try:
        hs = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        hs = ()
    if not hs or min(hs) < 1:
        raise InputError(f"invalid horizon {value!r}", field="--horizon",
                         expected="days, comma-separated, e.g. 7,14,28")
    return hs


@app.command()
def benchmark(
    by: str = typer.Option("dyad", "--by", help="Unit of the series: dyad or country."),
    min_events: int = typer.Option(300, "--min-events", help="Units with at least this many events."),
    horizon: str = typer.Option("14", "--horizon", help="Forecast horizons in days, e.g. 7,14,28."),
    origins: str = typer.Option("monthly", "--origins", help="monthly, weekly, or N origins per unit."),
    models: str = typer.Option(_DEFAULT_MODELS, "--models",
                               help="Comma-separated: hawkes-level, daily-hawkes, hawkes-negbin, "
                                    "poisson, negbin, persistence, conflictology."),
    train_window: int = typer.Option(730, "--train-window", help="Days each fit sees before an origin."),
    jobs: int = typer.Option(1, "--jobs", min=1, help="Worker processes."),
    ordered: bool = typer.Option(False, "--ordered-dyads",
                                 help="Treat actor→target and target→actor as two dyads "
                                      "(mutual events, such as UCDP's, stay unordered)."),
    actor: str | None = typer.Option(None, help="Actor ids or names, comma-separated."),
    target: str | None = typer.Option(None, help="Target ids or names, comma-separated."),
    event_type: str | None = typer.Option(None, "--type", help="PLOVER types, e.g. ASSAULT."),
    mode: str | None = typer.Option(None, help="Modes, e.g. drone,rocket."),
    country: str | None = typer.Option(None, help="Countries, comma-separated."),
    start: str | None = typer.Option(None, "--from", help="First event date, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last date of every series, YYYY-MM-DD."),
    text: str | None = typer.Option(None, "--text", help="Words in the summary."),
    n_paths: int = typer.Option(200, "--paths", min=10, help="Simulated paths per Hawkes forecast."),
    seed: int = typer.Option(0, min=0, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print {summary, units, diagnostics} as JSON."),
    out: Path | None = typer.Option(None, "--out", help="Folder for tables (CSV, Parquet, JSON) "
                                                           "and benchmark.html."),
) -> None:
    """Score the models out of sample over every unit with enough events (CRPS, log score, PIT, coverage, skill)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from redline.data.filters import EventFilter
    from redline.data.units import units_from_store
    from redline.models.benchmark import BenchmarkSettings, run_benchmark

    settings = BenchmarkSettings(horizons=_horizons(horizon), origins=_origins(origins),
                                 train_window=train_window, n_paths=n_paths, random_state=seed)
    names = [m.strip() for m in models.split(",") if m.strip()]
    writable_dir(out, "--out")
    # comma-separated option strings: EventFilter splits them into its tuples
    lists: dict[str, Any] = dict(actors=actor, targets=target, event_types=event_type, modes=mode,
                                 countries=country)
    filt = EventFilter(**lists, start=parse_date(start, "--from"),
                       end=parse_date(end, "--to"), text=text)
    store = open_configured_store()
    units = units_from_store(store, filt, by=by, min_events=min_events, ordered=ordered)
    if not units:
        raise InputError(f"no {by} has {min_events} or more matching events in {store.path}",
                         field="--min-events", expected="a lower number, or wider filters")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=as_json) as progress:
        task = progress.add_task("benchmark", total=len(units))
        result = run_benchmark(units, names, settings, n_jobs=jobs,
                               progress=lambda unit: progress.advance(task))
    if out is not None:
        from redline.reports.benchmark_page import write_benchmark
        files = write_benchmark(result, out)
    if as_json:
        print(json.dumps(result.to_dict(), indent=1, default=str))
        return
    cols = ["model", "horizon", "n_units", "crps_mean", "log_score_mean", "coverage_50",
            "coverage_90", "pit_distance", "skill_vs_poisson_median", "share_beating_poisson",
            "skill_vs_persistence_median", "share_beating_persistence"]
    console.print(frame_table(result.summary[cols],
                              title=f"Benchmark: {len(units)} {by} units, "
                                    f"{int(result.summary['n_origins'].iloc[0]):,} origins "
                                    f"(lower scores better; skill = 1 − CRPS/CRPS(reference), "
                                    "median over units)"))
    print_diagnostics(console, result.diagnostics.at_least("warning")[:10])
    if len(result.diagnostics) > 10:
        console.print(f"… {len(result.diagnostics)} diagnostics in all (--json or --out)")
    console.print(f"{result.wall_seconds:.1f} s with {jobs} worker(s)")
    if out is not None:
        console.print(f"wrote {len(files)} files to {out}, the page: {out / 'benchmark.html'}")
