"""A covering index for the summary of the current records that tells a kept network it is
stale (``tessera.network.source.state``): read on every network request, it then reads the
index, not the records' rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_state", "records", ["is_current", "scope_level", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_records_state", table_name="records")
