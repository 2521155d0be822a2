"""Analytics engines: the SQL that scans run, on DuckDB (one machine) or Spark (a cluster).

A scan is written once, as SQL in DuckDB's dialect over named tables, with Python between
queries. What it needs of an engine is small (``Tables``): make a table from an Arrow table,
make a table or a view from a query, and get a query's rows back. ``DuckTables`` does that on
an embedded DuckDB; ``tessera.engine.spark.SparkTables`` on a SparkSession, translating each
query to Spark SQL with sqlglot (as Splink does: the dialect is one axis, how it runs
another). ``open_tables`` picks one from the settings (``TESSERA_ENGINE``).

pyspark is imported only when Spark is asked for: the DuckDB path does not need it installed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    from tessera.config import Settings



class Engine(StrEnum):
    """The engines a scan runs on (as ``TESSERA_ENGINE`` names them)."""

    duckdb = "duckdb"
    spark = "spark"


ENGINES = tuple(e.value for e in Engine)


class EngineError(RuntimeError):
    """An engine that cannot be started, or a query it could not run: says what and why."""


class Tables(Protocol):
    """Named tables an engine holds, and the SQL (DuckDB's dialect) run over them.

    A name given again replaces the table or view it named. The query of ``create`` may read
    the table it replaces (``create("live", "SELECT … FROM live …")``); a view may not, and
    what a view reads must not be replaced while the view is in use: DuckDB finds a view's
    tables by name when it is read, Spark when it is made."""

    name: str  # "duckdb" or "spark"

    def register(self, name: str, table: pa.Table) -> None:
        """Make ``table`` queryable as ``name``."""

    def create(self, name: str, sql: str) -> None:
        """Run ``sql`` once and keep its result as table ``name``."""

    def view(self, name: str, sql: str) -> None:
        """Name ``sql`` as ``name``, run each time it is read."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql``: lists as Python lists, integers as int, numbers as float."""

    def close(self) -> None:
        """Drop every table made here."""


class DuckTables:
    """``Tables`` on an embedded DuckDB connection, kept within ``memory_limit`` and spilling
    the rest to a temporary folder."""

    name = "duckdb"

    def __init__(self, *, memory_limit: str = "6GB", threads: int | None = None) -> None:
        self._spill = tempfile.TemporaryDirectory(prefix="tessera-duckdb-")
        self.con = duckdb.connect(config={"memory_limit": memory_limit,
                                          "temp_directory": self._spill.name})
        self.con.execute("SET TimeZone = 'UTC'")  # times are UTC throughout Tessera
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._kinds: dict[str, str] = {}  # name -> "arrow", "table" or "view"

    def _drop(self, name: str) -> None:
        kind = self._kinds.pop(name, None)
        if kind == "arrow":
            self.con.unregister(name)
        elif kind is not None:
            self.con.execute(f'DROP {kind.upper()} "{name}"')

    def register(self, name: str, table: pa.Table) -> None:
        with _errors():
            self._drop(name)
            self.con.register(name, table)  # read in place: no copy of the Arrow table
        self._kinds[name] = "arrow"

    def create(self, name: str, sql: str) -> None:
        # Made under another name first, so that ``sql`` can read the table it replaces.
        with _errors():
            self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}__next" AS {sql}')
            self._drop(name)
            self.con.execute(f'ALTER TABLE "{name}__next" RENAME TO "{name}"')
        self._kinds[name] = "table"

    def view(self, name: str, sql: str) -> None:
        with _errors():
            self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}__next" AS {sql}')
            self._drop(name)
            self.con.execute(f'ALTER VIEW "{name}__next" RENAME TO "{name}"')
        self._kinds[name] = "view"

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with _errors():
            return self.con.execute(sql).fetchall()

    def close(self) -> None:
        self.con.close()
        self._spill.cleanup()


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except duckdb.Error as err:  # out of memory, or a value DuckDB could not take
        raise EngineError(str(err)) from None


@contextmanager
def open_tables(settings: Settings, engine: str | None = None, *,
                memory_limit: str = "6GB", threads: int | None = None) -> Iterator[Tables]:
    """Tables on ``engine`` (the settings' ``engine`` when None): DuckDB within
    ``memory_limit`` and ``threads``, or a session of the Spark the settings describe (see
    ``tessera.engine.spark``). Dropped on leaving."""
    chosen = engine or settings.engine
    if chosen not in ENGINES:
        raise EngineError(f"unknown engine {chosen!r}; expected one of: {', '.join(ENGINES)}")
    tables: Tables
    if chosen == "spark":
        # imported here: pyspark is an optional dependency
        from tessera.engine.spark import SparkTables, session

        tables = SparkTables(session(settings), scratch=settings.spark_scratch)
    else:
        tables = DuckTables(memory_limit=memory_limit, threads=threads)
    try:
        yield tables
    finally:
        tables.close()
