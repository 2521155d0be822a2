"""Publishing: each data collection's privacy budget, and the ledger of what each
differentially private release spent of it.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "privacy_budgets",
        sa.Column("collection", sa.String(length=100), nullable=False),
        sa.Column("epsilon_total", sa.Float(), nullable=False),
        sa.Column("delta_total", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("collection"),
    )
    op.create_table(
        "privacy_spends",
        sa.Column("id", BigId, nullable=False),
        sa.Column("collection", sa.String(length=100), nullable=False),
        sa.Column("release_id", sa.String(length=64), nullable=False),
        sa.Column("mechanism", sa.String(length=64), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("release_id"),
    )
    op.create_index("ix_privacy_spends_collection", "privacy_spends", ["collection", "id"])


def downgrade() -> None:
    op.drop_index("ix_privacy_spends_collection", table_name="privacy_spends")
    op.drop_table("privacy_spends")
    op.drop_table("privacy_budgets")
