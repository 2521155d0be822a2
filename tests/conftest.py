"""Fixtures shared by the whole suite: a fresh hub per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``TESSERA_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one);
each test gets its own schema, dropped afterwards. In CI its absence is an error, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tessera.hub import admin
from tessera.hub.db import Hub, upgrade

POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _backends() -> list[object]:
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


@pytest.fixture(params=_backends())
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


@pytest.fixture
def hub(db_url: str) -> Iterator[Hub]:
    """A migrated, empty hub."""
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
