"""Load YAML while remembering where each value came from.

pydantic reports errors by path (``ties.3.to``); a user wants a line number.  We
compose the YAML node tree once, keep it, and look the path up in it when an
error has to be reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from redline.errors import EncodingError, InputError, ValidationError


class YamlDocument:
    """A parsed YAML file: its data and a map from paths to line numbers."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    def line_of(self, loc: Iterable[Any]) -> int | None:
        """1-based line of the node at ``loc`` (or of its deepest existing parent)."""
        node = self._root
        line = None if node is None else node.start_mark.line + 1
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == str(key):
                        nxt = v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                nxt = node.value[key] if 0 <= key < len(node.value) else None
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            line = node.start_mark.line + 1
        return line


def dotted(loc: Iterable[Any]) -> str:
    """Render a pydantic location as a YAML path: ``ties[3].to``."""
    out = ""
    for key in loc:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += ("." if out else "") + str(key)
    return out


def load_yaml(path: str | Path) -> YamlDocument:
    """Read a YAML file; raise :class:`InputError` naming the file and line on bad syntax."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8", file=str(path), line=line,
            expected="a UTF-8 text file",
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ValidationError(
            f"YAML syntax error: {exc.problem}", file=str(path),
            line=None if mark is None else mark.line + 1,
        ) from None
    if data is None:
        raise ValidationError("the file is empty", file=str(path), expected="a YAML mapping")
    return YamlDocument(path, data, root)


def raise_pydantic(doc: YamlDocument, exc: Any, error_cls: type[InputError] = ValidationError) -> None:
    """Turn the first error of a pydantic ``ValidationError`` into a redline error."""
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    msg = err.get("msg", "invalid value")
    ctx = err.get("ctx") or {}
    expected = ctx.get("expected")
    value = err.get("input")
    if err.get("type") == "missing":
        msg = "required field is missing"
    elif not isinstance(value, (dict, list)):
        msg = f"{msg} (got {value!r})"
    raise error_cls(msg, file=str(doc.path), line=doc.line_of(loc), field=dotted(loc),
                    expected=expected) from None
