"""Commands over the event store: cases, ingest, events, actors, summary, export, demo."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape as esc
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from redline.cli.app import app, console, err_console, open_configured_store
from redline.cli.options import parse_date
from redline.cli.render import frame_table, show_table, write_output
from redline.errors import InputError

FORMAT_HELP = "case, csv, acled, gdelt, icews, plover or ucdp (sniffed when not given)"



@app.command()
def cases(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")) -> None:
    """List the built-in cases."""
    import pandas as pd

    from redline.data.case import builtin_cases, load_case
    rows = []
    for name in builtin_cases():
        c = load_case(name)
        rows.append({"name": c.name, "title": c.title, "window": f"{c.start} .. {c.end}",
                     "actors": len(c.actors), "streams": len(c.streams),
                     "scenarios": len(list(c.scenarios_dir.glob("*.yaml"))) if c.scenarios_dir else 0})
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    show_table(pd.DataFrame(rows), console, title="Built-in cases", max_width=70)


@app.command()
def ingest(
    sources: list[str] = typer.Argument(..., help="Files, case folders or built-in case names."),
    fmt: str | None = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
    case: str | None = typer.Option(None, "--case", help="Resolve actor names with this case's aliases."),
    to_parquet: Path | None = typer.Option(
        None, "--to-parquet", metavar="DIR",
        help="Write to a Parquet dataset folder (year/month partitions, for Spark) instead of the store."),
    release: str | None = typer.Option(
        None, "--release", metavar="VERSION",
        help="The source's release, e.g. 23.1 for UCDP GED (read from names such as ged231 when "
             "not given); a row replaces a stored one of the same id only from a later release."),
) -> None:
    """Add events to the store, one transaction per file (re-ingesting adds nothing)."""
    if to_parquet is not None:
        from redline.data.engines.duckdb_parquet import ParquetStore
        store = ParquetStore(to_parquet)
    else:
        store = open_configured_store()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        for src in sources:
            task = progress.add_task(f"ingesting {src}", total=None)
            result = store.ingest(src, fmt, case, release=release)
            progress.remove_task(task)
            rate = result.rows_read / result.seconds if result.seconds > 0 else float("nan")
            console.print(f"[green]✓[/] {esc(str(result))} — {rate:,.0f} rows/s into {esc(str(store.path))}")
            if result.format == "case" or case:
                console.print("  names of the case's events resolved with its aliases as they are "
                              "now (edit case.yaml and ingest again to change them)")


def _names_to_ids(value: str | None, case) -> tuple[str, ...]:
    """Comma-separated ids, names or aliases -> the values to match in the store.

    Each value is kept as given (ids, and the raw names of actors no case resolves) and
    joined by the actor id it resolves to: through ``case`` when one is named, else through
    every built-in case.
    """
    if not value:
        return ()
    from redline.data.case import builtin_cases, load_case
    resolvers = [case.resolver()] if case is not None else \
        [load_case(n).resolver() for n in builtin_cases()]
    out: list[str] = []
    for v in (x.strip() for x in value.split(",")):
        if not v:
            continue
        out.append(v)
        for r in resolvers:
            hit = r.resolve(v)
            if hit is not None and hit not in out:
                out.append(hit)
    return tuple(out)


def _filter(actor, target, event_type, mode, country, start, end, text, case=None):
    from redline.data.filters import EventFilter
    f = EventFilter(actors=_names_to_ids(actor, case), targets=_names_to_ids(target, case),
                    event_types=event_type, modes=mode,
                    countries=country, start=parse_date(start, "--from"), end=parse_date(end, "--to"),
                    text=text)
    return f.in_case(case) if case is not None else f


@app.command()
def events(
    actor: str | None = typer.Option(None, help="Actor ids or names, comma-separated."),
    target: str | None = typer.Option(None, help="Target ids or names, comma-separated."),
    event_type: str | None = typer.Option(None, "--type", help="PLOVER types, e.g. ASSAULT,THREATEN."),
    mode: str | None = typer.Option(None, help="Modes, e.g. drone,rocket."),
    country: str | None = typer.Option(None, help="Countries, comma-separated."),
    start: str | None = typer.Option(None, "--from", help="First date, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last date, YYYY-MM-DD."),
    text: str | None = typer.Option(None, "--text", help="Words in the summary."),
    limit: int = typer.Option(50, min=1, help="Rows shown in the table (files get every row)."),
    fmt: str = typer.Option("table", "--format", help="table, csv, json or parquet."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                          help="File to write; - for standard output."),
    case: str | None = typer.Option(
        None, "--case", help="Only this case's events, with names resolved through its aliases."),
) -> None:
    """Show or export the events that match the filters (actors by id, name or alias)."""
    from redline.data.schema import EVENT_TYPES
    unknown = [t for t in (event_type or "").upper().split(",") if t.strip() and t.strip() not in EVENT_TYPES]
    if unknown:
        raise InputError(f"unknown event type {unknown[0]!r}", field="--type",
                         expected="PLOVER types: " + ", ".join(EVENT_TYPES))
    from redline.data.case import load_case
    the_case = load_case(case) if case else None
    store = open_configured_store(read_only=True)
    filt = _filter(actor, target, event_type, mode, country, start, end, text, the_case)
    if fmt == "table" and output is not None and str(output) == "-":
        fmt = "csv"  # a table cannot go to a pipe; CSV can
    if fmt == "table":
        df = store.events(filt, limit=limit)
        total = store.count(filt)
        cols = ["date", "actor", "target", "event_type", "mode", "place", "killed"]
        if console.width >= 120:  # summaries only where they can be read
            cols.append("summary")
        caption = (f"{len(df)} of {total:,} shown; --limit N, or --format csv -o FILE for all"
                   if total > len(df) else None)
        show_table(df[cols].rename(columns={"event_type": "type"}), console,
                   title=f"{total:,} events", max_rows=limit, caption=caption)
        if not console.is_terminal:  # piped: the rows on stdout, the count on stderr
            err_console.print(f"{total:,} events" + (f", {len(df)} shown (--limit)"
                                                     if total > len(df) else ""), highlight=False)
        if total == 0 and (actor or target) and console.is_terminal:
            console.print("no events match: --actor and --target take actor ids, names or "
                          "aliases of a case (`redline actors CASE` lists them; --case NAME "
                          "resolves through that case), or the raw names of actors no case "
                          "resolves")
    elif fmt in ("csv", "json", "parquet"):
        write_output(store.events(filt), fmt, output, console)
    else:
        raise InputError(f"unknown format {fmt!r}", field="--format", expected="table, csv, json or parquet")


@app.command()
def actors(case: str = typer.Argument("us-iran-proxies-2023", help="Case name or folder."),
           as_json: bool = typer.Option(False, "--json",
                                        help="Print actors and ties (with aliases and sources) as JSON.")
           ) -> None:
    """Show a case's actors and the ties between them."""
    import pandas as pd

    from redline.data.case import load_case
    c = load_case(case)
    if as_json:
        print(json.dumps({"case": c.name,
                          "actors": [x.model_dump(mode="json") for x in c.actors],
                          "ties": [x.model_dump(mode="json", by_alias=True) for x in c.ties]},
                         indent=1))
        return
    a = pd.DataFrame([{"id": x.id, "name": x.name, "kind": x.kind, "country": x.country,
                       "aliases": len(x.aliases)} for x in c.actors])
    show_table(a, console, title=f"Actors of {c.name}", max_rows=10_000)
    t = pd.DataFrame([{"from": x.source, "kind": x.kind, "to": x.target,
                       "since": x.since, "until": x.until, "sources": len(x.sources)} for x in c.ties],
                     columns=["from", "kind", "to", "since", "until", "sources"])
    if console.is_terminal or len(t):
        if not console.is_terminal:
            print()
        show_table(t, console, title="Ties", max_rows=10_000)


@app.command()
def summary(case: str | None = typer.Argument(None, help="Limit to a case's events.")) -> None:
    """What the store holds: date range, events per month by type and actor, sources."""
    from redline.reports.summary import print_summary
    print_summary(open_configured_store(read_only=True), case, console, render=frame_table)


@app.command()
def export(
    output: Path | None = typer.Argument(None, help="File to write."),
    fmt: str = typer.Option("parquet", "--format", help="csv, json or parquet."),
    parquet: str | None = typer.Option(
        None, "--parquet", metavar="DIR",
        help="Write to a Parquet dataset folder (year/month partitions) that --engine spark reads; "
             "events already there are skipped."),
) -> None:
    """Write every event in the store to one file, or to a Parquet dataset (--parquet DIR)."""
    if (output is None) == (parquet is None):
        raise InputError("give either a file to write or --parquet DIR", field="OUTPUT",
                         expected="`redline export events.parquet` or `redline export --parquet DIR`")
    store = open_configured_store(read_only=True)
    if parquet is not None:
        n = store.export_parquet(parquet)
        console.print(f"wrote {n:,} new events to the Parquet dataset {parquet}")
        return
    n = store.export(output, fmt)
    console.print(f"wrote {n:,} events to {output}")


@app.command()
def demo() -> None:
    """Build the store from the built-in case and summarise it (what `make demo` runs)."""
    from redline.reports.summary import print_summary
    store = open_configured_store()
    name = "us-iran-proxies-2023"
    result = store.ingest(name)
    console.print(f"[green]✓[/] {esc(str(result))} into {esc(str(store.path))}")
    print_summary(store, name, console, render=frame_table)
    # The brief of the built-in case with its scenario (fits, analyses, 10,000 paths).
    from redline.cli.brief import run_brief
    from redline.data.case import load_case
    scenarios = load_case(name).scenarios_dir
    scenario = "after-tower-22" if scenarios and (scenarios / "after-tower-22.yaml").exists() else None
    out = run_brief(name, scenario, Path("out") / "brief.html", None, 10_000, 1)
    store_opt = "" if str(store.path) == "redline.duckdb" else f" --store {store.path}"
    console.print("\n[bold]Next[/]")
    console.print(f"  open the brief in a browser:   file://{esc(str(out.resolve()))}")
    console.print(f"  start the local web app:       .venv/bin/redline{esc(store_opt)} serve"
                  "   (then http://127.0.0.1:8000)")
    console.print(f"  query the store:               .venv/bin/redline{esc(store_opt)} events --help")
