"""Hit/no-hit matching through the API: uploads, match requests, hits, notices, volumes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tessera.config import Settings
from tessera.hub.models import AuditEntry, EncodedRecord
from tessera.linkage.pprl.schema import Secret
from tessera.web import create_app
from tests.hub.encodings import OTHER_SECRET, SECRET, encoded
from tests.web.conftest import Web

PURPOSE = {"purpose": "investigation 2026/114: the Odesa recruiters"}


def jsonl(secret: Secret = SECRET) -> dict[str, tuple[str, bytes, str]]:
    """UA-POL's encodings, as a file to upload."""
    return {"file": ("encodings.jsonl", encoded("UA-POL", secret=secret),
                     "application/x-ndjson")}


def test_an_upload_answers_with_its_counts_and_replaces_the_last(web: Web, tx: str) -> None:
    answer = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings", files=jsonl())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["agency"], body["records"], body["replaced"]) == ("UA-POL", 3, 3)
    listed = web.signed_in("ua_sub").get("/api/v1/exchanges").json()
    assert [(e["name"], e["records"], e["key_id"]) for e in listed] == [
        ("tx", 3, body["key_id"])]


def test_a_bad_file_answers_400_with_its_line_and_stores_nothing(web: Web, tx: str) -> None:
    lines = encoded("UA-POL").decode().splitlines()
    lines[2] = json.dumps({**json.loads(lines[2]), "filter": "%%%"})
    answer = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings",
                               files={"file": ("ua.jsonl", "\n".join(lines), "text/plain")})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("ua.jsonl line 3: not an encoded record")
    with web.world.hub.session() as s:
        assert s.scalar(select(func.count()).select_from(EncodedRecord)) == 9  # as before


def test_an_upload_under_another_secret_answers_409(web: Web, tx: str) -> None:
    answer = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings",
                               files=jsonl(secret=OTHER_SECRET))
    assert answer.status_code == 409
    assert "uses another secret" in answer.json()["detail"]


def test_a_large_encodings_file_is_not_refused_for_its_size(web: Web, tx: str) -> None:
    big = b"x" * (3 << 20)  # past the 1 MiB of ordinary requests
    answer = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings",
                               files={"file": ("big.jsonl", big, "text/plain")})
    assert answer.status_code == 400 and "line 1: not JSON" in answer.json()["detail"]


def test_a_match_tells_the_requester_and_notifies_the_other_owners(web: Web, tx: str) -> None:
    answer = web.signed_in("ua_sub").post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE)
    assert answer.status_code == 201, answer.text
    run = answer.json()
    assert {(h["ref"], h["other_agency"], h["other_ref"], h["band"]) for h in run["new_hits"]} == {
        ("UA-P1", "MD-NGO", "MD-P1", "high"),
        ("UA-P1", "DE-FIU", "DE-P1", "identifier"),
        ("UA-P2", "MD-NGO", "MD-P2", "possible"),
    }
    assert run["purpose"] == PURPOSE["purpose"] and run["agencies"] == 3
    md = web.signed_in("md_an")
    notices = md.get("/api/v1/notifications", params={"unread": True}).json()
    assert {(n["hit"]["ref"], n["hit"]["other_ref"], n["hit"]["found_by"]) for n in notices} == {
        ("MD-P1", "UA-P1", "UA-POL"), ("MD-P2", "UA-P2", "UA-POL")}
    marked = md.post("/api/v1/notifications/read", json={"ids": [notices[0]["id"]]})
    assert marked.json() == {"marked": 1}
    assert len(md.get("/api/v1/notifications", params={"unread": True}).json()) == 1
    assert len(md.get("/api/v1/hits").json()) == 2


def test_no_agency_reaches_another_agencys_hits_or_notices(web: Web, tx: str) -> None:
    web.signed_in("ua_sub").post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE)
    ua_notices = web.signed_in("ua_sub").get("/api/v1/notifications").json()
    de = web.signed_in("de_an")
    assert {h["ref"] for h in de.get("/api/v1/hits").json()} == {"DE-P1"}
    assert {n["hit"]["ref"] for n in de.get("/api/v1/notifications").json()} == {"DE-P1"}
    assert de.get("/api/v1/hits", params={"limit": 1000, "offset": 0}).json()[0]["ref"] == "DE-P1"
    stolen = de.post("/api/v1/notifications/read", json={"ids": [ua_notices[0]["id"]]})
    assert stolen.status_code == 404
    assert de.post("/api/v1/notifications/read", json={"through": 10**9}).json() == {"marked": 1}
    unread = web.signed_in("ua_sub").get("/api/v1/notifications", params={"unread": True})
    assert len(unread.json()) == 3  # DE-FIU marked only its own
    io = web.signed_in("io_an")
    assert io.get("/api/v1/hits").json() == [] and io.get("/api/v1/notifications").json() == []


def test_a_match_request_without_a_purpose_is_refused(web: Web, tx: str) -> None:
    client = web.signed_in("ua_sub")
    assert client.post(f"/api/v1/exchanges/{tx}/matches", json={}).status_code == 422
    blank = client.post(f"/api/v1/exchanges/{tx}/matches", json={"purpose": "     "})
    assert blank.status_code == 400 and "purpose" in blank.json()["detail"]
    assert client.post(f"/api/v1/exchanges/{tx}/matches",
                       json={"purpose": "x" * 501}).status_code == 422


def test_past_the_daily_limit_a_match_answers_429_and_is_audited(
    web: Web, tx: str, tmp_path: Path
) -> None:
    app = create_app(Settings(demo=True, data_dir=tmp_path, match_requests_per_day=1),
                     web.world.hub)
    strict = Web(web.world, app, web.token)
    client = strict.bearer()
    assert client.post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE).status_code == 201
    refused = client.post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "1 match requests for today" in refused.json()["detail"]
    with web.world.hub.session() as s:
        outcomes = s.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == "exchange.match", AuditEntry.username == "ua_sub")).all()
    assert "refused" in outcomes


def test_the_convener_sees_request_volumes(web: Web, tx: str) -> None:
    for username in ("ua_sub", "ua_sub", "md_an"):
        web.signed_in(username).post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE)
    answer = web.signed_in("io_an").get("/api/v1/match-volumes", params={"days": 7})
    assert [(v["agency"], v["runs"], v["new_hits"]) for v in answer.json()] == [
        ("MD-NGO", 1, 1), ("UA-POL", 2, 3)]
    assert web.signed_in("ua_aud").get("/api/v1/match-volumes").status_code == 403


def test_the_convener_sets_the_threshold_and_rotates_the_secret(web: Web, tx: str) -> None:
    root = web.signed_in("root")
    assert root.put("/api/v1/exchanges/tx2", json={}).json()["threshold"] == 0.8
    assert root.put(f"/api/v1/exchanges/{tx}", json={"threshold": 0.9}).json()["threshold"] == 0.9
    rotated = root.post(f"/api/v1/exchanges/{tx}/rotation",
                        json={"reason": "the secret leaked", "key_id": OTHER_SECRET.key_id})
    assert rotated.json() == {"cleared": 9}
    stale = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings", files=jsonl())
    assert stale.status_code == 409 and "retired" in stale.json()["detail"]
    fresh = web.bearer().post(f"/api/v1/exchanges/{tx}/encodings",
                              files=jsonl(secret=OTHER_SECRET))
    assert fresh.status_code == 201
