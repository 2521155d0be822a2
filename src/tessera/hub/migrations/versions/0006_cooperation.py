"""Cooperation: cases and joint teams (members, links, timeline, tasks), cross-border
requests (the records they name, their history), and the knowledge base with its full-text
index (SQLite FTS5, kept by triggers; PostgreSQL, a generated tsvector with a GIN index).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONType = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Moment = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", BigId, nullable=False)


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        _id(),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", JSONType, nullable=False),
        sa.Column("countries", JSONType, nullable=False),
        sa.Column("crime_types", JSONType, nullable=False),
        sa.Column("legal_issues", JSONType, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "coop_cases",
        _id(),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_agency_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("crime_types", JSONType, nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("record_ref", sa.String(length=200), nullable=True),
        sa.Column("opened_at", Moment, nullable=False),
        sa.Column("closed_at", Moment, nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["lead_agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_coop_cases_lead", "coop_cases", ["lead_agency_id", "status"])
    op.create_table(
        "case_members",
        _id(),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", Moment, nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("left_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["coop_cases.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "agency_id", name="uq_case_members"),
    )
    op.create_index("ix_case_members_agency", "case_members", ["agency_id"])
    op.create_table(
        "case_links",
        _id(),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("added_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["coop_cases.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "kind", "target", "agency_id", name="uq_case_links"),
    )
    op.create_table(
        "case_events",
        _id(),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", JSONType, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["coop_cases.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])
    op.create_table(
        "case_tasks",
        _id(),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("done_at", Moment, nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["coop_cases.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_tasks_case", "case_tasks", ["case_id"])
    op.create_table(
        "coop_requests",
        _id(),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("requesting_agency_id", sa.Integer(), nullable=False),
        sa.Column("requested_agency_id", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("kb_entry_id", BigId, nullable=True),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("hit_id", BigId, nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("sent_at", Moment, nullable=True),
        sa.Column("acknowledged_at", Moment, nullable=True),
        sa.Column("answered_at", Moment, nullable=True),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(["requesting_agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["requested_agency_id"], ["agencies.id"]),
        sa.ForeignKeyConstraint(["kb_entry_id"], ["kb_entries.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["coop_cases.id"]),
        sa.ForeignKeyConstraint(["hit_id"], ["hits.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_coop_requests_from", "coop_requests", ["requesting_agency_id", "status"])
    op.create_index("ix_coop_requests_to", "coop_requests", ["requested_agency_id", "status"])
    op.create_table(
        "request_records",
        _id(),
        sa.Column("request_id", BigId, nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("granted_at", Moment, nullable=True),
        sa.Column("granted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["coop_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "record_key", name="uq_request_records"),
    )
    op.create_table(
        "request_events",
        _id(),
        sa.Column("request_id", BigId, nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status_from", sa.String(length=32), nullable=True),
        sa.Column("status_to", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["coop_requests.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_request_events_request", "request_events", ["request_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""ALTER TABLE kb_entries ADD COLUMN search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
            setweight(to_tsvector('simple', coalesce(tags::text, '')), 'B') ||
            setweight(to_tsvector('simple', coalesce(body, '')), 'C')) STORED""")
        op.execute("CREATE INDEX ix_kb_entries_search ON kb_entries USING GIN (search)")
    else:
        # an external-content FTS5 index over the entries, kept in step by triggers
        op.execute("""CREATE VIRTUAL TABLE kb_search USING fts5(title, tags, body,
            content='kb_entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""")
        op.execute("""CREATE TRIGGER kb_entries_ai AFTER INSERT ON kb_entries BEGIN
            INSERT INTO kb_search(rowid, title, tags, body)
            VALUES (new.id, new.title, new.tags, new.body); END""")
        op.execute("""CREATE TRIGGER kb_entries_ad AFTER DELETE ON kb_entries BEGIN
            INSERT INTO kb_search(kb_search, rowid, title, tags, body)
            VALUES ('delete', old.id, old.title, old.tags, old.body); END""")
        op.execute("""CREATE TRIGGER kb_entries_au AFTER UPDATE ON kb_entries BEGIN
            INSERT INTO kb_search(kb_search, rowid, title, tags, body)
            VALUES ('delete', old.id, old.title, old.tags, old.body);
            INSERT INTO kb_search(rowid, title, tags, body)
            VALUES (new.id, new.title, new.tags, new.body); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("kb_entries_ai", "kb_entries_ad", "kb_entries_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_search")
    for table in ("request_events", "request_records", "coop_requests", "case_tasks",
                  "case_events", "case_links", "case_members", "coop_cases", "kb_entries"):
        op.drop_table(table)
