"""The brief command: one self-contained HTML file (and optionally PDF) for a case."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from redline.cli.app import app, console, store_for_case
from redline.cli.options import writable_file


def run_brief(case: str, scenario: str | None, output: Path, pdf: Path | None,
              paths: int, seed: int) -> Path:
    """Write the brief (shared by `redline brief` and `redline demo`); returns the HTML path."""
    from redline.reports.brief import write_brief

    store = store_for_case(case)
    t0 = time.perf_counter()
    with console.status("computing the brief…") as status:
        brief = write_brief(store, case, scenario, output, pdf, n_paths=paths, seed=seed,
                            progress=lambda step: status.update(f"brief: {step}…"))
    took = time.perf_counter() - t0
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in brief.results.timings.items())
    console.print(f"[green]✓[/] brief of {brief.results.case.name}"
                  + (f" with scenario {brief.results.scenario.name}" if brief.results.scenario else
                     " (no scenario: no implications section)")
                  + f": {len(brief.judgments)} key judgments, {len(brief.sources)} sources "
                  f"({took:.1f} s: {steps})")
    if pdf is not None:
        console.print(f"PDF: {pdf}")
    return output


@app.command()
def brief(
    case: str = typer.Argument(..., help="Case name or folder."),
    scenario: str | None = typer.Option(None, "--scenario", "-s",
                                           help="Scenario file, or the name of one of the case's scenarios."),
    output: Path = typer.Option(Path("brief.html"), "--output", "-o", help="HTML file to write."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Also write the brief as PDF (WeasyPrint)."),
    paths: int = typer.Option(10_000, "--paths", help="Monte Carlo paths per scenario option."),
    seed: int = typer.Option(1, min=0, help="Random seed."),
) -> None:
    """Write the brief: key judgments, what happened, who, dynamics, implications, method, sources."""
    writable_file(output, "--output")
    writable_file(pdf, "--pdf")
    out = run_brief(case, scenario, output, pdf, paths, seed)
    console.print(f"open {out.resolve()}")
