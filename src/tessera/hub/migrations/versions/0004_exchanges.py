"""Hit/no-hit matching: exchanges, agencies' encodings and their uploads, match runs, hits and
the notices of hits to their owners.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONType = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("encoding_schema", JSONType, nullable=True),
        sa.Column("retired_key_ids", JSONType, nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("rotated_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "encoding_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("received_at", Moment, nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_encoding_uploads_agency", "encoding_uploads",
                    ["exchange_id", "agency_id"])
    op.create_table(
        "encoded_records",
        sa.Column("id", BigId, nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.Column("filter", sa.LargeBinary(), nullable=False),
        sa.Column("identifiers", JSONType, nullable=False),
        sa.Column("shared", JSONType, nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["encoding_uploads.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exchange_id", "agency_id", "ref", name="uq_encoded_records_ref"),
    )
    op.create_index("ix_encoded_records_upload", "encoded_records", ["upload_id"])
    op.create_table(
        "match_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", Moment, nullable=False),
        sa.Column("finished_at", Moment, nullable=True),
        sa.Column("compared", sa.Integer(), nullable=False),
        sa.Column("agencies", sa.Integer(), nullable=False),
        sa.Column("new_hits", sa.Integer(), nullable=False),
        sa.Column("known_hits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_match_runs_day", "match_runs", ["agency_id", "day"])
    op.create_table(
        "hits",
        sa.Column("id", BigId, nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("left_agency_id", sa.Integer(), nullable=False),
        sa.Column("left_ref", sa.String(length=128), nullable=False),
        sa.Column("right_agency_id", sa.Integer(), nullable=False),
        sa.Column("right_ref", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("identifier", sa.Boolean(), nullable=False),
        sa.Column("found_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(["exchange_id"], ["exchanges.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["match_runs.id"]),
        sa.ForeignKeyConstraint(["left_agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["right_agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exchange_id", "left_agency_id", "left_ref", "right_agency_id",
                            "right_ref", name="uq_hits_pair"),
    )
    op.create_index("ix_hits_left", "hits", ["left_agency_id"])
    op.create_index("ix_hits_right", "hits", ["right_agency_id"])
    op.create_table(
        "hit_notices",
        sa.Column("id", BigId, nullable=False),
        sa.Column("hit_id", BigId, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("read_at", Moment, nullable=True),
        sa.Column("read_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hit_id", "agency_id", name="uq_hit_notices"),
    )
    op.create_index("ix_hit_notices_agency", "hit_notices", ["agency_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_hit_notices_agency", table_name="hit_notices")
    op.drop_table("hit_notices")
    op.drop_index("ix_hits_right", table_name="hits")
    op.drop_index("ix_hits_left", table_name="hits")
    op.drop_table("hits")
    op.drop_index("ix_match_runs_day", table_name="match_runs")
    op.drop_table("match_runs")
    op.drop_index("ix_encoded_records_upload", table_name="encoded_records")
    op.drop_table("encoded_records")
    op.drop_index("ix_encoding_uploads_agency", table_name="encoding_uploads")
    op.drop_table("encoding_uploads")
    op.drop_table("exchanges")
