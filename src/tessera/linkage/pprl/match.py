"""Matching encodings from several agencies: blocking, scoring and solving into groups.

1. Blocking by Hamming LSH: a band is a fixed sample of bit positions; two filters that agree
   on every sampled bit of some band are compared. Filters of one person agree on most bits,
   so they share a band with high probability; unrelated filters almost never do.
2. Records that share an identifier hash (the same passport, phone, IBAN, e-mail) are
   compared too, and are a hit whatever their filters say.
3. Scoring by the Dice coefficient of the filters, with numpy's popcount.
4. Solving greedily, best score first (as anonlink's greedy solver): two groups join unless
   they hold records of one agency, so one person seen by four countries is one group of four.

Written here rather than taken from anonlink because anonlink compares all pairs (its blocking
is left to the caller) and its solver takes the pairs as Python objects: at a million records
a side only blocked, vectorised candidates are fast enough (bench/pprl.py).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tessera.linkage.pprl.encode import Encodings
from tessera.linkage.pprl.schema import EncodingError

THRESHOLD = 0.8
BANDS = 48
BAND_BITS = 24
# a bucket this large is a filter shape many people share (an empty name, say): scoring all
# its pairs would cost more than it finds
MAX_BUCKET = 2_000
CHUNK = 1 << 15  # pairs scored at once: a few MiB of filters, which stay in the cache
FOLD = 1 << 25  # fold the pairs kept so far when this many more have come
IDENTIFIER_SCORE = 1.0

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Hit:
    """Two records of different agencies found to be one person: ``(file, index)`` each."""

    left: tuple[int, int]
    right: tuple[int, int]
    score: float
    identifier: bool  # found by a shared identifier hash

    def band(self, threshold: float) -> str:
        """The score band a hit is reported in: what the follow-up request will cite."""
        if self.identifier:
            return "identifier"
        return "high" if self.score >= (1 + threshold) / 2 else "possible"


@dataclass
class Result:
    hits: list[Hit]  # the pairs the solver kept, best first
    groups: list[list[tuple[int, int]]]  # each a set of (file, index), one per file at most
    candidates: int  # pair comparisons: each band's pairs, and the pairs sharing an identifier
    skipped_buckets: int


def check_compatible(files: Sequence[Encodings]) -> None:
    """Refuse files that were not encoded under one schema and one secret."""
    first = files[0]
    for other in files[1:]:
        if other.schema.fingerprint() != first.schema.fingerprint():
            raise EncodingError(f"{other.agency}'s encodings use another schema than "
                                f"{first.agency}'s; encode both under one schema")
        if other.key_id != first.key_id:
            raise EncodingError(f"{other.agency}'s encodings use another secret (key "
                                f"{other.key_id}) than {first.agency}'s (key {first.key_id}); "
                                "re-encode with the exchange's current secret")
    agencies = [f.agency for f in files]
    if len(set(agencies)) != len(agencies):
        raise EncodingError("two files come from one agency: "
                            f"{', '.join(sorted({a for a in agencies if agencies.count(a) > 1}))}")


def _bands(words: int, bands: int, bits: int, seed: int) -> list[Ints]:
    rng = np.random.default_rng(seed)
    return [rng.choice(words * 64, size=bits, replace=False) for _ in range(bands)]


def _band_keys(columns: npt.NDArray[np.uint64], positions: Ints) -> Ints:
    """Each record's key in one band: its bits at ``positions``. ``columns`` are the filters
    transposed (word, record), so that reading one bit of every filter is one pass over
    memory in order rather than a stride through every filter."""
    key = np.zeros(columns.shape[1], dtype=np.uint64)
    for j, p in enumerate(positions):
        bit = (columns[p // 64] >> np.uint64(p % 64)) & np.uint64(1)
        key |= bit << np.uint64(j)
    return key.view(np.int64)


def _bucket_pairs(keys: Ints, owner: Ints) -> tuple[Ints, Ints, int]:
    """Pairs of rows with equal keys and different owners, and how many buckets were too
    large to pair."""
    order = np.lexsort((owner, keys))  # by key, then owner: a bucket is runs of one owner
    sorted_keys, sorted_owner = keys[order], owner[order]
    new_key = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    starts = np.flatnonzero(new_key)
    sizes = np.diff(np.r_[starts, len(keys)])
    too_big = sizes > MAX_BUCKET
    keep = (sizes > 1) & ~too_big
    if not keep.any():
        return np.empty(0, np.int64), np.empty(0, np.int64), int(too_big.sum())
    # every position t in a kept bucket pairs with the positions after its owner's run in
    # the bucket, which are the bucket's records of other owners that come after t's owner
    runs = np.flatnonzero(new_key | np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    run_end = np.repeat(np.r_[runs[1:], len(keys)], np.diff(np.r_[runs, len(keys)]))
    bucket_end = np.repeat(starts + sizes, sizes)
    after = np.where(np.repeat(keep, sizes), bucket_end - run_end, 0)
    left = np.repeat(np.arange(len(keys)), after)
    first = np.cumsum(after) - after  # where each position's pairs begin in ``left``
    right = np.repeat(run_end, after) + (np.arange(len(left)) - np.repeat(first, after))
    return order[left], order[right], int(too_big.sum())


def _identifier_pairs(files: Sequence[Encodings], offsets: Ints) -> set[tuple[int, int]]:
    holders: dict[str, list[int]] = defaultdict(list)
    for f, file in enumerate(files):
        for n, ids in enumerate(file.identifiers):
            for digest in ids:
                holders[digest].append(int(offsets[f]) + n)
    pairs: set[tuple[int, int]] = set()
    for rows in holders.values():
        if 1 < len(rows) <= MAX_BUCKET:
            pairs.update((a, b) for i, a in enumerate(rows) for b in rows[i + 1:])
    return pairs


def dice(filters: npt.NDArray[np.uint64], left: Ints, right: Ints,
         counts: Ints | None = None) -> npt.NDArray[np.float64]:
    """The Dice coefficients of the filter pairs ``(left[i], right[i])``; ``counts``, the bits
    set in each filter, when already known."""
    if counts is None:
        counts = np.bitwise_count(filters).sum(axis=1, dtype=np.int64)
    out = np.empty(len(left), dtype=np.float64)
    for s in range(0, len(left), CHUNK):
        a, b = left[s:s + CHUNK], right[s:s + CHUNK]
        common = np.bitwise_count(filters[a] & filters[b]).sum(axis=1, dtype=np.int64)
        total = counts[a] + counts[b]
        out[s:s + CHUNK] = np.divide(2 * common, total, out=np.zeros(len(a)),
                                     where=total > 0)
    return out


def _unique(codes: Ints) -> Ints:
    """The distinct values of ``codes``, sorted: ``np.unique``, which in numpy 2.4 takes 30 s
    on 40 million pair codes where sorting them takes under one."""
    ordered = np.sort(codes)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _candidates(filters: npt.NDArray[np.uint64], owner: Ints, words: int, bands: int,
                bits: int) -> Iterator[tuple[Ints, Ints, int]]:
    columns = np.ascontiguousarray(filters.T)
    for positions in _bands(words, bands, bits, seed=words):
        yield _bucket_pairs(_band_keys(columns, positions), owner)


def match(files: Sequence[Encodings], *, threshold: float = THRESHOLD, bands: int = BANDS,
          band_bits: int = BAND_BITS) -> Result:
    """Hits among the records of ``files`` (each one agency's encodings), solved into groups
    with at most one record of each agency."""
    if len(files) < 2:
        raise EncodingError("matching needs the encodings of at least two agencies")
    check_compatible(files)
    sizes = np.array([len(f) for f in files], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    filters = np.concatenate([f.filters for f in files])
    owner = np.repeat(np.arange(len(files), dtype=np.int64), sizes)
    total = int(sizes.sum())
    counts = np.bitwise_count(filters).sum(axis=1, dtype=np.int64)
    # Each band's pairs are scored as they come and only those at or above the threshold are
    # kept: at a million records a side the bands find more than a billion pairs, too many
    # to hold, most of them below the threshold. A pair found by several bands is scored
    # once per band; the hits are the same as scoring each pair once.
    kept: list[Ints] = []
    compared = skipped = held = 0
    folded = FOLD
    for left, right, too_big in _candidates(filters, owner, files[0].schema.words, bands,
                                            band_bits):
        skipped += too_big
        compared += len(left)
        good = dice(filters, left, right, counts) >= threshold
        left, right = left[good], right[good]
        kept.append(np.minimum(left, right) * total + np.maximum(left, right))
        held += len(left)
        if held > folded:  # fold the bands kept so far, so repeats do not pile up
            kept = [_unique(np.concatenate(kept))]
            held = len(kept[0])
            folded = 2 * held + FOLD
    by_identifier = _identifier_pairs(files, offsets)
    strong = np.array(sorted(a * total + b for a, b in by_identifier), dtype=np.int64)
    pairs = _unique(np.concatenate([*kept, strong]))
    left, right = pairs // total, pairs % total
    scores = dice(filters, left, right, counts)
    is_strong = np.isin(pairs, strong)
    keep = (scores >= threshold) | is_strong
    left, right, scores, is_strong = left[keep], right[keep], scores[keep], is_strong[keep]
    ranked = np.lexsort((-scores, ~is_strong))  # identifier hits first, then by score
    left, right, scores, is_strong = left[ranked], right[ranked], scores[ranked], is_strong[ranked]
    left_file, right_file = owner[left], owner[right]
    hits, groups = _solve(zip(
        zip(left_file.tolist(), (left - offsets[left_file]).tolist(), strict=True),
        zip(right_file.tolist(), (right - offsets[right_file]).tolist(), strict=True),
        np.where(is_strong, np.maximum(scores, IDENTIFIER_SCORE), scores).tolist(),
        is_strong.tolist(), strict=True))
    return Result(hits, groups, compared + len(strong), skipped)


def _solve(ranked: Iterable[tuple[tuple[int, int], tuple[int, int], float, bool]]) -> tuple[
        list[Hit], list[list[tuple[int, int]]]]:
    """Greedy solving: join two groups at each hit (``(file, index)`` twice, the score and
    whether an identifier found it), best first, unless they share an agency."""
    ids = itertools.count()
    group: dict[tuple[int, int], int] = {}
    members: dict[int, list[tuple[int, int]]] = {}
    kept = []
    for first, second, score, identifier in ranked:
        a, b = group.get(first), group.get(second)
        if a is not None and a == b:
            continue
        left = members[a] if a is not None else [first]
        right = members[b] if b is not None else [second]
        if {f for f, _ in left} & {f for f, _ in right}:
            continue
        kept.append(Hit(first, second, score, identifier))
        new = a if a is not None else (b if b is not None else next(ids))
        joined = left + right
        members[new] = joined
        for other in (a, b):
            if other is not None and other != new:
                del members[other]
        for record in joined:
            group[record] = new
    return kept, [sorted(m) for m in members.values()]
