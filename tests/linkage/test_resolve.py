"""Entities from scored pairs and judgements, with ids that survive re-runs."""

from __future__ import annotations

from itertools import count

from tessera.linkage.resolve import Verdict, assign_ids, cluster, in_force

RECORDS = ["a", "b", "c", "d", "e"]


def groups(of: dict[str, str]) -> set[frozenset[str]]:
    found: dict[str, set[str]] = {}
    for record, group in of.items():
        found.setdefault(group, set()).add(record)
    return {frozenset(g) for g in found.values()}


def test_scored_pairs_chain_into_entities() -> None:
    found = cluster(RECORDS, [("a", "b", 0.99), ("b", "c", 0.95)], {})
    assert groups(found.of) == {frozenset("abc"), frozenset("d"), frozenset("e")}


def test_records_judged_different_are_never_joined_even_through_a_chain() -> None:
    verdicts = in_force([Verdict("a", "c", same=False)])
    found = cluster(RECORDS, [("a", "b", 0.99), ("b", "c", 0.95)], verdicts)
    assert groups(found.of) == {frozenset("ab"), frozenset("c"), frozenset("d"),
                                frozenset("e")}
    assert found.refused == [("b", "c")]


def test_a_judged_pair_is_joined_without_a_score_and_the_latest_verdict_counts() -> None:
    verdicts = in_force([Verdict("d", "e", same=False), Verdict("e", "d", same=True)])
    assert groups(cluster(RECORDS, [], verdicts).of) >= {frozenset("de")}


def test_an_entity_keeps_its_id_when_records_join_it() -> None:
    fresh = (f"E{n}" for n in count(1))
    first = assign_ids({"a": "a", "b": "a", "c": "c"}, {}, lambda: next(fresh))
    assert first == {"a": "E1", "b": "E1", "c": "E2"}
    second = assign_ids({"a": "a", "b": "a", "c": "a", "x": "x"}, first, lambda: next(fresh))
    assert second == {"a": "E1", "b": "E1", "c": "E1", "x": "E3"}


def test_a_split_entity_keeps_its_id_on_its_larger_part() -> None:
    fresh = (f"E{n}" for n in count(10))
    before = {"a": "E1", "b": "E1", "c": "E1"}
    after = assign_ids({"a": "a", "b": "a", "c": "c"}, before, lambda: next(fresh))
    assert after == {"a": "E1", "b": "E1", "c": "E10"}
