"""Every error redline raises on purpose.

One base, :class:`RedlineError`, so callers (the CLI handler, the web handler) can
tell a user mistake from a bug.  Each class also inherits the matching built-in
exception, so ``except ValueError`` in user code keeps working.

Errors about input carry *where* the problem is (file, line or YAML path, field)
and *what a valid value looks like*; :meth:`RedlineError.__str__` renders them in
one line that the CLI prints as it is.
"""

from __future__ import annotations

__all__ = [
    "RedlineError",
    "InputError",
    "SchemaError",
    "ValidationError",
    "EncodingError",
    "EmptyInputError",
    "DuplicateIdError",
    "UnknownActorError",
    "UnknownFormatError",
    "UnknownCaseError",
    "UnknownStreamError",
    "StoreError",
    "StoreBusyError",
    "EngineError",
    "EngineUnavailableError",
    "MissingExtraError",
    "ModelError",
    "NotFittedError",
    "ConvergenceWarning",
    "StationarityWarning",
    "BootstrapWarning",
    "AnalysisError",
    "ScenarioError",
    "ReadingError",
    "ReportError",
    "ProblemsError",
]


class RedlineError(Exception):
    """Base of every error redline raises deliberately.

    Parameters
    ----------
    message
        What went wrong, in words a user understands.
    file
        The file the problem is in, if any.
    line
        1-based line number in ``file`` (for YAML: the line of the node).
    field
        Column name, or a YAML path such as ``ties[3].to``.
    expected
        What a valid value looks like, e.g. ``"a date YYYY-MM-DD"``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        self.expected = expected

    @property
    def reason(self) -> str:
        """The message with what was needed, without file, line or field: the clause a page
        or a brief uses to say why something could not be done."""
        return self.message + (f" (needed: {self.expected})" if self.expected else "")

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class InputError(RedlineError, ValueError):
    """A file or argument given by the user is wrong."""


class SchemaError(InputError):
    """Columns are missing or of the wrong kind."""


class ValidationError(InputError):
    """A value is out of range or does not parse."""


class EncodingError(InputError):
    """A file is not valid UTF-8 (or not text at all)."""


class EmptyInputError(InputError):
    """A file holds no records."""


class DuplicateIdError(InputError):
    """The same id appears twice in one file with different content."""


class UnknownActorError(InputError):
    """A case file names an actor it does not define."""


class UnknownFormatError(InputError):
    """The format of a file could not be told or is not supported."""


class UnknownCaseError(InputError, LookupError):
    """No built-in case or case folder of that name."""


class UnknownStreamError(InputError, LookupError):
    """A stream name the case does not define."""


class StoreError(RedlineError, RuntimeError):
    """The event store cannot do what was asked."""


class StoreBusyError(StoreError):
    """Another process holds the store's write lock."""


class EngineError(RedlineError, RuntimeError):
    """A query engine (DuckDB, Spark) is misconfigured or unreachable."""


class EngineUnavailableError(EngineError, ImportError):
    """An optional engine's packages are not installed."""


class MissingExtraError(RedlineError, ImportError):
    """A command needs an optional extra (``redline[read]``, ``[web]``, ...) not installed."""


class ModelError(RedlineError, ValueError):
    """A model was given data or settings it cannot use."""


class NotFittedError(ModelError, AttributeError):
    """A model method that needs ``fit`` was called before it."""


class ConvergenceWarning(UserWarning):
    """The optimiser stopped before it converged."""


class StationarityWarning(UserWarning):
    """The fitted branching ratio is at or above 1 (explosive process)."""


class BootstrapWarning(UserWarning):
    """Too few bootstrap replicates could be refitted for percentile intervals."""


class AnalysisError(RedlineError, ValueError):
    """An analysis was asked for something the data cannot give."""


class ScenarioError(InputError):
    """A scenario file or option is invalid."""


class ReadingError(InputError):
    """A text could not be read into events."""


class ReportError(RedlineError, RuntimeError):
    """A report could not be written."""


class ProblemsError(ValidationError):
    """Several problems of one file, found in one pass; ``problems`` holds each as an
    :class:`InputError` with its own line, field and valid value."""

    def __init__(self, problems: list[InputError], *, file: str | None = None,
                 shown: int = 40) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found in one pass:"]
        for p in self.problems[:shown]:
            lines.append("  " + str(p))
        if n > shown:
            lines.append(f"  ... and {n - shown} more of the same kinds")
        super().__init__("\n".join(lines), file=file)
        self.file = None  # each problem names its file; the header would repeat it
