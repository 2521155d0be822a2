"""The Requests pages: a request drafted, sent, acknowledged and granted through the forms,
each side offered only its own moves; the granted record shown to the requester alone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tessera.hub import admin
from tests.web import test_browser
from tests.web.conftest import PASSWORD, Web, submit

browser = test_browser.browser
server = test_browser.server
tab = test_browser.tab


def as_browser(web: Web, username: str) -> tuple[TestClient, str]:
    client = web.signed_in(username)
    return client, client.headers.pop("X-CSRF-Token")  # the token goes in the forms


def post(client: TestClient, path: str, token: str, **form: object) -> str:
    answer = client.post(path, data={"csrf_token": token, **form}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


@pytest.fixture
def coordinated(web: Web) -> Web:
    """DE-FIU holds DE-X2 for its own eyes, and has a coordinator, de_co."""
    submit(web.world, "DE-FIU", [{"record_type": "person", "ref": "DE-X2",
                                  "name": "Dieter Geheim", "sharing_scope": "owner"}])
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="de_co", agency_code="DE-FIU",
                          roles=["coordinator"])
        admin.set_password(s, "test", "de_co", PASSWORD)
    return web


def test_a_request_through_the_pages_from_draft_to_the_granted_record(
        coordinated: Web) -> None:
    ukraine, ua_token = as_browser(coordinated, "ua_sub")
    germany, de_token = as_browser(coordinated, "de_co")
    assert 'href="/requests"' in ukraine.get("/").text
    page = post(ukraine, "/requests", ua_token, kind="mutual_legal_assistance",
                to_agency="DE-FIU", purpose="Identify the money handler in case 17",
                records="DE-FIU/DE-X2\n", priority="high", deadline="2099-01-31")
    code = page.rsplit("/", 1)[1]
    draft = ukraine.get(page).text
    assert re.search(r'<option value="sent">sent</option>', draft)
    assert "Dieter Geheim" not in draft
    post(ukraine, f"{page}/status", ua_token, status="sent")
    received = germany.get(page).text
    moves = re.findall(r'<option value="(\w+)">', received.split('data-testid="move"')[1]
                       .split("</form>")[0])
    assert moves == ["acknowledged", "refused"]  # the agency asked: its own moves only
    assert 'data-testid="grant"' not in received  # not before it is acknowledged
    post(germany, f"{page}/status", de_token, status="acknowledged")
    post(germany, f"{page}/grants", de_token, records="DE-FIU/DE-X2")
    shown = ukraine.get(page).text
    assert "DE-FIU/DE-X2 (granted)" in shown and "Dieter Geheim" in shown
    assert "Dieter Geheim" not in germany.get("/requests").text
    assert code in ukraine.get("/requests", params={"box": "sent"}).text
    refused = ukraine.post(f"{page}/status", data={"csrf_token": ua_token,
                                                  "status": "answered"})
    assert refused.status_code == 403 and "only the requested agency" in refused.text
    assert coordinated.signed_in("md_an").get(page).status_code == 404


def test_the_requests_page_draws_in_a_browser_and_drafts_a_follow_up(
    coordinated: Web, db_url: str, tab: Callable[[], test_browser.Tab],
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser tests run on SQLite: the web layer is their subject")
    analyst = tab()
    analyst.sign_in("ua_sub", then="/requests")
    assert analyst.path() == "/requests"
    form = analyst.page.get_by_test_id("new-request")
    form.get_by_label("To agency").fill("DE-FIU")
    form.get_by_label("Purpose").fill("Who holds account X1, for case 17")
    with analyst.page.expect_navigation():
        form.get_by_role("button", name="Draft the request").click()
    assert analyst.page.get_by_test_id("request-status").inner_text() == "draft"
    analyst.screenshot("ua_sub-request")
    with analyst.page.expect_navigation():
        analyst.page.get_by_role("button", name="Move").click()
    assert analyst.page.get_by_test_id("request-status").inner_text() == "sent"
