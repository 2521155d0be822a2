"""Signing in and out, API tokens, CSRF, throttling and the security headers."""

from __future__ import annotations

from sqlalchemy import select

from tessera.hub import admin
from tessera.hub.models import AuditEntry
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
    assert refused == ["user:md_an", "user:nobody"]


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
    throttle = Throttle(free=2, window=100.0, longest=8.0)
    for t in (0.0, 1.0):
        assert throttle.wait("k", now=t) == 0
        throttle.failed("k", now=t)
    assert throttle.wait("k", now=1.0) == 1
    throttle.failed("k", now=2.0)
    assert throttle.wait("k", now=2.0) == 2
    for t in (3.0, 4.0, 5.0, 6.0):
        throttle.failed("k", now=t)
    assert throttle.wait("k", now=6.0) == 8  # capped at ``longest``
    assert throttle.wait("k", now=200.0) == 0  # every failure is older than the window


def test_signing_out_ends_the_session_for_good(web: Web) -> None:
    client = web.signed_in("md_an")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.delete("/api/v1/session").status_code == 204
    replay = web.client()
    replay.cookies[SESSION_COOKIE] = cookie
    assert replay.get("/api/v1/session/me").status_code == 401


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
