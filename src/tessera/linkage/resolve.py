"""From scored pairs and analysts' judgements to entities with ids that survive re-runs.

Clustering is done here rather than by Splink's connected components because judgements are
constraints Splink does not take: two records an analyst judged different must never end up in
one entity, however many likely pairs chain them together. Pairs are joined strongest first
(union-find), and a join that would put a judged-different pair together is skipped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Pair = tuple[str, str]


@dataclass(frozen=True)
class Verdict:
    left: str
    right: str
    same: bool


def in_force(verdicts: Iterable[Verdict]) -> dict[frozenset[str], bool]:
    """The verdict in force on each pair: the latest (verdicts come oldest first)."""
    return {frozenset((v.left, v.right)): v.same for v in verdicts if v.left != v.right}


@dataclass
class Clusters:
    """Records grouped into entities; the joins refused because of a judgement."""

    of: dict[str, str]  # record -> the cluster's representative record
    refused: list[Pair]


def cluster(records: Iterable[str], scored: Iterable[tuple[str, str, float]],
            verdicts: dict[frozenset[str], bool]) -> Clusters:
    """Join records judged the same, then scored pairs strongest first, never joining two
    records judged different; a scored pair judged different is not joined either."""
    parent = {r: r for r in records}
    members: dict[str, set[str]] = {r: {r} for r in parent}
    apart: dict[str, set[str]] = defaultdict(set)  # record -> records judged different
    for pair, same in verdicts.items():
        a, b = tuple(pair)
        if not same and a in parent and b in parent:
            apart[a].add(b)
            apart[b].add(a)

    def root(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    refused: list[Pair] = []

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra == rb:
            return
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        if any(apart[m] & members[ra] for m in members[rb]):
            refused.append((a, b))
            return
        parent[rb] = ra
        members[ra] |= members.pop(rb)

    for pair, same in sorted(verdicts.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        if same and a in parent and b in parent:
            join(a, b)
    for a, b, _ in sorted(scored, key=lambda s: -s[2]):
        if verdicts.get(frozenset((a, b))) is False:
            continue
        join(a, b)
    return Clusters({r: root(r) for r in parent}, refused)


def assign_ids(clusters: dict[str, str], previous: dict[str, str],
               new_id: Callable[[], str]) -> dict[str, str]:
    """An entity id for each record. A cluster keeps the id most of its records had before;
    an id goes to one cluster only (the one holding most of its old records; ties to the
    lower id), so when an entity is split, its largest part keeps the id. A cluster with no
    old id gets a new one."""
    groups: dict[str, list[str]] = defaultdict(list)
    for record, group in clusters.items():
        groups[group].append(record)
    claims = sorted(
        ((n, old, group) for group, recs in groups.items()
         for old, n in Counter(previous[r] for r in recs if r in previous).items()),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for _, old, group in claims:
        if group not in ids and old not in taken:
            ids[group] = old
            taken.add(old)
    for group in sorted(groups, key=lambda g: min(groups[g])):
        if group not in ids:
            ids[group] = new_id()
    return {record: ids[group] for record, group in clusters.items()}
