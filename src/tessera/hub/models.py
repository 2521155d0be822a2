"""Tables of the hub store (SQLAlchemy 2). The schema itself is created by Alembic migrations."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key for volume.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def json_serializer(value: Any) -> str:
    """JSON as stored: non-ASCII text (names in their own script) kept readable."""
    return json.dumps(value, ensure_ascii=False)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time, aware: SQLite returns naive datetimes, and they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class AgencyKind(StrEnum):
    police = "police"
    prosecutor = "prosecutor"
    fiu = "fiu"
    labour_inspectorate = "labour_inspectorate"
    border = "border"
    ngo = "ngo"
    international_organisation = "international_organisation"


class UserRole(StrEnum):
    submitter = "submitter"
    analyst = "analyst"
    coordinator = "coordinator"
    auditor = "auditor"
    admin = "admin"


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(32))
    default_handling_code: Mapped[str] = mapped_column(String(2), default="H2")
    default_source_reliability: Mapped[str] = mapped_column(String(1), default="X")
    default_information_credibility: Mapped[str] = mapped_column(String(1), default="4")
    default_scope: Mapped[str] = mapped_column(String(16), default="partners")
    partners: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="agency")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="users", lazy="joined")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class LoginSession(Base):
    """A person's signed-in browser session. Only a digest of the cookie's token is stored, so a
    copy of the database cannot be used to sign in; ending it (log out, expiry) is final."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class StoredRecord(Base):
    """One version of one record. The current version of each (agency, ref) has is_current."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("agency_id", "ref", "version", name="uq_records_version"),
        Index("ix_records_current", "agency_id", "ref", "is_current"),
        Index("ix_records_type", "record_type", "is_current"),
        Index("ix_records_subject", "agency_id", "subject_ref"),
        Index("ix_records_submission", "submission_id"),
        # covers the current records' summary each network request reads (network.source.state)
        Index("ix_records_state", "is_current", "scope_level", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    record_type: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    # the people (victims, if their consent applies) this record is about; see apply_consent
    subject_ref: Mapped[str | None] = mapped_column(String(128))
    subject_ref2: Mapped[str | None] = mapped_column(String(128))
    # provenance
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # handling
    handling_code: Mapped[str] = mapped_column(String(2))
    source_reliability: Mapped[str] = mapped_column(String(1))
    information_credibility: Mapped[str] = mapped_column(String(1))
    # levels index SharingScope: 0 owner, 1 partners, 2 hub, 3 members
    requested_level: Mapped[int] = mapped_column(Integer)
    scope_level: Mapped[int] = mapped_column(Integer)
    # set on victims' person records: the widest level their consent allows
    consent_cap: Mapped[int | None] = mapped_column(Integer, default=None)
    # ";A;B;" so that membership is a portable LIKE on every backend
    share_with: Mapped[str] = mapped_column(String(1000), default=";")

    agency: Mapped[Agency] = relationship(lazy="joined")


class AuditEntry(Base):
    """An append-only, hash-chained log entry (database triggers refuse updates and deletes)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(64))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Judgement(Base):
    """An analyst's verdict on two records: the same person, or not. Append-only (database
    triggers refuse updates and deletes); the latest verdict on a pair is the one in force."""

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    agency_code: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(16))  # "same" or "different"
    left_key: Mapped[str] = mapped_column(String(170))  # "AGENCY/ref"
    right_key: Mapped[str] = mapped_column(String(170))
    note: Mapped[str] = mapped_column(Text, default="")


class Entity(Base):
    """A resolved entity's id: issued once, never reused."""

    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EntityMember(Base):
    """Which entity each record belongs to now: derived from the records and the judgements
    by the last linkage run, and rebuilt by the next."""

    __tablename__ = "entity_members"
    __table_args__ = (Index("ix_entity_members_entity", "entity_id"),)

    record_key: Mapped[str] = mapped_column(String(170), primary_key=True)  # "AGENCY/ref"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    probability: Mapped[float | None] = mapped_column(Float, default=None)
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)



# Privacy-preserving hit/no-hit matching (``tessera.hub.exchanges``). The hub holds what the
# agencies' encodings files hold, and nothing more: never the names, dates or identifiers the
# encodings were made from, nor the exchange's secret.


class Exchange(Base):
    """A matching exchange: agencies that encode under one schema and one secret. The schema's
    fingerprint and the secret's id are fixed by the first upload, and released by a rotation,
    which retires the key id for good."""

    __tablename__ = "exchanges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    threshold: Mapped[float] = mapped_column(Float)
    fingerprint: Mapped[str | None] = mapped_column(String(16), default=None)
    key_id: Mapped[str | None] = mapped_column(String(16), default=None)
    # the schema in full (``tessera.linkage.pprl.schema.Schema``): the matcher needs its shape
    encoding_schema: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    retired_key_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           default=None)


class EncodingUpload(Base):
    """One upload of an agency's encodings to an exchange: who, when, what it replaced. The
    file's name is not kept: it may name a person."""

    __tablename__ = "encoding_uploads"
    __table_args__ = (Index("ix_encoding_uploads_agency", "exchange_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(16))
    records: Mapped[int] = mapped_column(Integer)
    replaced: Mapped[int] = mapped_column(Integer)


class EncodedRecord(Base):
    """One agency's encoding of one of its person records, as the encodings file held it: the
    agency's own reference, the Bloom filter, the keyed identifier hashes and the attributes
    the agency chose to share. The schema and key id are the upload's."""

    __tablename__ = "encoded_records"
    __table_args__ = (
        UniqueConstraint("exchange_id", "agency_id", "ref", name="uq_encoded_records_ref"),
        Index("ix_encoded_records_upload", "upload_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    ref: Mapped[str] = mapped_column(String(128))
    filter: Mapped[bytes] = mapped_column(LargeBinary)
    identifiers: Mapped[list[str]] = mapped_column(JSONType, default=list)
    shared: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    upload_id: Mapped[int] = mapped_column(ForeignKey("encoding_uploads.id"))


class MatchRun(Base):
    """One agency's request to match its encodings against the exchange: who asked, why, and
    what it found. ``day`` (UTC) counts the request against the agency's daily limit."""

    __tablename__ = "match_runs"
    __table_args__ = (Index("ix_match_runs_day", "agency_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(500))
    day: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                            default=None)
    compared: Mapped[int] = mapped_column(Integer, default=0)  # the requester's records
    agencies: Mapped[int] = mapped_column(Integer, default=0)  # others' encodings searched
    new_hits: Mapped[int] = mapped_column(Integer, default=0)
    known_hits: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship(lazy="joined")


class Hit(Base):
    """Two agencies' records found to be one person. Each side is named by its agency and the
    agency's own reference: the key of its encoded record. A hit is not a foreign key to the
    encoded rows, because it must outlive them: a re-upload replaces them, a rotation clears
    them, and the follow-up request still cites the hit. Left is the side whose (agency id,
    ref) sorts first, so that one pair is one row."""

    __tablename__ = "hits"
    __table_args__ = (
        UniqueConstraint("exchange_id", "left_agency_id", "left_ref", "right_agency_id",
                         "right_ref", name="uq_hits_pair"),
        Index("ix_hits_left", "left_agency_id"),
        Index("ix_hits_right", "right_agency_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"))
    left_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    left_ref: Mapped[str] = mapped_column(String(128))
    right_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    right_ref: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    identifier: Mapped[bool] = mapped_column(Boolean)
    found_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    exchange: Mapped[Exchange] = relationship(lazy="joined")
    run: Mapped[MatchRun] = relationship(lazy="joined")
    left_agency: Mapped[Agency] = relationship(foreign_keys=[left_agency_id], lazy="joined")
    right_agency: Mapped[Agency] = relationship(foreign_keys=[right_agency_id], lazy="joined")


class HitNotice(Base):
    """A new hit, told to one of its two owning agencies; read once someone there marks it."""

    __tablename__ = "hit_notices"
    __table_args__ = (
        UniqueConstraint("hit_id", "agency_id", name="uq_hit_notices"),
        Index("ix_hit_notices_agency", "agency_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    read_by: Mapped[str | None] = mapped_column(String(64), default=None)

    hit: Mapped[Hit] = relationship(lazy="joined")


# --- cooperation: cases and joint teams, cross-border requests, the knowledge base ----------


class CoopCase(Base):
    """A case the agencies work on together (``tessera.cooperation.cases``): its lifecycle, its
    member agencies (more than one makes a joint investigation team), what it links and what
    happened to it. ``record_ref`` names the lead agency's case record it follows, if any."""

    __tablename__ = "coop_cases"
    __table_args__ = (Index("ix_coop_cases_lead", "lead_agency_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32))
    crime_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    handling_code: Mapped[str] = mapped_column(String(2), default="H2")
    record_ref: Mapped[str | None] = mapped_column(String(200), default=None)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_by: Mapped[str] = mapped_column(String(64))

    lead_agency: Mapped[Agency] = relationship(lazy="joined")


class CaseMember(Base):
    """An agency working on a case: its lead, or a member of its joint team."""

    __tablename__ = "case_members"
    __table_args__ = (UniqueConstraint("case_id", "agency_id", name="uq_case_members"),
                      Index("ix_case_members_agency", "agency_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("coop_cases.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(16))  # lead or member
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64))
    left_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    agency: Mapped[Agency] = relationship(lazy="joined")


class CaseLink(Base):
    """What a case links: a record ("AGENCY/ref"), a resolved entity, or a knowledge-base
    entry (a precedent)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "kind", "target", "agency_id",
                                       name="uq_case_links"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("coop_cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # record, entity or kb
    target: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))  # whose contribution
    handling_code: Mapped[str] = mapped_column(String(2), default="H2")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseEvent(Base):
    """One entry of a case's timeline: opened, a status change, a member or link added, a
    note (with its handling code), a task set or done. Appended, never changed."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("coop_cases.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")
    handling_code: Mapped[str] = mapped_column(String(2), default="H2")

    agency: Mapped[Agency] = relationship(lazy="joined")


class CaseTask(Base):
    """A task in a case's workspace, for one of its agencies, with a due date."""

    __tablename__ = "case_tasks"
    __table_args__ = (Index("ix_case_tasks_case", "case_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("coop_cases.id"))
    title: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))  # whose task
    due: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    done_by: Mapped[str | None] = mapped_column(String(64), default=None)

    agency: Mapped[Agency] = relationship(lazy="joined")


class CoopRequest(Base):
    """A cross-border request (``tessera.cooperation.requests``): mutual legal assistance,
    extradition, asset tracing, freezing or confiscation, information, a hit's follow-up, an
    invitation to a joint team. From one agency to another, with its legal basis, purpose,
    priority, deadline and status; the records it names are in ``request_records``."""

    __tablename__ = "coop_requests"
    __table_args__ = (Index("ix_coop_requests_from", "requesting_agency_id", "status"),
                      Index("ix_coop_requests_to", "requested_agency_id", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requested_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    kb_entry_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id"), default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("coop_cases.id"), default=None)
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id"), default=None)
    purpose: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    deadline: Mapped[dt.date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                               default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    requesting_agency: Mapped[Agency] = relationship(foreign_keys=[requesting_agency_id],
                                                     lazy="joined")
    requested_agency: Mapped[Agency] = relationship(foreign_keys=[requested_agency_id],
                                                    lazy="joined")


class RequestRecord(Base):
    """A record a request names ("AGENCY/ref", the requested agency's); granted when the
    requested agency shares exactly it with exactly the requester."""

    __tablename__ = "request_records"
    __table_args__ = (UniqueConstraint("request_id", "record_key", name="uq_request_records"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("coop_requests.id"))
    record_key: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    granted_by: Mapped[str | None] = mapped_column(String(64), default=None)


class RequestEvent(Base):
    """One entry of a request's history: its creation, each change of status, each message
    (with its handling code and an attachment, if any), each grant. Appended, never
    changed."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("coop_requests.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(32))  # created, status, message, grant
    status_from: Mapped[str | None] = mapped_column(String(32), default=None)
    status_to: Mapped[str | None] = mapped_column(String(32), default=None)
    body: Mapped[str] = mapped_column(Text, default="")
    handling_code: Mapped[str] = mapped_column(String(2), default="H2")
    attachment_name: Mapped[str | None] = mapped_column(String(200), default=None)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)

    agency: Mapped[Agency] = relationship(lazy="joined")


class KbEntry(Base):
    """A knowledge-base entry (``tessera.cooperation.kb``): case law, a model statute, a
    treaty, a request template, a playbook or a lesson learned, tagged for search. Searched
    with SQLite's FTS5 (table ``kb_search``) or PostgreSQL's full-text search (column
    ``search``, not mapped here: the database keeps it)."""

    __tablename__ = "kb_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    crime_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    legal_issues: Mapped[list[str]] = mapped_column(JSONType, default=list)
    source: Mapped[str] = mapped_column(String(500), default="")  # citation or address
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacyBudget(Base):
    """A data collection's total privacy budget for differentially private releases
    (``tessera.publish.ledger``), set by a coordinator or admin. ``delta_total`` is 0 for a
    collection released with pure ε-DP only."""

    __tablename__ = "privacy_budgets"

    collection: Mapped[str] = mapped_column(String(100), primary_key=True)
    epsilon_total: Mapped[float] = mapped_column(Float)
    delta_total: Mapped[float] = mapped_column(Float, default=0.0)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrivacySpend(Base):
    """What one release spent of a collection's budget. Appended, never changed: the sum of a
    collection's rows is what it has spent."""

    __tablename__ = "privacy_spends"
    __table_args__ = (Index("ix_privacy_spends_collection", "collection", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    collection: Mapped[str] = mapped_column(String(100))
    release_id: Mapped[str] = mapped_column(String(64), unique=True)
    mechanism: Mapped[str] = mapped_column(String(64))
    epsilon: Mapped[float] = mapped_column(Float)
    delta: Mapped[float] = mapped_column(Float, default=0.0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")


class PublishedRelease(Base):
    """A release made public on the hub's statistics page (``tessera.publish.public``):
    only what is safe to show anyone (its public metadata and its data), never the utility
    computed from the true counts. Withdrawn releases are kept, marked, and no longer shown."""

    __tablename__ = "published_releases"
    __table_args__ = (Index("ix_published_releases_when", "published_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the release's id
    kind: Mapped[str] = mapped_column(String(20))  # table, synthetic or estimate
    title: Mapped[str] = mapped_column(String(300))
    collection: Mapped[str] = mapped_column(String(100))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)  # columns and rows
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), default=None)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             default=None)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
