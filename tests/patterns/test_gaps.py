"""Systemic gaps: silent countries, victims in no investigated case, corridors no money
report follows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tessera.patterns import gaps, routes
from tessera.standard.records import ANY_RECORD, Record

AGENCY = "UA-POL"


def recorded(*rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(AGENCY, ANY_RECORD.validate_python(r, context={"country": "UA"})) for r in rows]


def trafficked(n: int, case: str = "C1") -> list[dict[str, Any]]:
    """Victim Vn recruited by Rn in UA, moved UA→PL→DE, exploited in DE by Xn."""
    p = f"V{n}"
    return [
        {"record_type": "person", "ref": p, "name": f"Victim {n}", "roles": "victim",
         "case_ref": case},
        {"record_type": "person", "ref": f"R{n}", "name": f"Recruiter {n}",
         "roles": "recruiter", "case_ref": case},
        {"record_type": "person", "ref": f"X{n}", "name": f"Exploiter {n}",
         "roles": "exploiter", "case_ref": case},
        {"record_type": "recruitment", "ref": f"RC{n}", "person_ref": p,
         "recruiter_ref": f"R{n}", "country": "UA", "case_ref": case},
        {"record_type": "movement", "ref": f"M{n}", "person_ref": p, "from_country": "UA",
         "to_country": "PL", "departed": "2024-03-01", "case_ref": case},
        {"record_type": "movement", "ref": f"N{n}", "person_ref": p, "from_country": "PL",
         "to_country": "DE", "departed": "2024-03-05", "case_ref": case},
        {"record_type": "exploitation", "ref": f"E{n}", "person_ref": p, "country": "DE",
         "exploiter_ref": f"X{n}", "types": "forced_labour", "case_ref": case},
    ]


def case(status: str) -> dict[str, Any]:
    return {"record_type": "case", "ref": "C1", "country": "UA", "status": status}


def test_a_corridor_is_without_money_until_a_transaction_names_an_account_of_its_people(
) -> None:
    people = [row for n in range(3) for row in trafficked(n)]
    records = recorded(case("reported"), *people)
    journeys = routes.journeys(records)
    (gap,) = gaps.corridors_without_money(journeys, records)
    assert gap.subject == "UA→PL→DE" and gap.figures == {"people": 3, "people_around_them": 6}
    money = recorded(
        {"record_type": "account", "ref": "A1", "owner_ref": "X1", "account_number": "77",
         "country": "DE"},
        {"record_type": "account", "ref": "A2", "account_number": "88", "country": "DE"},
        {"record_type": "transaction", "ref": "T1", "payer_account_ref": "A2",
         "beneficiary_account_ref": "A1", "amount": "500", "currency": "EUR",
         "timestamp": "2024-04-01"})
    assert gaps.corridors_without_money(journeys, records + money) == []
    # fewer people than asked for: not judged
    assert gaps.corridors_without_money(journeys, records, min_people=4) == []


def test_victims_are_uninvestigated_until_their_case_is_investigated() -> None:
    people = [row for n in range(2) for row in trafficked(n)]
    found = gaps.uninvestigated_victims(recorded(case("reported"), *people))
    assert [g.subject for g in found] == ["UA-POL/V0", "UA-POL/V1"]
    assert "none investigated" in found[0].reason
    assert gaps.uninvestigated_victims(recorded(case("under_investigation"), *people)) == []
    # one entity: investigated through any of its records
    merged = gaps.uninvestigated_victims(
        recorded(case("reported"), *people), {"UA-POL/V0": "E1", "UA-POL/V1": "E1"})
    assert [g.subject for g in merged] == ["E1"] and merged[0].figures["records"] == 2


def test_a_country_on_many_routes_is_silent_when_its_agencies_recorded_few_of_them() -> None:
    records = recorded(*[row for n in range(10) for row in trafficked(n)])
    journeys = routes.journeys(records)
    silent = gaps.silent_countries(journeys, {AGENCY: "UA", "DE-POL": "DE"})
    assert [(g.subject, g.figures["people"]) for g in silent] == [("DE", 10), ("PL", 10)]
    assert "recorded 0 of them" in silent[0].reason
    assert gaps.silent_countries(journeys, {AGENCY: "UA"}, min_people=11) == []


@dataclass(frozen=True)
class SeenHit:
    id: int
    ref: str
    other_agency: str
    other_ref: str
    found_at: dt.datetime


@dataclass(frozen=True)
class Asked:
    code: str
    kind: str
    requesting_agency: str
    requested_agency: str
    deadline: dt.date | None
    status: str
    hit: int | None = None

    def overdue(self, today: dt.date) -> bool:
        return (self.deadline is not None and self.deadline < today
                and self.status in ("sent", "acknowledged", "in_progress"))


TODAY = dt.date(2026, 12, 1)


def test_a_hit_is_unfollowed_until_a_follow_up_cites_it_or_while_it_is_fresh() -> None:
    old = SeenHit(7, "P1", "DE-FIU", "X5", dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    fresh = SeenHit(8, "P2", "MD-NGO", "P9", dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    (gap,) = gaps.unfollowed_hits([old, fresh], [], TODAY)
    assert (gap.subject, gap.figures["days"]) == ("hit 7", 61)
    assert "DE-FIU's X5" in gap.reason
    cited = Asked("REQ-UA-POL-2026-0001", "hit_follow_up", "UA-POL", "DE-FIU", None, "sent",
                  hit=7)
    assert gaps.unfollowed_hits([old, fresh], [cited], TODAY) == []
    other = Asked("REQ-UA-POL-2026-0002", "information", "UA-POL", "DE-FIU", None, "sent")
    assert len(gaps.unfollowed_hits([old], [other], TODAY)) == 1  # only a follow-up counts


def test_requests_past_their_deadline_still_awaited_are_overdue_most_late_first() -> None:
    asked = [
        Asked("R1", "extradition", "UA-POL", "DE-POL", dt.date(2026, 11, 20), "acknowledged"),
        Asked("R2", "information", "DE-FIU", "UA-POL", dt.date(2026, 10, 1), "sent"),
        Asked("R3", "information", "UA-POL", "DE-FIU", dt.date(2026, 10, 1), "answered"),
        Asked("R4", "information", "UA-POL", "DE-FIU", dt.date(2026, 12, 5), "sent"),
    ]
    found = gaps.overdue_requests(asked, TODAY)
    assert [(g.subject, g.figures["days_late"]) for g in found] == [("R2", 61), ("R1", 11)]
    assert "still acknowledged" in found[1].reason
