"""The audit log is append-only and any edit or deletion is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tessera.hub import audit
from tessera.hub.db import Hub


def _fill(hub: Hub, n: int) -> None:
    with hub.session() as s:
        for i in range(n):
            audit.append(
                s,
                username="u",
                agency_code="A",
                action="record.read",
                resource=f"record:A/{i}",
                detail={"i": i},
            )


def _drop_guard(hub: Hub) -> None:
    """What an attacker with database rights would do first."""
    with hub.engine.begin() as conn:
        if hub.dialect == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_intact_chain_verifies(hub: Hub) -> None:
    _fill(hub, 5)
    with hub.session() as s:
        result = audit.verify(s)
    assert result.ok and result.entries == 5


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET detail = '{}' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 2",
    ],
)
def test_database_refuses_changes_to_the_log(hub: Hub, statement: str) -> None:
    _fill(hub, 3)
    with pytest.raises(DBAPIError, match="append-only"), hub.engine.begin() as conn:
        conn.execute(text(statement))


def test_edited_entry_is_detected(hub: Hub) -> None:
    _fill(hub, 5)
    _drop_guard(hub)
    with hub.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'someone-else' WHERE id = 3"))
    with hub.session() as s:
        result = audit.verify(s)
    assert result.problems == ["entry 3: content was changed after it was written"]


def test_deleted_entry_is_detected(hub: Hub) -> None:
    _fill(hub, 5)
    _drop_guard(hub)
    with hub.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with hub.session() as s:
        problems = audit.verify(s).problems
    assert "entries 2..2 are missing (deleted)" in problems
    assert "entry 3: does not follow the entry before it" in problems


def test_truncated_tail_is_detected_against_a_kept_head(hub: Hub) -> None:
    _fill(hub, 5)
    with hub.session() as s:
        head = audit.verify(s).head
    _drop_guard(hub)
    with hub.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 5"))
    with hub.session() as s:
        assert audit.verify(s).ok  # the chain alone cannot see a cut at its end…
        assert not audit.verify(s, expect_head=head).ok  # …the kept head can
