"""Patterns in the records you may see: corridors, profiles, payment typologies, risk, gaps.

Every answer comes from ``tessera.patterns.source.from_hub``: the records the caller may
read, through the hub's one permission check (``patterns.read``). Each user's records, and
what has been worked out from them, are kept (``PatternsCache``) until the hub's records or
resolved entities change; each read is audited all the same, a kept one too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request

from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.network.source import state
from tessera.patterns import gaps, indicators, payments, profiles, routes, source
from tessera.web import moneyflow
from tessera.web.cache import Fingerprint, PerUser
from tessera.web.deps import ActorDep, StateDep
from tessera.web.schemas import (
    AlertPublic,
    CorridorPublic,
    Corridors,
    GapPublic,
    ProfileCount,
    RiskPublic,
    RouteFinding,
    problems,
)

router = APIRouter(tags=["patterns"], responses=problems(401, 403))

Period = Literal["year", "quarter", "month"]


@dataclass
class Found:
    """One user's records, and the patterns worked out from them so far."""

    actor: Actor
    fingerprint: Fingerprint
    records: source.Records
    people: dict[str, str]
    countries: dict[str, str]  # agency code -> country (the hub's directory)
    _journeys: list[routes.Journey] | None = None
    _corridors: dict[str, Corridors] = field(default_factory=dict)
    _transactions: pa.Table | None = None
    _alerts: list[payments.Alert] | None = None
    _risk: indicators.Assessment | None = None
    _gaps: list[gaps.Gap] | None = None

    def journeys(self) -> list[routes.Journey]:
        if self._journeys is None:
            self._journeys = routes.journeys(self.records, self.people)
        return self._journeys

    def corridors(self, period: str) -> Corridors:
        if period not in self._corridors:
            found = routes.corridors(self.journeys(), period)
            told = routes.findings(found)
            findings = [
                *(RouteFinding(kind="emerging", subject=routes.route_label(e.route),
                               period=e.period, p_value=e.p_value, q_value=e.q_value,
                               reason=e.reason) for e in told.emerging),
                *(RouteFinding(kind="shift", subject=f"{s.origin}→{s.destination}",
                               period=f"{s.before}→{s.after}", p_value=s.p_value,
                               q_value=s.q_value, reason=s.reason) for s in told.shifts),
            ]
            self._corridors[period] = Corridors(
                period=found.period, periods=list(found.periods),
                journeys=found.journeys, unknown_path=found.unknown_path,
                incomplete=found.incomplete,
                corridors=[CorridorPublic.of(c) for c in found.corridors], findings=findings)
        return self._corridors[period]

    def transactions(self) -> pa.Table:
        if self._transactions is None:
            self._transactions = source.transactions(self.records)
        return self._transactions

    def alerts(self) -> list[payments.Alert]:
        if self._alerts is None:
            self._alerts = payments.scan(self.transactions(),
                                         victims=source.victim_accounts(self.records))
        return self._alerts

    def alert(self, alert_id: str) -> tuple[payments.Alert, list[moneyflow.Payment]]:
        """An alert and its payments, or LookupError."""
        found = next((a for a in self.alerts() if a.id == alert_id), None)
        if found is None:
            raise LookupError(alert_id)
        table = self.transactions()
        rows = table.filter(pc.is_in(table["id"], pa.array(found.transactions))).to_pylist()
        return found, [moneyflow.Payment(r["payer"], r["beneficiary"], r["amount"],
                                         r["currency"] or "", r["time"]) for r in rows]

    def risk(self) -> indicators.Assessment:
        if self._risk is None:
            self._risk = indicators.assess(self.records, self.people)
        return self._risk

    def systemic_gaps(self) -> list[gaps.Gap]:
        if self._gaps is None:
            journeys = self.journeys()
            self._gaps = [
                *gaps.silent_countries(journeys, self.countries),
                *gaps.uninvestigated_victims(self.records, self.people),
                *gaps.corridors_without_money(journeys, self.records, self.people),
            ]
        return self._gaps


class PatternsCache(PerUser[Found]):
    """Each user's records and patterns (see ``tessera.web.cache``)."""


def found_for(hub: Hub, actor: Actor, cache: PatternsCache, asked: dict[str, Any]) -> Found:
    """``actor``'s records and patterns: kept, if the hub has not changed since they were
    read, or read now from ``source.from_hub``. The read is audited either way, with what
    was ``asked``."""
    with cache.turn(actor):
        with hub.session() as session:
            fingerprint = state(session)
            kept = cache.get(actor, fingerprint)
            if kept is not None:
                source.audit_kept(session, actor, len(kept.people), asked)
                return kept
            records, people = source.from_hub(session, actor, asked)
            countries = source.agency_countries(session)
        entry = Found(actor, fingerprint, records, people, countries)
        cache.put(entry)
        return entry


def cooperation_gaps(hub: Hub, actor: Actor) -> list[gaps.Gap]:
    """The agency's hits with no follow-up and its overdue requests: read each time (they
    change without the records changing), and audited as reads of hits and requests."""
    with hub.session() as session:
        found_hits, asked = source.follow_ups(session, actor)
    today = dt.datetime.now(dt.UTC).date()
    return [*gaps.unfollowed_hits(found_hits, asked, today), *gaps.overdue_requests(asked, today)]


async def patterns_cache(request: Request) -> PatternsCache:
    cache: PatternsCache = request.app.state.patterns
    return cache


CacheDep = Annotated[PatternsCache, Depends(patterns_cache)]


@router.get("/patterns/corridors", response_model=Corridors, operation_id="patterns_corridors")
def patterns_corridors(
    actor: ActorDep, state: StateDep, cache: CacheDep,
    period: Annotated[Period, Query(description="Periods to count by")] = "year",
) -> Corridors:
    """Corridors origin → transit → destination of the journeys in the records you may see,
    counted by period, mode, crossing and documents, with emerging corridors and shifts (each
    with its test). Analysts and coordinators; the read is audited (``patterns.read``)."""
    return found_for(state.hub, actor, cache, {"patterns": "corridors"}).corridors(period)


@router.get("/patterns/profiles", response_model=list[ProfileCount],
            operation_id="patterns_profiles")
def patterns_profiles(
    actor: ActorDep, state: StateDep, cache: CacheDep,
    by: Annotated[list[Literal[*profiles.GROUPINGS]] | None, Query(  # type: ignore[valid-type]
        description="Group by (repeat); none for everyone together")] = None,
    facet: Annotated[list[Literal[*profiles.FACETS]] | None, Query(  # type: ignore[valid-type]
        description="Facets to count (repeat); all by default")] = None,
    period: Period = "year",
) -> list[ProfileCount]:
    """Recruitment and exploitation profiles: people counted by tactic, channel, promised
    job, exploitation type, industry and method of control, within the groups asked."""
    groups = list(dict.fromkeys(by or []))
    found = profiles.profiles(
        found_for(state.hub, actor, cache, {"patterns": "profiles"}).journeys(), groups,
        period=period, facets=facet)
    return [ProfileCount(group=dict(zip(found.by, c.group, strict=True)), facet=c.facet,
                         value=c.value, people=c.people, known=c.known,
                         group_people=c.group_people, share=c.share) for c in found.counts]


@router.get("/patterns/payments", response_model=list[AlertPublic],
            operation_id="patterns_payments")
def patterns_payments(
    actor: ActorDep, state: StateDep, cache: CacheDep,
    typology: Annotated[list[Literal[*payments.TYPOLOGIES]] | None, Query(  # type: ignore[valid-type]
        description="Only these typologies (repeat)")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> list[AlertPublic]:
    """Laundering typologies in the transactions you may see, largest sums first: each alert
    with its accounts and their parts, transactions, amounts, time span and reason."""
    alerts = found_for(state.hub, actor, cache, {"patterns": "payments"}).alerts()
    wanted = set(typology or payments.TYPOLOGIES)
    chosen = sorted((a for a in alerts if a.typology in wanted), key=lambda a: -a.amount)
    return [AlertPublic.of(a) for a in chosen[:limit]]


@router.get("/patterns/risk", response_model=list[RiskPublic], operation_id="patterns_risk")
def patterns_risk(
    actor: ActorDep, state: StateDep, cache: CacheDep,
    kind: Annotated[Literal["person", "organization", "account", "case"] | None,
                    Query(description="Only subjects of this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[RiskPublic]:
    """People, organisations, accounts and cases by risk: the indicators (ILO forced-labour
    indicators, FATF and FinCEN red flags) found in the records you may see, highest score
    first, each with its evidence and reasons."""
    risk = found_for(state.hub, actor, cache, {"patterns": "risk"}).risk()
    ranked = sorted((r for r in (*risk.entities, *risk.cases) if kind in (None, r.kind)),
                    key=lambda r: -r.score)
    return [RiskPublic.of(r) for r in ranked[:limit]]


@router.get("/patterns/gaps", response_model=list[GapPublic], operation_id="patterns_gaps")
def patterns_gaps(actor: ActorDep, state: StateDep, cache: CacheDep) -> list[GapPublic]:
    """Systemic gaps in the records you may see: countries often on routes whose agencies
    rarely report, victims in no investigated case, corridors no financial report follows;
    and your agency's hits with no follow-up request and requests past their deadline."""
    found = found_for(state.hub, actor, cache, {"patterns": "gaps"}).systemic_gaps()
    return [GapPublic(kind=g.kind, subject=g.subject, figures=g.figures, reason=g.reason)
            for g in [*found, *cooperation_gaps(state.hub, actor)]]
