"""The Hits page: an agency's hits and unread notices, read and marked in the browser."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tessera.hub import admin
from tests.web.conftest import PASSWORD, Web

PURPOSE = {"purpose": "investigation 2026/114: the Odesa recruiters"}


def _matched(web: Web, tx: str) -> None:
    """UA-POL asks: its hits with MD-NGO and DE-FIU are recorded, and both sides notified."""
    answer = web.signed_in("ua_sub").post(f"/api/v1/exchanges/{tx}/matches", json=PURPOSE)
    assert answer.status_code == 201, answer.text


def _rows(html: str) -> list[list[str]]:
    body = html.split('data-testid="hits"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body) if 'class="empty"' not in row]


def _through(html: str) -> str:
    found = re.search(r'name="through" value="(\d+)"', html)
    assert found, "no Mark all read form"
    return found.group(1)


def _unread(client: TestClient) -> int:
    return len(client.get("/api/v1/notifications", params={"unread": True}).json())


def test_an_analyst_sees_the_agencys_hits_with_the_other_ref_and_band(web: Web, tx: str) -> None:
    _matched(web, tx)
    page = web.signed_in("de_an").get("/hits")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
        (tx, "DE-P1", "UA-POL", "UA-P1", "identifier", "UA-POL")]
    assert "Unread notices: <strong>1</strong>" in page.text
    # UA-POL's hits with MD-NGO are neither DE-FIU's business nor shown to it
    assert "MD-P1" not in page.text and "MD-P2" not in page.text
    requester = {(r[1], r[2], r[3], r[4]) for r in _rows(web.signed_in("ua_sub").get("/hits").text)}
    assert requester == {("UA-P1", "MD-NGO", "MD-P1", "high"),
                         ("UA-P1", "DE-FIU", "DE-P1", "identifier"),
                         ("UA-P2", "MD-NGO", "MD-P2", "possible")}
    nobody = web.signed_in("io_an").get("/hits").text
    assert _rows(nobody) == [] and "No hits of your agency" in nobody
    assert 'action="/hits/read"' not in nobody  # nothing to mark


def test_the_hits_page_and_link_are_only_for_those_who_may_read_hits(web: Web, tx: str) -> None:
    _matched(web, tx)
    with web.world.hub.session() as s:
        admin.set_password(s, "test", "de_sub", PASSWORD)  # DE-FIU, a submitter only
    submitter = web.signed_in("de_sub")
    refused = submitter.get("/hits")
    assert refused.status_code == 403
    assert "DE-P1" not in refused.text and "UA-P1" not in refused.text
    assert 'href="/hits"' not in submitter.get("/").text
    assert 'href="/hits"' not in web.signed_in("ua_aud").get("/").text
    assert web.signed_in("ua_aud").get("/hits").status_code == 403
    assert 'href="/hits"' in web.signed_in("de_an").get("/").text
    assert submitter.post("/hits/read", data={"through": "1000"}).status_code == 403


def test_mark_all_read_marks_the_agencys_notices_and_redirects(web: Web, tx: str) -> None:
    _matched(web, tx)
    md = web.signed_in("md_an")
    token = md.headers.pop("X-CSRF-Token")  # as a browser: the token in the form's field
    page = md.get("/hits").text
    assert "Unread notices: <strong>2</strong>" in page and f'value="{token}"' in page
    answer = md.post("/hits/read", data={"csrf_token": token, "through": _through(page)},
                     follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/hits?marked=2"
    after = md.get(answer.headers["location"]).text
    assert "2 notices marked read" in after and "Unread notices: <strong>0</strong>" in after
    assert len(_rows(after)) == 2  # the hits stay
    md.headers["X-CSRF-Token"] = token
    assert _unread(md) == 0
    assert _unread(web.signed_in("ua_sub")) == 3  # another agency's notices are untouched


def test_mark_all_read_without_the_csrf_token_is_refused(web: Web, tx: str) -> None:
    _matched(web, tx)
    md = web.signed_in("md_an")
    token = md.headers.pop("X-CSRF-Token")
    through = _through(md.get("/hits").text)
    assert md.post("/hits/read", data={"through": through}).status_code == 403
    assert md.post("/hits/read", data={"through": through, "csrf_token": "forged"},
                   ).status_code == 403
    md.headers["X-CSRF-Token"] = token
    assert _unread(md) == 2
