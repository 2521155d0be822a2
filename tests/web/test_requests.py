"""The requests API: a request's round trip between two agencies, each step answered with
its history; the records granted read by the requester alone; refusals with their status."""

from __future__ import annotations

import datetime as dt

from tessera.hub import admin
from tests.web.conftest import PASSWORD, Web, submit


def test_a_request_round_trip_shares_exactly_the_granted_record(web: Web) -> None:
    submit(web.world, "DE-FIU", [{"record_type": "person", "ref": "DE-X2",
                                  "name": "Dieter Geheim", "sharing_scope": "owner"}])
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="de_co", agency_code="DE-FIU",
                          roles=["coordinator"])
        admin.set_password(s, "test", "de_co", PASSWORD)
    ukraine, germany = web.signed_in("ua_sub"), web.signed_in("de_co")
    made = ukraine.post("/api/v1/requests", json={
        "kind": "mutual_legal_assistance", "to_agency": "DE-FIU",
        "purpose": "Identify the money handler in case UA 2026/17",
        "records": ["DE-FIU/DE-X2", "DE-FIU/DE-A1"], "priority": "high",
        "deadline": str(dt.date.today() + dt.timedelta(days=14))})
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    assert germany.get(f"/api/v1/requests/{code}").status_code == 404  # a draft: not yet
    for client, status in ((ukraine, "sent"), (germany, "acknowledged")):
        moved = client.post(f"/api/v1/requests/{code}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
    early = ukraine.post(f"/api/v1/requests/{code}/status", json={"status": "answered"})
    assert early.status_code == 403 and "only the requested agency" in early.json()["detail"]
    bad = germany.post(f"/api/v1/requests/{code}/status", json={"status": "draft"})
    assert bad.status_code == 400 and "cannot go from acknowledged to draft" in bad.text
    granted = germany.post(f"/api/v1/requests/{code}/grants",
                           json={"records": ["DE-FIU/DE-X2"]})
    assert granted.status_code == 200, granted.text
    assert granted.json()["records"] == {"DE-FIU/DE-A1": False, "DE-FIU/DE-X2": True}
    got = ukraine.get(f"/api/v1/requests/{code}/records").json()
    assert [(g["record"], g["data"]["name"]["raw"]) for g in got] == [
        ("DE-FIU/DE-X2", "Dieter Geheim")]
    assert ukraine.get("/api/v1/records/DE-FIU/DE-X2").status_code == 404  # still not seen
    history = ukraine.get(f"/api/v1/requests/{code}").json()
    assert [e["kind"] for e in history["events"]] == ["created", "status", "status", "grant"]
    assert web.signed_in("md_an").get(f"/api/v1/requests/{code}").status_code == 404
    sent = ukraine.get("/api/v1/requests", params={"box": "sent"}).json()
    assert [r["code"] for r in sent] == [code] and sent[0]["overdue"] is False


def test_outcomes_count_what_each_caller_may_see(web: Web, sent_request: str) -> None:
    rows = {r["group"]: r for r in web.signed_in("ua_sub").get(
        "/api/v1/outcomes", params={"by": "agency"}).json()}
    assert rows["UA-POL"]["requests_sent"] == 1 and rows["DE-FIU"]["requests_received"] == 1
    assert rows["UA-POL"]["suspects_identified"] == 2  # its recruiter and its suspect
    # MD-NGO sees only the suspect UA-POL shares with every member, and is no party to the
    # request: its figures hold neither the recruiter nor the request
    moldova = {r["group"]: r for r in web.signed_in("md_an").get(
        "/api/v1/outcomes", params={"by": "agency"}).json()}
    assert moldova["UA-POL"]["suspects_identified"] == 1
    assert sum(r["requests_sent"] + r["requests_received"] for r in moldova.values()) == 0
    assert web.signed_in("root").get("/api/v1/outcomes").status_code == 403
    assert web.signed_in("md_an").get("/api/v1/outcomes",
                                      params={"by": "planet"}).status_code == 422
