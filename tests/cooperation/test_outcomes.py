"""Outcome monitoring: people counted once per group, outcomes by kind, sentences and
assets, and requests' response times and deadlines, grouped each way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tessera.cooperation import outcomes
from tessera.cooperation.requests import RequestView
from tessera.standard.records import ANY_RECORD, Record

UTC = dt.UTC


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(agency, ANY_RECORD.validate_python(r, context={"country": "XX"})) for r in rows]


RECORDS = [
    *recorded("UA-POL",
              {"record_type": "case", "ref": "C1", "country": "UA", "opened": "2025-03-01"},
              {"record_type": "person", "ref": "V1", "name": "Vira One", "roles": "victim",
               "case_ref": "C1"},
              {"record_type": "person", "ref": "S1", "name": "Serhii Suspect",
               "roles": "recruiter", "case_ref": "C1"},
              {"record_type": "person", "ref": "W1", "name": "Wanda Witness",
               "roles": "witness", "case_ref": "C1"},
              {"record_type": "outcome", "ref": "O1", "kind": "arrest", "person_ref": "S1",
               "date": "2025-05-02", "case_ref": "C1"},
              {"record_type": "outcome", "ref": "O2", "kind": "conviction",
               "person_ref": "S1", "date": "2026-01-10", "sentence_months": 60,
               "case_ref": "C1"},
              {"record_type": "outcome", "ref": "O3", "kind": "assets_frozen",
               "amount": "1000.50", "currency": "EUR", "date": "2025-06-01"},
              {"record_type": "outcome", "ref": "O4", "kind": "assets_frozen",
               "amount": "200", "currency": "USD", "date": "2025-06-02"}),
    # the same victim recorded by an NGO in Moldova, resolved to one person below
    *recorded("MD-NGO",
              {"record_type": "person", "ref": "P7", "name": "Vira One", "roles": "victim"},
              {"record_type": "outcome", "ref": "A1", "kind": "victim_assisted",
               "person_ref": "P7", "date": "2025-04-01"}),
]
PEOPLE = {"UA-POL/V1": "E1", "MD-NGO/P7": "E1"}
COUNTRIES = {"UA-POL": "UA", "MD-NGO": "MD", "DE-FIU": "DE"}


def request(code: str, sent: dt.datetime | None, answered: dt.datetime | None,
            deadline: dt.date | None, status: str = "answered",
            route: tuple[str, str] = ("UA-POL", "DE-FIU")) -> RequestView:
    return RequestView(
        code=code, kind="information", requesting_agency=route[0], requested_agency=route[1],
        requesting_country=COUNTRIES[route[0]], requested_country=COUNTRIES[route[1]],
        legal_basis="", kb_entry=None, case=None, hit=None, purpose="a purpose stated",
        priority="normal", deadline=deadline, status=status, created_by="u",
        created_at=dt.datetime(2025, 1, 1, tzinfo=UTC), sent_at=sent, acknowledged_at=None,
        answered_at=answered, records=(), events=())


def at(day: int, month: int = 2) -> dt.datetime:
    return dt.datetime(2025, month, day, 9, tzinfo=UTC)


REQUESTS = [
    request("R1", at(1), at(11), dt.date(2025, 2, 15)),  # 10 days, in time
    request("R2", at(1), at(21), dt.date(2025, 2, 15)),  # 20 days, late
    request("R3", at(1), at(5), None, status="refused"),  # 4 days, no deadline
    request("R4", at(1), None, dt.date(2025, 3, 1), status="sent"),  # no reply yet
    request("R5", None, None, None, status="draft"),  # not a request yet
]


def test_by_country_people_once_outcomes_by_kind_and_requests_on_both_sides() -> None:
    found = outcomes.compute(RECORDS, REQUESTS, people=PEOPLE, countries=COUNTRIES)
    rows = {r["group"]: r for r in found.rows()}
    ua, md, de = rows["UA"], rows["MD"], rows["DE"]
    assert (ua["victims_identified"], ua["suspects_identified"], ua["arrested"],
            ua["convicted"]) == (1, 1, 1, 1)
    assert ua["sentence_months_median"] == 60 and ua["sentences"] == 1
    assert ua["assets_frozen"] == "1,000.50 EUR; 200.00 USD"
    assert (md["victims_identified"], md["victims_assisted"]) == (1, 1)
    assert ua["requests_sent"] == 4 and de["requests_received"] == 4
    assert de["requests_answered"] == 2  # answered; a refusal is a reply but no answer
    assert de["response_days_median"] == 10.0 and de["response_days_p90"] == 18.0
    assert de["answered_in_time"] == 0.5
    assert list(rows["UA"]) == list(outcomes.COLUMNS)


def test_a_person_resolved_across_agencies_is_one_person_in_a_group_of_both() -> None:
    found = outcomes.compute(RECORDS, people=PEOPLE, by="period")
    rows = {r["group"]: r for r in found.rows()}
    # V1 (case opened 2025) and P7 (no date: unknown) are one victim, E1, in each period
    assert rows["2025"]["victims_identified"] == 1
    assert rows["unknown"]["victims_identified"] == 1
    assert rows["2026"]["convicted"] == 1 and rows["2025"]["arrested"] == 1
    unresolved = outcomes.compute(RECORDS, by="agency")
    assert {r["group"]: r["victims_identified"] for r in unresolved.rows()} == {
        "MD-NGO": 1, "UA-POL": 1}


def test_by_corridor_counts_the_victims_on_each_and_nothing_else() -> None:
    found = outcomes.compute(RECORDS, REQUESTS, people=PEOPLE,
                             corridors={"E1": "UA→PL→DE"}, by="corridor")
    (row,) = found.rows()
    assert (row["group"], row["victims_identified"], row["victims_assisted"],
            row["requests_sent"]) == ("UA→PL→DE", 1, 1, 0)


def test_amounts_are_normalised_only_with_a_rate_for_every_currency() -> None:
    amounts = {"EUR": Decimal("1000.50"), "USD": Decimal("216")}
    assert outcomes.normalise(amounts, {"USD": Decimal("1.08")}, "EUR") == Decimal("1200.50")
    with pytest.raises(ValueError, match="no rate for USD into EUR"):
        outcomes.normalise(amounts, {}, "EUR")


def test_bad_groupings_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="group by one of"):
        outcomes.compute(RECORDS, by="planet")
    with pytest.raises(ValueError, match="needs each person's corridor"):
        outcomes.compute(RECORDS, by="corridor")
    with pytest.raises(ValueError, match="period is one of"):
        outcomes.compute(RECORDS, period="week")
