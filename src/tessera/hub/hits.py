"""Match runs and hits in the hub: who asked, why, what was found, and who is told.

A match request is an agency's own search, as in the EU's Prüm and EPRIS exchanges: it answers
hit or no hit, and the details come only from the owner, through a follow-up request. Only
hits that involve the requester's records are recorded (two other agencies' records that match
each other are their business, to find when one of them asks). Each request names its
purpose, is audited with it, and counts against the agency's daily limit of requests. Both
owners of each new hit are notified.

What an agency learns of a hit: its own reference, the other agency, **the other agency's
reference**, the band of the score (``identifier``, ``high``, ``possible``, ``linked``), when
it was found and which agency's request found it. The other agency's reference is shown
because the follow-up request must cite it (under Prüm the requesting state receives the
reference number for exactly this purpose); a reference is an agency's file number, not data
about the person, and tells nothing without the owner's answer. Neither side sees the other's
encodings, shared attributes or score: the shared attributes are kept for hub-wide statistics,
the score for the hub's own review. An agency sees its own hits and notices only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, text, update
from sqlalchemy.orm import Session

from tessera.hub import access
from tessera.hub.access import Actor, Refusal
from tessera.hub.exchanges import ExchangeError, affected, find, refuse_unless
from tessera.hub.models import (
    Agency,
    EncodedRecord,
    Exchange,
    Hit,
    HitNotice,
    MatchRun,
    as_utc,
    utcnow,
)
from tessera.hub.records import NotFound

PURPOSE_MIN, PURPOSE_MAX = 3, 500
# Bands of a hit's score (``tessera.linkage.pprl.match.Hit.band``), and one for two records that are
# each a hit with a third agency's record of the person, but are not close enough themselves.
BANDS = ("identifier", "high", "possible", "linked")
LINKED = "linked"
# An arbitrary constant naming the lock that serialises match runs' bookkeeping on PostgreSQL.
_PG_LOCK_KEY = 0x4E171E5


class RateLimited(Refusal):
    """The agency has made its match requests for the day."""

    def __init__(self, actor: Actor, resource: str, limit: int, retry_after: int) -> None:
        super().__init__(
            actor, "exchange.match", resource,
            f"{actor.agency_code} has made its {limit} match requests for today (UTC); "
            f"the next may be made in {retry_after // 3600} h {retry_after % 3600 // 60} min",
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Found:
    """A hit of one of the requester's records, as the matcher found it."""

    ref: str  # the requester's record
    other_agency_id: int
    other_ref: str
    score: float
    band: str
    identifier: bool


@dataclass(frozen=True)
class HitView:
    """A hit as one of its two agencies sees it."""

    id: int
    exchange: str
    ref: str  # the viewer's own record
    other_agency: str
    other_ref: str  # to cite in the follow-up request
    band: str
    identifier: bool
    found_at: dt.datetime
    found_by: str  # the agency whose request found it

    @classmethod
    def of(cls, hit: Hit, agency_id: int) -> HitView:
        mine_left = hit.left_agency_id == agency_id
        return cls(
            id=hit.id,
            exchange=hit.exchange.name,
            ref=hit.left_ref if mine_left else hit.right_ref,
            other_agency=(hit.right_agency if mine_left else hit.left_agency).code,
            other_ref=hit.right_ref if mine_left else hit.left_ref,
            band=hit.band,
            identifier=hit.identifier,
            found_at=as_utc(hit.found_at),
            found_by=hit.run.agency.code,
        )


@dataclass(frozen=True)
class NoticeView:
    id: int
    created_at: dt.datetime
    read_at: dt.datetime | None
    read_by: str | None
    hit: HitView


@dataclass(frozen=True)
class Volume:
    day: dt.date
    agency: str
    exchange: str
    runs: int
    new_hits: int


@dataclass(frozen=True)
class RunOutcome:
    run: MatchRun
    new: list[HitView]
    known: int


def check_purpose(purpose: str) -> str:
    """A match request's purpose, as it will be audited: required, and bounded."""
    stated = " ".join(purpose.split())
    if not PURPOSE_MIN <= len(stated) <= PURPOSE_MAX:
        raise ExchangeError(f"a match request states its purpose, in {PURPOSE_MIN} to "
                            f"{PURPOSE_MAX} characters (it is audited)")
    return stated


def _take_turn(session: Session) -> None:
    """Serialise the bookkeeping of match runs (the daily count, new hits) for the rest of the
    transaction; SQLite's write transactions are serial already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _seconds_to_midnight(now: dt.datetime) -> int:
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    return max(1, int((tomorrow - now).total_seconds()))


def begin_run(session: Session, actor: Actor, name: str, purpose: str, *,
              per_day: int) -> tuple[MatchRun, Exchange]:
    """Start the actor's agency's match request: its purpose is audited, and it counts against
    the agency's ``per_day`` requests (UTC days); past them the request is refused, audited."""
    resource = f"exchange:{name}"
    refuse_unless(actor, "exchange.match", resource)
    stated = check_purpose(purpose)
    exchange = find(session, actor, "exchange.match", name)
    mine = session.scalar(
        select(func.count()).where(EncodedRecord.exchange_id == exchange.id,
                                   EncodedRecord.agency_id == actor.agency_id)
    )
    if not mine:
        raise ExchangeError(f"{actor.agency_code} has no encodings in exchange {name!r}: "
                            "upload them before asking for matches")
    _take_turn(session)
    now = utcnow()
    made = session.scalar(
        select(func.count()).where(MatchRun.agency_id == actor.agency_id,
                                   MatchRun.day == now.date())
    ) or 0
    if made >= per_day:
        raise RateLimited(actor, resource, per_day, _seconds_to_midnight(now))
    run = MatchRun(exchange_id=exchange.id, agency_id=actor.agency_id, user_id=actor.user_id,
                   purpose=stated, day=now.date(), started_at=now, compared=int(mine))
    session.add(run)
    session.flush()
    access.authorize(session, actor, "exchange.match", resource,
                     {"purpose": stated, "run": run.id, "today": made + 1, "limit": per_day})
    return run, exchange


def _pair(mine: tuple[int, str], other: tuple[int, str]) -> tuple[int, str, int, str]:
    (a, ra), (b, rb) = sorted((mine, other))
    return a, ra, b, rb


def finish_run(session: Session, actor: Actor, run_id: int, found: Sequence[Found], *,
               agencies: int) -> RunOutcome:
    """Record the run's hits that are new (a pair already recorded, by this request or an
    earlier one, is not recorded again) and notify both owners of each."""
    _take_turn(session)
    run = session.get_one(MatchRun, run_id)
    existing = {
        (h.left_agency_id, h.left_ref, h.right_agency_id, h.right_ref)
        for h in session.execute(
            select(Hit.left_agency_id, Hit.left_ref, Hit.right_agency_id, Hit.right_ref)
            .where(Hit.exchange_id == run.exchange_id,
                   or_(Hit.left_agency_id == actor.agency_id,
                       Hit.right_agency_id == actor.agency_id))
        )
    }
    now = utcnow()
    new: list[Hit] = []
    known = 0
    for f in found:
        key = _pair((actor.agency_id, f.ref), (f.other_agency_id, f.other_ref))
        if key in existing:
            known += 1
            continue
        existing.add(key)
        new.append(Hit(exchange_id=run.exchange_id, run_id=run.id, left_agency_id=key[0],
                       left_ref=key[1], right_agency_id=key[2], right_ref=key[3],
                       score=f.score, band=f.band, identifier=f.identifier, found_at=now))
    session.add_all(new)
    session.flush()
    session.add_all(
        HitNotice(hit_id=h.id, agency_id=agency, created_at=now)
        for h in new for agency in (h.left_agency_id, h.right_agency_id)
    )
    run.finished_at, run.agencies = now, agencies
    run.new_hits, run.known_hits = len(new), known
    session.flush()
    # what came back, beside the request's own entry
    name = session.get_one(Exchange, run.exchange_id).name
    access.log(session, actor, "exchange.match", f"exchange:{name}",
               detail={"run": run.id, "new_hits": [h.id for h in new], "known": known})
    return RunOutcome(run, [HitView.of(h, actor.agency_id) for h in new], known)


def _visible_hits(actor: Actor) -> ColumnElement[bool]:
    return or_(Hit.left_agency_id == actor.agency_id, Hit.right_agency_id == actor.agency_id)


def hits_for(session: Session, actor: Actor, *, exchange: str | None = None, limit: int = 100,
             offset: int = 0) -> list[HitView]:
    """The hits of the actor's agency's records, newest first; the read is audited with the
    hits shown."""
    refuse_unless(actor, "hit.read", "hits")
    query = select(Hit).where(_visible_hits(actor))
    if exchange is not None:
        query = query.join(Exchange, Exchange.id == Hit.exchange_id).where(
            Exchange.name == exchange)
    rows = session.scalars(query.order_by(Hit.id.desc()).limit(max(1, min(limit, 1000)))
                           .offset(max(0, offset))).all()
    access.authorize(session, actor, "hit.read", "hits",
                     {"exchange": exchange, "ids": [h.id for h in rows]})
    return [HitView.of(h, actor.agency_id) for h in rows]


def agency_hits(session: Session, actor: Actor, purpose: str) -> list[HitView]:
    """Every hit of the actor's agency's records, oldest first (for the agency's network); the
    read is audited with its purpose and how many were read."""
    refuse_unless(actor, "hit.read", "hits")
    rows = session.scalars(select(Hit).where(_visible_hits(actor)).order_by(Hit.id)).all()
    access.authorize(session, actor, "hit.read", f"hits:{purpose}", {"count": len(rows)})
    return [HitView.of(h, actor.agency_id) for h in rows]


def notices_for(session: Session, actor: Actor, *, unread_only: bool = False,
                limit: int = 100) -> list[NoticeView]:
    """The notices of hits to the actor's agency, newest first."""
    refuse_unless(actor, "hit.read", "notices")
    query = select(HitNotice).where(HitNotice.agency_id == actor.agency_id)
    if unread_only:
        query = query.where(HitNotice.read_at.is_(None))
    rows = session.scalars(query.order_by(HitNotice.id.desc())
                           .limit(max(1, min(limit, 1000)))).all()
    access.authorize(session, actor, "hit.read", "notices",
                     {"unread_only": unread_only, "ids": [n.id for n in rows]})
    return [NoticeView(n.id, as_utc(n.created_at), as_utc(n.read_at) if n.read_at else None,
                       n.read_by, HitView.of(n.hit, actor.agency_id)) for n in rows]


def mark_read(session: Session, actor: Actor, ids: Sequence[int] = (),
              through: int | None = None) -> int:
    """Mark the agency's notices ``ids``, and every one up to ``through``, read; returns how
    many were unread. A notice of another agency is refused as not found, and nothing marked."""
    resource = "notices"
    refuse_unless(actor, "hit.acknowledge", resource)
    wanted = sorted(set(ids))
    if wanted:
        own = set(session.scalars(
            select(HitNotice.id).where(HitNotice.id.in_(wanted),
                                       HitNotice.agency_id == actor.agency_id)
        ))
        missing = [i for i in wanted if i not in own]
        if missing:
            raise NotFound(actor, "hit.acknowledge", f"notice:{missing[0]}",
                           f"no notice {missing[0]}")
    chosen: list[ColumnElement[bool]] = []
    if wanted:
        chosen.append(HitNotice.id.in_(wanted))
    if through is not None:
        chosen.append(HitNotice.id <= through)
    marked = 0
    if chosen:
        marked = affected(session.execute(
            update(HitNotice)
            .where(HitNotice.agency_id == actor.agency_id, HitNotice.read_at.is_(None),
                   or_(*chosen))
            .values(read_at=utcnow(), read_by=actor.username)
        ))
    access.authorize(session, actor, "hit.acknowledge", resource,
                     {"ids": wanted, "through": through, "marked": marked})
    return int(marked)


def volumes(session: Session, actor: Actor, *, days: int = 30) -> list[Volume]:
    """Match requests, and the new hits they found, per agency, exchange and UTC day over the
    last ``days`` days (the convening organisation's oversight), newest day first."""
    refuse_unless(actor, "exchange.volumes", "match-volumes")
    days = max(1, min(days, 366))
    since = utcnow().date() - dt.timedelta(days=days - 1)
    rows = session.execute(
        select(MatchRun.day, Agency.code, Exchange.name, func.count(),
               func.coalesce(func.sum(MatchRun.new_hits), 0))
        .join(Agency, Agency.id == MatchRun.agency_id)
        .join(Exchange, Exchange.id == MatchRun.exchange_id)
        .where(MatchRun.day >= since)
        .group_by(MatchRun.day, Agency.code, Exchange.name)
        .order_by(MatchRun.day.desc(), Agency.code, Exchange.name)
    ).all()
    access.authorize(session, actor, "exchange.volumes", "match-volumes", {"days": days})
    return [Volume(day, code, name, int(runs), int(hits)) for day, code, name, runs, hits in rows]
