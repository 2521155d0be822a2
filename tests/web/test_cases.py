"""The cases API: a joint team works a case, refusals answer as documented, and another
agency's H3 contributions come back withheld."""

from __future__ import annotations

from tessera.hub import admin
from tests.web.conftest import PASSWORD, Web
from tests.web.test_request_pages import as_browser, post

CASES = "/api/v1/cases"


def test_a_joint_team_works_a_case_through_the_api(web: Web, joint_case: tuple[str, int]) -> None:
    code, task = joint_case
    md, ua = web.signed_in("md_an"), web.bearer()
    answer = md.post(f"{CASES}/{code}/notes",
                     json={"body": "two victims in shelter 3", "handling_code": "H3"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["body"] == "two victims in shelter 3"
    answer = ua.post(f"{CASES}/{code}/links", json={"kind": "record", "target": "UA-POL/UA-P2",
                                                   "note": "the driver"})
    assert answer.status_code == 201, answer.text
    assert (answer.json()["agency"], answer.json()["handling_code"]) == ("UA-POL", "H2")
    answer = ua.post(f"{CASES}/{code}/tasks/{task}/done")
    assert answer.status_code == 200 and answer.json()["done_by"] == "ua_sub", answer.text
    answer = ua.post(f"{CASES}/{code}/status", json={"status": "under_investigation",
                                                    "reason": "victims identified"})
    assert answer.status_code == 200 and answer.json()["status"] == "under_investigation"

    theirs = ua.get(f"{CASES}/{code}").json()
    assert theirs["case"]["members"] == ["UA-POL", "MD-NGO"]
    assert theirs["next_statuses"] == ["prosecution"]
    note = next(e for e in theirs["timeline"] if e["kind"] == "note")
    assert note["body"] is None and note["detail"] is None
    assert "MD-NGO marked this H3" in note["withheld"]
    assert "shelter 3" not in str(theirs)
    assert [e["kind"] for e in theirs["timeline"]] == [
        "opened", "member_added", "task_added", "note", "linked", "task_done", "status"]
    own = md.get(f"{CASES}/{code}").json()
    assert next(e for e in own["timeline"] if e["kind"] == "note")["body"] == (
        "two victims in shelter 3")
    assert [c["code"] for c in md.get(CASES, params={"status": "under_investigation"}).json()
            ] == [code]
    assert md.get(CASES, params={"status": "reported"}).json() == []


def test_refusals_answer_with_their_status(web: Web, joint_case: tuple[str, int]) -> None:
    code, _ = joint_case
    ua, de = web.bearer(), web.signed_in("de_an")
    hidden, missing = de.get(f"{CASES}/{code}"), de.get(f"{CASES}/UA-POL-1999-0001")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(code, "X") == missing.json()[
        "detail"].replace("UA-POL-1999-0001", "X")
    answer = ua.post(f"{CASES}/{code}/status", json={"status": "closed"})
    assert answer.status_code == 409
    assert "cannot go from reported to closed" in answer.json()["detail"]
    answer = ua.post(f"{CASES}", json={"title": "x", "country": "Atlantis"})
    assert answer.status_code == 400 and "Atlantis" in answer.json()["detail"]
    answer = web.signed_in("md_an").post(f"{CASES}/{code}/links",
                                         json={"kind": "record", "target": "UA-POL/UA-P1"})
    assert answer.status_code == 404
    answer = ua.delete(f"{CASES}/{code}/members/MD-NGO")
    assert answer.status_code == 403  # an analyst, not the lead's coordinator


def test_the_leads_coordinator_manages_the_team(web: Web, joint_case: tuple[str, int]) -> None:
    code, _ = joint_case
    with web.world.hub.session() as s:
        admin.set_password(s, "test", "ua_coord", PASSWORD)
    coordinator = web.signed_in("ua_coord")
    answer = coordinator.post(f"{CASES}/{code}/members", json={"agency": "DE-FIU"})
    assert answer.status_code == 201 and answer.json()["agency"] == "DE-FIU", answer.text
    assert web.signed_in("de_an").get(f"{CASES}/{code}").status_code == 200
    assert coordinator.post(f"{CASES}/{code}/members",
                            json={"agency": "DE-FIU"}).status_code == 409
    assert coordinator.delete(f"{CASES}/{code}/members/UA-POL").status_code == 400
    assert coordinator.delete(f"{CASES}/{code}/members/DE-FIU").status_code == 204
    assert web.signed_in("de_an").get(f"{CASES}/{code}").status_code == 404


def test_the_case_pages_show_the_team_and_withhold_h3_content(
    web: Web, joint_case: tuple[str, int]
) -> None:
    code, _ = joint_case
    md = web.signed_in("md_an")
    assert md.post(f"{CASES}/{code}/notes", json={"body": "<b>shelter 3</b>",
                                                  "handling_code": "H3"}).status_code == 201
    assert md.post(f"{CASES}/{code}/notes", json={"body": "<i>interview</i> done"}
                   ).status_code == 201
    ua = web.signed_in("ua_sub")
    listing = ua.get("/cases")
    assert listing.status_code == 200 and f'href="/cases/{code}"' in listing.text
    page = ua.get(f"/cases/{code}").text
    assert "Odesa recruiters" in page and "MD-NGO marked this H3" in page
    assert "shelter 3" not in page
    assert "&lt;i&gt;interview&lt;/i&gt; done" in page and "<i>interview" not in page
    assert "&lt;b&gt;shelter 3&lt;/b&gt;" in md.get(f"/cases/{code}").text
    assert web.signed_in("de_an").get(f"/cases/{code}").status_code == 404
    assert 'href="/cases"' in ua.get("/").text
    assert 'href="/cases"' not in web.signed_in("ua_aud").get("/").text


def test_a_case_is_worked_through_its_pages_forms(web: Web, joint_case: tuple[str, int]) -> None:
    code, task = joint_case
    ukraine, ua_token = as_browser(web, "ua_sub")
    moldova, md_token = as_browser(web, "md_an")
    board = ukraine.get("/cases").text
    assert 'data-testid="board"' in board and 'data-testid="new-case"' in board
    opened = post(ukraine, "/cases", ua_token, title="Kharkiv drivers", country="Ukraine",
                  crime_types="forced_labour")
    assert opened.startswith("/cases/") and "Kharkiv drivers" in ukraine.get(opened).text
    page = ukraine.get(f"/cases/{code}").text
    assert 'data-testid="case-status"' in page  # the lead moves it
    assert 'data-testid="case-status"' not in moldova.get(f"/cases/{code}").text
    post(ukraine, f"/cases/{code}/status", ua_token, status="under_investigation",
         reason="victims identified")
    post(moldova, f"/cases/{code}/notes", md_token, body="the shelter took two more")
    post(moldova, f"/cases/{code}/tasks", md_token, title="call the hotline", agency="MD-NGO",
         due="2027-01-15")
    post(ukraine, f"/cases/{code}/tasks/{task}/done", ua_token)
    post(ukraine, f"/cases/{code}/links", ua_token, kind="record", target="UA-POL/UA-P1",
         note="the recruiter")
    view = web.signed_in("ua_sub").get(f"{CASES}/{code}").json()
    assert view["case"]["status"] == "under_investigation"
    assert {t["title"]: t["done_by"] for t in view["tasks"]} == {
        "interview the witness": "ua_sub", "call the hotline": None}
    assert [li["target"] for li in view["links"]] == ["UA-POL/UA-P1"]
    assert any(e.get("body") == "the shelter took two more" for e in view["timeline"])
    # refused: a move only the lead may make, a bad date, a form without the CSRF token
    assert moldova.post(f"/cases/{code}/status", data={"csrf_token": md_token,
                                                       "status": "prosecution"}).status_code == 403
    bad = moldova.post(f"/cases/{code}/tasks", data={"csrf_token": md_token, "title": "x",
                                                     "due": "15/01/2027"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    assert ukraine.post(f"/cases/{code}/notes", data={"body": "forged"}).status_code == 403
    stranger, de_token = as_browser(web, "de_an")
    assert stranger.post(f"/cases/{code}/notes", data={"csrf_token": de_token,
                                                       "body": "nosy"}).status_code == 404
    timeline = web.signed_in("ua_sub").get(f"{CASES}/{code}").json()["timeline"]
    assert not any(e.get("body") in ("forged", "nosy") for e in timeline)
