"""Recruitment and exploitation profiles: people counted once per value, shares of those for
whom a facet is recorded, groupings, and their rows."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.patterns import profiles, routes
from tessera.standard.records import ANY_RECORD, Record
from tessera.synth.scenario import generate
from tessera.synth.world import Settings

UA, DE = "UA-NGO", "DE-POL"


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(agency, ANY_RECORD.validate_python(row, context={"country": "XX"}))
            for row in rows]


def victim(ref: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "person", "ref": ref, "name": "Olena Kovalenko", "roles": "victim",
            **fields}


def recruited(ref: str, who: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "recruitment", "ref": ref, "person_ref": who, "country": "UA",
            "date": "2023-02", **fields}


def exploited(ref: str, who: str, **fields: Any) -> dict[str, Any]:
    return {"record_type": "exploitation", "ref": ref, "person_ref": who, "country": "DE",
            "types": "forced_labour", **fields}


def moved(ref: str, who: str) -> dict[str, Any]:
    return {"record_type": "movement", "ref": ref, "person_ref": who, "from_country": "UA",
            "to_country": "DE", "departed": "2023-03-01"}


def _journeys() -> list[routes.Journey]:
    """Three women and a man from UA to DE; the first two agencies' records are one person."""
    records = [
        *recorded(UA, victim("V1", gender="female", nationalities="UA", age="19"),
                  recruited("R1", "V1", methods="deceptive_job_offer", channels="facebook",
                            promised_job="Hotel  work", promised_industry="hospitality"),
                  moved("M1", "V1")),
        *recorded(DE, victim("V9", gender="female"),
                  recruited("R9", "V9", methods="deceptive_job_offer;romance",
                            channels="Facebook;telegram", promised_job="hotel work"),
                  exploited("X9", "V9", industry="hospitality",
                            control_methods="debt_bondage;withholds_documents")),
        *recorded(DE, victim("V2", gender="female", nationalities="UA", age="30"),
                  recruited("R2", "V2", methods="deceptive_job_offer", channels="telegram"),
                  moved("M2", "V2"), exploited("X2", "V2", industry="agriculture",
                                               control_methods="debt_bondage")),
        *recorded(DE, victim("V3", gender="female", nationalities="UA", age="40"),
                  moved("M3", "V3"), exploited("X3", "V3", industry="agriculture")),
        *recorded(DE, victim("V4", gender="male", nationalities="MD", age="22"),
                  recruited("R4", "V4", methods="debt"), moved("M4", "V4"),
                  exploited("X4", "V4", types="forced_labour;forced_criminality",
                            industry="construction")),
    ]
    return routes.journeys(records, {f"{UA}/V1": "E1", f"{DE}/V9": "E1"})


def test_a_person_counts_once_per_value_whatever_the_records_and_shares_are_of_the_known(
) -> None:
    found = profiles.profiles(_journeys(), by=(), facets=["recruitment_method",
                                                          "recruitment_channel"])
    rows = found.rows()
    method = {r["value"]: r for r in rows if r["facet"] == "recruitment_method"}
    # E1 is told of by two agencies, both saying deceptive job offer: one person
    assert method["deceptive_job_offer"]["people"] == 2
    assert method["deceptive_job_offer"]["known"] == 3  # V3 has no recruitment record
    assert method["deceptive_job_offer"]["group_people"] == 4
    assert method["deceptive_job_offer"]["share"] == pytest.approx(2 / 3, abs=1e-4)
    assert (method["romance"]["people"], method["debt"]["people"]) == (1, 1)
    channels = [(r["value"], r["people"]) for r in rows if r["facet"] == "recruitment_channel"]
    assert channels == [("telegram", 2), ("facebook", 1)]  # most people first


def test_promised_jobs_are_compared_as_written_but_case_and_spacing_folded() -> None:
    found = profiles.profiles(_journeys(), by=(), facets=["promised_job"])
    assert [(c.value, c.people) for c in found.counts] == [("hotel work", 1)]


def test_people_are_grouped_by_corridor_and_victim_profile() -> None:
    found = profiles.profiles(_journeys(), by=("corridor", "gender", "age_band"),
                              facets=["industry"])
    got = {(c.group, c.value): (c.people, c.known, c.group_people) for c in found.counts}
    assert got == {
        (("UA→DE", "female", "18-24"), "hospitality"): (1, 1, 1),
        (("UA→DE", "female", "25-34"), "agriculture"): (1, 1, 1),
        (("UA→DE", "female", "35-49"), "agriculture"): (1, 1, 1),
        (("UA→DE", "male", "18-24"), "construction"): (1, 1, 1),
    }


def test_grouping_by_nationality_period_and_pair() -> None:
    found = profiles.profiles(_journeys(), by=("pair", "nationality", "period"),
                              period="quarter", facets=["exploitation_type"])
    groups = {c.group: c.group_people for c in found.counts}
    assert groups == {("UA→DE", "MD", "2023-Q1"): 1, ("UA→DE", "UA", "2023-Q1"): 3}
    assert [c.value for c in found.top("exploitation_type", ("UA→DE", "MD", "2023-Q1"))] == [
        "forced_criminality", "forced_labour"]


def test_rows_have_stable_columns_in_order() -> None:
    found = profiles.profiles(_journeys(), by=("destination", "gender"))
    assert found.columns() == ["destination", "gender", "facet", "value", "people", "known",
                               "group_people", "share"]
    assert all(list(row) == found.columns() for row in found.rows())
    assert found.facets == tuple(profiles.FACETS)


def test_text_reports_each_group_with_its_leading_values() -> None:
    text = profiles.profiles(_journeys(), by=("gender",), facets=["control_method"]).text()
    assert text.splitlines() == [
        "gender female (3 people)",
        "  control_method (known for 2): debt_bondage 2 (100 %); withholds_documents 1 (50 %)",
    ]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"by": ("corridor", "shoe_size")}, "cannot group by 'shoe_size'"),
    ({"by": ("gender", "gender")}, "names a grouping twice"),
    ({"facets": ["tactics"]}, "unknown facet 'tactics'"),
    ({"period": "week"}, "unknown period 'week'"),
])
def test_bad_arguments_are_refused_by_name(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        profiles.profiles(_journeys(), **arguments)


def test_a_scenario_profile_matches_the_true_recruitment_and_exploitation() -> None:
    scenario = generate(Settings(seed=5, scale=2000))
    records, people = scenario.standard(), scenario.true_people()
    truth = {j.victim: j for j in scenario.world.journeys}
    journeys = routes.journeys(records, people)
    found = profiles.profiles(journeys, by=("destination",),
                              facets=["recruitment_method", "industry"])
    expected: dict[tuple[str, str, str], int] = {}
    for journey in journeys:
        true = truth[journey.person]
        if journey.destination is None:
            continue
        if journey.recruitment_methods:
            assert journey.recruitment_methods == (true.method,)
            key = (journey.destination, "recruitment_method", true.method)
            expected[key] = expected.get(key, 0) + 1
        if journey.industries:
            assert journey.industries == (true.industry,)
            key = (journey.destination, "industry", true.industry)
            expected[key] = expected.get(key, 0) + 1
    assert expected
    assert {(c.group[0], c.facet, c.value): c.people for c in found.counts
            if c.group[0] != "unknown"} == expected
