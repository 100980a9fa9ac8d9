"""The Spark engine: the store queries on Apache Spark, through Ibis's PySpark backend.

Reads a redline Parquet dataset (a local folder or any URI Spark reads:
``s3a://``, ``gs://``, ``abfss://``, ``hdfs://``) with a local Spark
(``local[N]``), a cluster master, or a Spark Connect server (``sc://host:15002``).
The queries are those of :mod:`redline.data.queries`; only their small results
come back to Python.  Needs the ``spark`` extra: ``pip install 'redline[spark]'``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import uuid
import warnings
from collections.abc import Iterator
from urllib.parse import urlparse

import ibis
import pandas as pd

from redline.data.engines.base import EventReads, check_columns
from redline.data.filters import EventFilter
from redline.data.schema import EVENT_COLUMNS
from redline.errors import EngineError, EngineUnavailableError, StoreError

__all__ = ["SparkStore", "spark_session", "require_pyspark", "DEFAULT_MASTER"]

DEFAULT_MASTER = "local[*]"
INSTALL_HINT = "pip install 'redline[spark]' (pyspark>=3.5,<4.1 and ibis-framework[pyspark])"


def require_pyspark() -> None:
    """Raise :class:`EngineUnavailableError` (one line, with the install hint) without pyspark."""
    try:
        import ibis.backends.pyspark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailableError(
            f"the spark engine is not installed ({exc})", field="--engine",
            expected=INSTALL_HINT) from None


def _local_cores(master: str) -> int:
    m = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master)
    if not m:
        return 0
    n = m.group(1)
    return os.cpu_count() or 2 if n in (None, "*") else int(n)


def _check_reachable(master: str, timeout: float) -> None:
    url = urlparse(master)
    host, port = url.hostname or "localhost", url.port or 15002
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise EngineError(f"cannot reach the Spark Connect server {master} "
                          f"({exc.strerror or exc.__class__.__name__})", field="--spark-master",
                          expected="a running Spark Connect server (sbin/start-connect-server.sh) "
                          "at sc://HOST:PORT, or a local master such as local[2]") from None


def spark_session(master: str | None = None, conf: dict[str, str] | None = None,
                  connect_timeout: float = 5.0):
    """A Spark session for ``master``: ``local[N]``, a cluster URL, or ``sc://host:port``.

    Local sessions get small shuffle partitions (2 per core) and no web UI, so
    that small queries stay fast; ``conf`` overrides any setting.  A Spark
    Connect address is probed first and fails within ``connect_timeout`` seconds.
    An already running session in this process is reused.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    master = master or os.environ.get("REDLINE_SPARK_MASTER") or DEFAULT_MASTER
    settings = {"spark.sql.session.timeZone": "UTC"}
    try:
        if master.startswith("sc://"):
            _check_reachable(master, connect_timeout)
            builder = SparkSession.builder.remote(master)
        else:
            cores = _local_cores(master)
            if cores:
                settings.update({"spark.ui.enabled": "false",
                                 "spark.sql.shuffle.partitions": str(max(2, 2 * cores)),
                                 "spark.ui.showConsoleProgress": "false"})
            builder = SparkSession.builder.master(master).appName("redline")
        settings.update(conf or {})
        for k, v in settings.items():
            builder = builder.config(k, v)
        session = builder.getOrCreate()
        if not master.startswith("sc://"):
            # Spark's INFO/WARN chatter would bury redline's own output on the terminal.
            session.sparkContext.setLogLevel("ERROR")
        return session
    except EngineError:
        raise
    except Exception as exc:  # Py4J/JVM start-up, gRPC: turn into one line
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        hint = ("Java 17 or 21 on PATH (or JAVA_HOME)" if "JAVA" in first.upper()
                else "a Spark master such as local[2] or a Spark Connect address sc://HOST:15002")
        raise EngineError(f"Spark could not start with master {master!r}: {first}",
                          field="--spark-master", expected=hint) from None


#: Spark SQL type of each canonical DuckDB type (for columns a dataset lacks).
_SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "TIMESTAMP": "timestamp", "DOUBLE": "double",
                "INTEGER": "int", "BOOLEAN": "boolean", "VARCHAR[]": "array<string>"}


class SparkStore(EventReads):
    """A redline Parquet dataset queried with Spark (read-only).

    Parameters
    ----------
    path
        The dataset: a local folder or a URI Spark reads (``s3a://bucket/events``).
    master
        ``local[N]``, a cluster master URL or ``sc://host:15002`` (Spark Connect);
        default ``$REDLINE_SPARK_MASTER``, else ``local[*]``.
    session
        An existing SparkSession to use instead (e.g. on Databricks); ``master``
        is then ignored.
    conf
        Extra Spark settings for a new session.
    """

    engine = "spark"
    native_offset = False
    #: Spark only reads; datasets are written by the DuckDB engines
    read_only = True

    def __init__(self, path: str, master: str | None = None, session=None,
                 conf: dict[str, str] | None = None, connect_timeout: float = 5.0) -> None:
        require_pyspark()
        self.path = str(path)
        self.master = master or os.environ.get("REDLINE_SPARK_MASTER") or DEFAULT_MASTER
        self.conf = conf
        self.connect_timeout = connect_timeout
        self._session = session
        self._backend = None
        self._view = f"redline_events_{uuid.uuid4().hex[:8]}"
        self._registered = False

    def __repr__(self) -> str:
        return f"SparkStore({self.path!r}, master={self.master!r})"

    @property
    def session(self):
        if self._session is None:
            self._session = spark_session(self.master, self.conf, self.connect_timeout)
        return self._session

    def _ibis(self):
        if self._backend is None:
            self._backend = ibis.pyspark.connect(self.session)
        return self._backend

    def dataframe(self):
        """The dataset as a Spark DataFrame of canonical columns (schema checked)."""
        from ibis.backends.pyspark.datatypes import PySparkType

        try:
            df = self.session.read.parquet(self.path)
        except Exception as exc:
            raise StoreError(f"cannot read the Parquet dataset {self.path}: {_first_line(exc)}",
                             expected="a folder or URI written by `redline ingest --to-parquet` "
                             "or `redline export --parquet`") from None
        found = ibis.schema({f.name: PySparkType.to_ibis(f.dataType) for f in df.schema.fields})
        check_columns(found, self.path)
        from pyspark.sql import functions as F
        # columns newer than the dataset's files are read as typed NULLs
        return df.select(*[c.name if c.name in found else
                           F.lit(None).cast(_SPARK_TYPES[c.sql]).alias(c.name)
                           for c in EVENT_COLUMNS])

    @contextlib.contextmanager
    def table(self) -> Iterator[ibis.expr.types.Table]:
        """The dataset as an Ibis table; read (and its schema checked) once per store.

        Call :meth:`refresh` to see files added after the first query.
        """
        backend = self._ibis()
        if not self._registered:
            self.dataframe().createOrReplaceTempView(self._view)
            self._registered = True
        yield backend.table(self._view)

    def refresh(self) -> None:
        """Forget the file listing, so the next query sees files added since."""
        self._registered = False

    def run(self, expr) -> pd.DataFrame:
        try:
            with warnings.catch_warnings():
                # PySpark 4.0's toPandas passes copy= to pandas 3 astype; harmless, noisy.
                warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
                df = expr.to_pandas()
        except Exception as exc:
            if isinstance(exc, (EngineError, StoreError)):
                raise
            raise StoreError(f"Spark could not run the query on {self.path}: {_first_line(exc)}",
                             expected="Parquet files with the canonical event columns and types") from None
        return _normalise(df, expr.schema())

    def count(self, filt: EventFilter | None = None) -> int:
        try:
            return super().count(filt)
        except (EngineError, StoreError):
            raise
        except Exception as exc:
            raise StoreError(f"Spark could not run the query on {self.path}: {_first_line(exc)}") from None

    def export_parquet(self, dest: str, filt: EventFilter | None = None) -> int:
        """Append the events ``filt`` selects to the dataset ``dest`` (Spark writes it).

        Events whose id is already in ``dest`` are skipped, so exporting twice adds nothing.
        """
        from pyspark.sql import functions as F

        from redline.data import queries
        with self.table() as t:
            sql = ibis.to_sql(t.filter(queries.filter_predicate(t, filt or EventFilter())),
                              dialect="pyspark")
        df = self.session.sql(str(sql))
        try:
            old = self.session.read.parquet(str(dest)).select("event_id")
            df = df.join(old, on="event_id", how="left_anti")
        except Exception:
            pass  # no dataset there yet
        df = df.withColumn("year", F.year("date")).withColumn("month", F.month("date"))
        n = df.count()
        if n:
            df.write.mode("append").partitionBy("year", "month").parquet(str(dest))
        return int(n)

    # Parquet datasets on Spark are written by `redline ingest --to-parquet` (DuckDB).
    def ingest(self, *args, **kwargs):
        raise StoreError("the spark engine reads Parquet datasets; it does not ingest files",
                         expected="`redline ingest FILE --to-parquet DIR` (DuckDB writes the "
                         "dataset), then query DIR with --engine spark")

    ingest_frame = ingest

    def ingest_log(self) -> pd.DataFrame:
        from pathlib import Path

        from redline.data.engines.duckdb_parquet import LOG_NAME, read_log
        if "://" not in self.path and (Path(self.path) / LOG_NAME).exists():
            return read_log(Path(self.path))
        return read_log(Path("/nonexistent"))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return exc.__class__.__name__


def _normalise(df: pd.DataFrame, schema: ibis.Schema) -> pd.DataFrame:
    """Integer columns that Spark returns as floats (because of NULLs) back to integers."""
    for name, dtype in schema.items():
        if name in df and dtype.is_integer() and df[name].dtype.kind == "f":
            col = df[name]
            df[name] = col.astype("Int64") if col.isna().any() else col.astype("int64")
    return df
