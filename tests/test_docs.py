"""Documentation that cannot drift: the CLI reference and the README's commands."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_script():
    spec = importlib.util.spec_from_file_location("make_cli_docs", ROOT / "scripts" / "make_cli_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cli_reference_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert _load_script().render() == current, (
        "docs/cli.md is out of date: run `.venv/bin/python scripts/make_cli_docs.py`")


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    text = "\n".join(head)
    assert "make demo" in text and "make test" in text


def test_every_command_appears_in_the_readme():
    from redline.cli.app import register_commands
    import typer.main
    from redline.cli.app import app
    register_commands()
    commands = set(typer.main.get_command(app).commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set(re.findall(r"redline (?:--\S+ \S+ )*([a-z][a-z-]*)", readme))
    missing = sorted(commands - used)
    assert not missing, f"commands not shown in the README tour: {missing}"


def test_diagnostic_codes_are_documented():
    from redline.diagnostics import render_codes_markdown
    current = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert render_codes_markdown() == current, (
        "docs/diagnostics.md is out of date: run "
        "`.venv/bin/python -m redline.diagnostics > docs/diagnostics.md`")
