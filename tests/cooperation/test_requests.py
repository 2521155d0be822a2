"""Cross-border requests: the lifecycle and who may move it, what each agency sees, and a
grant that shares exactly the records it names with exactly the requester."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import select, update

from tessera.cooperation import cases, requests
from tessera.cooperation.requests import RequestError
from tessera.hub import access, admin, exchanges, hits, records
from tessera.hub.models import AuditEntry, CoopRequest
from tessera.hub.records import Incoming, NotFound
from tessera.linkage import exchange as matching
from tessera.standard.records import ANY_RECORD
from tests.conftest import World
from tests.hub.encodings import encoded

PURPOSE = "Identify the account holder in case UA 2026/17"


def submit(world: World, agency: str, rows: list[dict[str, Any]]) -> None:
    with world.hub.session() as s:
        owner = admin.get_agency(s, agency)
        items = [Incoming(ANY_RECORD.validate_python(r, context={"country": owner.country}),
                          "t.csv", None, n + 2) for n, r in enumerate(rows)]
        assert not records.write_batch(s, owner, items, user_id=None,
                                       submission_id=None).conflicts
        records.apply_consent(s, owner.id)


@pytest.fixture
def held(world: World) -> World:
    """DE-FIU holds, for its own eyes only: an account X1, a report X2, and a victim V1 who
    refused consent to sharing. DE-FIU has a coordinator, de_co."""
    own = {"sharing_scope": "owner"}
    submit(world, "DE-FIU", [
        {"record_type": "account", "ref": "X1", "iban": "DE89370400440532013000", **own},
        {"record_type": "person", "ref": "X2", "name": "Dieter Geheim",
         "roles": "money_handler", **own},
        {"record_type": "person", "ref": "V1", "name": "Vera Opfer", "roles": "victim",
         "consent": "refused", **own},
    ])
    with world.hub.session() as s:
        admin.create_user(s, "test", username="de_co", agency_code="DE-FIU",
                          roles=["coordinator"])
    return world


def act(world: World, user: str, work: Any) -> Any:
    with world.hub.session() as s:
        return work(s, admin.actor(s, user))


def draft(world: World, **fields: Any) -> requests.RequestView:
    asked = {"kind": "mutual_legal_assistance", "to_agency": "DE-FIU", "purpose": PURPOSE,
             "legal_basis": "European Convention on Mutual Assistance in Criminal Matters",
             "records": ["DE-FIU/X1"], **fields}
    made: requests.RequestView = act(world, "ua_sub",
                                     lambda s, a: requests.create(s, a, **asked))
    return made


def move(world: World, user: str, code: str, status: str) -> requests.RequestView:
    moved: requests.RequestView = act(world, user,
                                      lambda s, a: requests.move(s, a, code, status))
    return moved


def audited(world: World, user: str, action: str) -> list[tuple[str, str, str]]:
    with world.hub.session() as s:
        return [(e.resource, e.outcome, e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.username == user, AuditEntry.action == action)
            .order_by(AuditEntry.id))]


def test_a_request_goes_from_draft_to_answer_and_shares_exactly_what_was_granted(
        held: World) -> None:
    made = draft(held, deadline=dt.date.today() + dt.timedelta(days=30))
    assert made.status == "draft" and made.records == (("DE-FIU/X1", False),)
    assert made.code.startswith("REQ-UA-POL-")
    move(held, "ua_sub", made.code, "sent")
    move(held, "de_co", made.code, "acknowledged")
    # nothing is readable before the grant, and the requester still cannot see X1 itself
    assert act(held, "ua_sub", lambda s, a: requests.granted_records(s, a, made.code)) == []
    with pytest.raises(NotFound):
        act(held, "ua_sub", lambda s, a: records.get_record(s, a, "DE-FIU", "X1"))
    act(held, "de_co", lambda s, a: requests.grant(s, a, made.code))
    got = act(held, "ua_sub", lambda s, a: requests.granted_records(s, a, made.code))
    assert [(key, data["iban"]["iban"]) for key, data in got] == [
        ("DE-FIU/X1", "DE89370400440532013000")]
    # granted for this request only: the record stays out of the requester's view
    with pytest.raises(NotFound):
        act(held, "ua_sub", lambda s, a: records.get_record(s, a, "DE-FIU", "X1"))
    reads = audited(held, "ua_sub", "request.read")
    assert ("record:DE-FIU/X1", "ok") in [(r, o) for r, o, _ in reads]
    assert PURPOSE in next(d for r, _, d in reads if r == "record:DE-FIU/X1")
    done = move(held, "de_co", made.code, "answered")
    assert done.answered_at is not None and done.sent_at is not None
    assert [e.status_to for e in done.events if e.kind == "status"] == [
        "sent", "acknowledged", "answered"]
    assert [e.kind for e in done.events] == ["created", "status", "status", "grant", "status"]


def test_every_move_not_in_the_table_is_refused_whoever_asks(held: World) -> None:
    code = draft(held).code
    for before, after in itertools.product(requests.STATUSES, repeat=2):
        if (before, after) in requests.TRANSITIONS:
            continue
        with held.hub.session() as s:
            s.execute(update(CoopRequest).where(CoopRequest.code == code)
                      .values(status=before))
        for user in ("ua_sub", "de_co"):
            if before == "draft" and user == "de_co":
                continue  # a draft is not the requested agency's to see at all
            with pytest.raises(RequestError, match=f"cannot go from {before} to {after}"):
                move(held, user, code, after)


def test_each_move_is_the_named_sides_and_answers_need_a_coordinator(held: World) -> None:
    code = draft(held).code
    with pytest.raises(NotFound):  # the draft is not yet DE-FIU's to see
        move(held, "de_co", code, "sent")
    move(held, "ua_sub", code, "sent")
    with pytest.raises(requests.WrongSide, match="only the requested agency"):
        move(held, "ua_sub", code, "acknowledged")
    with pytest.raises(access.Forbidden):  # an analyst of the requested agency
        move(held, "de_an", code, "acknowledged")
    assert [o for _, o, _ in audited(held, "de_an", "request.answer")] == ["refused"]
    move(held, "de_co", code, "acknowledged")
    with pytest.raises(requests.WrongSide, match="only the requesting agency"):
        move(held, "de_co", code, "withdrawn")
    assert [o for _, o, _ in audited(held, "de_co", "request.write")] == ["refused"]
    assert move(held, "ua_sub", code, "withdrawn").status == "withdrawn"


def test_next_moves_are_the_callers_sides_own_and_none_once_closed(held: World) -> None:
    code = draft(held).code

    def moves(user: str) -> list[str]:
        found: list[str] = act(held, user, lambda s, a: requests.next_moves(
            requests.get(s, a, code), a))
        return found

    assert moves("ua_sub") == ["sent", "withdrawn"]
    move(held, "ua_sub", code, "sent")
    assert moves("ua_sub") == ["withdrawn"]
    assert moves("de_co") == ["acknowledged", "refused"]
    assert moves("de_an") == []  # of the agency asked, but answering is for coordinators
    move(held, "de_co", code, "acknowledged")
    assert moves("de_co") == ["in_progress", "answered", "partially_answered", "refused"]
    assert moves("ua_sub") == ["withdrawn"]
    move(held, "de_co", code, "answered")
    assert moves("ua_sub") == moves("de_co") == []


def test_a_request_is_its_two_agencies_and_no_one_elses(held: World) -> None:
    code = draft(held).code
    move(held, "ua_sub", code, "sent")
    assert act(held, "de_an", lambda s, a: requests.get(s, a, code)).code == code
    for user in ("md_an", "io_an"):  # a partner of the requester, the convener
        with pytest.raises(NotFound) as missing:
            act(held, user, lambda s, a: requests.get(s, a, code))
        with pytest.raises(NotFound) as absent:
            act(held, user, lambda s, a: requests.get(s, a, "REQ-NOPE-2026-0001"))
        assert str(missing.value).replace(code, "X") == str(absent.value).replace(
            "REQ-NOPE-2026-0001", "X")
        assert act(held, user, lambda s, a: requests.listing(s, a)) == []
    assert [o for _, o, _ in audited(held, "md_an", "request.read")][:2] == [
        "not_found", "not_found"]


def test_only_named_current_consented_records_are_granted(held: World) -> None:
    code = draft(held, records=["DE-FIU/X1", "DE-FIU/V1", "DE-FIU/NOPE"]).code
    move(held, "ua_sub", code, "sent")
    with pytest.raises(RequestError, match="granted once it is acknowledged"):
        act(held, "de_co", lambda s, a: requests.grant(s, a, code, ["DE-FIU/X1"]))
    move(held, "de_co", code, "acknowledged")
    for key, reason in (("DE-FIU/X2", "does not name"), ("DE-FIU/V1", "did not consent"),
                        ("DE-FIU/NOPE", "no current record")):
        with pytest.raises(RequestError, match=reason):
            act(held, "de_co", lambda s, a, k=key: requests.grant(s, a, code, [k]))
    with pytest.raises(requests.WrongSide, match="only the agency asked grants"):
        act(held, "ua_sub", lambda s, a: requests.grant(s, a, code, ["DE-FIU/X1"]))
    view = act(held, "de_co", lambda s, a: requests.grant(s, a, code, ["DE-FIU/X1"]))
    assert dict(view.records) == {"DE-FIU/NOPE": False, "DE-FIU/V1": False,
                                  "DE-FIU/X1": True}
    (granted,) = [d for r, o, d in audited(held, "de_co", "request.grant") if o == "ok"]
    assert '"records": ["DE-FIU/X1"]' in granted
    got = act(held, "ua_sub", lambda s, a: requests.granted_records(s, a, code))
    assert [key for key, _ in got] == ["DE-FIU/X1"]
    # retracted by its owner: no longer served, and no longer grantable
    with held.hub.session() as s:
        records.retract(s, admin.actor(s, "de_co"), "X1", "entered in error")
    assert act(held, "ua_sub", lambda s, a: requests.granted_records(s, a, code)) == []
    again = draft(held, records=["DE-FIU/X1"]).code
    move(held, "ua_sub", again, "sent")
    move(held, "de_co", again, "acknowledged")
    with pytest.raises(RequestError, match="retracted"):
        act(held, "de_co", lambda s, a: requests.grant(s, a, again))


def test_bad_requests_are_refused_with_the_reason(held: World) -> None:
    for fields, message in (
        ({"kind": "espionage"}, "unknown kind of request"),
        ({"purpose": "x"}, "states its purpose"),
        ({"to_agency": "UA-POL"}, "does not send requests to itself"),
        ({"to_agency": "XX-NONE"}, "no member agency"),
        ({"records": ["MD-NGO/P1"]}, "names records of the agency asked"),
        ({"priority": "yesterday"}, "priority is one of"),
        ({"deadline": dt.date(2020, 1, 1)}, "has passed"),
        ({"hit": 5}, "only a hit's follow-up names a hit"),
    ):
        with pytest.raises(RequestError, match=message):
            draft(held, **fields)
    with pytest.raises(NotFound, match="no case"):
        draft(held, case="UA-POL-2026-0099")
    with held.hub.session() as s:
        assert s.scalar(select(CoopRequest.id)) is None  # nothing was written


def test_a_hits_follow_up_goes_to_the_other_record_and_names_it(held: World) -> None:
    with held.hub.session() as s:
        exchanges.set_exchange(s, admin.actor(s, "root"), "tx", 0.8)
    matching.upload(held.hub, "ua_sub", "tx", encoded("UA-POL"), source="UA-POL.jsonl")
    with held.hub.session() as s:
        ua = admin.actor(s, "ua_sub")
        run, _ = hits.begin_run(s, ua, "tx", "case C1", per_day=5)
        de = admin.get_agency(s, "DE-FIU").id
        found = hits.finish_run(s, ua, run.id, [hits.Found("P1", de, "X2", 0.93, "high",
                                                           False)], agencies=2)
    hit = found.new[0].id
    made = draft(held, kind="hit_follow_up", to_agency=None, records=None, hit=hit)
    assert (made.requested_agency, made.records, made.hit) == ("DE-FIU",
                                                              (("DE-FIU/X2", False),), hit)
    with pytest.raises(NotFound, match="no hit"):  # MD-NGO is not a party to the hit
        act(held, "md_an", lambda s, a: requests.create(
            s, a, kind="hit_follow_up", hit=hit, purpose=PURPOSE))


def test_overdue_requests_are_listed_for_both_sides(held: World) -> None:
    code = draft(held, deadline=dt.date.today() + dt.timedelta(days=2)).code
    move(held, "ua_sub", code, "sent")
    later = dt.date.today() + dt.timedelta(days=3)
    for user, box in (("ua_sub", "sent"), ("de_co", "received")):
        due = act(held, user, lambda s, a, b=box: requests.listing(s, a, box=b,
                                                                    overdue_on=later))
        assert [r.code for r in due] == [code] and due[0].overdue(later)
        assert act(held, user, lambda s, a, b=box: requests.listing(
            s, a, box=b, overdue_on=dt.date.today())) == []
    # the reminders: due within a day is not yet, within two it is
    soon = [act(held, "de_co", lambda s, a, d=d: requests.listing(
        s, a, due_by=dt.date.today() + dt.timedelta(days=d))) for d in (1, 2)]
    assert [[r.code for r in found] for found in soon] == [[], [code]]
    move(held, "de_co", code, "refused")
    assert act(held, "ua_sub", lambda s, a: requests.listing(s, a, overdue_on=later)) == []
    assert act(held, "ua_sub", lambda s, a: requests.listing(s, a, due_by=later)) == []


def test_messages_carry_handling_codes_and_attachments(held: World) -> None:
    code = draft(held).code
    move(held, "ua_sub", code, "sent")
    act(held, "de_co", lambda s, a: requests.message(
        s, a, code, "Statement attached", handling_code="H1",
        attachment=("../../statement.pdf", b"%PDF-1.4 test")))
    view = act(held, "ua_sub", lambda s, a: requests.get(s, a, code))
    note = view.events[-1]
    assert (note.kind, note.agency, note.handling_code, note.attachment_name) == (
        "message", "DE-FIU", "H1", "statement.pdf")
    name, content = act(held, "ua_sub", lambda s, a: requests.attachment(
        s, a, code, len(view.events)))
    assert (name, content) == ("statement.pdf", b"%PDF-1.4 test")
    with pytest.raises(RequestError, match="handling code 'H9'"):
        act(held, "ua_sub", lambda s, a: requests.message(s, a, code, "x",
                                                          handling_code="H9"))


def test_an_accepted_invitation_to_a_joint_team_makes_the_invitee_a_member(
        held: World) -> None:
    with held.hub.session() as s:
        admin.create_user(s, "test", username="ua_co", agency_code="UA-POL",
                          roles=["coordinator"])
    case = act(held, "ua_sub", lambda s, a: cases.open_case(
        s, a, title="Kharkiv drivers", country="UA")).code
    with pytest.raises(RequestError, match="names the case"):
        draft(held, kind="team_invitation", records=None)
    with pytest.raises(access.Forbidden):  # changing the team is the lead's coordinators'
        draft(held, kind="team_invitation", records=None, case=case)
    made = act(held, "ua_co", lambda s, a: requests.create(
        s, a, kind="team_invitation", to_agency="DE-FIU", case=case, purpose=PURPOSE))
    move(held, "ua_co", made.code, "sent")
    with pytest.raises(NotFound):  # not yet on the team: the case is not DE-FIU's to see
        act(held, "de_co", lambda s, a: cases.get_case(s, a, case))
    move(held, "de_co", made.code, "acknowledged")
    offered = act(held, "de_co", lambda s, a: requests.next_moves(
        requests.get(s, a, made.code), a))
    assert "partially_answered" not in offered and "answered" in offered
    with pytest.raises(RequestError, match=r"accepted \(answered\) or refused"):
        move(held, "de_co", made.code, "partially_answered")
    move(held, "de_co", made.code, "answered")
    seen = act(held, "de_co", lambda s, a: cases.get_case(s, a, case))
    assert {m.agency for m in seen.members} == {"UA-POL", "DE-FIU"}
    assert any(e.kind == "member_added" for e in seen.timeline)
    # only the lead invites
    with pytest.raises(NotFound):  # MD-NGO is not on the case at all
        act(held, "md_an", lambda s, a: requests.create(
            s, a, kind="team_invitation", to_agency="DE-FIU", case=case, purpose=PURPOSE))
