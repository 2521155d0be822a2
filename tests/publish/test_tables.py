"""Tables of victims: distinct people, multi-valued dimensions, resolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tessera.patterns.routes import Journey
from tessera.publish import tables
from tessera.standard.records import ANY_RECORD, Record


def rec(agency: str, **fields: Any) -> tuple[str, Record]:
    return agency, ANY_RECORD.validate_python(fields)


def victim(agency: str, n: int, types: list[str], gender: str = "female",
           role: str = "victim") -> list[tuple[str, Record]]:
    return [
        rec(agency, record_type="person", ref=f"P{n}", roles=[role], gender=gender),
        rec(agency, record_type="movement", ref=f"M{n}", person_ref=f"P{n}",
            from_country="UA", to_country="DE", departed="2023-04-02"),
        rec(agency, record_type="exploitation", ref=f"E{n}", person_ref=f"P{n}",
            country="DE", types=types, started="2023-05"),
    ]


RECORDS = [
    *victim("DE-POL", 1, ["forced_labour", "sexual_exploitation"]),
    *victim("UA-POL", 1, ["forced_labour"]),  # the same woman, reported by a second agency
    *victim("DE-POL", 2, ["forced_labour"], gender="male"),
    *victim("DE-POL", 3, ["forced_labour"], role="suspect"),  # not a victim
]
SAME = {"DE-POL/P1": "E1", "UA-POL/P1": "E1"}


def test_a_victim_in_two_exploitation_types_counts_once_in_each() -> None:
    table = tables.table(RECORDS, SAME, ["exploitation_type", "gender"])
    assert table.counts == {("forced_labour", "female"): 1,
                            ("sexual_exploitation", "female"): 1,
                            ("forced_labour", "male"): 1}
    assert table.victims == 2
    assert table.most_cells == 2


def test_resolved_people_count_once_and_unresolved_records_each() -> None:
    resolved = tables.table(RECORDS, SAME, ["year", "origin", "destination"])
    assert resolved.counts == {("2023", "UA", "DE"): 2}
    unresolved = tables.table(RECORDS, {}, ["year"])
    assert unresolved.counts == {("2023",): 3}


def test_people_not_recorded_as_victims_are_not_counted() -> None:
    table = tables.table(RECORDS, SAME, ["gender"])
    assert sum(table.counts.values()) == 2


def test_missing_values_count_as_unknown() -> None:
    table = tables.table(RECORDS, SAME, ["age_band", "industry"])
    assert table.counts == {("unknown", "unknown"): 2}


@pytest.mark.parametrize("by, message", [
    (["year", "colour"], "unknown dimension 'colour'"),
    (["year", "year"], "dimension 'year' given twice"),
    ([], "no dimensions"),
])
def test_bad_dimensions_are_refused_by_name(by: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tables.check_dimensions(by)


def _manual(victims: list[Journey], name: str) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for j in victims:
        for value in tables.DIMENSIONS[name](j):
            counts[value] = counts.get(value, 0) + 1
    return counts


@pytest.mark.parametrize("name", list(tables.DIMENSIONS))
def test_every_dimension_counts_each_victim_once_per_value(victims: list[Journey],
                                                           name: str) -> None:
    table = tables.count(victims, [name])
    assert {cell[0]: n for cell, n in table.counts.items()} == _manual(victims, name)
    total = sum(table.counts.values())
    if name in tables.MULTI_VALUED:
        assert total >= len(victims)
    else:
        assert total == len(victims)
