"""Connecting to the hub store and bringing its schema up to date with Alembic."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from tessera.hub.access import Refusal, audit_refusal
from tessera.hub.models import json_serializer

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "tessera_read_only"  # execution option: a transaction that writes nothing


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and serialised write transactions."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A web request's session may be used by more than one of the server's threads, one
        # after another (never at once), so pysqlite's same-thread check is lifted.
        engine = create_engine(
            url,
            connect_args={"timeout": 60, "check_same_thread": False},
            json_serializer=json_serializer,
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling is disabled so that BEGIN IMMEDIATE below
            # takes the write lock up front: the audit chain reads its head and appends in one
            # transaction, and two writers must not read the same head.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            reading = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_serializer, **kwargs)


def alembic_config(engine: Engine) -> Config:
    # Alembic is imported only here: a quarter of a second that loads' worker processes and
    # most commands do not need.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


class Hub:
    """The store: an engine and a session factory. Sessions commit or roll back as a whole."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._readers = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time. Threads of this process queue here for their turn
        # instead of polling the database's lock with sleeps, which starves some of them when
        # many wait (a web server's threads); other processes still meet the database's lock.
        self._one_writer = threading.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def open(cls, url: str) -> Hub:
        return cls(make_engine(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises.

        A refused action (forbidden, or asking for what one may not see) rolls the work back,
        and the refusal is then audited on its own.
        """
        try:
            with self._turn(), self._sessions() as session, session.begin():
                yield session
        except Refusal as refused:
            with self._turn(), self._sessions() as session, session.begin():
                audit_refusal(session, refused)
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it waits for no writer (WAL readers see the
        last commit). Nothing it writes is kept, and reads of records, which must be audited,
        do not belong here: it is for looking up who is calling, and for published statistics."""
        with self._readers() as session:
            yield session  # closing the session rolls its transaction back

    @contextmanager
    def _turn(self) -> Iterator[None]:
        if self._one_writer is None:
            yield
            return
        with self._one_writer:
            yield

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name
