"""How good a linkage is, pair by pair, against the truth of a generated scenario; and that
scenario's person rows with their truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tessera.linkage.features import person_rows
from tessera.linkage.run import LINKED_TYPES
from tessera.standard.records import ANY_RECORD, Person, Record
from tessera.synth.observe import Agency
from tessera.synth.scenario import generate
from tessera.synth.world import Settings


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    found_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(groups: Iterable[Hashable]) -> int:
    """How many pairs of items fall in one group, given each item's group."""
    return sum(n * (n - 1) // 2 for n in Counter(groups).values())


def pairwise(found: Mapping[str, str], truth: Mapping[str, str], *,
             across: bool = False) -> Scores:
    """Pairwise precision and recall of clusters ``found`` (record -> cluster) against
    ``truth`` (record -> true entity), over the records in ``truth``. Records are "AGENCY/ref";
    ``across``: count only pairs of records of different agencies.

    Pairs are counted, not listed: a pair is found and true when both records share a cluster
    and a true entity, so a million records with clusters of any size take a second."""
    records = list(truth)
    cluster = {k: found.get(k, f"single:{k}") for k in records}
    expected = _pairs(truth[k] for k in records)
    got = _pairs(cluster[k] for k in records)
    correct = _pairs((cluster[k], truth[k]) for k in records)
    if across:  # less the pairs within one agency
        agency = {k: k.split("/", 1)[0] for k in records}
        expected -= _pairs((truth[k], agency[k]) for k in records)
        got -= _pairs((cluster[k], agency[k]) for k in records)
        correct -= _pairs((cluster[k], truth[k], agency[k]) for k in records)
    return Scores(expected, got, correct)


def _records(agency: Agency) -> list[tuple[str, Record]]:
    context = {"country": agency.country}
    return [(agency.code, ANY_RECORD.validate_python(r, context=context))
            for r in agency.rows if r["record_type"] in LINKED_TYPES]


def agency_person_rows(agency: Agency) -> list[dict[str, Any]]:
    """The person rows (``tessera.linkage.features``) of one generated agency's records."""
    return person_rows(_records(agency))


def scenario_rows(scale: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, str], set[str]]:
    """The person rows of a generated scenario's agencies, the truth ("AGENCY/ref" -> true
    person) and the scripts its names are written in."""
    generated = generate(Settings(seed=seed, scale=scale))
    records: list[tuple[str, Record]] = []
    truth: dict[str, str] = {}
    for agency in generated.agencies:
        records += _records(agency)
        truth.update({f"{agency.code}/{ref}": true_id
                      for ref, kind, true_id in agency.truth if kind == "person"})
    scripts = {r.name.script for _, r in records if isinstance(r, Person) and r.name}
    return person_rows(records), truth, scripts
