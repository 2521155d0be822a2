"""Signing in and out, API tokens, CSRF, throttling and the security headers."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from tessera.hub import admin
from tessera.hub.models import AuditEntry, LoginSession, utcnow
from tessera.web.deps import SESSION_COOKIE, Throttle
from tests.web.conftest import PASSWORD, Web


def test_sign_in_sets_an_http_only_strict_cookie_and_names_the_user(web: Web) -> None:
    client = web.client()
    answer = client.post("/api/v1/session", json={"username": "md_an", "password": PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["username"], body["agency"]) == ("md_an", "MD-NGO")
    assert body["roles"] == ["analyst", "submitter"]
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/v1/session/me").json()["username"] == "md_an"


def test_wrong_password_and_unknown_user_get_the_same_answer_and_are_audited(web: Web) -> None:
    client = web.client()
    wrong = client.post("/api/v1/session", json={"username": "md_an", "password": "nope-nope-1"})
    unknown = client.post("/api/v1/session", json={"username": "nobody", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert SESSION_COOKIE not in client.cookies
    with web.world.hub.session() as s:
        refused = s.scalars(
            select(AuditEntry.resource).where(
                AuditEntry.action == "auth.login", AuditEntry.outcome == "refused"
            )
        ).all()
    assert refused[0] == "user:md_an" and refused[1].startswith("user:sha256:")


def test_repeated_failures_are_throttled_even_with_the_right_password(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        assert client.post(
            "/api/v1/session", json={"username": "de_an", "password": "guess-guess"}
        ).status_code == 401
    answer = client.post("/api/v1/session", json={"username": "de_an", "password": PASSWORD})
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) >= 1


def test_throttle_waits_longer_after_each_failure_and_forgets_old_ones() -> None:
    throttle = Throttle(window=100.0, longest=8.0)
    for t in (0.0, 1.0):
        assert throttle.wait("k", 2, now=t) == 0
        throttle.failed("k", now=t)
    assert throttle.wait("k", 2, now=1.0) == 1
    throttle.failed("k", now=2.0)
    assert throttle.wait("k", 2, now=2.0) == 2
    for t in (3.0, 4.0, 5.0, 6.0):
        throttle.failed("k", now=t)
    assert throttle.wait("k", 2, now=6.0) == 8  # capped at ``longest``
    assert throttle.wait("k", 2, now=200.0) == 0  # every failure is older than the window


def test_throttle_remembers_a_bounded_number_of_keys() -> None:
    throttle = Throttle(keys=3)
    for n in range(10):
        throttle.wait(f"name{n}", 5)  # asking stores nothing
        throttle.failed(f"name{n}")
    assert throttle.wait("name9", 1) > 0 and throttle.wait("name0", 1) == 0


def test_a_stranger_failing_on_purpose_does_not_lock_the_user_out(web: Web) -> None:
    stranger = web.client()
    for _ in range(6):
        stranger.post("/api/v1/session", json={"username": "de_an", "password": "guess-guess"})
    owner = TestClient(web.app, base_url="http://testserver", client=("10.0.0.7", 5000))
    answer = owner.post("/api/v1/session", json={"username": "de_an", "password": PASSWORD})
    assert answer.status_code == 200


def test_an_unknown_name_is_audited_by_its_digest_not_as_typed(web: Web) -> None:
    typed = "my-Secret-Passw0rd"
    web.client().post("/api/v1/session", json={"username": typed, "password": "x" * 12})
    with web.world.hub.session() as s:
        resources = s.scalars(select(AuditEntry.resource).where(
            AuditEntry.action == "auth.login")).all()
    assert resources and all(typed not in r for r in resources)
    assert resources[-1].startswith("user:sha256:")


def test_a_new_password_ends_the_users_sessions(web: Web) -> None:
    client = web.signed_in("md_an")
    with web.world.hub.session() as s:
        admin.set_password(s, "test", "md_an", "another long password")
    assert client.get("/api/v1/session/me").status_code == 401


def test_signing_out_ends_the_session_for_good(web: Web) -> None:
    client = web.signed_in("md_an")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.delete("/api/v1/session").status_code == 204
    replay = web.client()
    replay.cookies[SESSION_COOKIE] = cookie
    assert replay.get("/api/v1/session/me").status_code == 401


def test_a_sign_in_deletes_the_sessions_that_can_never_be_used_again(web: Web) -> None:
    """One session signed out, one expired, one live: the next sign-in leaves the live one
    (still working) and its own."""
    ended, expired, live = (web.signed_in("md_an") for _ in range(3))
    assert ended.delete("/api/v1/session").status_code == 204
    with web.world.hub.session() as s:
        rows = s.scalars(select(LoginSession).order_by(LoginSession.id)).all()
        rows[1].expires_at = utcnow() - dt.timedelta(minutes=1)
        keep = {rows[2].id}
    assert expired.get("/api/v1/session/me").status_code == 401
    web.signed_in("md_an")
    with web.world.hub.session() as s:
        left = set(s.scalars(select(LoginSession.id)))
    assert keep < left and len(left) == 2
    assert live.get("/api/v1/session/me").status_code == 200


def test_a_change_with_the_cookie_needs_the_csrf_token(web: Web) -> None:
    client = web.signed_in("ua_sub")
    token = client.headers.pop("X-CSRF-Token")
    body = {"reason": "entered in error"}
    assert client.post("/api/v1/records/UA-P2/retraction", json=body).status_code == 403
    assert client.post(
        "/api/v1/records/UA-P2/retraction", json=body, headers={"X-CSRF-Token": "forged"}
    ).status_code == 403
    assert client.post(
        "/api/v1/records/UA-P2/retraction", json=body, headers={"X-CSRF-Token": token}
    ).status_code == 204


def test_a_change_from_another_site_is_refused_even_with_the_token(web: Web) -> None:
    client = web.signed_in("ua_sub")
    answer = client.post(
        "/api/v1/records/UA-P2/retraction",
        json={"reason": "entered in error"},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    with web.world.hub.session() as s:
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "record.retract")).all()


def test_bearer_token_needs_no_csrf_and_a_revoked_one_is_refused(web: Web) -> None:
    client = web.bearer()
    assert client.get("/api/v1/session/me").json()["username"] == "ua_sub"
    assert client.post(
        "/api/v1/records/UA-P2/retraction", json={"reason": "entered in error"}
    ).status_code == 204
    with web.world.hub.session() as s:
        admin.revoke_token(s, "test", web.token[:10])
    answer = client.get("/api/v1/session/me")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_every_answer_carries_the_security_headers(web: Web) -> None:
    for path in ("/login", "/api/v1/records", "/static/tessera.css"):
        headers = web.client().get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    assert web.client().get("/api/v1/records").headers["cache-control"] == "no-store"


def test_an_unexpected_error_answers_500_with_the_security_headers_too(web: Web) -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    web.app.add_api_route("/api/v1/broken", broken)
    web.app.middleware_stack = None  # rebuilt with the route on the next request
    answer = TestClient(web.app, raise_server_exceptions=False).get("/api/v1/broken")
    assert answer.status_code == 500
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    assert "a bug" not in answer.text
