"""The web app command: ``redline serve`` (the app itself lives in redline.web)."""

from __future__ import annotations

import threading
from pathlib import Path

import typer
from rich.markup import escape as esc

from redline.cli.app import app, console, err_console, open_configured_store

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _quietly(fn, *args) -> None:
    """Run background work whose failure only makes the first visit slower."""
    from redline.errors import RedlineError
    try:
        fn(*args)
    except RedlineError:
        pass


def store_summary(store, cases: dict) -> list[str]:
    """Lines saying what the store holds in all and for each case (through the one case
    scope the CLI and the web app share), with the command that adds a case's events when
    it has none.  A store file that does not exist yet holds nothing; it is not created."""
    from redline.data.filters import EventFilter, case_scope
    from redline.errors import RedlineError
    where = getattr(store, "path", store)
    exists = where is store or Path(str(where)).exists()
    ov = None
    if exists:
        try:
            ov = store.overview()
        except RedlineError:  # unreadable or empty: say it holds nothing
            ov = None
    if ov is None:
        out = [f"store {esc(str(where))}: no events yet"]
    else:
        first, last = ov.get("first"), ov.get("last")
        span = f", {str(first)[:10]} to {str(last)[:10]}" if ov.get("events") else ""
        out = [f"store {esc(str(where))}: {ov.get('events', 0):,} events{span}"]
    for name in cases:
        n = 0 if ov is None else store.count(EventFilter(**case_scope(name)))
        hint = "" if n else f" — add them with [bold]redline ingest {esc(name)}[/]"
        out.append(f"  case {esc(name)}: {n:,} events{hint}")
    return out


def ingested_case_folders(store, known: dict) -> tuple[dict[str, Path], list[str]]:
    """Cases the store's ingest log holds that ``known`` lacks: ``({name: folder}, [names
    whose folder is gone])``.  A case folder is logged by the path it was ingested from
    (as typed, so relative to where `redline ingest` ran); a folder found there with the
    same case in it is shown without a ``--case`` option."""
    from redline.data.case import load_case
    from redline.errors import RedlineError
    try:
        log = store.ingest_log()
    except (RedlineError, OSError):
        return {}, []
    found: dict[str, Path] = {}
    missing: list[str] = []
    if log is None or not len(log) or "case_name" not in log:
        return found, missing
    rows = log[log["format"].eq("case") & log["case_name"].notna()]
    for name, grp in rows.groupby("case_name", sort=False):
        if name in known or name in found:
            continue
        for file in reversed(list(grp["file"])):
            folder = Path(str(file)).parent
            try:
                if (folder / "case.yaml").is_file() and load_case(folder).name == name:
                    found[str(name)] = folder.resolve()
                    break
            except RedlineError:
                continue
        else:
            missing.append(str(name))
    return found, missing


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on; anything but loopback is "
                             "reachable from other machines."),
    port: int = typer.Option(8000, help="Port to listen on."),
    allow_ingest: bool = typer.Option(False, "--allow-ingest",
                                      help="Accept uploads of event files (read-only otherwise)."),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", help="Largest upload accepted, MB."),
    case: list[Path] | None = typer.Option(None, "--case", help="Also show this case folder "
                                              "(repeat for more); the built-in cases are always shown."),
    warm: bool = typer.Option(True, "--warm/--no-warm", help="Fit the models in the background "
                              "at start."),
) -> None:
    """Start the local web app over the store (http://127.0.0.1:8000)."""
    from redline.extras import require
    require("web")  # FastAPI and uvicorn are the [web] extra
    import uvicorn

    from redline.data.case import builtin_cases, load_case
    from redline.web import create_app
    from redline.web.app import warm as warm_caches

    if host not in LOOPBACK:
        err_console.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach this "
                          "machine can read the store" + (" and add events to it" if allow_ingest
                                                           else ""), highlight=False)
    # Only uploads write; otherwise the store is opened read-only, so `redline brief` and
    # other commands run beside the server.  Nothing is ingested unasked.
    store = open_configured_store(read_only=not allow_ingest)
    cases = dict(builtin_cases())
    for folder in case or []:
        c = load_case(folder)  # validates the folder; the app then knows it only by name
        assert c.folder is not None  # load_case sets the folder
        cases[c.name] = c.folder
    found, missing = ingested_case_folders(store, cases)
    cases.update(found)
    for name in missing:
        console.print(f"  case {esc(name)} is in the store but its folder was not found from "
                      f"here: show it with [bold]redline serve --case PATH/TO/{esc(name)}[/]",
                      highlight=False, soft_wrap=True)
    # Nothing is ingested unasked: say what the store holds, and how to add a case.
    for line in store_summary(store, cases):
        console.print(line, highlight=False, soft_wrap=True)
    web_app = create_app(store, cases=cases, allow_ingest=allow_ingest,
                         max_upload_bytes=max_upload_mb * 1024 * 1024,
                         host=None if host in LOOPBACK else host)
    if warm and cases:
        def warm_all() -> None:
            for name in cases:  # built-in cases first, then --case folders
                _quietly(warm_caches, web_app, name)
        threading.Thread(target=warm_all, daemon=True).start()
    shown = "localhost" if host in LOOPBACK else host
    console.print(f"redline at [bold]http://{shown}:{port}/[/] · store {getattr(store, 'path', store)}"
                  + (" · uploads allowed" if allow_ingest else " · read-only") + " · Ctrl+C stops it")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")
