"""Every API operation, tried by callers who must be refused: nobody signed in, a user whose
roles do not allow it, and a user of another agency. A new operation fails this test until it
is added to ``OPERATIONS`` with who may call it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tessera.hub.models import AuditEntry
from tests.hub.encodings import encoded
from tests.web.conftest import Web

CSV = ("people.csv", "record_type,ref,name\nperson,Z1,Zoya Lys\n", "text/csv")
ENCODINGS = ("ua-pol.jsonl", encoded("UA-POL"), "application/x-ndjson")
MEMBERS = {"ua_sub", "md_an", "de_an", "io_an"}  # analysts and submitters of each agency
EVERYONE = {"ua_sub", "ua_aud", "md_an", "de_an", "io_an", "root"}

# (method, path, request keywords, the users who may call it; every other user must be refused)
OPERATIONS: list[tuple[str, str, dict[str, Any], set[str]]] = [
    ("GET", "/api/v1/session/me", {}, {"ua_sub", "ua_aud", "md_an", "de_an", "io_an", "root"}),
    ("GET", "/api/v1/records", {}, {"ua_sub", "md_an", "de_an", "io_an"}),
    ("GET", "/api/v1/records/{agency}/{ref}", {}, {"ua_sub"}),
    ("GET", "/api/v1/records/{agency}/{ref}/history", {}, {"ua_sub"}),
    ("POST", "/api/v1/records/{ref}/retraction", {"json": {"reason": "wrong file"}},
     {"ua_sub"}),
    ("POST", "/api/v1/submissions", {"files": {"file": CSV}}, {"ua_sub", "md_an"}),
    ("GET", "/api/v1/submissions", {}, {"ua_sub", "md_an", "root"}),
    ("GET", "/api/v1/submissions/{submission_id}", {}, {"ua_sub", "root"}),
    # hub-wide, and UA-P1 is UA-POL's own: nobody at all
    ("GET", "/api/v1/records/{agency}/{ref}/entity", {}, set()),
    ("POST", "/api/v1/judgements",
     {"json": {"left": "UA-POL/UA-P1", "right": "UA-POL/UA-P2", "verdict": "different"}},
     {"ua_sub"}),
    ("POST", "/api/v1/screening", {"json": {"people": [{"name": "Ivan Bondar"}]}},
     {"ua_sub", "md_an", "de_an", "io_an"}),
    ("GET", "/api/v1/exchanges", {}, MEMBERS | {"root"}),
    # the convening organisation's admins and coordinators
    ("PUT", "/api/v1/exchanges/{exchange}", {"json": {"threshold": 0.85}}, {"root"}),
    ("POST", "/api/v1/exchanges/{exchange}/rotation", {"json": {"reason": "a new secret"}},
     {"root"}),
    # UA-POL's file: md_an, a submitter at MD-NGO, may not upload it as MD-NGO's
    ("POST", "/api/v1/exchanges/{exchange}/encodings", {"files": {"file": ENCODINGS}},
     {"ua_sub"}),
    ("POST", "/api/v1/exchanges/{exchange}/matches", {"json": {"purpose": "case 2026/9"}},
     MEMBERS),
    ("GET", "/api/v1/hits", {}, MEMBERS),
    ("GET", "/api/v1/notifications", {}, MEMBERS),
    ("POST", "/api/v1/notifications/read", {"json": {"through": 1000}}, MEMBERS),
    ("GET", "/api/v1/match-volumes", {}, {"io_an"}),
    # each analyst's own network, of the records they may see (Ivan Bondar is shared with all)
    ("GET", "/api/v1/network/summary", {}, MEMBERS),
    ("GET", "/api/v1/network/key-players", {}, MEMBERS),
    ("GET", "/api/v1/network/communities", {}, MEMBERS),
    ("GET", "/api/v1/network/disrupt", {"params": {"k": 2}}, MEMBERS),
    ("GET", "/api/v1/network/path", {"params": {"a": "Ivan Bondar", "b": "Ivan Bondar"}},
     MEMBERS),
    ("GET", "/api/v1/network/neighbourhood", {"params": {"node": "Ivan Bondar"}}, MEMBERS),
    # each analyst's own patterns, of the records they may see
    ("GET", "/api/v1/patterns/corridors", {}, MEMBERS),
    ("GET", "/api/v1/patterns/profiles", {}, MEMBERS),
    ("GET", "/api/v1/patterns/payments", {}, MEMBERS),
    ("GET", "/api/v1/patterns/risk", {}, MEMBERS),
    ("GET", "/api/v1/patterns/gaps", {}, MEMBERS),
    # requests: its two agencies only; moves and grants by the side the lifecycle names
    ("GET", "/api/v1/requests", {}, MEMBERS),
    ("POST", "/api/v1/requests", {"json": {"kind": "information", "to_agency": "FR-POL",
                                           "purpose": "Who holds account X1, case 17"}},
     MEMBERS),
    ("GET", "/api/v1/requests/{request}", {}, {"ua_sub", "de_an"}),
    ("POST", "/api/v1/requests/{request}/status", {"json": {"status": "withdrawn"}},
     {"ua_sub"}),
    ("POST", "/api/v1/requests/{request}/messages", {"json": {"body": "any news?"}},
     {"ua_sub", "de_an"}),
    ("POST", "/api/v1/requests/{request}/attachments",
     {"files": {"file": ("note.txt", "a note", "text/plain")}}, {"ua_sub", "de_an"}),
    ("GET", "/api/v1/requests/{request}/attachments/{entry}", {}, {"ua_sub", "de_an"}),
    # DE-FIU's coordinators grant (de_an is an analyst), and only once it is acknowledged
    ("POST", "/api/v1/requests/{request}/grants", {"json": {}}, set()),
    ("GET", "/api/v1/requests/{request}/records", {}, {"ua_sub"}),
    ("GET", "/api/v1/outcomes", {}, MEMBERS | {"ua_aud"}),
    # cases: its current member agencies only (UA-POL leads, MD-NGO is on the team); the team
    # is managed by the lead's coordinators (none among these users), the status by the lead
    ("GET", "/api/v1/cases", {}, MEMBERS),
    ("POST", "/api/v1/cases", {"json": {"title": "Kharkiv drivers", "country": "UA"}}, MEMBERS),
    ("GET", "/api/v1/cases/{case}", {}, {"ua_sub", "md_an"}),
    ("POST", "/api/v1/cases/{case}/status", {"json": {"status": "under_investigation"}},
     {"ua_sub"}),
    ("POST", "/api/v1/cases/{case}/members", {"json": {"agency": "DE-FIU"}}, set()),
    ("DELETE", "/api/v1/cases/{case}/members/{agency}", {}, set()),
    # UA-P1 is UA-POL's own: MD-NGO may not link it
    ("POST", "/api/v1/cases/{case}/links", {"json": {"kind": "record", "target": "UA-POL/UA-P1"}},
     {"ua_sub"}),
    ("POST", "/api/v1/cases/{case}/notes", {"json": {"body": "called the hotline"}},
     {"ua_sub", "md_an"}),
    ("POST", "/api/v1/cases/{case}/tasks", {"json": {"title": "trace the van"}},
     {"ua_sub", "md_an"}),
    # the task is UA-POL's: its users (or the lead's) mark it done
    ("POST", "/api/v1/cases/{case}/tasks/{task_id}/done", {}, {"ua_sub"}),
    # the knowledge base: every user reads it, analysts and coordinators add to it
    ("GET", "/api/v1/kb", {"params": {"q": "palermo"}}, EVERYONE),
    ("GET", "/api/v1/kb/{entry_id}", {}, EVERYONE),
    ("POST", "/api/v1/kb", {"json": {"kind": "playbook", "title": "Hotline calls",
                                     "body": "Answer in the caller's language."}}, MEMBERS),
    ("GET", "/api/v1/audit", {}, {"ua_aud"}),
    ("GET", "/api/v1/audit/verification", {}, {"ua_aud", "root"}),
]
# Operations anyone may call: signing in, signing out (which ends only one's own session), and
# reading the published statistics.
PUBLIC = {("POST", "/api/v1/session"), ("DELETE", "/api/v1/session"),
          ("GET", "/api/v1/statistics"), ("GET", "/api/v1/statistics/{release}")}
USERS = ("ua_sub", "ua_aud", "md_an", "de_an", "io_an", "root")


def test_every_api_operation_is_in_the_table(web: Web) -> None:
    served = {
        (method.upper(), path)
        for path, item in web.app.openapi()["paths"].items()
        for method in item
    }
    assert served == {(m, p) for m, p, _, _ in OPERATIONS} | PUBLIC


@pytest.fixture
def kb_entry(web: Web) -> int:
    """A knowledge-base entry, added by an analyst."""
    answer = web.signed_in("md_an").post("/api/v1/kb", json={
        "kind": "treaty", "title": "Palermo Protocol", "body": "Article 3 defines trafficking."})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _own_submission(web: Web) -> int:
    answer = web.bearer().post("/api/v1/submissions", files={"file": CSV})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["submission_id"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{m} {p}" for m, p, _, _ in OPERATIONS])
def test_only_the_allowed_users_get_through(
    web: Web, tx: str, sent_request: str, joint_case: tuple[str, int], kb_entry: int,
    operation: tuple[str, str, dict[str, Any], set[str]],
) -> None:
    method, path, kwargs, allowed = operation
    path = path.format(agency="UA-POL", ref="UA-P1", submission_id=_own_submission(web),
                       exchange=tx, request=sent_request, case=joint_case[0],
                       task_id=joint_case[1], entry_id=kb_entry, entry=3)
    anonymous = web.client().request(method, path, **kwargs)
    assert anonymous.status_code == 401, (method, path, anonymous.text)
    for username in USERS:
        if username in allowed:
            continue
        answer = web.signed_in(username).request(method, path, **kwargs)
        assert answer.status_code in (403, 404), (username, method, path, answer.status_code)
    for username in sorted(allowed):
        answer = web.signed_in(username).request(method, path, **kwargs)
        assert answer.status_code < 400, (username, method, path, answer.text)


def test_refusals_are_audited_and_leave_no_trace_of_the_work(web: Web) -> None:
    answer = web.signed_in("de_an").post("/api/v1/submissions", files={"file": CSV})
    assert answer.status_code == 403
    with web.world.hub.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.username == "de_an",
                                     AuditEntry.action == "record.submit")
        ).one()
        assert entry.outcome == "refused"
    assert web.signed_in("ua_sub").get("/api/v1/records", params={"q": "Z1"}).json() == []
