"""Deciding how to ingest a source: which importer, which aliases, which id."""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from redline.data.case import Case, builtin_cases, load_case

# Importing the modules registers their formats.
from redline.data.importers import FORMATS  # noqa: F401
from redline.data.importers.base import Importer, importer_for, sniff_format
from redline.data.importers.case import CaseImporter
from redline.data.store import file_sha256
from redline.errors import InputError

__all__ = ["IngestPlan", "plan_ingest"]


@dataclass
class IngestPlan:
    importer: Importer
    format: str
    display: str
    hashing: Future
    case_name: str | None
    #: the source release (UCDP ``'23.1'``): given, or read from the file name by the importer
    release: str | None = None

    @property
    def sha256(self) -> str:
        """The file's SHA-256, hashed in a thread while DuckDB reads the file."""
        return self.hashing.result()


_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-sha256")


def _hash_later(path: Path) -> Future:
    return _HASHER.submit(file_sha256, path)


_RELEASE = re.compile(r"^\d{1,4}(\.\d{1,4}){0,2}$")


def check_release(release: str | None, file: str | None = None) -> str | None:
    """``release`` if it reads as a version (``23.1``), else an :class:`InputError`."""
    if release is None:
        return None
    text = str(release).strip()
    if not _RELEASE.match(text):
        raise InputError(f"release {release!r} is not a version number", file=file,
                         field="--release", expected="a release such as 23.1 or 19.1")
    return text


def plan_ingest(source: str | Path, fmt: str | None = None, case: Case | str | None = None,
                release: str | None = None) -> IngestPlan:
    """Pick the importer for ``source`` (a file, a case folder or a built-in case name).

    ``case`` (a :class:`Case` or its name/folder) lends its actor aliases to any
    format, so names in an ACLED or GDELT file resolve to the case's actor ids.
    ``release`` is the source's release (UCDP ``'23.1'``); when None the importer
    reads it from the file name where the format names releases there.
    """
    release = check_release(release, str(source))
    if isinstance(case, (str, Path)):
        case = load_case(case)
    path = Path(source)
    if not path.exists() and str(source) in builtin_cases():
        path = builtin_cases()[str(source)]
        fmt = fmt or "case"
    fmt = fmt or sniff_format(path)
    cls = importer_for(fmt)
    if fmt == "case":
        assert issubclass(cls, CaseImporter)  # the importer registered for "case"
        case_importer = cls(path, case=load_case(path)) if not isinstance(case, Case) else cls(path, case=case)
        own_case = case_importer.case
        builtin = builtin_cases().get(own_case.name) == own_case.folder
        display = f"{own_case.name} (built-in case)" if builtin else str(case_importer.path)
        return IngestPlan(case_importer, fmt, display, _hash_later(case_importer.path), own_case.name)
    if path.is_dir():
        raise InputError("a folder can only be ingested as a case", file=str(path),
                         expected="a file, or --format case for a folder with case.yaml")
    if not path.exists():
        raise InputError("file not found", file=str(path),
                         expected="a file path, a case folder or a built-in case: "
                         + ", ".join(builtin_cases()))
    if path.stat().st_size == 0:
        from redline.errors import EmptyInputError
        raise EmptyInputError("the file is empty", file=str(path),
                              expected="a header row and at least one event")
    aliases = case.alias_map() if isinstance(case, Case) else {}
    importer = cls(path, aliases)
    release = release or check_release(importer.release_from_name(), str(path))
    return IngestPlan(importer, fmt, str(path), _hash_later(path),
                      case.name if isinstance(case, Case) else None, release)
