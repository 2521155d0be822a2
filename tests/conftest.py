"""Fixtures shared by the whole suite: a fresh hub per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``TESSERA_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one);
each test gets its own schema, dropped afterwards. In CI its absence is an error, not a skip.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tessera.hub import admin
from tessera.hub.db import Hub, upgrade

POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def backends() -> list[object]:
    """The store backends, as parameters: SQLite, and PostgreSQL (skipped where none is set,
    an error in CI)."""
    if POSTGRES_URL:
        pg = pytest.param("postgresql", id="postgresql")
    elif os.environ.get("CI"):
        raise pytest.UsageError("CI must test PostgreSQL: set TESSERA_TEST_POSTGRES_URL")
    else:
        pg = pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skip(reason="TESSERA_TEST_POSTGRES_URL not set: no PostgreSQL"),
        )
    return [pytest.param("sqlite", id="sqlite"), pg]


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.sqlite'}"
        return
    assert POSTGRES_URL
    schema = f"t_{uuid.uuid4().hex[:12]}"
    root = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with root.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        root.dispose()


@dataclass(frozen=True)
class Copyable:
    """A database set up once and copied whole for each test that must start from it: a
    SQLite file copied with SQLite's backup, or a PostgreSQL database used as a template."""

    backend: str
    url: str
    folder: Path  # where SQLite copies are made

    @contextmanager
    def copy(self) -> Iterator[str]:
        """The URL of a new copy, removed afterwards. No connection to the original may be
        open (PostgreSQL copies only a template nobody is connected to)."""
        name = f"copy_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            target = self.folder / f"{name}.sqlite"
            source = make_url(self.url).database
            assert source
            _sqlite_copy(Path(source), target)
            try:
                yield f"sqlite:///{target}"
            finally:
                for leftover in (target, target.with_name(f"{name}.sqlite-wal"),
                                 target.with_name(f"{name}.sqlite-shm")):
                    leftover.unlink(missing_ok=True)
            return
        template = make_url(self.url).database
        with _postgres_database(name, f'TEMPLATE "{template}"') as url:
            yield url


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database with SQLite's backup (which takes in what is still in its WAL)."""
    with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(target)) as new:
        old.backup(new)


@contextmanager
def copyable(backend: str, folder: Path) -> Iterator[Copyable]:
    """An empty database to set up and then copy (see ``Copyable``), removed afterwards."""
    if backend == "sqlite":
        yield Copyable(backend, f"sqlite:///{folder / 'original.sqlite'}", folder)
        return
    with _postgres_database(f"original_{uuid.uuid4().hex[:12]}", "") as url:
        yield Copyable(backend, url, folder)


@contextmanager
def _postgres_database(suffix: str, options: str) -> Iterator[str]:
    """A database of its own on the test server (its role may create databases), dropped
    afterwards, even with a connection still open."""
    assert POSTGRES_URL
    server = make_url(POSTGRES_URL)
    name = f"{server.database}_{suffix}"
    root = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with root.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" {options}'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with root.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        root.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty hub's SQLite file, migrated once (in each xdist worker)."""
    path = tmp_path_factory.mktemp("migrated") / "hub.sqlite"
    store = Hub.open(f"sqlite:///{path}")
    upgrade(store.engine)
    store.engine.dispose()
    return path


@pytest.fixture
def hub(db_url: str, request: pytest.FixtureRequest) -> Iterator[Hub]:
    """A migrated, empty hub."""
    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None
    if path is not None and not path.exists():
        # a copy of a migrated file is the same hub, made in a fraction of the time
        _sqlite_copy(request.getfixturevalue("migrated_sqlite"), path)
        store = Hub.open(db_url)
    else:
        store = Hub.open(db_url)
        upgrade(store.engine)
    yield store
    store.engine.dispose()


@dataclass(frozen=True)
class World:
    """Two partner agencies in two countries, a third member, and the convening organisation."""

    hub: Hub


@pytest.fixture
def world(hub: Hub) -> World:
    """The test world (see ``make_world``) in a fresh hub."""
    return make_world(hub)


def make_world(hub: Hub) -> World:
    """Agencies UA-POL (police, Ukraine), MD-NGO (shelter, Moldova; partner of UA-POL),
    DE-FIU (Germany; not a partner) and IOM (international organisation), with users:
    ua_sub (submitter+analyst), ua_aud (auditor), md_an, de_an (analysts), io_an (hub analyst),
    root (admin of IOM)."""
    with hub.session() as s:
        admin.create_agency(
            s,
            "test",
            code="UA-POL",
            name="National Police of Ukraine",
            country="UA",
            kind="police",
            partners=["MD-NGO"],
        )
        admin.create_agency(
            s,
            "test",
            code="MD-NGO",
            name="Shelter Moldova",
            country="MD",
            kind="ngo",
            partners=["UA-POL"],
        )
        admin.create_agency(s, "test", code="DE-FIU", name="FIU Germany", country="DE", kind="fiu")
        admin.create_agency(
            s, "test", code="IOM", name="IOM", country="CH", kind="international_organisation"
        )
        for username, agency, roles in [
            ("ua_sub", "UA-POL", ["submitter", "analyst"]),
            ("ua_aud", "UA-POL", ["auditor"]),
            ("md_an", "MD-NGO", ["analyst", "submitter"]),
            ("de_an", "DE-FIU", ["analyst"]),
            ("io_an", "IOM", ["analyst"]),
            ("root", "IOM", ["admin"]),
        ]:
            admin.create_user(s, "test", username=username, agency_code=agency, roles=roles)
    return World(hub)
