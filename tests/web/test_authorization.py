"""Every API operation, tried by callers who must be refused: nobody signed in, a user whose
roles do not allow it, and a user of another agency. A new operation fails this test until it
is added to ``OPERATIONS`` with who may call it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tessera.config import Settings
from tessera.hub.db import Hub, upgrade
from tessera.hub.models import AuditEntry
from tessera.web import create_app
from tests.conftest import Copyable, backends, copyable, make_world
from tests.hub.encodings import encoded
from tests.web.conftest import Web, add_exchange, make_web, open_joint_case, send_request

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


def test_every_api_operation_is_in_the_table(matrix: Matrix) -> None:
    served = {
        (method.upper(), path)
        for path, item in matrix.app.openapi()["paths"].items()
        for method in item
    }
    assert served == {(m, p) for m, p, _, _ in OPERATIONS} | PUBLIC


@dataclass(frozen=True)
class Seeded:
    """The hub every case starts from, set up once per backend: the web hub's world with
    exchange "tx", a sent request, a joint case with a task, a knowledge-base entry and a
    submission of ua_sub's, and each user signed in (their session cookies and CSRF token,
    which stay good in every copy: the sessions are rows of the hub, and the secret is the
    demo one)."""

    hub: Copyable
    names: dict[str, Any]  # what the paths name: agency, ref, submission_id, exchange, ...
    sessions: dict[str, tuple[dict[str, str], str]]


@pytest.fixture(scope="module", params=backends())
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Seeded]:
    data_dir = tmp_path_factory.mktemp("seeded")
    with copyable(request.param, data_dir) as template:
        hub = Hub.open(template.url)
        try:
            upgrade(hub.engine)
            web = make_web(make_world(hub), data_dir)
            tx = add_exchange(web)
            sent = send_request(web)
            case, task = open_joint_case(web)
            entry = web.signed_in("md_an").post("/api/v1/kb", json={
                "kind": "treaty", "title": "Palermo Protocol",
                "body": "Article 3 defines trafficking."})
            assert entry.status_code == 201, entry.text
            own = web.bearer().post("/api/v1/submissions", files={"file": CSV})
            assert own.status_code == 201, own.text
            sessions = {}
            for username in USERS:
                client = web.signed_in(username)
                sessions[username] = (dict(client.cookies), client.headers["X-CSRF-Token"])
        finally:
            hub.engine.dispose()
        yield Seeded(template, {
            "agency": "UA-POL", "ref": "UA-P1", "submission_id": own.json()["submission_id"],
            "exchange": tx, "request": sent, "case": case, "task_id": task,
            "entry_id": entry.json()["id"], "entry": 3}, sessions)


@dataclass
class Matrix:
    """A fresh copy of the seeded hub, served, with a client for each caller."""

    app: FastAPI
    sessions: dict[str, tuple[dict[str, str], str]]

    def anonymous(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def signed_in(self, username: str) -> TestClient:
        cookies, csrf = self.sessions[username]
        client = TestClient(self.app, base_url="http://testserver", cookies=cookies)
        client.headers["X-CSRF-Token"] = csrf
        return client


@pytest.fixture
def matrix(seeded: Seeded, tmp_path: Path) -> Iterator[Matrix]:
    """Each case gets a hub of its own, so that no case's writes reach another."""
    with seeded.hub.copy() as url:
        hub = Hub.open(url)
        try:
            yield Matrix(create_app(Settings(demo=True, data_dir=tmp_path), hub),
                         seeded.sessions)
        finally:
            hub.engine.dispose()


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{m} {p}" for m, p, _, _ in OPERATIONS])
def test_only_the_allowed_users_get_through(
    seeded: Seeded, matrix: Matrix, operation: tuple[str, str, dict[str, Any], set[str]],
) -> None:
    method, path, kwargs, allowed = operation
    path = path.format(**seeded.names)
    anonymous = matrix.anonymous().request(method, path, **kwargs)
    assert anonymous.status_code == 401, (method, path, anonymous.text)
    for username in USERS:
        if username in allowed:
            continue
        answer = matrix.signed_in(username).request(method, path, **kwargs)
        assert answer.status_code in (403, 404), (username, method, path, answer.status_code)
    for username in sorted(allowed):
        answer = matrix.signed_in(username).request(method, path, **kwargs)
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
