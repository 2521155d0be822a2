"""What the API sends and takes: public models, built from the hub's rows, never the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field

from tessera.cooperation.cases import (
    CODE_PATTERN,
    CRIME_TYPE_PATTERN,
    CRIME_TYPES_MAX,
    NOTE_MAX,
    STATUSES,
    TITLE_MAX,
    CaseSummary,
    CaseView,
)
from tessera.cooperation.kb import Entry as KbEntryView
from tessera.cooperation.kb import EntryIn as KbEntryFields
from tessera.cooperation.kb import Hit as KbHitView
from tessera.cooperation.requests import RequestView
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
from tessera.standard.codes import SCOPE_ORDER, HandlingCode
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


# --- cross-border requests ------------------------------------------------------------------

REQUEST_CODE_PATTERN = r"^REQ-[A-Z0-9-]{1,40}-\d{4}-\d{4,}$"


class RequestIn(BaseModel):
    kind: Literal["mutual_legal_assistance", "extradition", "asset_tracing",
                  "asset_freezing", "asset_confiscation", "information", "hit_follow_up",
                  "team_invitation"]
    to_agency: str | None = Field(default=None, max_length=32, description="The agency asked "
                                  "(a hit's follow-up goes to the hit's other agency)")
    purpose: str = Field(min_length=10, max_length=2000)
    legal_basis: str = Field(default="", max_length=300)
    records: list[Annotated[str, Field(min_length=3, max_length=200)]] = Field(
        default_factory=list, max_length=500, description="Records of the agency asked, "
        "AGENCY/REF")
    case: str | None = Field(default=None, max_length=64)
    hit: int | None = Field(default=None, ge=1, le=MAX_BIG_ID)
    kb_entry: int | None = Field(default=None, ge=1, le=MAX_BIG_ID)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    deadline: dt.date | None = None


class RequestEventPublic(BaseModel):
    at: dt.datetime
    username: str
    agency: str
    kind: str = Field(description="created, status, message or grant")
    status_from: str | None
    status_to: str | None
    body: str
    handling_code: str
    attachment_name: str | None
    attachment_sha256: str | None


class RequestPublic(BaseModel):
    code: str
    kind: str
    requesting_agency: str
    requested_agency: str
    requesting_country: str
    requested_country: str
    legal_basis: str
    kb_entry: int | None
    case: str | None
    hit: int | None
    purpose: str
    priority: str
    deadline: dt.date | None
    status: str
    overdue: bool = Field(description="Past its deadline and still awaiting an answer")
    created_by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    records: dict[str, bool] = Field(description="Each record named -> granted")
    events: list[RequestEventPublic]

    @classmethod
    def of(cls, r: RequestView) -> RequestPublic:
        fields = asdict(r)
        fields["records"] = dict(r.records)
        fields["events"] = [RequestEventPublic(**asdict(e)) for e in r.events]
        return cls(**fields, overdue=r.overdue(dt.datetime.now(dt.UTC).date()))


class StatusChange(BaseModel):
    status: Literal["draft", "sent", "acknowledged", "in_progress", "partially_answered",
                    "answered", "refused", "withdrawn"]
    note: str = Field(default="", max_length=2000)


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=20_000)
    handling_code: Literal["H0", "H1", "H2", "H3"] = "H2"


class GrantIn(BaseModel):
    records: list[Annotated[str, Field(min_length=3, max_length=200)]] | None = Field(
        default=None, max_length=500, description="Of those named; all by default")


class GrantedRecord(BaseModel):
    record: str
    data: dict[str, Any]


# --- cases and joint teams (tessera.cooperation.cases) -----------------------------------------

CASE_CODE_PATTERN = f"^{CODE_PATTERN}$"
CaseStatusName = Literal[tuple(s.value for s in STATUSES)]  # type: ignore[valid-type]


class CaseIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX, examples=["Odesa recruiters"])
    country: str = Field(min_length=2, max_length=60, description="Code or name",
                         examples=["UA"])
    crime_types: list[Annotated[str, Field(pattern=f"^{CRIME_TYPE_PATTERN}$")]] = Field(
        default=[], max_length=CRIME_TYPES_MAX, examples=[["trafficking_labour"]])
    handling_code: HandlingCode | None = Field(
        None, description="The case's handling code; your agency's default when left out")
    record_ref: str | None = Field(None, min_length=3, max_length=200,
                                   description="Your agency's case record it follows, "
                                   "AGENCY/ref")


class CaseSummaryPublic(BaseModel):
    code: str
    title: str
    lead: str
    country: str
    status: str
    crime_types: list[str]
    handling_code: str
    record_ref: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    members: list[str] = Field(description="Current member agencies, the lead first")

    @classmethod
    def of(cls, summary: CaseSummary) -> Self:
        return cls(**asdict(summary))


class CaseMemberPublic(BaseModel):
    agency: str
    role: str = Field(description="lead or member")
    joined_at: dt.datetime
    added_by: str
    left_at: dt.datetime | None


class CaseLinkPublic(BaseModel):
    id: int
    kind: str = Field(description="record, entity or kb")
    target: str | None = Field(description="None when withheld")
    note: str | None = Field(description="None when withheld")
    agency: str = Field(description="Whose contribution")
    added_by: str
    added_at: dt.datetime
    handling_code: str
    withheld: str | None = Field(description="Why the content is not shown (another agency's "
                                 "H3 contribution); None when it is")


class CaseTaskPublic(BaseModel):
    id: int
    title: str
    agency: str
    due: dt.date | None
    created_by: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str | None


class CaseEventPublic(BaseModel):
    id: int
    at: dt.datetime
    username: str
    agency: str
    kind: str = Field(description="opened, status, member_added, member_removed, linked, "
                      "note, task_added or task_done")
    detail: dict[str, Any] | None = Field(description="None when withheld")
    body: str | None = Field(description="None when withheld")
    handling_code: str
    withheld: str | None = Field(description="Why the content is not shown (another agency's "
                                 "H3 contribution); None when it is")


class CasePublic(BaseModel):
    case: CaseSummaryPublic
    next_statuses: list[str] = Field(description="Where the lifecycle allows it to go next")
    members: list[CaseMemberPublic]
    links: list[CaseLinkPublic]
    tasks: list[CaseTaskPublic]
    timeline: list[CaseEventPublic]

    @classmethod
    def of(cls, view: CaseView) -> Self:
        return cls.model_validate(asdict(view))


class CaseStatusIn(BaseModel):
    status: CaseStatusName  # type: ignore[valid-type]
    reason: str = Field(default="", max_length=NOTE_MAX, description="Kept in the timeline")


class CaseMemberIn(BaseModel):
    agency: str = Field(min_length=1, max_length=32, examples=["MD-NGO"])


class CaseLinkIn(BaseModel):
    kind: Literal["record", "entity", "kb"]
    target: str = Field(min_length=1, max_length=200, description="A record AGENCY/ref you "
                        "may see, an entity id, or a knowledge-base entry id",
                        examples=["UA-POL/UA-P2"])
    note: str = Field(default="", max_length=NOTE_MAX)
    handling_code: HandlingCode | None = Field(None, description="Your agency's default when "
                                               "left out; H3: only your agency sees it")


class CaseNoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=NOTE_MAX)
    handling_code: HandlingCode | None = Field(None, description="Your agency's default when "
                                               "left out; H3: only your agency sees it")


class CaseTaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    agency: str | None = Field(None, min_length=1, max_length=32,
                               description="The member agency it is for; yours by default")
    due: dt.date | None = None


# --- knowledge base (tessera.cooperation.kb) -------------------------------------------------


class KbEntryIn(KbEntryFields):
    """A knowledge-base entry to add: checked, and its labels normalised, by the knowledge
    base's own model (countries to ISO codes, tags and legal issues to lower-case words joined
    by '-', crime types to their codes)."""


class KbEntryPublic(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    tags: list[str]
    countries: list[str]
    crime_types: list[str]
    legal_issues: list[str]
    source: str = Field(description="Citation or address")
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, e: KbEntryView) -> KbEntryPublic:
        return cls(**asdict(e))


class KbHit(BaseModel):
    id: int
    kind: str
    title: str
    source: str
    tags: list[str]
    countries: list[str]
    crime_types: list[str]
    legal_issues: list[str]
    rank: float = Field(description="Relevance, higher first; comparable within one search "
                        "only (0 when no words were searched)")
    snippet: str = Field(description="Words of the body, those found between « and »")

    @classmethod
    def of(cls, h: KbHitView) -> KbHit:
        e = h.entry
        return cls(id=e.id, kind=e.kind, title=e.title, source=e.source, tags=e.tags,
                   countries=e.countries, crime_types=e.crime_types,
                   legal_issues=e.legal_issues, rank=h.rank, snippet=h.snippet)


class OutcomeRow(BaseModel):
    """One group's outcome figures (definitions in docs/cooperation.md)."""

    group: str
    victims_identified: int
    victims_assisted: int
    suspects_identified: int
    arrested: int
    charged: int
    convicted: int
    sentences: int
    sentence_months_median: float | None
    assets_frozen: str = Field(description="Summed per currency: '1,000.00 EUR; 200.00 USD'")
    assets_confiscated: str
    requests_sent: int
    requests_received: int
    requests_answered: int
    response_days_median: float | None
    response_days_p90: float | None
    answered_in_time: float | None = Field(description="Of the replies to requests with a "
                                           "deadline, the share on or before it")


RELEASE_PATTERN = r"^R\d{8}-[0-9a-f]{8}$"


class PublishedSummary(BaseModel):
    """A release on the public statistics page."""

    id: str = Field(examples=["R20261201-1a2b3c4d"])
    kind: Literal["table", "synthetic", "estimate"]
    title: str
    method: str = Field(description="k-anonymity, differential-privacy, mst-fixed-tree, or "
                                    "multiple systems estimation")
    epsilon: float | None = Field(description="The ε it spent (differential privacy)")
    delta: float | None
    collection: str
    published_at: dt.datetime


class PublishedRelease(PublishedSummary):
    """A published release: its public metadata (method, parameters, ε and δ, notes; never
    its utility, which is computed from the true counts) and its data."""

    metadata: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]
