"""A web hub over the test world: its users with passwords, an API token, a few records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tessera.config import Settings
from tessera.cooperation import cases, requests
from tessera.hub import admin, exchanges, records
from tessera.hub.records import Incoming
from tessera.linkage import exchange as matching
from tessera.standard.records import ANY_RECORD
from tessera.web import create_app
from tests.conftest import World
from tests.hub.encodings import encoded

PASSWORD = "correct horse battery"
USERS = ("ua_sub", "ua_aud", "md_an", "de_an", "io_an", "root")


def submit(world: World, agency: str, rows: list[dict[str, Any]]) -> None:
    """Write rows as ``agency``'s records, as a load does (consent applied)."""
    with world.hub.session() as s:
        owner = admin.get_agency(s, agency)
        items = [
            Incoming(ANY_RECORD.validate_python(r, context={"country": owner.country}),
                     "seed.csv", None, n + 2)
            for n, r in enumerate(rows)
        ]
        counts = records.write_batch(s, owner, items, user_id=None, submission_id=None)
        assert not counts.conflicts
        records.apply_consent(s, owner.id)


@dataclass
class Web:
    world: World
    app: FastAPI
    token: str  # ua_sub's API token

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def signed_in(self, username: str) -> TestClient:
        """A client with ``username``'s session cookie and CSRF header, as the pages have."""
        client = self.client()
        answer = client.post("/api/v1/session",
                             json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client

    def bearer(self, token: str | None = None) -> TestClient:
        client = self.client()
        client.headers["Authorization"] = f"Bearer {token or self.token}"
        return client


@pytest.fixture
def web(world: World, tmp_path: Any) -> Iterator[Web]:
    yield make_web(world, tmp_path)


def make_web(world: World, data_dir: Any) -> Web:
    """The web hub over ``world``: its users' passwords, ua_sub's token, a few records."""
    with world.hub.session() as s:
        for username in USERS:
            admin.set_password(s, "test", username, PASSWORD)
        token = admin.issue_token(s, "test", "ua_sub", "case system")
    submit(world, "UA-POL", [
        {"record_type": "person", "ref": "UA-P1", "name": "Олег Петренко", "roles": "recruiter",
         "sharing_scope": "owner"},
        {"record_type": "person", "ref": "UA-P2", "name": "Ivan Bondar", "roles": "suspect",
         "sharing_scope": "members"},
    ])
    submit(world, "DE-FIU", [
        {"record_type": "account", "ref": "DE-A1", "iban": "DE89370400440532013000",
         "sharing_scope": "owner"},
    ])
    app = create_app(Settings(demo=True, data_dir=data_dir), world.hub)
    return Web(world, app, token)


@pytest.fixture
def tx(web: Web) -> str:
    """Exchange "tx" (see ``add_exchange``)."""
    return add_exchange(web)


def add_exchange(web: Web) -> str:
    """Exchange "tx", with the encodings of every agency (uploaded by submitters at DE-FIU and
    IOM, who are not among the users tried by the authorisation matrix)."""
    hub = web.world.hub
    with hub.session() as s:
        for username, agency in (("de_sub", "DE-FIU"), ("io_sub", "IOM")):
            admin.create_user(s, "test", username=username, agency_code=agency,
                              roles=["submitter"])
        exchanges.set_exchange(s, admin.actor(s, "root"), "tx", 0.8)
    for username, agency in (("ua_sub", "UA-POL"), ("md_an", "MD-NGO"), ("de_sub", "DE-FIU"),
                             ("io_sub", "IOM")):
        matching.upload(hub, username, "tx", encoded(agency))
    return "tx"


@pytest.fixture
def sent_request(web: Web) -> str:
    """A request sent from UA-POL to DE-FIU (see ``send_request``): its code."""
    return send_request(web)


def send_request(web: Web) -> str:
    """A request from UA-POL (ua_sub) to DE-FIU, sent, with a message carrying a file (entry
    3 of its history); and FR-POL, an agency without users, for requests to be sent to by
    anyone the authorisation matrix tries."""
    with web.world.hub.session() as s:
        admin.create_agency(s, "test", code="FR-POL", name="Police nationale", country="FR",
                            kind="police")
        ua = admin.actor(s, "ua_sub")
        code = requests.create(s, ua, kind="information", to_agency="DE-FIU",
                               purpose="Who holds account X1, for case 17").code
        requests.move(s, ua, code, "sent")
        requests.message(s, ua, code, "the statement", attachment=("s.txt", b"statement"))
    return code


@pytest.fixture
def joint_case(web: Web) -> tuple[str, int]:
    """A case with a joint team and a task (see ``open_joint_case``)."""
    return open_joint_case(web)


def open_joint_case(web: Web) -> tuple[str, int]:
    """A case opened by UA-POL (ua_sub), with MD-NGO on its joint team (added by ua_coord,
    UA-POL's coordinator), and a task for UA-POL: its code and the task's id."""
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="ua_coord", agency_code="UA-POL",
                          roles=["coordinator"])
        ua = admin.actor(s, "ua_sub")
        code = cases.open_case(s, ua, title="Odesa recruiters", country="UA",
                               crime_types=["trafficking_labour"]).code
        cases.add_member(s, admin.actor(s, "ua_coord"), code, "MD-NGO")
        task = cases.add_task(s, ua, code, "interview the witness").id
    return code, task
