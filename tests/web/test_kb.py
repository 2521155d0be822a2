"""The knowledge base over the API: search with filters and snippets, an entry, adding one, and
the errors a caller can make."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tessera.hub.models import AuditEntry
from tests.web.conftest import Web

TREATY = {"kind": "treaty", "title": "Warsaw Convention on Action against Trafficking",
          "body": "A recovery and reflection period of at least 30 days for victims.",
          "countries": ["Poland"], "tags": ["Council of Europe"], "source": "CETS No. 197"}
PLAYBOOK = {"kind": "playbook", "title": "Reflection period in practice",
            "body": "How shelters explain the period to victims.", "crime_types": ["forced labour"]}


def _add(web: Web, data: dict[str, Any], username: str = "md_an") -> dict[str, Any]:
    answer = web.signed_in(username).post("/api/v1/kb", json=data)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_an_added_entry_is_normalised_and_read_back(web: Web) -> None:
    added = _add(web, TREATY)
    assert (added["countries"], added["tags"], added["created_by"]) == (
        ["PL"], ["council-of-europe"], "md_an")
    got = web.bearer().get(f"/api/v1/kb/{added['id']}")
    assert got.status_code == 200
    assert got.json() == added


def test_search_ranks_filters_and_marks_the_snippet(web: Web) -> None:
    treaty, playbook = _add(web, TREATY), _add(web, PLAYBOOK)
    client = web.signed_in("ua_aud")  # an auditor may read the knowledge base too
    found = client.get("/api/v1/kb", params={"q": "reflection period"}).json()
    assert [h["id"] for h in found] == [playbook["id"], treaty["id"]]  # title before body
    assert "«reflection» «period»" in found[1]["snippet"]
    assert found[0]["rank"] > found[1]["rank"] > 0
    only = client.get("/api/v1/kb", params={"q": "reflection", "country": "PL"}).json()
    assert [h["id"] for h in only] == [treaty["id"]]
    by_kind = client.get("/api/v1/kb", params={"kind": "playbook"}).json()
    assert [h["id"] for h in by_kind] == [playbook["id"]]
    by_crime = client.get("/api/v1/kb", params={"crime_type": "forced_labour"}).json()
    assert [h["id"] for h in by_crime] == [playbook["id"]]
    with web.world.hub.session() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.username == "ua_aud",
                                                   AuditEntry.action == "kb.read")).all()
    assert len(reads) == 4


def test_search_syntax_in_q_is_plain_text(web: Web) -> None:
    _add(web, TREATY)
    for q in ('NEAR(reflection', 'reflection*', '"reflection', "reflection:* & !period"):
        answer = web.bearer().get("/api/v1/kb", params={"q": q})
        assert answer.status_code == 200, (q, answer.text)


def test_a_search_with_no_words_is_a_400_that_says_so(web: Web) -> None:
    for q in ("", "?!", "-"):
        answer = web.bearer().get("/api/v1/kb", params={"q": q})
        assert answer.status_code == 400, q
        assert "word to look for" in answer.json()["detail"] or "empty" in answer.json()["detail"]


def test_bad_filters_and_entries_are_refused_with_reasons(web: Web) -> None:
    client = web.signed_in("md_an")
    answer = client.get("/api/v1/kb", params={"q": "x", "country": "Atlantis"})
    assert answer.status_code == 400
    assert "'Atlantis' is not a country" in answer.json()["detail"]
    assert client.get("/api/v1/kb", params={"kind": "novel"}).status_code == 422
    assert client.get("/api/v1/kb", params={"limit": 101}).status_code == 422
    bad = client.post("/api/v1/kb", json={**TREATY, "countries": ["Atlantis"]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "countries"]
    _add(web, TREATY)
    clash = client.post("/api/v1/kb", json={**TREATY, "body": "another text"})
    assert clash.status_code == 400
    assert "exists already" in clash.json()["detail"]


def test_an_absent_entry_is_404_and_only_analysts_add(web: Web) -> None:
    assert web.bearer().get("/api/v1/kb/12345").status_code == 404
    refused = web.signed_in("ua_aud").post("/api/v1/kb", json=TREATY)
    assert refused.status_code == 403
    assert web.bearer().get("/api/v1/kb", params={"kind": "treaty"}).json() == []
