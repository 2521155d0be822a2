"""The migrations build exactly the schema the models declare, on each backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tessera.hub.db import Hub, upgrade
from tessera.hub.models import Base


def _modelled(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any
              ) -> bool:
    """What the models declare; not the knowledge base's full-text index, which the
    migration builds for each backend (SQLite's FTS5 tables, PostgreSQL's search column and
    its index) and the database keeps."""
    if name and name.startswith("kb_search"):
        return False
    if kind == "column" and name == "search" and obj.table.name == "kb_entries":
        return False
    return not (kind == "index" and name == "ix_kb_entries_search")


def test_migrations_match_the_models(hub: Hub) -> None:
    upgrade(hub.engine)  # already at head: a no-op that must not fail
    with hub.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _modelled})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
