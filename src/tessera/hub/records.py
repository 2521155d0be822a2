"""Records with provenance: versioned writes, retraction, consent bounds, reads through the gate.

Nothing is overwritten: a re-submitted record whose content changed becomes a new version and the
old one stays in the history; an unchanged one is counted and left alone. Every read goes through
``tessera.hub.access``, which filters by sharing scope and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ARRAY,
    String,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased

from tessera.hub import access
from tessera.hub.access import Actor, scope_level
from tessera.hub.models import Agency, StoredRecord, utcnow
from tessera.standard.codes import Consent, SharingScope
from tessera.standard.records import Person, Record

_HANDLING = (
    "handling_code",
    "source_reliability",
    "information_credibility",
    "sharing_scope",
    "share_with",
)
_HANDLING_SET: set[str] = set(_HANDLING)
SCOPE_LEVEL: dict[str, int] = {scope: scope_level(scope) for scope in SharingScope}
_MAX_LEVEL = scope_level(SharingScope.members)


class NotFound(access.Refusal, LookupError):
    """No record the actor may see has this reference (absent and hidden look the same)."""

    outcome = "not_found"


class AlreadyRetracted(ValueError):
    """A record cannot be retracted twice."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """A validated record and where it came from."""

    record: Record
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """A prepared record that cannot be written, and why (reported like a rejected row)."""

    row: dict[str, Any]
    reason: str


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def consent_cap(record: Record) -> int | None:
    """The widest sharing level a victim's consent allows; None when consent does not apply."""
    if not isinstance(record, Person) or not record.is_victim:
        return None
    if record.consent == Consent.given:
        return None
    if record.consent == Consent.refused:
        return scope_level(SharingScope.owner)
    return scope_level(SharingScope.partners)


@dataclass(frozen=True, slots=True)
class Defaults:
    """An agency's handling defaults, read once per batch rather than once per record."""

    agency_id: int
    handling_code: str
    source_reliability: str
    information_credibility: str
    level: int
    share_with: str

    @classmethod
    def of(cls, agency: Agency) -> Defaults:
        return cls(
            agency_id=agency.id,
            handling_code=agency.default_handling_code,
            source_reliability=agency.default_source_reliability,
            information_credibility=agency.default_information_credibility,
            level=scope_level(agency.default_scope),
            share_with=";" + "".join(f"{code};" for code in sorted(agency.partners)),
        )


def prepare(
    defaults: Defaults,
    item: Incoming,
    *,
    user_id: int | None,
    submission_id: int | None,
    received_at: dt.datetime,
) -> dict[str, Any]:
    """The storage form of one incoming record; pure, so it can run in a worker process."""
    record = item.record
    data = record.model_dump_json(exclude=_HANDLING_SET)
    requested = SCOPE_LEVEL[record.sharing_scope] if record.sharing_scope else defaults.level
    handling_code = record.handling_code or defaults.handling_code
    reliability = record.source_reliability or defaults.source_reliability
    credibility = record.information_credibility or defaults.information_credibility
    share_with = (
        ";" + "".join(f"{code};" for code in sorted(record.share_with))
        if record.share_with
        else defaults.share_with
    )
    # The record's own JSON (pydantic's serialiser: fields in declared order) and its handling.
    digest = hashlib.sha256(
        f"{data}|{handling_code}{reliability}{credibility}{requested}|{share_with}".encode()
    ).hexdigest()
    cap = consent_cap(record)
    subjects = [getattr(record, name) for name in record.SUBJECTS] + [None, None]
    return {
        "agency_id": defaults.agency_id,
        "record_type": record.record_type,
        "ref": record.ref,
        "is_current": True,
        "retracted": False,
        "title": record.title()[:300],
        "data": data,  # JSON text: bulk_insert hands it to the driver as it is
        "content_hash": digest,
        "subject_ref": subjects[0],
        "subject_ref2": subjects[1],
        "submission_id": submission_id,
        "submitted_by": user_id,
        "source_file": item.source_file,
        "source_sheet": item.source_sheet,
        "source_row": item.source_row,
        "received_at": received_at,
        "handling_code": str(handling_code),
        "source_reliability": str(reliability),
        "information_credibility": str(credibility),
        "requested_level": requested,
        "scope_level": requested if cap is None or requested <= cap else cap,
        "consent_cap": cap,
        "share_with": share_with,
    }


def write_batch(
    session: Session,
    agency: Agency,
    items: Sequence[Incoming],
    *,
    user_id: int | None,
    submission_id: int | None,
) -> WriteCounts:
    """Write a batch of one agency's records as new records or new versions."""
    defaults = Defaults.of(agency)
    now = utcnow()
    rows = [
        prepare(defaults, i, user_id=user_id, submission_id=submission_id, received_at=now)
        for i in items
    ]
    return write_prepared(session, agency.id, rows)


def write_prepared(session: Session, agency_id: int, rows: Sequence[dict[str, Any]]) -> WriteCounts:
    """Write rows made by ``prepare``: new records, new versions, or nothing when unchanged."""
    counts = WriteCounts()
    current = _current_versions(session, agency_id, [r["ref"] for r in rows])
    inserts: list[dict[str, Any]] = []
    superseded: list[int] = []
    for row in rows:
        old = current.get(row["ref"])
        if old is None:
            row["version"] = 1
            counts.created += 1
        elif old.record_type != row["record_type"]:
            counts.conflicts.append(
                Conflict(row, f"ref {old.ref!r} already names a {old.record_type} record")
            )
            continue
        elif old.content_hash == row["content_hash"] and not old.retracted:
            counts.unchanged += 1
            continue
        else:
            row["version"] = old.version + 1
            superseded.append(old.id)
            counts.updated += 1
        inserts.append(row)
    if superseded:
        session.execute(
            update(StoredRecord).where(StoredRecord.id.in_(superseded)).values(is_current=False)
        )
    if inserts:
        bulk_insert(session, inserts)
    return counts


def _current_versions(session: Session, agency_id: int, refs: list[str]) -> dict[str, Any]:
    """The current version of each of ``refs`` the agency already holds, by ref."""
    query = select(
        StoredRecord.id,
        StoredRecord.ref,
        StoredRecord.version,
        StoredRecord.record_type,
        StoredRecord.content_hash,
        StoredRecord.retracted,
    ).where(StoredRecord.agency_id == agency_id, StoredRecord.is_current.is_(True))
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter rather than thousands: binds and plans in half the time.
        wanted = StoredRecord.ref == any_(bindparam("refs", refs, type_=ARRAY(String)))
    else:
        wanted = StoredRecord.ref.in_(refs)
    return {row.ref: row for row in session.execute(query.where(wanted))}


_COLUMNS: tuple[str, ...] = tuple(c.key for c in StoredRecord.__table__.columns if c.key != "id")
_OTHER_COLUMNS = tuple(c for c in _COLUMNS if c != "received_at")
_other_values = operator.itemgetter(*_OTHER_COLUMNS)


def bulk_insert(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert prepared record rows in the session's transaction, by the backend's fastest path.

    SQLAlchemy's executemany spends most of its time processing each bound value; these rows
    are already in storage form, so they go straight to the driver: COPY on PostgreSQL, a plain
    executemany on SQLite (timestamps in the text form SQLAlchemy stores there).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY records ({', '.join(_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[c] for c in _COLUMNS])
        return
    # received_at goes last, as text; rows of one batch share one timestamp, formatted once.
    stamps: dict[dt.datetime, str] = {}

    def stamp(moment: dt.datetime) -> str:
        text = stamps.get(moment)
        if text is None:
            text = stamps[moment] = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return text

    columns = ", ".join((*_OTHER_COLUMNS, "received_at"))
    placeholders = ", ".join("?" for _ in _COLUMNS)
    connection.exec_driver_sql(
        f"INSERT INTO records ({columns}) VALUES ({placeholders})",  # noqa: S608
        [(*_other_values(row), stamp(row["received_at"])) for row in rows],
    )


_PLANNED_COLUMNS = (
    "agency_id", "ref", "is_current", "record_type", "subject_ref", "subject_ref2", "submission_id"
)


class Statistics:
    """Keeps PostgreSQL's planner statistics on records true while a load grows the table.

    PostgreSQL plans a statement it has seen five times once for all parameters, from the
    statistics of the last ANALYZE. Autovacuum cannot count rows a load has not committed, so a
    load that grows the table many times over keeps planning for the table it started with:
    the lookup of existing refs, planned for a few rows, reads every record of the agency for
    each batch (a 100,000-record load in batches of 2,000 ran thirty times slower), and the
    consent pass joins the table to itself by a plan for a few rows (sixty seconds instead of
    a fifth of one). Each time the load has grown the table fourfold, ANALYZE (inside the
    load's transaction, which sees its own rows) brings the statistics up to date, on the
    columns that lookups filter by: after the first batch into an empty table, then rarely.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.active = session.get_bind().dialect.name == "postgresql"
        self.rows = 0.0
        if self.active:
            estimate = session.scalar(
                text("SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass")
            )
            self.rows = max(float(estimate or 0), 0.0)
        self.added = 0

    def grew(self, added: int) -> None:
        """Count rows just written; refresh the statistics when the table has outgrown them."""
        self.added += added
        if self.active and self.added > max(3 * self.rows, 1000.0):
            self.session.execute(text(f"ANALYZE records ({', '.join(_PLANNED_COLUMNS)})"))
            self.rows += self.added
            self.added = 0


def bound_by_known_consent(rows: Sequence[dict[str, Any]], caps: dict[str, int | None]) -> None:
    """Bound prepared rows by the consent of the victims met so far in the same load.

    ``caps`` carries, from batch to batch, each person row's consent cap and the bound each
    other row inherited (so a transaction follows its accounts, which follow their holders).
    This only spares ``apply_consent`` most of its rewriting (a record usually follows what it
    is about); ``apply_consent`` still runs after the load and settles every record either way.
    """
    for row in rows:
        if row["record_type"] == "person":
            caps[row["ref"]] = row["consent_cap"]
            continue
        bounds = [
            cap for subject in (row["subject_ref"], row["subject_ref2"])
            if subject is not None and (cap := caps.get(subject)) is not None
        ]
        if bounds:
            bound = min(bounds)
            row["consent_cap"] = caps[row["ref"]] = bound
            row["scope_level"] = min(row["scope_level"], bound)


def apply_consent(session: Session, agency_id: int, *, submission_id: int | None = None) -> int:
    """Bound every current record about a victim by that victim's consent; returns rows changed.

    A person's ``consent_cap`` is their own consent's; every other record inherits the
    narrowest of its subjects' (``Record.SUBJECTS``): the people it is about, or, for a
    transaction, its accounts, which inherit their holders'. Its scope is then the narrower of
    what was asked and that bound. Run after each load, since a victim's person record and the
    records about them may arrive in any order or in different submissions. With
    ``submission_id``, only the records that submission can have changed are looked at: its
    own, those about the people it wrote, and those linking either.
    """
    # Two passes: the second settles records whose subjects the first changed (a transaction
    # whose account's holder refused consent in this submission).
    scopes: list[list[Any]] = [[], []]
    if submission_id is not None:
        people = select(StoredRecord.ref).where(
            StoredRecord.agency_id == agency_id,
            StoredRecord.submission_id == submission_id,
            StoredRecord.record_type == "person",
        )
        near = select(StoredRecord.ref).where(
            StoredRecord.agency_id == agency_id,
            StoredRecord.is_current.is_(True),
            or_(
                StoredRecord.submission_id == submission_id,
                StoredRecord.subject_ref.in_(people),
                StoredRecord.subject_ref2.in_(people),
            ),
        )
        scopes = [[people, near], [near]]
    return sum(_bound_once(session, agency_id, within) for within in scopes)


def _bound_once(session: Session, agency_id: int, within: list[Any]) -> int:
    """One pass of ``apply_consent``; ``within``: subqueries of refs, a record (or one of its
    subjects) must be in one of them to be looked at (none: every record)."""
    record, first, second = (aliased(StoredRecord) for _ in range(3))

    def subject(other: Any, ref: Any) -> Any:
        return and_(
            other.agency_id == record.agency_id,
            other.ref == ref,
            other.is_current.is_(True),
        )

    # One join, not a lookup per record. No bound is the widest level.
    least = func.least if session.get_bind().dialect.name == "postgresql" else func.min
    inherited = least(
        func.coalesce(first.consent_cap, _MAX_LEVEL),
        func.coalesce(second.consent_cap, _MAX_LEVEL),
    )
    scope = [
        record.agency_id == agency_id,
        record.is_current.is_(True),
        record.subject_ref.is_not(None),
        record.record_type != "person",
    ]
    if within:
        scope.append(
            or_(
                *(
                    clause
                    for refs in within
                    for clause in (
                        record.ref.in_(refs),
                        record.subject_ref.in_(refs),
                        record.subject_ref2.in_(refs),
                    )
                )
            )
        )
    bounded = (
        select(
            record.id.label("id"),
            func.nullif(inherited, _MAX_LEVEL).label("cap"),
            least(record.requested_level, inherited).label("level"),
        )
        .outerjoin(first, subject(first, record.subject_ref))
        .outerjoin(second, subject(second, record.subject_ref2))
        .where(*scope)
        .subquery()
    )
    result = session.execute(
        update(StoredRecord)
        .where(
            StoredRecord.id == bounded.c.id,
            or_(
                StoredRecord.scope_level != bounded.c.level,
                StoredRecord.consent_cap.is_distinct_from(bounded.c.cap),
            ),
        )
        .values(scope_level=bounded.c.level, consent_cap=bounded.c.cap)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def visible(actor: Actor, *, include_retracted: bool = False) -> Any:
    """SQL condition: current records the actor may see (retracted ones only if asked)."""
    clauses = [StoredRecord.is_current.is_(True), access.visible_filter(actor)]
    if not include_retracted:
        clauses.append(StoredRecord.retracted.is_(False))
    return and_(*clauses)


def list_records(
    session: Session,
    actor: Actor,
    *,
    record_type: str | None = None,
    agency_code: str | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
    purpose: str | None = None,
) -> list[StoredRecord]:
    """Current records the actor may see, newest first; the read is audited with their ids."""
    query = select(StoredRecord).where(visible(actor))
    if record_type:
        query = query.where(StoredRecord.record_type == record_type)
    if agency_code:
        query = query.join(Agency, Agency.id == StoredRecord.agency_id).where(
            Agency.code == agency_code
        )
    if text:
        query = query.where(
            or_(
                func.lower(StoredRecord.title).contains(text.casefold(), autoescape=True),
                StoredRecord.ref == text,
            )
        )
    rows = list(
        session.scalars(
            query.order_by(StoredRecord.id.desc()).limit(min(limit, 10_000)).offset(offset)
        )
    )
    access.authorize(
        session,
        actor,
        "record.read",
        "records",
        {
            "filters": {"type": record_type, "agency": agency_code, "text": text},
            "purpose": purpose,
            "ids": [r.id for r in rows],
        },
    )
    return rows


def count_visible(session: Session, actor: Actor) -> dict[str, int]:
    """How many current records of each type the actor may see (audited as a read of counts)."""
    access.authorize(session, actor, "record.read", "records:counts")
    rows = session.execute(
        select(StoredRecord.record_type, func.count())
        .where(visible(actor))
        .group_by(StoredRecord.record_type)
    )
    return {record_type: int(n) for record_type, n in rows}


def get_record(
    session: Session, actor: Actor, agency_code: str, ref: str, *, purpose: str | None = None
) -> StoredRecord:
    """The current version of one record, if the actor may see it."""
    row = session.scalars(
        select(StoredRecord)
        .join(Agency, Agency.id == StoredRecord.agency_id)
        .where(
            Agency.code == agency_code,
            StoredRecord.ref == ref,
            visible(actor, include_retracted=True),
        )
    ).first()
    resource = f"record:{agency_code}/{ref}"
    if row is None:
        if not access.allowed(actor, "record.read"):
            raise access.Forbidden(actor, "record.read", resource)
        raise NotFound(
            actor, "record.read", resource, f"no record {agency_code}/{ref} that you may see"
        )
    access.authorize(session, actor, "record.read", resource, {"id": row.id, "purpose": purpose})
    return row


def history(session: Session, actor: Actor, agency_code: str, ref: str) -> list[StoredRecord]:
    """The versions of a record the actor may see, oldest first.

    A version is shown when the actor may see the record now (its current scope, which carries
    the victims' consent) and may also see that version under the scope it was shared with: an
    earlier version kept with its owner stays there when a later one is shared more widely."""
    current = get_record(session, actor, agency_code, ref)
    access.authorize(session, actor, "record.history", f"record:{agency_code}/{ref}")
    return list(
        session.scalars(
            select(StoredRecord)
            .where(
                StoredRecord.agency_id == current.agency_id,
                StoredRecord.ref == ref,
                access.visible_filter(actor),
            )
            .order_by(StoredRecord.version)
        )
    )


def retract(session: Session, actor: Actor, ref: str, reason: str) -> StoredRecord:
    """Withdraw one of the actor's own agency's records: a new, retracted version."""
    resource = f"record:{actor.agency_code}/{ref}"
    if not access.allowed(actor, "record.retract"):
        raise access.Forbidden(actor, "record.retract", resource)
    old = session.scalars(
        select(StoredRecord).where(
            StoredRecord.agency_id == actor.agency_id,
            StoredRecord.ref == ref,
            StoredRecord.is_current.is_(True),
        )
    ).first()
    if old is None:
        raise NotFound(actor, "record.retract", resource, f"your agency has no record {ref!r}")
    if old.retracted:
        raise AlreadyRetracted(f"record {ref!r} is already retracted")
    old.is_current = False
    session.flush()
    columns = {c.key: getattr(old, c.key) for c in StoredRecord.__table__.columns if c.key != "id"}
    columns.update(
        version=old.version + 1,
        is_current=True,
        retracted=True,
        received_at=utcnow(),
        submitted_by=actor.user_id,
        submission_id=None,
    )
    session.execute(insert(StoredRecord).values(**columns))
    access.authorize(session, actor, "record.retract", resource, {"reason": reason})
    return old


def purge_expired(
    session: Session,
    actor: Actor,
    retention_days: dict[str, int],
    *,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Delete every version of records past their type's retention period; audited per type."""
    resource = "records:retention"
    if not access.allowed(actor, "record.purge"):
        raise access.Forbidden(actor, "record.purge", resource)
    now = now or utcnow()
    purged: dict[str, int] = {}
    for record_type, days in sorted(retention_days.items()):
        cutoff = now - dt.timedelta(days=days)
        expired = select(StoredRecord.agency_id, StoredRecord.ref).where(
            StoredRecord.record_type == record_type,
            StoredRecord.is_current.is_(True),
            StoredRecord.received_at < cutoff,
        )
        keys = session.execute(expired).all()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            session.execute(
                delete(StoredRecord).where(
                    or_(
                        *(
                            and_(StoredRecord.agency_id == a, StoredRecord.ref == r)
                            for a, r in chunk
                        )
                    )
                )
            )
        purged[record_type] = len(keys)
    access.authorize(
        session,
        actor,
        "record.purge",
        resource,
        {"retention_days": retention_days, "purged": purged, "cutoff_from": now.isoformat()},
    )
    return purged


def count_current(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(StoredRecord.is_current.is_(True))) or 0)
