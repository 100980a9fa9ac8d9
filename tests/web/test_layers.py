"""The web layer's shape: thin, separate from the CLI, no CDN, modules of a readable size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import redline.web

WEB = Path(redline.web.__file__).parent
CLI = WEB.parent / "cli"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_web_and_cli_do_not_import_each_other():
    for p in WEB.rglob("*.py"):
        assert not any(m.startswith("redline.cli") for m in _imports(p)), p
    for p in CLI.glob("*.py"):
        if p.name != "serve.py":
            assert not any(m.startswith("redline.web") for m in _imports(p)), p


def test_modules_stay_small():
    for p in list(WEB.rglob("*.py")) + [CLI / "serve.py"]:
        assert len(p.read_text(encoding="utf-8").splitlines()) < 500, p


def test_no_cdn_or_remote_assets():
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""")
    for p in list((WEB / "templates").glob("*.html")) + [
            p for p in (WEB / "static").glob("*.*") if p.suffix in (".js", ".css")]:
        assert not remote.search(p.read_text(encoding="utf-8")), p


def test_vendored_assets_are_minified_and_listed():
    vendor = WEB / "static" / "vendor"
    versions = (vendor / "VERSIONS.txt").read_text().split()
    for name in ("htmx.org", "vega", "vega-lite", "vega-embed", "vega-interpreter", "cytoscape",
                 "leaflet", "topojson-client", "world-atlas"):
        assert name in versions
    total = sum(p.stat().st_size for p in vendor.rglob("*") if p.is_file())
    assert total < 3_000_000
