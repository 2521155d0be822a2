"""Journeys from standard records, corridors, emerging corridors and shifts, and the exact
tests behind them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest

from tessera.patterns import routes
from tessera.patterns.routes import Journey, Leg
from tessera.standard.records import ANY_RECORD, Record
from tessera.synth.scenario import generate
from tessera.synth.world import Settings

UA, PL, DE = "UA-POL", "PL-BOR", "DE-NGO"


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    """``rows`` as the standard records of ``agency``."""
    return [(agency, ANY_RECORD.validate_python(row, context={"country": "XX"}))
            for row in rows]


def person(ref: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "person", "ref": ref, "name": "Olena Kovalenko", **fields}


def moved(ref: str, who: str, origin: str, to: str, departed: str | None = None,
          **fields: Any) -> dict[str, Any]:
    return {"record_type": "movement", "ref": ref, "person_ref": who, "from_country": origin,
            "to_country": to, "departed": departed, **fields}


def recruited(ref: str, who: str, country: str, date: str | None = None,
              **fields: Any) -> dict[str, Any]:
    return {"record_type": "recruitment", "ref": ref, "person_ref": who, "country": country,
            "date": date, **fields}


def exploited(ref: str, who: str, country: str, started: str | None = None,
              **fields: Any) -> dict[str, Any]:
    return {"record_type": "exploitation", "ref": ref, "person_ref": who, "country": country,
            "started": started, "types": "forced_labour", **fields}


def trip(who: str, route: tuple[str, ...], day: dt.date) -> Journey:
    """A journey along ``route`` starting on ``day``, each link a leg."""
    legs = tuple(Leg(a, b, day, "bus", None, ("passport",), False, ("XX-BOR",),
                     (f"XX-BOR/{who}-{i}",))
                 for i, (a, b) in enumerate(itertools.pairwise(route)))
    return Journey(who, route, legs, day, route[0], route[-1], ("XX-BOR",),
                   tuple(r for leg in legs for r in leg.records))


# Journeys


def test_a_leg_two_agencies_report_days_apart_is_one_leg_citing_both() -> None:
    found = routes.journeys([
        *recorded(PL, moved("M1", "P1", "UA", "PL", "2023-03-01", mode="bus",
                            border_crossing="Shehyni–Medyka")),
        *recorded(UA, moved("M9", "P4", "Ukraine", "Poland", "03.03.2023",
                            documents_used="passport")),
    ], {f"{PL}/P1": "E1", f"{UA}/P4": "E1"})
    assert len(found) == 1
    (leg,) = found[0].legs
    assert (leg.origin, leg.destination, leg.departed) == ("UA", "PL", dt.date(2023, 3, 1))
    assert leg.agencies == (PL, UA)
    assert leg.records == (f"{PL}/M1", f"{UA}/M9")
    # what each report adds is kept: one gives the mode and crossing, the other the documents
    assert (leg.mode, leg.crossing, leg.documents) == ("bus", "Shehyni–Medyka", ("passport",))


def test_the_same_leg_weeks_apart_is_two_trips_not_one_leg() -> None:
    (journey,) = routes.journeys(recorded(
        PL, moved("M1", "P1", "UA", "PL", "2023-03-01"), moved("M2", "P1", "PL", "UA",
                                                               "2023-03-20"),
        moved("M3", "P1", "UA", "PL", "2023-04-15")))
    assert [leg.departed for leg in journey.legs] == [
        dt.date(2023, 3, 1), dt.date(2023, 3, 20), dt.date(2023, 4, 15)]
    assert journey.route == ("UA", "PL", "UA", "PL")


def test_legs_come_in_the_order_travelled_whatever_the_order_of_the_records() -> None:
    (journey,) = routes.journeys(recorded(
        DE, exploited("X1", "P1", "DE", "2023-04"),
        moved("M2", "P1", "PL", "DE", "2023-03-10"),
        recruited("R1", "P1", "UA", "2023-02"),
        moved("M1", "P1", "UA", "PL", "2023-03-01"),
    ))
    assert [(leg.origin, leg.destination) for leg in journey.legs] == [("UA", "PL"),
                                                                        ("PL", "DE")]
    assert journey.route == ("UA", "PL", "DE")
    assert (journey.recruited_in, journey.exploited_in) == ("UA", "DE")
    assert (journey.origin, journey.transits, journey.destination) == ("UA", ("PL",), "DE")
    assert journey.first == dt.date(2023, 2, 1)
    assert journey.records == tuple(sorted(f"{DE}/{r}" for r in ("X1", "M2", "R1", "M1")))


def test_an_undated_leg_goes_where_it_continues_the_route() -> None:
    (journey,) = routes.journeys(recorded(
        PL, moved("M1", "P1", "PL", "DE"), moved("M2", "P1", "UA", "PL", "2023-03-01"),
        moved("M3", "P1", "DE", "NL", "2023-03-20")))
    assert journey.route == ("UA", "PL", "DE", "NL")


def test_an_undated_report_of_a_dated_leg_joins_it() -> None:
    (journey,) = routes.journeys(recorded(
        PL, moved("M1", "P1", "UA", "PL"), moved("M2", "P1", "UA", "PL", "2023-03-01")))
    (leg,) = journey.legs
    assert leg.departed == dt.date(2023, 3, 1)
    assert leg.records == (f"{PL}/M1", f"{PL}/M2")


def test_a_month_only_departure_is_one_leg_with_a_day_in_that_month() -> None:
    (journey,) = routes.journeys(recorded(
        PL, moved("M1", "P1", "UA", "PL", "2023-03"), moved("M2", "P1", "UA", "PL",
                                                            "2023-03-17")))
    (leg,) = journey.legs
    assert leg.departed == dt.date(2023, 3, 17)  # the more precise date is kept


def test_person_refs_resolve_within_their_agency_and_then_through_people() -> None:
    records = [*recorded(PL, moved("M1", "P1", "UA", "PL", "2023-03-01")),
               *recorded(DE, moved("M1", "P1", "PL", "DE", "2023-03-04"))]
    apart = routes.journeys(records)
    assert [j.person for j in apart] == [f"{DE}/P1", f"{PL}/P1"]
    (together,) = routes.journeys(records, {f"{PL}/P1": "E7", f"{DE}/P1": "E7"})
    assert together.person == "E7"
    assert together.route == ("UA", "PL", "DE")
    assert together.agencies == (DE, PL)


def test_the_person_is_described_from_their_person_records() -> None:
    (journey,) = routes.journeys([
        *recorded(PL, person("P1", gender="female", nationalities="UA",
                             roles="travelling_partner", birth_date="2001-06-01"),
                  moved("M1", "P1", "UA", "PL", "2023-03-01")),
        *recorded(DE, person("P8", gender="unknown", nationalities="UA;RU", roles="victim")),
    ], {f"{PL}/P1": "E1", f"{DE}/P8": "E1"})
    assert journey.gender == "female"
    assert journey.age_band == "18-24"  # 21 on the day of departure
    assert journey.nationalities == ("UA", "RU")  # most often recorded first
    assert journey.roles == ("travelling_partner", "victim")


def test_documents_used_include_the_kinds_of_the_documents_referenced() -> None:
    (journey,) = routes.journeys(recorded(
        PL,
        {"record_type": "identity_document", "ref": "D1", "owner_ref": "P1", "kind": "visa",
         "number": "VX123456", "suspected_forged": True},
        moved("M1", "P1", "UA", "PL", "2023-03-01", document_refs="D1",
              documents_used="passport"),
    ))
    (leg,) = journey.legs
    assert leg.documents == ("passport", "visa")
    assert leg.forged


def test_age_band_prefers_the_recorded_age_and_reads_open_bands() -> None:
    from tessera.standard.values import AgeRange, PartialDate

    age = AgeRange.model_validate("16-17")
    assert routes.age_band(age, None, None) == "0-17"
    assert routes.age_band(AgeRange.model_validate("60+"), None, None) == "50+"
    born = PartialDate.model_validate("1990-05-10")
    assert routes.age_band(None, born, dt.date(2025, 5, 9)) == "25-34"
    assert routes.age_band(None, born, dt.date(2025, 5, 10)) == "35-49"
    assert routes.age_band(None, born, None) is None


# Corridors


def test_corridors_count_people_by_period_mode_crossing_and_documents() -> None:
    records = []
    for n in range(3):
        records += recorded(PL, recruited(f"R{n}", f"P{n}", "UA", f"202{2 + n % 2}-05"),
                            moved(f"M{n}", f"P{n}", "UA", "PL", f"202{2 + n % 2}-06-01",
                                  mode="bus", border_crossing="Shehyni–Medyka",
                                  documents_used="passport"),
                            moved(f"N{n}", f"P{n}", "PL", "DE", f"202{2 + n % 2}-06-03",
                                  mode="bus"),
                            exploited(f"X{n}", f"P{n}", "DE"))
    records += recorded(DE, recruited("R1", "Q1", "UA"), moved("M1", "Q1", "UA", "DE",
                                                               "2023-01-01", mode="air"),
                        exploited("X1", "Q1", "DE"))
    found = routes.corridors(routes.journeys(records))
    first, second = found.ranking("UA")
    assert (first.route, first.rank, first.people) == (("UA", "PL", "DE"), 1, 3)
    assert first.by_period == {"2022": 2, "2023": 1}
    assert first.by_mode == {"bus": 3}  # a person counts once per mode, not once per leg
    assert first.by_crossing == {"Shehyni–Medyka": 3}
    assert first.by_documents == {"passport": 3}
    assert (second.route, second.rank, second.people) == (("UA", "DE"), 2, 1)
    (pair,) = found.pairs
    assert (pair.origin, pair.destination, pair.people) == ("UA", "DE", 4)
    assert pair.by_path == {"via PL": 3, "direct": 1}
    assert pair.by_period == {"2022": {"via PL": 2}, "2023": {"direct": 1, "via PL": 1}}
    assert found.periods == ("2022", "2023")
    assert [r["route"] for r in found.rows()] == ["UA→PL→DE", "UA→DE"]
    assert found.pair_rows()[0] == {"origin": "UA", "destination": "DE", "path": "via PL",
                                    "people": 3, "pair_people": 4, "unknown_path": 0,
                                    "share": 0.75}
    assert {"route": "UA→PL→DE", "by": "mode", "value": "bus", "people": 3} in (
        found.breakdown_rows())


def test_journeys_without_legs_count_in_their_pair_only_and_incomplete_ones_nowhere() -> None:
    found = routes.corridors(routes.journeys(recorded(
        DE,
        recruited("R1", "P1", "UA", "2023-01"), exploited("X1", "P1", "DE"),  # no leg
        moved("M2", "P2", "UA", "PL", "2023-02-01"),  # no country of exploitation
        exploited("X3", "P3", "DE"),  # no origin
        recruited("R4", "P4", "UA"), moved("M4", "P4", "UA", "DE", "2023-03-01"),
        exploited("X4", "P4", "DE"),
    )))
    assert [c.route for c in found.corridors] == [("UA", "DE")]
    (pair,) = found.pairs
    assert (pair.people, pair.unknown_path, pair.by_path) == (2, 1, {"direct": 1})
    assert (found.journeys, found.unknown_path, found.incomplete) == (1, 1, 2)


def test_a_journey_says_how_much_of_its_corridor_is_known() -> None:
    known = routes.journeys(recorded(
        DE, recruited("R1", "P1", "UA"), exploited("X1", "P1", "DE"),
        moved("M2", "P2", "UA", "PL", "2023-02-01"), exploited("X3", "P3", "DE")))
    assert [j.corridor for j in known] == ["UA→?→DE", "UA→PL→?", "?→DE"]


def test_periods_run_without_gaps_from_first_to_last() -> None:
    found = routes.corridors([trip("A", ("UA", "DE"), dt.date(2022, 11, 5)),
                              trip("B", ("UA", "DE"), dt.date(2023, 2, 5))], period="month")
    assert found.periods == ("2022-11", "2022-12", "2023-01", "2023-02")
    quarters = routes.corridors([trip("A", ("UA", "DE"), dt.date(2022, 11, 5))], "quarter")
    assert quarters.periods == ("2022-Q4",)


def test_an_unknown_period_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown period 'week': one of year, quarter, month"):
        routes.corridors([], period="week")
    with pytest.raises(ValueError, match="unknown period"):
        routes.period_of(dt.date(2023, 1, 1), "decade")


def test_an_unknown_corridor_is_a_key_error_naming_it() -> None:
    found = routes.corridors([trip("A", ("UA", "DE"), dt.date(2022, 11, 5))])
    with pytest.raises(KeyError, match="UA→PL→DE"):
        found.corridor(("UA", "PL", "DE"))


# Emerging corridors


def _history(route: tuple[str, ...], counts: list[int], first_year: int = 2019
             ) -> list[Journey]:
    return [trip(f"{'-'.join(route)}/{year}/{n}", route, dt.date(first_year + year, 6, 1))
            for year, count in enumerate(counts) for n in range(count)]


def test_a_corridor_rising_far_above_its_history_is_emerging_and_says_why() -> None:
    found = routes.corridors([
        *_history(("UA", "HU", "AT"), [2, 3, 2, 3, 25]),
        *_history(("UA", "PL", "DE"), [20, 24, 19, 22, 23]),
    ])
    (rising,) = routes.emerging(found)
    assert rising.route == ("UA", "HU", "AT")
    assert (rising.period, rising.people, rising.history) == ("2023", 25, (2, 3, 2, 3))
    assert rising.expected == 2.5
    assert rising.p_value < 1e-6 and rising.q_value < 0.05
    assert rising.reason.startswith("UA→HU→AT: 25 people in 2023 against 2.5 a year")
    assert rising.row()["history"] == "2;3;2;3"


def test_an_earlier_period_can_be_tested() -> None:
    found = routes.corridors(_history(("UA", "HU", "AT"), [2, 3, 30, 3, 2]))
    assert [e.period for e in routes.emerging(found, "2021")] == ["2021"]
    assert routes.emerging(found) == []


def test_noise_at_a_steady_rate_raises_no_emerging_corridor() -> None:
    rng = np.random.default_rng(7)
    journeys = []
    for n in range(40):
        route = ("UA", f"T{n % 10}", f"D{n}")  # country codes need not be real here
        journeys += _history(route, [int(k) for k in rng.poisson(rng.uniform(2, 15), 6)])
    found = routes.corridors(journeys)
    assert len(found.corridors) == 40
    assert routes.emerging(found) == []
    for period in found.periods[1:]:
        assert routes.emerging(found, period) == []


def test_a_new_corridor_with_too_few_people_is_not_emerging() -> None:
    found = routes.corridors([*_history(("UA", "PL", "DE"), [5, 5, 5, 5]),
                              *_history(("UA", "SK", "AT"), [0, 0, 0, 2])])
    assert routes.emerging(found, min_people=3) == []


def test_emerging_refuses_a_period_without_history_or_not_in_the_data() -> None:
    found = routes.corridors(_history(("UA", "PL", "DE"), [5, 5]))
    with pytest.raises(ValueError, match="'2019' is the first year"):
        routes.emerging(found, "2019")
    with pytest.raises(ValueError, match=r"'2030' is not one of the corridors' years"):
        routes.emerging(found, "2030")
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        routes.emerging(found, alpha=5)
    assert routes.emerging(routes.corridors([])) == []


# Shifts


def _pair_year(year: int, paths: dict[tuple[str, ...], int]) -> list[Journey]:
    return [trip(f"{year}/{'-'.join(route)}/{n}", route, dt.date(year, 3, 1))
            for route, count in paths.items() for n in range(count)]


def test_a_path_replacing_another_is_a_shift_told_in_words() -> None:
    found = routes.corridors([
        *_pair_year(2022, {("UA", "PL", "DE"): 28, ("UA", "HU", "DE"): 4,
                           ("UA", "DE"): 8}),
        *_pair_year(2023, {("UA", "PL", "DE"): 8, ("UA", "HU", "DE"): 28,
                           ("UA", "DE"): 4}),
    ])
    (shift,) = routes.shifts(found)
    assert (shift.origin, shift.destination, shift.before, shift.after) == (
        "UA", "DE", "2022", "2023")
    assert (shift.falling, shift.rising) == ("via PL", "via HU")
    assert shift.people == (40, 40)
    assert shift.falling_share == (0.7, 0.2)
    assert shift.rising_share == (0.1, 0.7)
    assert shift.p_value < 1e-4
    assert shift.reason.startswith(
        "UA→DE via HU replaced via PL: via PL fell from 70 % of 40 people in 2022 to 20 % of "
        "40 in 2023, via HU rose from 10 % to 70 %")


def test_steady_shares_are_no_shift() -> None:
    found = routes.corridors([
        *_pair_year(2022, {("UA", "PL", "DE"): 28, ("UA", "HU", "DE"): 12}),
        *_pair_year(2023, {("UA", "PL", "DE"): 26, ("UA", "HU", "DE"): 13}),
    ])
    assert routes.shifts(found) == []


def test_shifts_need_enough_people_in_both_periods() -> None:
    found = routes.corridors([
        *_pair_year(2022, {("UA", "PL", "DE"): 5}),
        *_pair_year(2023, {("UA", "HU", "DE"): 5}),
    ])
    assert routes.shifts(found, min_people=10) == []
    assert [s.rising for s in routes.shifts(found, min_people=5)] == ["via HU"]


def test_shifts_refuse_periods_out_of_order() -> None:
    found = routes.corridors(_pair_year(2022, {("UA", "DE"): 3}) +
                             _pair_year(2023, {("UA", "DE"): 3}))
    with pytest.raises(ValueError, match=r"before \(2023\) must come earlier than after"):
        routes.shifts(found, "2023", "2022")


def test_findings_need_two_periods_and_then_hold_both_emerging_and_shifts() -> None:
    one_year = routes.corridors(_history(("UA", "PL", "DE"), [5]))
    assert routes.findings(one_year) == routes.Findings((), (), history=False)
    found = routes.corridors([
        *_history(("UA", "HU", "AT"), [2, 3, 2, 3, 25]),
        *_history(("UA", "PL", "DE"), [20, 24, 19, 22, 23]),
    ])
    told = routes.findings(found)
    assert told.history
    assert told.emerging == tuple(routes.emerging(found))
    assert [e.route for e in told.emerging] == [("UA", "HU", "AT")]
    assert told.shifts == tuple(routes.shifts(found))


# A generated scenario


def test_a_scenario_with_true_identities_gives_the_true_routes_in_order() -> None:
    scenario = generate(Settings(seed=3, scale=3000))
    records, people = scenario.standard(), scenario.true_people()
    truth = {j.victim: (*(leg.origin for leg in j.legs), j.country)
             for j in scenario.world.journeys}
    found = routes.journeys(records, people)
    assert found
    for journey in found:
        true_route = truth[journey.person]
        # every country the records give is on the true route, in its order
        places = iter(true_route)
        assert all(country in places for country in journey.route), (journey, true_route)
    ranked = routes.corridors(found)
    victims = {r: sum(t == r for t in truth.values()) for r in set(truth.values())}
    for route, count in victims.items():
        if count >= 10:  # a corridor of a handful of victims may be seen by no agency
            assert ranked.corridor(route).rank <= 5, route
