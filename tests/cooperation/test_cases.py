"""Cases and joint teams: the lifecycle, who sees and changes a case, handling codes of each
contribution, and the timeline."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.cooperation import cases
from tessera.cooperation.cases import CaseError, NotLead, TransitionRefused
from tessera.hub import admin
from tessera.hub.access import Forbidden
from tessera.hub.models import AuditEntry, CaseLink, CoopCase
from tessera.hub.records import NotFound
from tests.conftest import World
from tests.web.conftest import submit

LIFECYCLE = ["reported", "under_investigation", "prosecution", "adjudicated", "closed"]
# Stated here rather than read from cases.TRANSITIONS, so that a wrong table fails the test.
ALLOWED = {
    ("reported", "under_investigation"),
    ("under_investigation", "prosecution"),
    ("prosecution", "adjudicated"),
    ("adjudicated", "closed"),
    ("closed", "under_investigation"),
}


@pytest.fixture
def team(world: World) -> World:
    """The test world, with coordinators at UA-POL, MD-NGO and DE-FIU, and a few records:
    UA-POL's own case record and a person kept to itself, one shared with all members, and
    MD-NGO's own person."""
    with world.hub.session() as s:
        for username, agency in (("ua_co", "UA-POL"), ("md_co", "MD-NGO"), ("de_co", "DE-FIU")):
            admin.create_user(s, "test", username=username, agency_code=agency,
                              roles=["coordinator"])
    submit(world, "UA-POL", [
        {"record_type": "case", "ref": "UA-C1", "country": "UA", "sharing_scope": "owner"},
        {"record_type": "person", "ref": "UA-P1", "name": "Oleh Petrenko",
         "sharing_scope": "owner"},
        {"record_type": "person", "ref": "UA-P2", "name": "Ivan Bondar",
         "sharing_scope": "members"},
    ])
    submit(world, "MD-NGO", [
        {"record_type": "person", "ref": "MD-P1", "name": "Ana Rusu", "sharing_scope": "owner"},
    ])
    return world


def act(world: World, username: str, work: Callable[..., Any], *args: Any) -> Any:
    """Run ``work(session, actor, *args)`` as ``username`` in one unit of work."""
    with world.hub.session() as s:
        return work(s, admin.actor(s, username), *args)


def open_case(world: World, username: str = "ua_sub", **kwargs: Any) -> str:
    values: dict[str, Any] = {"title": "Recruitment ring Odesa-Chisinau", "country": "UA",
                              "crime_types": ["trafficking_labour"], "handling_code": "H2"}
    values.update(kwargs)
    return str(act(world, username, lambda s, a: cases.open_case(s, a, **values).code))


def status_of(world: World, code: str) -> str:
    with world.hub.session() as s:
        return str(s.scalar(select(CoopCase.status).where(CoopCase.code == code)))


def audit(world: World, username: str, action: str) -> list[AuditEntry]:
    with world.hub.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.username == username,
                                                       AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def test_a_case_is_numbered_per_lead_agency_and_year(team: World) -> None:
    year = dt.datetime.now(dt.UTC).year
    assert open_case(team) == f"UA-POL-{year}-0001"
    assert open_case(team) == f"UA-POL-{year}-0002"
    assert open_case(team, "md_an", country="Moldova") == f"MD-NGO-{year}-0001"


def test_opening_checks_its_values(team: World) -> None:
    bad: list[tuple[dict[str, Any], str]] = [
        ({"country": "Atlantis"}, "country 'Atlantis'"),
        ({"handling_code": "H9"}, "handling code 'H9'"),
        ({"crime_types": ["Money Laundering!"]}, "crime type 'money laundering!'"),
        ({"title": "  "}, "title has 1 to 300"),
        ({"record_ref": "MD-NGO/MD-P1"}, "not UA-POL's"),
        ({"record_ref": "UA-POL/UA-P1"}, "is a person record, not a case"),
        ({"record_ref": "UA-C1"}, "'AGENCY/ref'"),
    ]
    for kwargs, message in bad:
        with pytest.raises(CaseError, match=message):
            open_case(team, **kwargs)
    code = open_case(team, record_ref="UA-POL/UA-C1")
    view = act(team, "ua_sub", lambda s, a: cases.get_case(s, a, code))
    assert view.case.record_ref == "UA-POL/UA-C1"
    assert view.case.country == "UA" and view.case.members == ["UA-POL"]


def test_every_transition_outside_the_lifecycle_is_refused(team: World) -> None:
    walked: dict[str, str] = {}
    for depth, status in enumerate(LIFECYCLE):
        code = open_case(team)
        for step in LIFECYCLE[1:depth + 1]:
            act(team, "ua_sub", cases.set_status, code, step)
        assert status_of(team, code) == status
        walked[status] = code
    for source, target in itertools.product(LIFECYCLE, [*LIFECYCLE, "active"]):
        if (source, target) in ALLOWED:
            continue
        code = walked[source]
        with pytest.raises(CaseError) as refused:
            act(team, "ua_sub", cases.set_status, code, target)
        if target in LIFECYCLE:
            assert refused.type is TransitionRefused
            assert f"from {source} to {target}" in str(refused.value)
        assert status_of(team, code) == source
    # every allowed move, reopen included, is taken
    for source, target in sorted(ALLOWED):
        code = walked[source]
        act(team, "ua_sub", cases.set_status, code, target)
        assert status_of(team, code) == target


def test_a_closed_case_is_changed_only_once_reopened(team: World) -> None:
    code = open_case(team)
    for step in LIFECYCLE[1:]:
        act(team, "ua_sub", cases.set_status, code, step)
    with pytest.raises(CaseError, match="is closed: reopen it"):
        act(team, "ua_sub", lambda s, a: cases.note(s, a, code, "one more thing"))
    act(team, "ua_sub", lambda s, a: cases.set_status(s, a, code, "under_investigation",
                                                      reason="new victim came forward"))
    act(team, "ua_sub", lambda s, a: cases.note(s, a, code, "one more thing"))
    with team.hub.session() as s:
        assert s.scalar(select(CoopCase.closed_at).where(CoopCase.code == code)) is None


def test_a_non_member_is_refused_as_for_a_missing_case_and_audited(team: World) -> None:
    code = open_case(team)
    year = dt.datetime.now(dt.UTC).year
    missing = f"UA-POL-{year}-0999"
    attempts: list[Callable[[Session, Any, str], Any]] = [
        lambda s, a, c: cases.get_case(s, a, c),
        lambda s, a, c: cases.note(s, a, c, "probe"),
        lambda s, a, c: cases.link(s, a, c, "record", "UA-POL/UA-P2"),
        lambda s, a, c: cases.set_status(s, a, c, "under_investigation"),
        lambda s, a, c: cases.add_task(s, a, c, "probe"),
        lambda s, a, c: cases.complete_task(s, a, c, 1),
    ]
    for attempt in attempts:
        messages = []
        for target in (code, missing):
            with pytest.raises(NotFound) as caught:
                act(team, "de_an", attempt, target)
            messages.append(str(caught.value).replace(target, "CODE"))
        assert messages[0] == messages[1] == "no case 'CODE' that you may see"
    with pytest.raises(NotFound):
        act(team, "de_co", lambda s, a: cases.add_member(s, a, code, "DE-FIU"))
    refused = [(e.resource, e.outcome) for e in audit(team, "de_an", "case.read")]
    assert refused == [(f"case:{code}", "not_found"), (f"case:{missing}", "not_found")]
    assert len([e for e in audit(team, "de_an", "case.write") if e.outcome == "not_found"]) == 10
    assert act(team, "de_an", lambda s, a: cases.list_cases(s, a)) == []
    # a role without case.read is forbidden outright
    with pytest.raises(Forbidden):
        act(team, "ua_aud", lambda s, a: cases.get_case(s, a, code))
    with pytest.raises(Forbidden):
        act(team, "ua_aud", lambda s, a: cases.list_cases(s, a))
    assert [e.outcome for e in audit(team, "ua_aud", "case.read")] == ["refused", "refused"]
    assert status_of(team, code) == "reported"


def test_only_the_lead_agencys_coordinators_manage_the_team(team: World) -> None:
    code = open_case(team)
    with pytest.raises(Forbidden):  # an analyst of the lead agency
        act(team, "ua_sub", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    view = act(team, "md_an", lambda s, a: cases.get_case(s, a, code))
    assert view.case.members == ["UA-POL", "MD-NGO"]
    with pytest.raises(NotLead, match=r"only the lead agency of case .* \(UA-POL\)"):
        act(team, "md_co", lambda s, a: cases.add_member(s, a, code, "DE-FIU"))
    with pytest.raises(NotLead):
        act(team, "md_co", lambda s, a: cases.remove_member(s, a, code, "MD-NGO"))
    assert [e.outcome for e in audit(team, "md_co", "case.team")] == ["refused", "refused"]
    with pytest.raises(NotLead, match="change its status"):  # status is the lead's too
        act(team, "md_an", lambda s, a: cases.set_status(s, a, code, "under_investigation"))
    with pytest.raises(CaseError, match="already a member"):
        act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    with pytest.raises(CaseError, match="no agency 'XX-NONE'"):
        act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "XX-NONE"))
    with pytest.raises(CaseError, match=r"leads case .* cannot be removed"):
        act(team, "ua_co", lambda s, a: cases.remove_member(s, a, code, "UA-POL"))
    act(team, "ua_co", lambda s, a: cases.remove_member(s, a, code, "MD-NGO"))
    with pytest.raises(NotFound):  # a former member sees the case no more
        act(team, "md_an", lambda s, a: cases.get_case(s, a, code))
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))  # and may rejoin
    view = act(team, "ua_sub", lambda s, a: cases.get_case(s, a, code))
    assert [(m.agency, m.role, m.left_at) for m in view.members] == [
        ("UA-POL", "lead", None), ("MD-NGO", "member", None)]


def test_h3_contributions_are_withheld_from_other_agencies(team: World) -> None:
    code = open_case(team)
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    act(team, "md_an", lambda s, a: cases.note(s, a, code, "victim Ana is in shelter 3",
                                                handling_code="H3"))
    act(team, "md_an", lambda s, a: cases.link(s, a, code, "record", "MD-NGO/MD-P1",
                                                "shelter intake file", handling_code="H3"))
    act(team, "md_an", lambda s, a: cases.note(s, a, code, "intake interview done",
                                                handling_code="H1"))
    theirs = act(team, "ua_sub", lambda s, a: cases.get_case(s, a, code))
    text = repr(theirs)
    for secret in ("shelter 3", "MD-P1", "shelter intake file"):
        assert secret not in text
    hidden_link = theirs.links[0]
    assert (hidden_link.kind, hidden_link.agency, hidden_link.target, hidden_link.note) == (
        "record", "MD-NGO", None, None)
    assert hidden_link.withheld and "MD-NGO marked this H3" in hidden_link.withheld
    notes = [e for e in theirs.timeline if e.kind == "note"]
    assert [(e.body, e.handling_code) for e in notes] == [
        (None, "H3"), ("intake interview done", "H1")]
    assert notes[0].withheld and notes[0].username == "md_an"
    linked = next(e for e in theirs.timeline if e.kind == "linked")
    assert linked.detail is None and linked.withheld
    own = act(team, "md_an", lambda s, a: cases.get_case(s, a, code))
    assert own.links[0].target == "MD-NGO/MD-P1" and own.links[0].withheld is None
    assert next(e.body for e in own.timeline if e.kind == "note") == "victim Ana is in shelter 3"
    reads = [e for e in audit(team, "ua_sub", "case.read") if e.resource == f"case:{code}"]
    assert '"withheld": 3' in reads[-1].detail


def test_linking_a_record_the_user_cannot_see_is_refused(team: World) -> None:
    code = open_case(team)
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    with pytest.raises(NotFound, match="no record UA-POL/UA-P1 that you may see"):
        act(team, "md_an", lambda s, a: cases.link(s, a, code, "record", "UA-POL/UA-P1"))
    assert [(e.resource, e.outcome) for e in audit(team, "md_an", "record.read")] == [
        ("record:UA-POL/UA-P1", "not_found")]
    act(team, "md_an", lambda s, a: cases.link(s, a, code, "record", "UA-POL/UA-P2"))
    with pytest.raises(CaseError, match="already links record UA-POL/UA-P2"):
        act(team, "md_an", lambda s, a: cases.link(s, a, code, "record", "UA-POL/UA-P2"))
    # another agency's link of the same record is its own (a refusal would confirm what a
    # withheld link of theirs holds)
    act(team, "ua_sub", lambda s, a: cases.link(s, a, code, "record", "UA-POL/UA-P2"))
    with pytest.raises(Forbidden):  # entities are the hub analysts'
        act(team, "ua_sub", lambda s, a: cases.link(s, a, code, "entity", "E000000001"))
    with pytest.raises(NotFound, match="no knowledge-base entry '7'"):
        act(team, "ua_sub", lambda s, a: cases.link(s, a, code, "kb", "7"))
    with pytest.raises(CaseError, match="kind is one of record, entity, kb"):
        act(team, "ua_sub", lambda s, a: cases.link(s, a, code, "person", "x"))
    with team.hub.session() as s:
        assert list(s.scalars(select(CaseLink.target))) == ["UA-POL/UA-P2"] * 2


def test_tasks_are_for_members_and_done_by_their_agency_or_the_lead(team: World) -> None:
    code = open_case(team)
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    with pytest.raises(CaseError, match="DE-FIU is not a member"):
        act(team, "ua_sub", lambda s, a: cases.add_task(s, a, code, "trace", agency_code="DE-FIU"))
    ours = act(team, "md_an", lambda s, a: cases.add_task(s, a, code, "interview").id)
    theirs = act(team, "md_an", lambda s, a: cases.add_task(
        s, a, code, "check phone", agency_code="UA-POL", due=dt.date(2027, 1, 31)).id)
    with pytest.raises(NotLead, match="only its users"):
        act(team, "md_an", lambda s, a: cases.complete_task(s, a, code, theirs))
    act(team, "ua_sub", lambda s, a: cases.complete_task(s, a, code, ours))  # the lead may
    with pytest.raises(CaseError, match="already done"):
        act(team, "md_an", lambda s, a: cases.complete_task(s, a, code, ours))
    with pytest.raises(CaseError, match="has no task 999"):
        act(team, "md_an", lambda s, a: cases.complete_task(s, a, code, 999))
    view = act(team, "md_an", lambda s, a: cases.get_case(s, a, code))
    assert [(t.title, t.agency, t.due, t.done_by) for t in view.tasks] == [
        ("interview", "MD-NGO", None, "ua_sub"),
        ("check phone", "UA-POL", dt.date(2027, 1, 31), None)]


def test_the_timeline_holds_every_change(team: World) -> None:
    code = open_case(team)
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "MD-NGO"))
    act(team, "md_an", lambda s, a: cases.link(s, a, code, "record", "UA-POL/UA-P2", "suspect"))
    act(team, "md_an", lambda s, a: cases.note(s, a, code, "called the hotline"))
    task = act(team, "ua_sub", lambda s, a: cases.add_task(s, a, code, "interview").id)
    act(team, "ua_sub", lambda s, a: cases.complete_task(s, a, code, task))
    act(team, "ua_sub", lambda s, a: cases.set_status(s, a, code, "under_investigation"))
    act(team, "ua_co", lambda s, a: cases.remove_member(s, a, code, "MD-NGO"))
    view = act(team, "ua_sub", lambda s, a: cases.get_case(s, a, code))
    assert [(e.kind, e.username, e.agency) for e in view.timeline] == [
        ("opened", "ua_sub", "UA-POL"),
        ("member_added", "ua_co", "UA-POL"),
        ("linked", "md_an", "MD-NGO"),
        ("note", "md_an", "MD-NGO"),
        ("task_added", "ua_sub", "UA-POL"),
        ("task_done", "ua_sub", "UA-POL"),
        ("status", "ua_sub", "UA-POL"),
        ("member_removed", "ua_co", "UA-POL"),
    ]
    details = {e.kind: e.detail for e in view.timeline}
    assert details["status"] == {"from": "reported", "to": "under_investigation"}
    assert details["member_removed"] == {"agency": "MD-NGO"}
    assert details["linked"] is not None and details["linked"]["target"] == "UA-POL/UA-P2"
    assert view.next_statuses == ["prosecution"]
    # and every change was audited as a write of the case
    writes = [e for u in ("ua_sub", "ua_co", "md_an") for e in audit(team, u, "case.write")
              if e.resource == f"case:{code}"] + [
        e for e in audit(team, "ua_co", "case.team") if e.resource == f"case:{code}"]
    assert len(writes) == len(view.timeline)


def test_list_cases_shows_the_agencys_cases_by_status(team: World) -> None:
    first, second = open_case(team), open_case(team)
    open_case(team, "md_an")
    act(team, "ua_sub", lambda s, a: cases.set_status(s, a, second, "under_investigation"))
    listed = act(team, "ua_sub", lambda s, a: cases.list_cases(s, a))
    assert [c.code for c in listed] == [second, first]
    active = act(team, "ua_sub", lambda s, a: cases.list_cases(s, a,
                                                                status="under_investigation"))
    assert [c.code for c in active] == [second]
    with pytest.raises(CaseError, match="case status 'open' is not one of"):
        act(team, "ua_sub", lambda s, a: cases.list_cases(s, a, status="open"))


def test_a_linked_record_is_withheld_from_members_who_may_not_see_it(team: World) -> None:
    """MD-NGO shares a victim's record with its partner UA-POL only; UA-POL links it into a
    case DE-FIU is on: DE-FIU sees that UA-POL linked a record, not which, nor the note."""
    submit(team, "MD-NGO", [{"record_type": "person", "ref": "MD-V7", "name": "Vera Opfer",
                             "sharing_scope": "partners", "share_with": "UA-POL"}])
    code = open_case(team)
    act(team, "ua_co", lambda s, a: cases.add_member(s, a, code, "DE-FIU"))
    act(team, "ua_sub", lambda s, a: cases.link(s, a, code, "record", "MD-NGO/MD-V7",
                                                "victim, 17, shelter 3 in Balti"))
    mine = act(team, "ua_sub", lambda s, a: cases.get_case(s, a, code))
    assert [(li.target, li.note) for li in mine.links] == [
        ("MD-NGO/MD-V7", "victim, 17, shelter 3 in Balti")]
    theirs = act(team, "de_an", lambda s, a: cases.get_case(s, a, code))
    (link,) = theirs.links
    assert (link.target, link.note, link.agency) == (None, None, "UA-POL")
    assert link.withheld and "may not see" in link.withheld
    linked = [e for e in theirs.timeline if e.kind == "linked"]
    assert linked and all(e.detail is None and e.body is None for e in linked)

