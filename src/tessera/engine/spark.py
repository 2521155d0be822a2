"""Spark: a SparkSession built from the settings, and ``Tables`` on it.

``session`` starts (or joins) the Spark the settings describe: local mode (``local[N]``, this
machine's cores in one JVM) or a cluster's master URL, with the driver's and executors'
memory and any further ``spark_conf``. Spark's own chatter is kept to errors, and its
progress bars off: Tessera's commands show their own.

``SparkTables`` runs the scans' SQL, written in DuckDB's dialect, translated by sqlglot.
Arrow tables reach Spark as Parquet files in a scratch folder (on a cluster, one every
executor sees); every table a query makes is materialised once (a local checkpoint), so
that a scan's steps, and the hop-by-hop loops of the cycle search, do not grow a lineage
that Spark would recompute.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
import sqlglot.errors

from tessera.engine import EngineError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from tessera.config import Settings

JAVA_MIN = 17  # Spark 4 runs on Java 17 or later
INSTALL_JAVA = "install Java 17 or later (Debian: apt-get install default-jre-headless)"
# Spark's default log configuration prints its start-up notes and every warning. This one
# prints errors, and warnings only of the start itself (then ``session`` sets errors only):
# PySpark announces "Setting default log level" whenever the root level is not the REPL
# logger's level, which it takes as WARN. Written to a file at start: log4j reads a file.
LOG4J = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = warn
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
"""
# Spark SQL settings a new session is given from the one it comes from.
CARRIED = ("spark.sql.shuffle.partitions", "spark.sql.session.timeZone")


def _pyspark() -> Any:
    try:
        import pyspark  # here: optional, only a Spark run needs it
    except ImportError:
        raise EngineError("the Spark engine needs pyspark: pip install 'tessera[spark]' "
                          f"(and {INSTALL_JAVA})") from None
    return pyspark


def java_version() -> int:
    """The major version of the Java Spark will start (``JAVA_HOME``'s, else the PATH's);
    EngineError naming what is missing when there is none."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).exists():
        where = f"JAVA_HOME={home} has no bin/java" if home else "no java on the PATH"
        raise EngineError(f"the Spark engine needs Java: {where}; {INSTALL_JAVA}")
    try:
        said = subprocess.run([java, "-version"], capture_output=True, text=True,  # noqa: S603
                              timeout=60, check=True).stderr
    except (OSError, subprocess.SubprocessError) as err:
        raise EngineError(f"the Spark engine needs Java: {java} -version failed ({err}); "
                          f"{INSTALL_JAVA}") from None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', said)
    if found is None:
        raise EngineError(f"cannot tell the version of {java} from: {said.strip()[:200]}")
    major = int(found[1])
    return int(found[2] or 0) if major == 1 else major  # "1.8.0" is Java 8


def _local_cores(master: str) -> int | None:
    found = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\s*\d+)?\])?", master.strip())
    if found is None:
        return None
    cores = found[1] or "1"
    return (os.cpu_count() or 1) if cores == "*" else int(cores)


def conf(settings: Settings, log_config: Path | None = None) -> dict[str, str]:
    """The Spark settings a session is built with: Tessera's defaults, then ``spark_conf``."""
    out = {
        "spark.app.name": settings.spark_app_name,
        "spark.master": settings.spark_master,
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.session.timeZone": "UTC",  # times are UTC throughout Tessera
        "spark.ui.showConsoleProgress": "false",
    }
    if settings.spark_executor_memory:
        out["spark.executor.memory"] = settings.spark_executor_memory
    cores = _local_cores(settings.spark_master)
    if cores is not None:
        # Spark's default of 200 shuffle partitions suits a cluster; on a few local cores
        # it spends more time scheduling tiny tasks than working
        out["spark.sql.shuffle.partitions"] = str(4 * cores)
    if log_config is not None:
        out["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={log_config.as_uri()}"
    return out | dict(settings.spark_conf)


def session(settings: Settings) -> SparkSession:
    """The SparkSession the settings describe, started if there is none in this process.
    There is one Spark per process: a running one is joined as it is, its settings left as
    whoever started it chose (a builder would change some of them under its other users)."""
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    major = java_version()
    if major < JAVA_MIN:
        raise EngineError(f"the Spark engine needs Java {JAVA_MIN} or later, found Java "
                          f"{major}; {INSTALL_JAVA}")
    # a file of this process's own (log4j reads it as the JVM starts, then it goes)
    handle, name = tempfile.mkstemp(prefix="tessera-log4j2-", suffix=".properties")
    log_config = Path(name)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(LOG4J)
        builder = SparkSession.builder
        for key, value in conf(settings, log_config).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
    except Exception as err:  # the JVM could not start: its reason is in the message
        lines = [line for line in str(err).splitlines() if line.strip()]
        raise EngineError(f"Spark did not start at {settings.spark_master}: "
                          f"{lines[0] if lines else type(err).__name__}") from None
    finally:
        log_config.unlink(missing_ok=True)
    spark.sparkContext.setLogLevel("ERROR")
    from pyspark.logger import PySparkLogger

    # PySpark also logs each failed query's error, as JSON with its stack, to stderr: the
    # error reaches the caller as an EngineError, which says it once
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)
    return spark


@functools.lru_cache(maxsize=1024)
def to_spark(sql: str) -> str:
    """``sql`` (DuckDB's dialect) in Spark's."""
    try:
        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    except sqlglot.errors.SqlglotError as err:
        raise EngineError(f"cannot translate the query to Spark SQL: {err}") from None


class SparkTables:
    """``Tables`` on a session of its own (temporary views not shared with other users of the
    same Spark), with Parquet files in a scratch folder under ``scratch``."""

    name = "spark"

    def __init__(self, spark: SparkSession, *, scratch: Path | None = None) -> None:
        self.spark = spark.newSession()
        for key in CARRIED:
            value = spark.conf.get(key, None)
            if value is not None:
                self.spark.conf.set(key, value)
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
        self._dir = tempfile.TemporaryDirectory(prefix="tessera-spark-", dir=scratch)
        self._files = itertools.count(1)
        self._made: dict[str, DataFrame] = {}  # name -> its checkpoint
        self._names: set[str] = set()

    def register(self, name: str, table: pa.Table) -> None:
        path = Path(self._dir.name) / f"{next(self._files)}-{name}.parquet"
        pq.write_table(table, path)
        with _errors():
            self.spark.read.parquet(path.as_uri()).createOrReplaceTempView(name)
        self._release(name)
        self._names.add(name)

    def create(self, name: str, sql: str) -> None:
        with _errors():
            made = self.spark.sql(to_spark(sql)).localCheckpoint(eager=True)
            made.createOrReplaceTempView(name)
        self._release(name)
        self._made[name] = made
        self._names.add(name)

    def view(self, name: str, sql: str) -> None:
        # A Spark view holds the plan of the tables it reads as they are now: a table it
        # reads must not be replaced while it is in use (on DuckDB a view reads by name).
        with _errors():
            self.spark.sql(to_spark(sql)).createOrReplaceTempView(name)
        self._release(name)
        self._names.add(name)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        # through Arrow, not collect(): a rule's candidates can be tens of thousands of rows
        # of lists, which come back several times faster as Arrow columns than pickled
        with _errors():
            found = self.spark.sql(to_spark(sql)).toArrow()
        return list(zip(*(column.to_pylist() for column in found.columns), strict=True))

    def close(self) -> None:
        for name in list(self._made):
            self._release(name)
        for name in self._names:
            self.spark.catalog.dropTempView(name)
        self._names.clear()
        self._dir.cleanup()

    def _release(self, name: str) -> None:
        """Free the blocks of the checkpoint ``name`` held. PySpark has no public call for
        it (Spark frees them when its JVM collects the checkpoint, maybe much later), so the
        checkpoint's RDD is reached through the JVM; where that fails, it is left to Spark."""
        made = self._made.pop(name, None)
        if made is None:
            return
        with contextlib.suppress(Exception):
            made._jdf.queryExecution().analyzed().rdd().unpersist(False)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JError) as err:
        lines = [line for line in str(err).strip().splitlines() if line.strip()]
        raise EngineError(lines[0] if lines else type(err).__name__) from None
