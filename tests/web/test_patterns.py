"""The patterns API and page: each user's patterns come only from what that user may see,
every read is audited (a kept one too), and kept patterns are worked out again when the hub
changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tessera.hub.models import AuditEntry
from tests.web import test_browser
from tests.web.conftest import Web, submit

browser = test_browser.browser
server = test_browser.server
tab = test_browser.tab

ENDPOINTS = ("corridors", "profiles", "payments", "risk", "gaps")
MEMBERS = {"sharing_scope": "members"}


def trafficked(n: int) -> list[dict[str, Any]]:
    """Victim UA-Vn (consenting), recruited in UA, moved UA→PL→DE, held in DE."""
    p = f"UA-V{n}"
    return [{**r, **MEMBERS, "case_ref": "UA-C1"} for r in (
        {"record_type": "person", "ref": p, "name": f"Victim Number{n}", "roles": "victim",
         "consent": "given"},
        {"record_type": "recruitment", "ref": f"UA-R{n}", "person_ref": p, "country": "UA",
         "methods": "deceptive_job_offer"},
        {"record_type": "movement", "ref": f"UA-M{n}", "person_ref": p, "from_country": "UA",
         "to_country": "PL", "departed": f"2024-03-0{n}"},
        {"record_type": "movement", "ref": f"UA-N{n}", "person_ref": p, "from_country": "PL",
         "to_country": "DE", "departed": f"2024-03-1{n}"},
        {"record_type": "exploitation", "ref": f"UA-E{n}", "person_ref": p, "country": "DE",
         "types": "forced_labour", "control_methods": "withholds_documents"},
    )]


def deposits(agency: str, prefix: str, scope: str, days: range) -> list[dict[str, Any]]:
    """Deposits of 9,500 EUR into account 0 from accounts 1, 2…, one a day."""
    accounts = [{"record_type": "account", "ref": f"{prefix}A{n}", "account_number": f"{n}",
                 "country": agency[:2], "sharing_scope": scope} for n in range(len(days) + 1)]
    return accounts + [
        {"record_type": "transaction", "ref": f"{prefix}T{n}", "payer_account_ref": f"{prefix}A{n}",
         "beneficiary_account_ref": f"{prefix}A0", "amount": "9500", "currency": "EUR",
         "timestamp": f"2024-04-{day:02d}", "sharing_scope": scope}
        for n, day in enumerate(days, start=1)]


@pytest.fixture
def scheme(web: Web) -> Web:
    """UA-POL shares three victims' journeys and three deposits just under the threshold
    with every member; DE-FIU keeps four such deposits of its own to itself."""
    submit(web.world, "UA-POL", [{"record_type": "case", "ref": "UA-C1", "country": "UA",
                                  "status": "reported", **MEMBERS},
                                 *(r for n in range(1, 4) for r in trafficked(n)),
                                 *deposits("UA-POL", "UA-", "members", range(1, 4))])
    submit(web.world, "DE-FIU", deposits("DE-FIU", "DE-", "owner", range(10, 14)))
    return web


def get(client: TestClient, endpoint: str, **params: Any) -> Any:
    answer = client.get(f"/api/v1/patterns/{endpoint}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reads(web: Web, username: str) -> list[AuditEntry]:
    with web.world.hub.session() as s:
        found = list(s.scalars(select(AuditEntry).where(
            AuditEntry.username == username, AuditEntry.action == "patterns.read")
            .order_by(AuditEntry.id)))
        s.expunge_all()
    return found


def test_each_agency_finds_only_the_schemes_in_the_records_it_may_see(scheme: Web) -> None:
    germany, moldova = scheme.signed_in("de_an"), scheme.signed_in("md_an")
    german = get(germany, "payments")
    assert sorted((a["typology"], len(a["transactions"])) for a in german) == [
        ("structuring", 3), ("structuring", 4)]
    assert {t for a in german for t in a["transactions"]} >= {"DE-FIU/DE-T1", "UA-POL/UA-T1"}
    moldovan = get(moldova, "payments")
    assert [len(a["transactions"]) for a in moldovan] == [3]
    assert all(not t.startswith("DE-FIU/") for t in moldovan[0]["transactions"])
    assert moldovan[0]["accounts"]["UA:0"] == "receiver"
    only = get(germany, "payments", typology="fan_in")
    assert only == []


def test_corridors_profiles_risk_and_gaps_answer_from_the_shared_journeys(scheme: Web) -> None:
    analyst = scheme.signed_in("md_an")
    found = get(analyst, "corridors")
    assert [(c["route"], c["people"], c["rank"]) for c in found["corridors"]] == [
        ("UA→PL→DE", 3, 1)]
    assert found["periods"] == ["2024"] and found["findings"] == []
    counts = get(analyst, "profiles", by="destination", facet="recruitment_method")
    assert [(c["group"], c["value"], c["people"], c["share"]) for c in counts] == [
        ({"destination": "DE"}, "deceptive_job_offer", 3, 1.0)]
    risk = get(analyst, "risk", kind="person")
    assert {r["subject"] for r in risk} >= {f"person:UA-POL/UA-V{n}" for n in (1, 2, 3)}
    assert any("document" in reason.lower() for reason in risk[0]["reasons"])
    gaps = {(g["kind"], g["subject"]) for g in get(analyst, "gaps")}
    assert ("uninvestigated_victim", "UA-POL/UA-V1") in gaps


def test_bad_parameters_are_refused_with_422(scheme: Web) -> None:
    analyst = scheme.signed_in("md_an")
    for endpoint, params in (("corridors", {"period": "decade"}),
                             ("profiles", {"by": "shoe_size"}),
                             ("payments", {"typology": "smurfing"}),
                             ("risk", {"limit": 0})):
        answer = analyst.get(f"/api/v1/patterns/{endpoint}", params=params)
        assert answer.status_code == 422, (endpoint, answer.text)


def test_a_user_without_patterns_read_is_refused_everywhere_and_offered_no_link(
        scheme: Web) -> None:
    auditor = scheme.signed_in("ua_aud")
    for endpoint in ENDPOINTS:
        answer = auditor.get(f"/api/v1/patterns/{endpoint}")
        assert answer.status_code == 403, endpoint
        assert "9500" not in answer.text and "UA→PL→DE" not in answer.text
    page = auditor.get("/patterns")
    assert page.status_code == 403 and "UA→PL→DE" not in page.text
    assert 'href="/patterns"' not in auditor.get("/").text
    assert 'href="/patterns"' in scheme.signed_in("md_an").get("/").text
    refused = reads(scheme, "ua_aud")
    assert len(refused) == len(ENDPOINTS) + 1 and {e.outcome for e in refused} == {"refused"}


def test_every_read_is_audited_a_kept_one_too_and_a_change_is_seen(scheme: Web) -> None:
    analyst = scheme.signed_in("md_an")
    for endpoint in ENDPOINTS:
        get(analyst, endpoint)
    logged = reads(scheme, "md_an")
    assert len(logged) == len(ENDPOINTS) and {e.outcome for e in logged} == {"ok"}
    assert sum('"kept": true' in e.detail for e in logged) == len(ENDPOINTS) - 1
    assert '"asked": {"patterns": "payments"}' in logged[2].detail
    # UA-POL shares a fourth deposit: the kept patterns are worked out again
    submit(scheme.world, "UA-POL", [
        {"record_type": "account", "ref": "UA-A9", "account_number": "9", "country": "UA",
         **MEMBERS},
        {"record_type": "transaction", "ref": "UA-T9", "payer_account_ref": "UA-A9",
         "beneficiary_account_ref": "UA-A0", "amount": "9900", "currency": "EUR",
         "timestamp": "2024-04-05", **MEMBERS}])
    assert [len(a["transactions"]) for a in get(analyst, "payments")] == [4]


def test_the_page_pictures_the_corridors_and_lists_alerts_risk_and_gaps(scheme: Web) -> None:
    page = scheme.signed_in("de_an").get("/patterns")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="flows"' in html and 'data-route="UA→PL→DE"' in html
    # and on the map: Ukraine shaded as the origin, Germany as the destination
    assert 'data-testid="map"' in html and html.count('data-route="UA→PL→DE"') == 2
    assert 'data-country="UA"' in html and "Ukraine (origin)" in html
    assert "Germany (destination)" in html and "Poland (transit)" in html
    assert html.count(">structuring-") == 2 and "just under the 10,000" in html
    assert html.count('href="/patterns/alerts/structuring-') == 2
    assert "uninvestigated victim" in html


def test_an_alert_page_draws_its_payments_and_an_unknown_alert_is_not_found(
        scheme: Web) -> None:
    analyst = scheme.signed_in("de_an")
    page = analyst.get("/patterns/alerts/structuring-1")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="money"' in html and html.count("data-from=") >= 1
    assert "just under the 10,000" in html
    assert analyst.get("/patterns/alerts/structuring-99").status_code == 404
    assert analyst.get("/patterns/alerts/..%2Faudit").status_code in (404, 422)
    assert scheme.signed_in("ua_aud").get("/patterns/alerts/structuring-1").status_code == 403


def test_the_patterns_page_draws_the_flows_in_a_browser(
    scheme: Web, db_url: str, tab: Callable[[], test_browser.Tab],
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser tests run on SQLite: the web layer is their subject")
    analyst = tab()
    analyst.sign_in("de_an", then="/patterns")
    assert analyst.path() == "/patterns"
    analyst.screenshot("de_an-patterns")
    flows = analyst.page.get_by_test_id("flows")
    assert flows.is_visible()
    box = flows.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    assert flows.locator("path").count() == 1 and flows.locator("rect").count() == 3
    world = analyst.page.get_by_test_id("map")
    assert world.is_visible() and world.locator("path[data-route]").count() == 1
    assert world.locator("path[data-country]").count() > 10
    assert analyst.column("corridors", 2) == ["UA→PL→DE"]
    assert len(analyst.column("alerts", 1)) == 2
    analyst.page.get_by_role("link", name="structuring-1").click()
    analyst.page.wait_for_url("**/patterns/alerts/structuring-1")
    analyst.screenshot("de_an-alert")
    money = analyst.page.get_by_test_id("money")
    assert money.is_visible() and money.locator("g[data-account]").count() >= 2
    assert analyst.problems == []
