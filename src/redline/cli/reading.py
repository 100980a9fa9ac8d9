"""`redline read`: news text and analyses in, coded events out."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape as esc

from redline.cli.app import app, console, err_console, open_configured_store
from redline.cli.render import frame_table
from redline.errors import InputError

_FORMATS = ("table", "csv", "jsonl", "plover")


@app.command()
def read(
    paths: list[Path] | None = typer.Argument(None, help="Text or HTML files, or folders of them."),
    date: str | None = typer.Option(None, help="Article date YYYY-MM-DD (else the document's own, when it has one)."),
    case: str = typer.Option("us-iran-proxies-2023", help="Case whose actors and sites names resolve to."),
    fmt: str = typer.Option("table", "--format", help="table, csv, jsonl or plover (PLOVER JSON lines)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: standard output)."),
    ingest: bool = typer.Option(False, "--ingest", help="Add the coded events to the store (machine-coded, idempotent)."),
    evaluate: Path | None = typer.Option(None, "--evaluate", help="Score the reader on a labelled file instead: gold JSON lines (.jsonl: P/R/F1 per field), pentacode sentences (.tsv) or PETRARCH-2 validation records (.xml) (P/R/F1 per label, one label per sentence); with coverage and the false-alarm rate."),
) -> None:
    """Code events from text: type, mode, actor, recipient, place, date, casualties, with provenance."""
    import pandas as pd

    from redline.extras import require
    require("read")  # spaCy and the HTML reader are the [read] extra

    from redline.reading import evaluate as run_evaluation
    from redline.reading import read_paths, records_to_events, to_frame, to_plover

    if evaluate is not None:
        if evaluate.suffix.lower() in (".tsv", ".xml"):
            from redline.reading.devsets import evaluate_devset

            table = evaluate_devset(evaluate, case=case)
            title = f"Reader against {evaluate} ({table.attrs['format']}, first event per sentence)"
        else:
            table = run_evaluation(evaluate, case=case)
            title = f"Reader against {evaluate}"
        console.print(frame_table(table.round(3).reset_index(), title=title))
        console.print(_evaluation_footer(table.attrs))
        return
    if not paths:
        raise InputError("no files given", field="PATHS", expected="one or more text/HTML files or folders")
    if fmt not in _FORMATS:
        raise InputError(f"unknown format {fmt!r}", field="--format", expected="one of " + ", ".join(_FORMATS))
    with console.status("reading…"):
        records = read_paths(paths, date=date, case=case)
    if ingest:
        store = open_configured_store()
        by_doc: dict[str, list] = {}
        for r in records:
            by_doc.setdefault(r.document, []).append(r)
        for doc, recs in by_doc.items():
            events = records_to_events(recs, doc)
            undated = events["date"].isna()
            if undated.any():
                err_console.print(f"[yellow]warning:[/] {esc(doc)}: {int(undated.sum())} event(s) without a date "
                                  "were not ingested; pass --date YYYY-MM-DD")
                events = events[~undated]
            if len(events):
                # coded for the case: its events, as a file ingested with --case is
                from redline.data.case import load_case
                events = events.assign(case_id=load_case(case).name)
                res = store.ingest_frame(events, name=doc, fmt="text")
                console.print(f"[green]✓[/] {esc(doc)}: {res.rows_read} coded events, {res.rows_added} new in {esc(str(store.path))}")
    frame = to_frame(records)
    if fmt == "table":
        if not ingest:
            table = frame_table(_compact(records), title=f"{len(records)} events coded",
                                max_rows=200, max_width=40)
            table.caption = "sent. = sentence number; --format csv or jsonl gives the sentences and character spans"
            console.print(table)
        return
    if fmt == "plover":
        text = "".join(json.dumps(obj, default=str) + "\n" for obj in to_plover(records))
    elif fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, date_format="iso", default_handler=str)
        text = text if text.endswith("\n") or not text else text + "\n"
    else:
        text = pd.DataFrame(frame).to_csv(index=False)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(frame)} events to {output}")


def _evaluation_footer(attrs: dict) -> str:
    """Coverage and false alarms under the table (NaN: the file has no such sentences)."""
    def pct(x: float) -> str:
        return "n/a (no such sentences)" if x != x else f"{100 * x:.1f}%"

    parts = [f"sentences: {attrs.get('n')}", f"coverage (sentences with an event): {pct(attrs.get('coverage', float('nan')))}",
             f"false alarms on no-event sentences: {pct(attrs.get('false_alarm', float('nan')))}"]
    if "micro_1_4" in attrs:
        m = attrs["micro_1_4"]
        parts.append(f"micro F1 without class 0 (no PLOVER category): {m['f1']:.3f}")
    return "; ".join(parts)


def _compact(records):
    """One short line per record, readable in an 80-column terminal."""
    import pandas as pd

    def cas(r) -> str:
        parts = [f"{r.killed} killed" if r.killed is not None else "",
                 f"{r.injured} injured" if r.injured is not None else ""]
        return ", ".join(p for p in parts if p)

    rows = []
    for r in records:
        when = str(r.date) if r.date else (f"≤{r.document_date}" if r.document_date else "?")
        rows.append({
            "date": when,
            "event": r.event_type + (f"/{r.mode}" if r.mode else ""),
            "who → whom": f"{r.actor or '?'} → {r.recipient or '?'}",
            "where": r.location or "",
            "casualties": cas(r),
            "conf": r.confidence,
            "sent.": r.sentence_index + 1 if r.sentence_index is not None else None,
        })
    return pd.DataFrame(rows)
