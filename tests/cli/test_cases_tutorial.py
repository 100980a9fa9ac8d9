"""docs/cases.md cannot drift: its reference is generated, and its tutorial runs as written.

The tutorial test reads the section "Tutorial: your own data to a brief" in order: it
writes each file shown (a paragraph naming ``File `X`:`` before a yaml block), applies
each ``diff`` block to the file its ``---`` line names, and runs each ``$ redline ...``
line of the console blocks through the CLI, in a temporary folder, with ``../shared``
pointing at the shared data.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # tests/cli/ -> repo
DOC = ROOT / "docs" / "cases.md"
SHARED = ROOT.parent / "shared"


def test_case_reference_is_current():
    from redline.data.casedocs import BEGIN, END, render_reference
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index(BEGIN): text.index(END) + len(END)] + "\n"
    assert block == render_reference(), (
        "docs/cases.md is out of date: run `python -m redline.data.casedocs docs/cases.md`")


def _tutorial_steps():
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Tutorial: your own data to a brief", 1)[1].split("\n## ", 1)[0]
    steps = []
    for m in re.finditer(r"(?P<before>[^\n]*)\n\n?```(?P<lang>\w+)\n(?P<body>.*?)```", section, re.S):
        lang, body, before = m["lang"], m["body"], m["before"]
        if lang == "yaml":
            name = re.search(r"File `([^`]+)`", before)
            assert name, f"a yaml block without 'File `NAME`:' before it: {before!r}"
            steps.append(("file", name.group(1), body))
        elif lang == "diff":
            steps.append(("diff", None, body))
        elif lang == "console":
            steps += [("run", None, ln[2:]) for ln in body.splitlines() if ln.startswith("$ redline ")]
    return steps


def _apply_diff(body: str, root: Path) -> None:
    lines = body.splitlines()
    target = root / lines[0].removeprefix("--- ").strip()
    text = target.read_text(encoding="utf-8")
    hunks, minus, plus = [], [], []
    for ln in lines[1:] + ["@@"]:
        if ln.startswith("@@"):       # hunks are separated by @@ lines, as in a unified diff
            if minus or plus:
                hunks.append((minus, plus))
            minus, plus = [], []
        elif ln.startswith("-"):
            minus.append(ln[1:])
        elif ln.startswith("+"):
            plus.append(ln[1:])
    for old, new in hunks:
        old_text = "\n".join(old) + "\n"
        assert text.count(old_text) == 1, f"the tutorial's edit does not apply:\n{old_text}"
        text = text.replace(old_text, "\n".join(new) + "\n" if new else "")
    target.write_text(text, encoding="utf-8")


def test_the_tutorial_runs_as_written(cli, tmp_path, monkeypatch):
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the tutorial's data is missing: {SHARED}")
        pytest.skip(f"shared data not found at {SHARED}")
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED)   # ../shared from the work folder
    monkeypatch.chdir(work)
    monkeypatch.delenv("REDLINE_STORE", raising=False)
    steps = _tutorial_steps()
    assert [s[0] for s in steps].count("run") >= 6
    for kind, name, body in steps:
        if kind == "file":
            (work / name).write_text(body, encoding="utf-8")
        elif kind == "diff":
            _apply_diff(body, work)
        else:
            args = shlex.split(body)[1:]
            r = cli(*args)
            allowed = (0, 1) if args[:2] == ["case", "check"] else (0,)
            assert r.exit_code in allowed, f"`{body}` failed:\n{r.output}"
    assert (work / "car-brief.html").stat().st_size > 10_000
    html = (work / "car-brief.html").read_text(encoding="utf-8")
    assert "fighting_cpc_government_of_central_african_republic" in html or \
        "Fighting between cpc" in html
