"""Store engines: one module per engine, all sharing :class:`~redline.data.engines.base.EventReads`.

=================  ==========================================  ==========================
engine             store                                       module
=================  ==========================================  ==========================
``duckdb``         a DuckDB file (:class:`DuckDBStore`)         :mod:`redline.data.store`
``duckdb``         a Parquet folder (:class:`ParquetStore`)     :mod:`.duckdb_parquet`
``spark``          a Parquet dataset (:class:`SparkStore`)      :mod:`.spark` (extra ``spark``)
=================  ==========================================  ==========================

:func:`redline.data.open.open_store` picks one.  The Spark module is imported
only when asked for, so redline works without pyspark installed.
"""

from redline.data.engines.base import EventReads

__all__ = ["EventReads", "ENGINES"]

#: Engine names accepted by ``--engine`` / ``$REDLINE_ENGINE``.
ENGINES = ("duckdb", "spark")
