"""Alembic environment: runs migrations on the engine the hub hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from tessera.hub.models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):  # pragma: no cover - only reachable through a misconfiguration
    raise RuntimeError("migrations run through tessera.hub.db.upgrade, which passes the engine")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
