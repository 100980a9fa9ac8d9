"""``redline case init`` and ``redline case check``: a case folder from your own file."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape as esc

from redline.cli.app import app, console

case_app = typer.Typer(help="Build a case folder from your own file and check it.",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(case_app, name="case")

INIT_FORMATS = "csv or parquet (with --columns), redline, acled, gdelt, icews, plover, ucdp"


@case_app.command("init")
def init(
    source: Path = typer.Argument(..., help="The file with your events."),
    folder: Path = typer.Argument(..., help="The case folder to create."),
    columns: Path | None = typer.Option(
        None, "--columns", metavar="MAP.yaml",
        help="Map of your columns and values to redline's (see docs/cases.md)."),
    name: str | None = typer.Option(None, "--name", help="Case name (default: the folder's name)."),
    fmt: str | None = typer.Option(None, "--format", "-f",
                                      help=f"{INIT_FORMATS}; wins over the map's format:."),
    force: bool = typer.Option(False, "--force", help="Overwrite a case.yaml already there."),
) -> None:
    """Write FOLDER/case.yaml (proposed actors, streams) and FOLDER/events.csv from SOURCE."""
    from redline.data.casebuild import init_case
    r = init_case(source, folder, map_path=columns, name=name, fmt=fmt, force=force)
    console.print(f"[green]✓[/] {r.rows:,} events ({esc(r.format)}, {r.start} .. {r.end}) "
                  f"-> {esc(str(r.folder / 'events.csv'))}")
    console.print(f"  case.yaml: {r.actors} actors proposed"
                  + (f", {r.left_out} rarer names left as raw names" if r.left_out else "")
                  + f", {len(r.streams)} streams" + (f" ({', '.join(r.streams)})" if r.streams else ""))
    if r.unmapped_columns:
        console.print(f"  kept in the JSON column extra ({len(r.unmapped_columns)} source columns "
                      f"redline's layout does not hold): {esc(', '.join(r.unmapped_columns))}",
                      soft_wrap=True)
    for f, counts in r.unmapped_values.items():
        listed = ", ".join(f"{esc(str(v))} ({n})" for v, n in counts.most_common())
        where = "raw_type" if f == "event_type" else f"extra.raw_{f}"
        console.print(f"  [yellow]{f} values the map does not name[/] (kept in {where}, "
                      f"{f} unknown): {listed}", soft_wrap=True)
    console.print("\n[bold]Next[/]")
    console.print(f"  1. review {esc(str(r.folder / 'case.yaml'))}: kinds marked 'review', "
                  "names to merge as aliases, ties, streams")
    console.print(f"  2. redline case check {esc(str(r.folder))}")
    console.print(f"  3. redline ingest {esc(str(r.folder))}")
    console.print(f"  4. redline brief {esc(str(r.folder))}")


@case_app.command("check")
def check(
    case: str = typer.Argument(..., help="Case folder (or built-in case name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    months: bool = typer.Option(True, "--months/--no-months",
                                help="Show each stream's events per month."),
) -> None:
    """List names no actor takes, names that join several parties but resolve to one actor,
    actors without events, each stream's events per month and warnings; exit 1 when anything
    needs review."""
    import pandas as pd

    from redline.cli.render import frame_table, print_diagnostics
    from redline.data.casecheck import check_case
    r = check_case(case)
    if as_json:
        print(json.dumps(r.to_dict(), indent=1, default=str))
        raise typer.Exit(0 if r.ok else 1)
    console.print(f"case {esc(r.case)}: {r.events:,} events")
    if r.unresolved:
        df = pd.DataFrame({"name": list(r.unresolved), "events": list(r.unresolved.values())})
        if r.split_notes:  # names of several parties: an alias is the wrong fix
            df["note"] = [r.split_notes.get(n, "") for n in df["name"]]
        console.print(frame_table(df, title=f"{len(df)} names resolve to no actor", max_rows=200))
    else:
        console.print("every name resolves to an actor")
    if r.multi_party:
        console.print(f"[yellow]{len(r.multi_party)} names join several parties but resolve "
                      "to one actor[/] (listed below as case.multi_party_name): one party per "
                      "event row")
    if r.actors_without_events:
        console.print("actors without events: " + ", ".join(r.actors_without_events))
    if r.stream_totals:
        tot = pd.DataFrame({"stream": list(r.stream_totals), "events": list(r.stream_totals.values())})
        console.print(frame_table(tot, title="Streams (events in the window)"))
        if months and len(r.stream_months):
            console.print(frame_table(r.stream_months.reset_index(names="month"),
                                      title="Events per month", max_rows=400))
    print_diagnostics(console, [d for d in r.diagnostics if d.code != "case.unresolved_name"])
    if not r.ok:
        console.print(f"{len(r.diagnostics.at_least('warning'))} findings to review")
        raise typer.Exit(1)
    console.print("[green]✓[/] nothing to review")
