"""A case folder: its events file, with ids and actor names scoped to the case."""

from __future__ import annotations

from pathlib import Path

from redline.data.case import Case
from redline.data.importers.base import register, sql_str
from redline.data.importers.redline_csv import RedlineCsvImporter


@register
class CaseImporter(RedlineCsvImporter):
    """Ingest ``events.csv`` (or ``events.parquet``) of a case; ids ``<case>:<id>``."""

    format = "case"

    def __init__(self, path: Path, aliases: dict[str, str] | None = None,
                 case: Case | None = None) -> None:
        from redline.data.case import load_case

        self.case = case or load_case(path)
        events = self.case.events_path
        if events is None:
            from redline.errors import InputError
            raise InputError("the case has no events.csv or events.parquet",
                             file=str(self.case.folder))
        super().__init__(events, {**self.case.alias_map(), **(aliases or {})})
        self.id_prefix = self.case.name

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        return False  # folders are told apart in sniff_format

    #: ids of these sources keep their own prefix in a case (``ucdp:123``, as `redline case
    #: init` writes them), so a case and a raw ingest of the same data hold one row
    SHARED_ID_PREFIXES = ("ucdp", "acled", "gdelt", "icews", "plover")

    def select_exprs(self) -> dict[str, str]:
        exprs = super().select_exprs()
        if "event_id" in getattr(self, "_columns", ()):
            shared = "|".join(self.SHARED_ID_PREFIXES)
            raw = "nullif(trim(\"event_id\"), '')"
            exprs["event_id"] = (f"CASE WHEN regexp_matches({raw}, '^({shared}):') THEN {raw} "
                                 f"ELSE {exprs['event_id']} END")
        return exprs

    def relation_sql(self, path: Path) -> str:
        if path.suffix == ".parquet":
            return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({sql_str(str(path))}))"
        return super().relation_sql(path)

    def validate_header(self, path: Path) -> None:
        if path.suffix == ".parquet":
            import duckdb
            rel = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({sql_str(str(path))})")
            assert rel is not None  # DESCRIBE returns a relation (None is for statements)
            cols = [r[0] for r in rel.fetchall()]
            self._columns = cols
            return
        super().validate_header(path)
