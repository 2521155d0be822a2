"""Person linkage on a generated scenario: the features, the model, and how it scores."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.linkage.evaluate import pairwise
from tessera.linkage.features import person_rows
from tessera.linkage.model import MISSING, Match, link
from tessera.standard.records import ANY_RECORD, Record
from tessera.synth.scenario import generate
from tessera.synth.world import Settings


def record(data: dict[str, Any], country: str = "UA") -> Record:
    return ANY_RECORD.validate_python(data, context={"country": country})


def test_identifiers_of_owned_records_are_gathered_on_the_person() -> None:
    rows = person_rows([
        ("UA-POL", record({"record_type": "person", "ref": "P1", "name": "Олег Петренко",
                           "birth_date": "1984"})),
        ("UA-POL", record({"record_type": "phone", "ref": "T1", "owner_ref": "P1",
                           "number": "050 123 4567"})),
        ("UA-POL", record({"record_type": "identity_document", "ref": "D1", "owner_ref": "P1",
                           "kind": "passport", "number": "FE123456", "issuing_country": "UA"})),
        ("DE-POL", record({"record_type": "person", "ref": "P1", "name": "Oleh Petrenko"})),
    ])
    ua, de = sorted(rows, key=lambda r: r["unique_id"], reverse=True)
    assert ua["unique_id"] == "UA-POL/P1" and ua["phones"] == ["+380501234567"]
    assert ua["documents"] == ["UA:FE123456"]
    assert (ua["birth_year"], ua["birth_month"]) == (1984, None)
    assert ua["name_keys"] == de["name_keys"] == ["olg", "ptrnk"]
    assert de["phones"] is None  # nothing recorded is missing, not a disagreement


def test_pairwise_scores_count_pairs_within_clusters() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    found = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = pairwise(found, truth)
    assert (scores.true_pairs, scores.found_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == 0.5 and scores.recall == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def scenario_rows() -> tuple[list[dict[str, Any]], dict[str, str]]:
    generated = generate(Settings(seed=3, scale=6000))
    records: list[tuple[str, Record]] = []
    truth: dict[str, str] = {}
    for agency in generated.agencies:
        records += [(agency.code, record(r, agency.country)) for r in agency.rows]
        truth.update({f"{agency.code}/{ref}": true_id
                      for ref, kind, true_id in agency.truth if kind == "person"})
    return person_rows(records), truth


def test_linkage_is_precise_and_beats_names_compared_as_written(
    scenario_rows: tuple[list[dict[str, Any]], dict[str, str]],
) -> None:
    rows, truth = scenario_rows
    ours = pairwise(link(rows).clusters, truth)
    plain = pairwise(link(rows, plain_names=True).clusters, truth)
    assert ours.precision >= 0.95
    assert ours.recall > plain.recall + 0.05
    assert ours.f1 > plain.f1


def test_records_in_different_scripts_of_one_person_are_linked(
    scenario_rows: tuple[list[dict[str, Any]], dict[str, str]],
) -> None:
    rows, truth = scenario_rows
    clusters = link(rows).clusters
    by_id = {r["unique_id"]: r for r in rows}
    crossed = [
        (a, b) for a in truth for b in truth
        if a < b and truth[a] == truth[b] and clusters.get(a, a) == clusters.get(b, b)
        and by_id[a]["name_raw"].isascii() != by_id[b]["name_raw"].isascii()
    ]
    assert crossed, "some person is linked across a native script and its romanisation"


def test_an_explanation_puts_the_strongest_reasons_first_and_names_what_is_missing() -> None:
    match = Match("A/1", "B/7", 0.98, 7.2, (
        ("name", "two parts sound alike", 6.1), ("gender", "different", -2.5),
        ("date of birth", "the same year", 3.0), ("phone", MISSING, 0.0),
        ("e-mail", MISSING, 0.0),
    ))
    assert match.explanation() == (
        "name: two parts sound alike (+6.1); date of birth: the same year (+3.0); "
        "gender: different (-2.5); not recorded on both: phone, e-mail"
    )


def test_every_linked_pair_explains_itself(
    scenario_rows: tuple[list[dict[str, Any]], dict[str, str]],
) -> None:
    rows, _ = scenario_rows
    found = link(rows)
    assert found.matches
    for match in found.matches[:50]:
        subjects = [subject for subject, _, _ in match.reasons]
        assert subjects[:2] == ["name", "date of birth"]
        assert match.probability >= 0.9
        assert sum(w for _, _, w in match.reasons) > 10  # enough evidence to beat the prior
        assert match.explanation().split(":")[0] in subjects
