"""The knowledge base and outcome pages: who may see them, a search and its escaping, adding an
entry through the form, and outcome figures that are the API's."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tessera.cooperation import requests
from tessera.hub import admin
from tessera.hub.models import AuditEntry, KbEntry
from tessera.web.routes.kb import marked
from tessera.web.routes.outcomes import SERIES
from tests.web.conftest import Web, submit

HOSTILE = {"kind": "playbook", "title": "<script>alert(1)</script> Reflection period",
           "body": "Explain the <b>reflection</b> period <img src=x onerror=alert(2)> early.",
           "countries": ["Moldova"], "source": "javascript:alert(3)"}


def _add(web: Web, data: dict[str, Any], username: str = "md_an") -> int:
    answer = web.signed_in(username).post("/api/v1/kb", json=data)
    assert answer.status_code == 201, answer.text
    entry_id: int = answer.json()["id"]
    return entry_id


def _form_client(web: Web, username: str) -> tuple[TestClient, str]:
    """A signed-in client that sends its CSRF token only as a form field does."""
    client = web.signed_in(username)
    return client, client.headers.pop("X-CSRF-Token")


def _entries(web: Web) -> int:
    with web.world.hub.session() as s:
        return int(s.scalar(select(func.count()).select_from(KbEntry)) or 0)


def test_strangers_are_sent_to_sign_in_and_the_roles_decide_the_rest(web: Web) -> None:
    entry = _add(web, HOSTILE)
    for path in ("/kb", f"/kb/{entry}", "/outcomes?by=agency"):
        answer = web.client().get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=")
    for username in ("ua_sub", "ua_aud", "md_an", "io_an", "root"):  # every member reads
        client = web.signed_in(username)
        assert client.get("/kb").status_code == 200, username
        assert client.get(f"/kb/{entry}").status_code == 200, username
    analyst, auditor, admin_ = (web.signed_in(u) for u in ("md_an", "ua_aud", "root"))
    assert 'data-testid="kb-add"' in analyst.get("/kb").text
    assert 'data-testid="kb-add"' not in auditor.get("/kb").text  # reads, does not write
    assert auditor.get("/outcomes").status_code == 200
    refused = admin_.get("/outcomes")
    assert refused.status_code == 403 and "Not allowed" in refused.text
    nav = analyst.get("/").text
    assert 'href="/kb"' in nav and 'href="/outcomes"' in nav
    nav = admin_.get("/").text
    assert 'href="/kb"' in nav and 'href="/outcomes"' not in nav
    assert web.signed_in("md_an").get("/kb/999999").status_code == 404


def test_a_search_finds_an_entry_marks_the_words_and_escapes_its_content(web: Web) -> None:
    entry = _add(web, HOSTILE)
    client = web.signed_in("ua_aud")
    queries: list[dict[str, str]] = [
        {"q": "reflection"}, {"q": "reflection", "country": "MD", "kind": "playbook"}, {}]
    for query in queries:
        page = client.get("/kb", params=query)
        assert page.status_code == 200, query
        assert f'href="/kb/{entry}"' in page.text, query
        assert "<script>" not in page.text and "<b>" not in page.text
        assert "<img" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Reflection period" in page.text
    found = client.get("/kb", params={"q": "reflection"}).text
    assert "<mark>reflection</mark>" in found
    assert 'href="/kb/' in found and 'class="status">playbook<' in found
    assert 'data-testid="kb-hits"' in client.get("/kb", params={"q": "extradition"}).text
    assert "No entry matches." in client.get("/kb", params={"q": "extradition"}).text
    assert f'href="/kb/{entry}"' not in client.get("/kb", params={"country": "DE"}).text
    shown = client.get(f"/kb/{entry}").text
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;img src=x onerror=alert(2)&gt;" in shown
    assert 'href="javascript:' not in shown  # a source is linked only as a web address
    bad = client.get("/kb", params={"q": "?!", "country": "Atlantis"})
    assert bad.status_code == 400
    assert 'data-testid="search-problem"' in bad.text and 'value="Atlantis"' in bad.text
    with web.world.hub.session() as s:
        reads = s.scalars(select(AuditEntry.resource).where(
            AuditEntry.username == "ua_aud", AuditEntry.action == "kb.read")).all()
    assert reads.count("kb") == 7 and reads.count(f"kb:{entry}") == 1  # as the API audits


def test_a_snippet_is_marked_piece_by_piece_unless_the_entry_has_guillemets(web: Web) -> None:
    assert marked("a «b» c «d»") == [("a ", False), ("b", True), (" c ", False), ("d", True)]
    assert marked("<i>«x»</i>") == [("<i>", False), ("x", True), ("</i>", False)]
    _add(web, {"kind": "lesson_learned", "title": "Visas", "body": "The «T» visa programme."})
    page = web.signed_in("de_an").get("/kb", params={"q": "programme"}).text
    assert "<mark>" not in page and "visa «programme»" in page  # as the search gave it


def test_adding_through_the_form_needs_the_csrf_token(web: Web) -> None:
    client, token = _form_client(web, "md_an")
    assert f'name="csrf_token" value="{token}"' in client.get("/kb").text
    form = {"kind": "case_law", "title": "Rantsev v. Cyprus and Russia",
            "body": "States must investigate trafficking.", "countries": "Cyprus, RU",
            "crime_types": ["trafficking_in_persons", "sexual_exploitation"],
            "legal_issues": "Positive obligations", "tags": "ECHR, Article 4",
            "source": "https://hudoc.echr.coe.int/eng?i=001-96549"}
    refused = client.post("/kb", data=form, follow_redirects=False)
    assert refused.status_code == 403 and _entries(web) == 0
    added = client.post("/kb", data={**form, "csrf_token": token}, follow_redirects=False)
    assert added.status_code == 303
    location = added.headers["location"]
    assert re.fullmatch(r"/kb/\d+", location)
    page = client.get(location).text
    assert "Rantsev v. Cyprus and Russia" in page and "added by md_an" in page
    assert "CY, RU" in page and "positive-obligations" in page and "echr, article-4" in page
    assert 'href="https://hudoc.echr.coe.int/eng?i=001-96549"' in page
    auditor, its_token = _form_client(web, "ua_aud")
    no = auditor.post("/kb", data={**form, "title": "Another", "csrf_token": its_token})
    assert no.status_code == 403 and "Not allowed" in no.text and _entries(web) == 1


def test_a_bad_entry_shows_the_form_again_with_its_problems_and_what_was_typed(
    web: Web,
) -> None:
    client, token = _form_client(web, "md_an")
    bad = client.post("/kb", data={"csrf_token": token, "kind": "treaty", "title": "",
                                   "body": "Kept <as typed>", "countries": "UA, Atlantis",
                                   "crime_types": ["sexual_exploitation"]})
    assert bad.status_code == 400 and _entries(web) == 0
    problems = bad.text[bad.text.index('data-testid="add-problems"'):]
    assert "field &#39;title&#39;" in problems
    assert "item 2: &#39;Atlantis&#39; is not a country" in problems
    assert ">Kept &lt;as typed&gt;</textarea>" in bad.text
    assert 'value="UA, Atlantis"' in bad.text
    assert 'value="sexual_exploitation" checked' in bad.text
    assert '<option value="treaty" selected>' in bad.text
    entry = {"csrf_token": token, "kind": "treaty", "title": "Palermo Protocol",
             "body": "The definition."}
    assert client.post("/kb", data=entry, follow_redirects=False).status_code == 303
    clash = client.post("/kb", data={**entry, "body": "Another text."})
    assert clash.status_code == 400 and "exists already" in clash.text and _entries(web) == 1


class _Tables(HTMLParser):
    """The texts of the cells of each table's body rows, by the table's test id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("data-testid") or ""
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table is not None:
            self.tables[self._table].append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _figure(value: float | None, form: str = "{:.1f}") -> str:
    return "—" if value is None else form.format(value)


def _expected(row: dict[str, Any]) -> tuple[list[str], list[str]]:
    outcomes = [row["group"], *(f"{row[k]:,}" for k in (
        "victims_identified", "victims_assisted", "suspects_identified", "arrested", "charged",
        "convicted", "sentences")), _figure(row["sentence_months_median"]),
        row["assets_frozen"] or "—", row["assets_confiscated"] or "—"]
    asked = [row["group"], *(f"{row[k]:,}" for k in (
        "requests_sent", "requests_received", "requests_answered")),
        _figure(None if row["answered_in_time"] is None else row["answered_in_time"] * 100,
                "{:.0f}%"),
        _figure(row["response_days_median"]), _figure(row["response_days_p90"])]
    return outcomes, asked


def test_the_outcomes_page_shows_the_figures_the_api_gives(web: Web) -> None:
    submit(web.world, "UA-POL", [
        {"record_type": "case", "ref": "C1", "country": "UA", "opened": "2025-03-01",
         "sharing_scope": "members"},
        {"record_type": "person", "ref": "V1", "name": "Vira One", "roles": "victim",
         "case_ref": "C1", "sharing_scope": "members"},
        {"record_type": "outcome", "ref": "O1", "kind": "charge", "person_ref": "UA-P2",
         "date": "2025-05-02", "case_ref": "C1", "sharing_scope": "members"},
        {"record_type": "outcome", "ref": "O2", "kind": "conviction", "person_ref": "UA-P2",
         "date": "2026-01-10", "sentence_months": 60, "case_ref": "C1",
         "sharing_scope": "members"},
        {"record_type": "outcome", "ref": "O3", "kind": "assets_frozen", "amount": "1000.50",
         "currency": "EUR", "date": "2025-06-01", "sharing_scope": "owner"},
    ])
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="de_coord", agency_code="DE-FIU",
                          roles=["coordinator"])
        ua, de = admin.actor(s, "ua_sub"), admin.actor(s, "de_coord")
        code = requests.create(s, ua, kind="information", to_agency="DE-FIU",
                               purpose="Who holds account X1, for case 17",
                               deadline=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
                               ).code
        requests.move(s, ua, code, "sent")
        requests.move(s, de, code, "acknowledged")
        requests.move(s, de, code, "answered")
    for username in ("ua_sub", "io_an"):
        client = web.signed_in(username)
        for params in ({"by": "agency"}, {"by": "country"}, {"by": "period", "period": "year"},
                       {"by": "period", "period": "quarter"}, {"by": "corridor"}):
            api = client.get("/api/v1/outcomes", params=params)
            page = client.get("/outcomes", params=params)
            assert api.status_code == page.status_code == 200, params
            rows = api.json()
            tables = _tables(page.text)
            wanted = [_expected(r) for r in rows]
            assert tables["outcomes"] == ([o for o, _ in wanted] or [
                ["Nothing to count in what you may see."]]), (username, params)
            if params["by"] != "corridor":
                assert tables["requests-figures"] == [
                    a for (_, a), r in zip(wanted, rows, strict=True)
                    if r["requests_sent"] or r["requests_received"]], (username, params)
            drawn = [r for r in rows if any(r[name] for name, _, _ in SERIES)]
            assert page.text.count("data-value=") == len(SERIES) * len(drawn), params
    ukraine = {r["group"]: r for r in web.signed_in("ua_sub").get(
        "/api/v1/outcomes", params={"by": "agency"}).json()}
    assert ukraine["UA-POL"]["convicted"] == 1 and ukraine["DE-FIU"]["answered_in_time"] == 1
    shown = web.signed_in("ua_sub").get("/outcomes", params={"by": "agency"}).text
    assert "1,000.50 EUR" in shown and "100%" in shown
    with web.world.hub.session() as s:
        audited = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.username == "io_an", AuditEntry.action == "outcomes.read")).all()
    assert len(audited) == 10  # the API's reads and the page's, alike
