"""Resolved entities: ids, current members, and the append-only judgement log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER judgements_no_update BEFORE UPDATE ON judgements "
    "BEGIN SELECT RAISE(ABORT, 'judgements are append-only'); END",
    "CREATE TRIGGER judgements_no_delete BEFORE DELETE ON judgements "
    "BEGIN SELECT RAISE(ABORT, 'judgements are append-only'); END",
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE FUNCTION judgements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'judgements are append-only'; END $$",
    "CREATE TRIGGER judgements_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON judgements "
    "FOR EACH STATEMENT EXECUTE FUNCTION judgements_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", BigId, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("left_key", sa.String(length=170), nullable=False),
        sa.Column("right_key", sa.String(length=170), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "entity_members",
        sa.Column("record_key", sa.String(length=170), nullable=False),
        sa.Column("entity_id", sa.String(length=16), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.PrimaryKeyConstraint("record_key"),
    )
    op.create_index("ix_entity_members_entity", "entity_members", ["entity_id"])
    dialect = op.get_bind().dialect.name
    for statement in APPEND_ONLY_POSTGRESQL if dialect == "postgresql" else APPEND_ONLY_SQLITE:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_entity_members_entity", table_name="entity_members")
    op.drop_table("entity_members")
    op.drop_table("entities")
    op.drop_table("judgements")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION judgements_append_only()")
