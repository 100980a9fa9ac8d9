import os

# Rich sizes its console when redline.cli.app is imported; a wide one keeps table
# cells unwrapped so tests can look for whole words.
os.environ.setdefault("COLUMNS", "200")

import pytest
from typer.testing import CliRunner

from redline.cli.app import app, register_commands


@pytest.fixture(scope="session")
def cli():
    """Invoke the CLI in-process: cli(args...) -> click Result (never raises)."""
    register_commands()
    runner = CliRunner()

    def run(*args: str):
        from redline.errors import RedlineError
        try:
            return runner.invoke(app, list(args), catch_exceptions=False)
        except RedlineError as exc:  # the console entry point prints these; mimic it
            class R:
                exit_code = 1
                output = stdout = f"error: {exc}"
                exception = exc
            return R()
    return run


@pytest.fixture(scope="session")
def case_store(builtin_store):
    """The path of the shared built-in-case store (the CLI tests only read it)."""
    return builtin_store.path
