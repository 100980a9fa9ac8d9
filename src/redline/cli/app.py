"""The typer app, its global options, and the one place errors become messages."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.text import Text

from redline.errors import RedlineError

app = typer.Typer(
    name="redline",
    help="Analyse and simulate escalation between states and armed proxies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts hold literal brackets (pip install 'redline[spark]'), not markup.
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class Settings:
    store: str | None = None
    engine: str | None = None
    spark_master: str | None = None


settings = Settings()


@app.callback()
def _global(
    store: str | None = typer.Option(
        None, "--store",
        help="Event store: a DuckDB file, or a Parquet dataset folder or URI "
             "(default $REDLINE_STORE, else ./redline.duckdb)."),
    engine: str | None = typer.Option(
        None, "--engine",
        help="Query engine: duckdb (default) or spark (needs pip install 'redline[spark]'); "
             "or $REDLINE_ENGINE."),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master (local[2]) or Spark Connect address (sc://host:15002)."),
) -> None:
    settings.store = store
    settings.engine = engine
    settings.spark_master = spark_master


def open_configured_store(read_only: bool = False):
    """The store the global options (or environment) name.

    ``read_only`` for commands that add no events: they then run while another
    process (``redline serve``) has the store open.
    """
    from redline.data.open import open_store
    kwargs = {}
    if settings.spark_master or os.environ.get("REDLINE_SPARK_MASTER"):
        kwargs["spark_master"] = settings.spark_master or os.environ.get("REDLINE_SPARK_MASTER")
    return open_store(settings.store, settings.engine, read_only=read_only, **kwargs)


def store_for_case(case: str):
    """A read-only store for a command about ``case``.

    A built-in case whose events the store does not hold yet is ingested first, and the
    command says so (on stderr, so JSON on stdout stays clean); nothing is ingested
    silently, and a store that holds the case is only read.
    """
    from pathlib import Path

    from redline.data.case import builtin_cases
    from redline.data.filters import EventFilter, case_scope
    from redline.errors import StoreError

    store = open_configured_store(read_only=True)
    if case not in builtin_cases() or not hasattr(store, "ingest"):
        return store
    path = getattr(store, "path", None)
    present = False
    if path is None or Path(str(path)).exists():
        try:
            present = store.count(EventFilter(**case_scope(case))) > 0
        except StoreError:
            present = False
    if not present:
        writer = open_configured_store()
        result = writer.ingest(case)
        err_console.print(Text.assemble(
            ("note: ", "cyan"), f"the store held no events of the built-in case {case}, so it was "
            f"ingested: {result} into {writer.path} (`redline ingest {case}` does this "
            "explicitly)"), highlight=False, soft_wrap=True)
    return store


def _plain_warnings() -> None:
    """Show warnings as one line each, without the source line they came from."""
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):
        err_console.print(Text.assemble(("warning: ", "yellow"), str(message)), highlight=False,
                          soft_wrap=True)

    warnings.showwarning = show


#: Modules of redline.cli that hold helpers, not commands.
NOT_COMMANDS = ("app", "render", "options")


def register_commands() -> None:
    """Import every command module of this package; each registers on ``app``."""
    import importlib
    import pkgutil

    import redline.cli as pkg
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in NOT_COMMANDS and not mod.name.startswith("_"):
            importlib.import_module(f"redline.cli.{mod.name}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app; print redline errors without a traceback."""
    register_commands()
    _plain_warnings()
    try:
        app(args=argv, prog_name="redline")
    except RedlineError as exc:
        # the message may hold brackets (a file name, a value): print it as plain text
        err_console.print(Text.assemble(("error: ", "bold red"), str(exc)), highlight=False,
                          soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
