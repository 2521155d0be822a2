"""How good a linkage is, pair by pair, against the truth of a generated scenario."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations


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


def _pairs(groups: Mapping[str, str], across: bool) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for item, group in groups.items():
        members[group].append(item)
    return {
        (a, b) for ids in members.values() for a, b in combinations(sorted(ids), 2)
        if not across or a.split("/", 1)[0] != b.split("/", 1)[0]
    }


def pairwise(found: Mapping[str, str], truth: Mapping[str, str], *,
             across: bool = False) -> Scores:
    """Pairwise precision and recall of clusters ``found`` (record -> cluster) against
    ``truth`` (record -> true entity), over the records in ``truth``. Records are "AGENCY/ref";
    ``across``: count only pairs of records of different agencies."""
    found = {k: v for k, v in found.items() if k in truth}
    found.update({k: f"single:{k}" for k in truth if k not in found})
    expected, got = _pairs(truth, across), _pairs(found, across)
    return Scores(len(expected), len(got), len(expected & got))
