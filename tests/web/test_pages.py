"""The dashboard's pages, read as HTML: sign-in, escaping, what the navigation offers."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, Web, submit


def _sign_in(web: Web, username: str, then: str = "/") -> tuple[int, str]:
    client = web.client()
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "next": then},
        follow_redirects=False,
    )
    return answer.status_code, answer.headers.get("location", "")


def test_a_page_sends_a_stranger_to_sign_in_and_back(web: Web) -> None:
    answer = web.client().get("/records?type=person", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/records%3Ftype%3Dperson"
    assert _sign_in(web, "ua_sub", "/records?type=person") == (303, "/records?type=person")


def test_sign_in_never_redirects_to_another_site(web: Web) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert _sign_in(web, "ua_sub", target) == (303, "/")


def test_a_wrong_password_shows_the_form_again_with_the_reason(web: Web) -> None:
    answer = web.client().post("/login", data={"username": "ua_sub", "password": "wrong-one!"})
    assert answer.status_code == 401
    assert "wrong username or password" in answer.text


def test_record_content_is_escaped_on_every_page(web: Web) -> None:
    submit(web.world, "UA-POL", [
        {"record_type": "person", "ref": "XSS", "name": "<script>alert(1)</script> Ivan",
         "sharing_scope": "owner"},
    ])
    client = web.signed_in("ua_sub")
    for path in ("/records", "/records/UA-POL/XSS"):
        assert "<script>" not in client.get(path).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/records/UA-POL/XSS").text


def test_the_navigation_offers_only_what_the_roles_allow(web: Web) -> None:
    analyst = web.signed_in("de_an").get("/").text
    auditor = web.signed_in("ua_aud").get("/").text
    assert 'href="/records"' in analyst and 'href="/audit"' not in analyst
    assert 'href="/audit"' in auditor and 'href="/records"' not in auditor
    assert web.signed_in("de_an").get("/audit").status_code == 403


def test_a_form_post_without_the_csrf_field_is_refused(web: Web) -> None:
    client = web.signed_in("ua_sub")
    client.headers.pop("X-CSRF-Token")
    answer = client.post("/logout", data={})
    assert answer.status_code == 403
    assert client.get("/api/v1/session/me").status_code == 200  # still signed in


def test_pages_send_referrers_only_to_this_site(web: Web) -> None:
    # With no referrer at all, Chromium marks the pages' own form posts "Origin: null", which
    # the same-origin check refuses: nobody could sign in from a browser.
    assert web.client().get("/login").headers["referrer-policy"] == "same-origin"


def test_a_sign_in_from_a_sandboxed_or_foreign_page_is_refused(web: Web) -> None:
    for origin in ("null", "https://evil.example"):
        answer = web.client().post(
            "/login", data={"username": "ua_sub", "password": PASSWORD},
            headers={"Origin": origin}, follow_redirects=False,
        )
        assert answer.status_code == 403
    same = web.client().post(
        "/login", data={"username": "ua_sub", "password": PASSWORD},
        headers={"Origin": "http://testserver"}, follow_redirects=False,
    )
    assert same.status_code == 303
