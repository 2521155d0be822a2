"""Publishing: releases made public on the hub's statistics page.

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "published_releases",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("collection", sa.String(length=100), nullable=False),
        sa.Column("metadata", Json, nullable=False),
        sa.Column("data", Json, nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", Moment, nullable=False),
        sa.Column("withdrawn_by", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", Moment, nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_published_releases_when", "published_releases", ["published_at"])


def downgrade() -> None:
    op.drop_index("ix_published_releases_when", table_name="published_releases")
    op.drop_table("published_releases")
