"""What the API sends and takes: public models, built from the hub's rows, never the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field

from tessera.hub.exchanges import KEY_ID_PATTERN, THRESHOLD_MIN
from tessera.hub.hits import PURPOSE_MAX, PURPOSE_MIN, HitView
from tessera.hub.models import StoredRecord, Submission, as_utc
from tessera.hub.oversight import Entry
from tessera.ingest.load import LoadResult
from tessera.linkage.exchange import RunSummary
from tessera.linkage.pprl.match import THRESHOLD
from tessera.network.analyse import Community
from tessera.network.disrupt import Outcome
from tessera.network.paths import Neighbourhood, Path
from tessera.patterns.indicators import Risk
from tessera.patterns.payments import Alert
from tessera.patterns.routes import Corridor, route_label
from tessera.standard.codes import SCOPE_ORDER
from tessera.standard.records import RECORD_TYPES

# A record type named in a request: one of the standard's.
RECORD_TYPE_PATTERN = "^(" + "|".join(RECORD_TYPES) + ")$"
# The largest ids a request may name: the store's integer columns (submissions, offsets) and its
# 64-bit ones (audit entries). A larger number is refused as malformed, not passed to the store.
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in words")


class Malformed(BaseModel):
    """A request whose parameters or body do not match this document (FastAPI's own answer)."""

    detail: list[dict[str, Any]]


_MEANING = {
    400: "The request holds a value the hub cannot store (e.g. a NUL character)",
    401: "Not signed in, or the API token is unknown, revoked or expired",
    403: "Your roles do not allow this, or a change lacked the session's CSRF token",
    404: "No such item that you may see (absent and hidden look the same)",
    409: "The item is not in a state that allows this",
    413: "The file is larger than the hub accepts",
    429: "Too many failed sign-ins: wait for Retry-After seconds",
}
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "Your agency has made its match requests for today "
          "(UTC): wait for Retry-After seconds"},
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation may give, for the OpenAPI document."""
    return {code: {"model": Problem, "description": _MEANING[code]} for code in codes}


class Me(BaseModel):
    username: str
    agency: str
    agency_kind: str
    roles: list[str]
    csrf_token: str | None = Field(
        None, description="Send back in the X-CSRF-Token header on changes made with the cookie."
    )


class Credentials(BaseModel):
    username: str = Field(max_length=64, examples=["ua-pol"])
    password: str = Field(max_length=1000, examples=["tessera-demo"])


class Provenance(BaseModel):
    submission_id: int | None
    source_file: str | None
    source_sheet: str | None
    source_row: int | None
    received_at: dt.datetime


class Handling(BaseModel):
    handling_code: str = Field(description="H0 (open) to H3 (owner only)")
    evaluation: str = Field(description="Source reliability (A-F, X) and credibility (1-6)")
    requested_scope: str
    scope: str = Field(description="The scope in force: the requested one, bounded by consent")
    share_with: list[str]


class RecordSummary(BaseModel):
    agency: str
    ref: str
    record_type: str
    version: int
    title: str
    retracted: bool
    handling: Handling
    provenance: Provenance

    @classmethod
    def of(cls, row: StoredRecord) -> Self:
        return cls(**cls.fields_of(row))

    @staticmethod
    def fields_of(row: StoredRecord) -> dict[str, Any]:
        return {
            "agency": row.agency.code,
            "ref": row.ref,
            "record_type": row.record_type,
            "version": row.version,
            "title": row.title,
            "retracted": row.retracted,
            "handling": Handling(
                handling_code=row.handling_code,
                evaluation=f"{row.source_reliability}{row.information_credibility}",
                requested_scope=SCOPE_ORDER[row.requested_level].value,
                scope=SCOPE_ORDER[row.scope_level].value,
                share_with=[c for c in row.share_with.split(";") if c],
            ),
            "provenance": Provenance(
                submission_id=row.submission_id,
                source_file=row.source_file,
                source_sheet=row.source_sheet,
                source_row=row.source_row,
                received_at=as_utc(row.received_at),
            ),
        }


class RecordDetail(RecordSummary):
    data: dict[str, Any]

    @classmethod
    def of(cls, row: StoredRecord) -> Self:
        return cls(**cls.fields_of(row), data=row.data)


class Retraction(BaseModel):
    reason: str = Field(min_length=3, max_length=500, examples=["entered in error"])


class SubmissionPublic(BaseModel):
    id: int
    agency: str
    username: str
    file_name: str
    file_sha256: str
    received_at: dt.datetime
    status: str
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: int

    @classmethod
    def of(cls, row: Submission) -> SubmissionPublic:
        return cls(
            id=row.id, agency=row.agency.code, username=row.user.username,
            file_name=row.file_name, file_sha256=row.file_sha256,
            received_at=as_utc(row.received_at),
            status=row.status, rows_read=row.rows_read, created=row.created, updated=row.updated,
            unchanged=row.unchanged, rejected=row.rejected,
        )


class RejectionPublic(BaseModel):
    file: str
    sheet: str | None
    row: int
    field: str
    value: str
    reason: str


class Report(BaseModel):
    file: str
    ok: bool
    rows_read: int
    valid: int
    rejected_rows: int
    rejection_count: int = Field(description="Every problem found; only the first are listed")
    rejections: list[RejectionPublic]
    warnings: list[str]
    skipped: dict[str, int]


class SubmissionResult(BaseModel):
    status: str = Field(description="committed, partial (valid rows only) or rejected")
    submission_id: int | None
    created: int
    updated: int
    unchanged: int
    report: Report

    @classmethod
    def of(cls, result: LoadResult) -> SubmissionResult:
        r = result.report
        return cls(
            status=result.status, submission_id=result.submission_id, created=result.created,
            updated=result.updated, unchanged=result.unchanged,
            report=Report(
                file=r.file, ok=r.ok, rows_read=r.rows_read, valid=r.valid,
                rejected_rows=r.rejected_rows, rejection_count=r.rejection_count,
                rejections=[RejectionPublic(**asdict(x)) for x in r.rejections],
                warnings=r.warnings, skipped=r.skipped,
            ),
        )


class AuditEntryPublic(BaseModel):
    id: int
    at: str
    username: str | None
    agency: str | None
    action: str
    resource: str
    outcome: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: Entry) -> AuditEntryPublic:
        return cls(id=e.id, at=e.at, username=e.username, agency=e.agency_code, action=e.action,
                   resource=e.resource, outcome=e.outcome, detail=e.detail)


class AuditCheck(BaseModel):
    ok: bool
    entries: int
    head: str
    problems: list[str]


class EntityView(BaseModel):
    entity_id: str | None = Field(description="None until a linkage run has placed the record")
    members: list[RecordSummary] = Field(description="The entity's records you may see; "
                                         "others are neither shown nor counted")


class JudgementIn(BaseModel):
    left: str = Field(max_length=170, examples=["UA-POL/P-17"])
    right: str = Field(max_length=170, examples=["DE-POL/P-203"])
    verdict: Literal["same", "different"]
    note: str = Field("", max_length=2000)


class JudgementPublic(BaseModel):
    id: int
    at: dt.datetime
    username: str
    verdict: str
    left: str
    right: str
    note: str


class ScreenedPerson(BaseModel):
    """A person to screen, as written: the standard cleans each value."""

    ref: str | None = Field(None, max_length=100, description="Your reference (default: #n)")
    name: str = Field(min_length=1, max_length=300, examples=["Oleh Petrenko"])
    birth_date: str | None = Field(None, max_length=40, examples=["1984-03-12"])
    nationality: str | None = Field(None, max_length=60, examples=["UA"])
    gender: str | None = Field(None, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    passports: list[str] = Field(default_factory=list, max_length=20,
                                 description="Passport numbers, with the nationality as issuer")


class Screening(BaseModel):
    people: list[ScreenedPerson] = Field(min_length=1, max_length=1000)
    threshold: float = Field(0.5, ge=0.0, le=1.0)


class CandidatePublic(BaseModel):
    query: str
    record: str = Field(description="AGENCY/ref of a record you may see")
    title: str
    probability: float
    explanation: str


class ExchangePublic(BaseModel):
    name: str
    threshold: float = Field(description="The lowest score recorded as a hit")
    fingerprint: str | None = Field(description="The schema every upload must use: fixed by "
                                    "the first upload, released by a rotation")
    key_id: str | None = Field(description="The id of the secret every upload must use")
    rotated_at: dt.datetime | None


class ExchangeMembership(ExchangePublic):
    records: int = Field(description="Your agency's encodings in the exchange")
    uploaded_at: dt.datetime | None = Field(description="Your agency's last upload")


class ExchangeSettings(BaseModel):
    threshold: float = Field(THRESHOLD, ge=THRESHOLD_MIN, le=1.0,
                             description="The lowest score recorded as a hit")


class Rotation(BaseModel):
    reason: str = Field(min_length=3, max_length=500, examples=["the secret was disclosed"])
    key_id: str | None = Field(None, pattern=KEY_ID_PATTERN,
                               description="The new secret's key id, when it is known: "
                               "uploads under any other are refused")


class Rotated(BaseModel):
    cleared: int = Field(description="Encodings cleared, of every agency")


class UploadResult(BaseModel):
    upload_id: int
    exchange: str
    agency: str
    records: int = Field(description="Encodings stored: your agency's set in the exchange now")
    replaced: int = Field(description="Your agency's encodings before, which these replace")
    fingerprint: str
    key_id: str


class MatchRequest(BaseModel):
    purpose: str = Field(min_length=PURPOSE_MIN, max_length=PURPOSE_MAX,
                         description="Why you search (audited)",
                         examples=["investigation 2026/114: recruiters of the Odesa ring"])


class HitPublic(BaseModel):
    """A hit as your agency sees it: your record, and whose record it is the same person as."""

    id: int
    exchange: str
    ref: str = Field(description="Your agency's record")
    other_agency: str
    other_ref: str = Field(description="The other agency's reference, to cite in the "
                           "follow-up request; the details come only from that agency")
    band: Literal["identifier", "high", "possible", "linked"]
    identifier: bool = Field(description="Found by a shared identifier (document, phone, "
                             "account, e-mail)")
    found_at: dt.datetime
    found_by: str = Field(description="The agency whose request found it")

    @classmethod
    def of(cls, view: HitView) -> HitPublic:
        return cls(**asdict(view))


class MatchRun(BaseModel):
    run_id: int
    exchange: str
    purpose: str
    compared: int = Field(description="Your agency's encodings compared")
    agencies: int = Field(description="Other agencies whose encodings were searched")
    new_hits: list[HitPublic]
    known_hits: int = Field(description="Hits found again that were recorded before")
    started_at: dt.datetime

    @classmethod
    def of(cls, summary: RunSummary) -> MatchRun:
        return cls(run_id=summary.run_id, exchange=summary.exchange, purpose=summary.purpose,
                   compared=summary.compared, agencies=summary.agencies,
                   new_hits=[HitPublic.of(h) for h in summary.new],
                   known_hits=summary.known, started_at=summary.started_at)


class NoticePublic(BaseModel):
    id: int
    created_at: dt.datetime
    read_at: dt.datetime | None
    read_by: str | None
    hit: HitPublic


class MarkRead(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=MAX_BIG_ID)]] = Field(
        default_factory=list, max_length=1000, description="Notices to mark read")
    through: int | None = Field(None, ge=1, le=MAX_BIG_ID,
                                description="Also mark every notice up to this id read")


class Marked(BaseModel):
    marked: int = Field(description="Notices that were unread and now are read")


class VolumePublic(BaseModel):
    day: dt.date = Field(description="UTC day")
    agency: str
    exchange: str
    runs: int = Field(description="Match requests made")
    new_hits: int


class NetworkSummary(BaseModel):
    """The network of the records you may see, in figures."""

    nodes: int = Field(description="People, organisations and the identifiers that join them")
    kinds: dict[str, int] = Field(description="Nodes by kind")
    ties: int = Field(description="Ties the records state (one per pair, kind and direction)")
    actors: int = Field(description="Nodes of the graph analysed: people, organisations, and "
                        "the identifiers several of them share (one that a single person or "
                        "organisation holds is folded into it)")
    actor_ties: int = Field(description="Ties of the graph analysed (undirected, one per pair)")
    communities: int
    rankable: int = Field(description="Nodes a disruption may target: people not recorded "
                          "only as victims, witnesses or travelling companions")
    sampled: bool = Field(description="Whether betweenness was estimated from a sample")
    dangling: int = Field(description="References to records that are not in your view")
    big_cases: int = Field(description="Cases naming too many people for their co-occurrence "
                           "to be drawn")


class KeyPlayerPublic(BaseModel):
    rank: int
    node: str = Field(description="The node's id (give it to the path operation)")
    label: str
    kind: str
    score: float = Field(description="Position (0-1), plus role (0-1), plus half of brokerage")
    community: int
    roles: list[str]
    countries: list[str]
    reasons: list[str] = Field(description="What the score is made of, in words")


class CommunityPublic(BaseModel):
    number: int
    size: int
    kinds: dict[str, int]
    roles: dict[str, int]
    countries: dict[str, int]
    accounts: int
    money_in: float = Field(description="Payments into the community from outside it (nominal "
                            "totals, currencies not converted)")
    money_out: float
    money_within: float
    top: list[str] = Field(description="Its most central members' labels")

    @classmethod
    def of(cls, c: Community) -> CommunityPublic:
        return cls(number=c.number, size=c.size, kinds=c.kinds, roles=c.roles,
                   countries=c.countries, accounts=c.accounts, money_in=c.money_in,
                   money_out=c.money_out, money_within=c.money_within, top=list(c.top))


class OutcomePublic(BaseModel):
    strategy: str
    removed: list[str] = Field(description="The labels of the nodes removed")
    fragmentation: float = Field(description="Share of pairs of nodes no longer connected")
    largest: int = Field(description="Nodes in the largest component left")
    components: int
    money_cut: float = Field(description="Share of the money flow, from where payments "
                             "start to where they end, that the removal stops")

    @classmethod
    def of(cls, o: Outcome) -> OutcomePublic:
        return cls(strategy=o.strategy, removed=list(o.removed), fragmentation=o.fragmentation,
                   largest=o.largest, components=o.components, money_cut=o.money_cut)


class Disruption(BaseModel):
    k: int = Field(description="Nodes removed by each strategy")
    nodes: int = Field(description="Nodes of the graph analysed")
    fragmentation: float = Field(description="The fragmentation before any removal")
    outcomes: list[OutcomePublic] = Field(description="The greedy disruption plan first, then "
                                          "the top k of the key-player ranking and of each "
                                          "centrality")


class HopPublic(BaseModel):
    source: str
    target: str
    kinds: list[str] = Field(description="The kinds of the ties between the two")
    records: list[str] = Field(description="AGENCY/ref of the records stating them")


class PathPublic(BaseModel):
    length: float = Field(description="The sum of the ties' lengths (1 / strength)")
    hops: list[HopPublic]

    @classmethod
    def of(cls, p: Path) -> PathPublic:
        return cls(length=p.length, hops=[HopPublic(source=h.source, target=h.target,
                                                    kinds=list(h.kinds), records=list(h.records))
                                          for h in p.hops])


class Paths(BaseModel):
    a: str
    b: str
    paths: list[PathPublic] = Field(description="Shortest first; none when the two are not "
                                    "connected in your view (or are one node)")


class NeighbourPublic(BaseModel):
    node: str = Field(description="The node's id (ask for its neighbourhood to go on from it)")
    label: str
    kind: str
    roles: list[str]
    countries: list[str]
    hops: int = Field(description="Hops from the centre: 0 for the centre itself")


class TiePublic(BaseModel):
    source: str = Field(description="The id of the end nearer the centre")
    target: str
    kinds: list[str] = Field(description="The kinds of the ties between the two")
    records: list[str] = Field(description="AGENCY/ref of the records stating them")


class NeighbourhoodPublic(BaseModel):
    node: str = Field(description="The node or case asked for")
    centre: list[str] = Field(description="The ids of the nodes it names: one node, or each "
                              "node a case names")
    depth: int
    nodes: list[NeighbourPublic] = Field(description="The centre, then the nearest first: by "
                                         "hops, then by the length of the way there")
    ties: list[TiePublic] = Field(description="Every tie between two of the nodes shown, the "
                                  "centre's first")
    within: int = Field(description="Nodes within depth hops, shown or not")
    capped: bool = Field(description="Whether the limit left some of them out")

    @classmethod
    def of(cls, asked: str, n: Neighbourhood) -> NeighbourhoodPublic:
        return cls(
            node=asked, centre=list(n.centre), depth=n.depth,
            nodes=[NeighbourPublic(node=v.node, label=v.label, kind=v.kind, roles=list(v.roles),
                                   countries=list(v.countries), hops=v.hops) for v in n.nodes],
            ties=[TiePublic(source=t.source, target=t.target, kinds=list(t.kinds),
                            records=list(t.records)) for t in n.ties],
            within=n.within, capped=n.capped)


# --- patterns ---------------------------------------------------------------------------------


class CorridorPublic(BaseModel):
    route: str = Field(description="Countries, origin first: UA→PL→DE")
    origin: str
    transits: list[str]
    destination: str
    rank: int = Field(description="Within its origin, 1 for the most people")
    people: int
    by_period: dict[str, int]
    by_mode: dict[str, int]
    by_crossing: dict[str, int]
    by_documents: dict[str, int]
    agencies: list[str] = Field(description="The agencies whose records make its journeys")

    @classmethod
    def of(cls, c: Corridor) -> CorridorPublic:
        return cls(route=route_label(c.route), origin=c.origin, transits=list(c.transits),
                   destination=c.destination, rank=c.rank, people=c.people,
                   by_period=c.by_period, by_mode=c.by_mode, by_crossing=c.by_crossing,
                   by_documents=c.by_documents, agencies=list(c.agencies))


class RouteFinding(BaseModel):
    kind: Literal["emerging", "shift"]
    subject: str = Field(description="The corridor, or the origin→destination pair")
    period: str = Field(description="The period tested (a shift: before→after)")
    p_value: float
    q_value: float = Field(description="Benjamini–Hochberg, across the corridors tested")
    reason: str


class Corridors(BaseModel):
    period: Literal["year", "quarter", "month"]
    periods: list[str]
    journeys: int = Field(description="Journeys in corridors")
    unknown_path: int = Field(description="Journeys with both ends but no leg recorded")
    incomplete: int = Field(description="Journeys with no origin or no country of "
                            "exploitation, left out")
    corridors: list[CorridorPublic] = Field(description="By origin, then rank")
    findings: list[RouteFinding] = Field(description="Emerging corridors and shifts")


class ProfileCount(BaseModel):
    group: dict[str, str] = Field(description="The group's value of each grouping asked")
    facet: str
    value: str
    people: int
    known: int = Field(description="People of the group for whom the facet is recorded")
    group_people: int
    share: float = Field(description="people / known")


class AlertPublic(BaseModel):
    alert: str
    typology: str
    accounts: dict[str, str] = Field(description="Account -> its part in the pattern")
    transactions: list[str] = Field(description="AGENCY/ref of the transactions, in time "
                                    "order")
    amount: float
    currencies: list[str]
    first: dt.datetime
    last: dt.datetime
    reason: str

    @classmethod
    def of(cls, a: Alert) -> AlertPublic:
        return cls(alert=a.id, typology=a.typology, accounts=a.accounts,
                   transactions=list(a.transactions), amount=a.amount,
                   currencies=list(a.currencies), first=a.first, last=a.last, reason=a.reason)


class RiskPublic(BaseModel):
    subject: str = Field(description="A network node id, or a case as AGENCY/ref")
    kind: str
    score: float = Field(description="1 - Π(1 - weight) over the indicators that fired")
    indicators: list[str]
    evidence: list[str] = Field(description="AGENCY/ref of the records behind them")
    reasons: list[str]

    @classmethod
    def of(cls, r: Risk) -> RiskPublic:
        return cls(subject=r.subject, kind=r.kind, score=r.score,
                   indicators=[f.indicator.id for f in r.findings], evidence=list(r.evidence),
                   reasons=r.reasons())


class GapPublic(BaseModel):
    kind: str
    subject: str
    figures: dict[str, int | float | str]
    reason: str
