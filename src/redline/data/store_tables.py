"""The store's tables beside ``events``, and the SQL steps of an ingest that touch them.

``ingest_log`` (one row per ingest), ``events_replaced`` (rows a later release
replaced, as JSON), the migration of a store written by an older redline, the
settling of ids already stored (skipped, revised, conflicting) and the removal of
NUL bytes.  :class:`~redline.data.store.DuckDBStore` calls these inside its
transaction.
"""

from __future__ import annotations

import duckdb

from redline.data.schema import EVENT_COLUMNS, column_names, missing_columns

__all__ = [
    "COLUMN_LIST",
    "LOG_COLUMNS",
    "LOG_SQL",
    "REPLACED_SQL",
    "log_row",
    "migrate_store",
    "settle_known_ids",
    "sql_literal",
    "strip_nul_bytes",
    "table_columns",
]

LOG_SQL = """CREATE TABLE IF NOT EXISTS ingest_log (
  ingest_id VARCHAR, file VARCHAR, sha256 VARCHAR, format VARCHAR, case_name VARCHAR,
  rows_read BIGINT, rows_added BIGINT, started TIMESTAMP, seconds DOUBLE)"""
#: Columns added to ``ingest_log`` in store version 2 (appended by the migration).
_LOG_V2 = (("rows_revised", "BIGINT"), ("rows_conflicting", "BIGINT"), ("rows_skipped", "BIGINT"),
           ("release", "VARCHAR"))
LOG_COLUMNS = ("ingest_id", "file", "sha256", "format", "case_name", "rows_read", "rows_added",
               "started", "seconds") + tuple(c for c, _ in _LOG_V2)
#: What a later release replaced: the old row as JSON, with the ingest that replaced it.
REPLACED_SQL = """CREATE TABLE IF NOT EXISTS events_replaced (
  event_id VARCHAR, replaced_by VARCHAR, old_ingest_id VARCHAR, old_release VARCHAR,
  new_release VARCHAR, old_row VARCHAR)"""


#: Columns that say how a row came in, not what the source says about the event.
_NOT_CONTENT = frozenset({"event_id", "ingest_id", "case_id", "source_release", "actor", "target",
                          "extra", "source_format"})
COLUMN_LIST = ", ".join(f'"{c.name}"' for c in EVENT_COLUMNS)


def sql_literal(value: str | None) -> str:
    """A Python string (or None) as an SQL literal."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


#: Text columns a source fills (NUL bytes in them are stripped on ingest).
_TEXT_COLUMNS = tuple(c.name for c in EVENT_COLUMNS if c.sql == "VARCHAR" and c.name not in
                      ("ingest_id", "source_format", "case_id", "source_release"))


def strip_nul_bytes(con, mine: str) -> int:
    """Remove NUL bytes from the text fields of this ingest's rows; the number of rows
    that had any.  A NUL is never meaningful in a name or a summary (it comes from a
    damaged export) and breaks tools downstream, so it is removed and counted."""
    has = " OR ".join([f'contains("{c}", chr(0))' for c in _TEXT_COLUMNS]
                      + ["coalesce(len(list_filter(sources, lambda x: contains(x, chr(0)))) > 0, false)"])
    n = con.execute(f"SELECT count(*) FROM events WHERE {mine} AND ({has})").fetchall()[0][0]
    if n:
        sets = ", ".join([f'"{c}" = replace("{c}", chr(0), \'\')' for c in _TEXT_COLUMNS]
                         + ["sources = list_transform(sources, lambda x: replace(x, chr(0), ''))"])
        con.execute(f"UPDATE events SET {sets} WHERE {mine} AND ({has})")
    return int(n)


def log_row(con, values: dict) -> None:
    cols = [c for c in LOG_COLUMNS if c in values]
    con.execute(f"INSERT INTO ingest_log ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols])


def table_columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = 'main' ORDER BY ordinal_position", [table]).fetchall()]


def migrate_store(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring a store written by an older redline to the current schema, in place.

    Adds the canonical columns it lacks (NULL in old rows: unknown, as everywhere)
    and the newer ingest-log columns.  Returns the columns added (empty when the
    store was current).  Needs a writable connection.
    """
    added = []
    for col in missing_columns(table_columns(con, "events")):
        con.execute(f'ALTER TABLE events ADD COLUMN "{col.name}" {col.sql}')
        added.append(col.name)
    log_cols = set(table_columns(con, "ingest_log"))
    for name, sql in _LOG_V2:
        if name not in log_cols:
            con.execute(f"ALTER TABLE ingest_log ADD COLUMN {name} {sql}")
            added.append(f"ingest_log.{name}")
    return added



def settle_known_ids(con, mine: str, ingest_id: str) -> tuple[int, int, int]:
    """Rows of this ingest whose id is already stored: (revised, conflicting, skipped).

    Same content: the new row is dropped (skipped).  Other content from a later
    release: the stored row moves to ``events_replaced`` and the new one stays
    (revised), taking the stored values of the columns it leaves unknown (a reduced
    layout without headlines does not erase them).  Other content otherwise: the
    stored row stays (conflicting).  Content is compared on the columns both rows
    know, without those that say how a row came in (ingest, case, release,
    resolved ids, unmapped extras)."""
    content = [c for c in column_names() if c not in _NOT_CONTENT]
    same = " AND ".join(f'(n."{c}" IS NULL OR o."{c}" IS NULL OR n."{c}" = o."{c}")'
                        for c in content)
    con.execute(f"""CREATE TEMP TABLE known AS
        SELECT n.event_id, o.ingest_id AS old_ingest_id, o.source_release AS old_release,
               n.source_release AS new_release,
               coalesce({same}, false) AS same,
               coalesce(string_split(n.source_release, '.')::INTEGER[]
                        > string_split(o.source_release, '.')::INTEGER[], false) AS later
        FROM events n JOIN events o ON o.event_id = n.event_id AND NOT (o.{mine})
        WHERE n.{mine}""")
    # (the temp table goes with the connection if anything below fails)
    skipped, revised, conflicting = con.execute(
        "SELECT count(*) FILTER (same), count(*) FILTER (NOT same AND later), "
        "count(*) FILTER (NOT same AND NOT later) FROM known").fetchall()[0]
    if skipped:
        # a release that repeats a stored row confirms it: the row now counts as of the
        # later (or first known) release, so the next release compares against that
        con.execute(f"""UPDATE events o SET source_release = k.new_release FROM known k
            WHERE o.event_id = k.event_id AND NOT (o.{mine}) AND k.same
            AND k.new_release IS NOT NULL AND (k.old_release IS NULL OR k.later)""")
    if revised:
        con.execute(f"""INSERT INTO events_replaced
            SELECT k.event_id, '{ingest_id}', k.old_ingest_id, k.old_release, k.new_release,
                   CAST(to_json(o) AS VARCHAR)
            FROM known k JOIN events o ON o.event_id = k.event_id AND NOT (o.{mine})
            WHERE NOT k.same AND k.later""")
        fill = ", ".join(f'"{c}" = coalesce(n."{c}", o."{c}")' for c in column_names()
                         if c not in ("event_id", "ingest_id", "source_release",
                                      "source_format"))
        con.execute(f"""UPDATE events n SET {fill}
            FROM events o WHERE n.{mine} AND o.event_id = n.event_id AND NOT (o.{mine})
            AND n.event_id IN (SELECT event_id FROM known WHERE NOT same AND later)""")
        con.execute(f"""DELETE FROM events WHERE NOT ({mine}) AND event_id IN
                        (SELECT event_id FROM known WHERE NOT same AND later)""")
    con.execute(f"""DELETE FROM events WHERE {mine} AND event_id IN
                    (SELECT event_id FROM known WHERE same OR NOT later)""")
    con.execute("DROP TABLE known")
    return int(revised), int(conflicting), int(skipped)
