"""A frequency-based re-identification attack on the encodings, to measure the hardening.

The attacker holds the encodings, knows the schema (Kerckhoffs: everything but the secret) and
the frequency of every name in the population, from a census or a telephone book. The attack
follows the pattern-mining cryptanalysis of Christen et al. ("Efficient cryptanalysis of Bloom
filters for privacy-preserving record linkage", PAKDD 2017):

1. Mining: a q-gram sets the same k bits in every filter that holds it, so those bits are
   set together in many filters. From the most frequent bit position not yet explained, the
   attack grows, greedily, the k positions set together in the most filters: an "atom", the
   guessed bits of one q-gram, and the filters that hold it.
2. Alignment: atoms are placed on q-grams, most widely held first, by how well the atom's
   frequency and its co-occurrence with the atoms already placed fit those of a q-gram in
   the population (the graph-matching step of Vidanage et al., CIKM 2019, made greedy).
3. Re-identification: a filter holds the q-grams whose atoms it sets. The attacker picks the
   population name whose q-grams agree best with those (Dice over the q-grams mined). A record
   is re-identified when that best name is unique and is its true name.

Written here because no maintained library implements attacks on Bloom-filter encodings; the
published code (Christen's ``pprlattack``) is research code for Python 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tessera.linkage.pprl.encode import tokens
from tessera.linkage.pprl.schema import Schema

NAME_KINDS = ("name_grams", "name_keys")


@dataclass(frozen=True)
class Outcome:
    attacked: int
    reidentified: int  # records whose unique best guess is their true name
    guessed: int  # records with a unique best guess, right or wrong
    atoms: int  # tokens whose bits the attack located

    @property
    def share(self) -> float:
        return self.reidentified / self.attacked if self.attacked else 0.0


def _name_tokens(row: Mapping[str, Any], q: int) -> frozenset[str]:
    found = tokens(row, q)
    return frozenset(f"{kind}:{t}" for kind in NAME_KINDS for t in found[kind])


def _atom(bits: npt.NDArray[np.float32], k: int, first: int, holds: float) -> tuple[
        list[int], npt.NDArray[np.bool_]]:
    """The k positions set together in the most filters, grown greedily from ``first``."""
    chosen = [first]
    rows = np.flatnonzero(bits[:, first])
    while len(chosen) < k and len(rows):
        support = bits[rows].sum(axis=0)
        support[chosen] = -1
        pick = int(np.argmax(support))
        chosen.append(pick)
        rows = rows[bits[rows, pick] > 0]
    # a filter holds the atom if it sets most of its bits: random flips unset a few
    return chosen, bits[:, chosen].sum(axis=1) >= holds * k


def _atoms(bits: npt.NDArray[np.float32], k: int, wanted: int,
           holds: float) -> list[npt.NDArray[np.bool_]]:
    """Up to ``wanted`` atoms (the filters that hold each), most widely held first. Each is
    grown from the most frequent position in no atom yet; one that holds mostly the filters
    of an atom already found is that atom again, and is dropped."""
    free = np.ones(bits.shape[1], dtype=bool)
    density = bits.sum(axis=0)
    found: list[npt.NDArray[np.bool_]] = []
    while len(found) < wanted and free.any():
        first = int(np.argmax(np.where(free, density, -1)))
        chosen, rows = _atom(bits, k, first, holds)
        free[first] = False
        held = int(rows.sum())
        if held and all((rows & other).sum() < 0.9 * held for other in found):
            free[chosen] = False
            found.append(rows)
    found.sort(key=lambda rows: -int(rows.sum()))
    return found


def _align(found: list[npt.NDArray[np.bool_]], grams: list[tuple[str, int]],
           names: Counter[frozenset[str]]) -> dict[str, npt.NDArray[np.bool_]]:
    """Which q-gram each atom is: greedily, most widely held atom first, the q-gram whose
    frequency, and whose co-occurrence with the q-grams already placed, best fit the atom's."""
    if not found:
        return {}
    held = np.stack(found, axis=1).astype(np.float32)  # filter x atom
    atom_pairs = held.T @ held / len(held)
    people = sum(names.values())
    index = {g: i for i, (g, _) in enumerate(grams)}
    has = np.zeros((len(names), len(grams)), dtype=np.float32)
    weight = np.zeros(len(names), dtype=np.float32)
    for n, (name, count) in enumerate(names.items()):
        weight[n] = count
        for token in name:
            if token in index:
                has[n, index[token]] = 1
    gram_pairs = (has * weight[:, None]).T @ has / people
    placed: list[tuple[int, int]] = []  # (atom, gram)
    free = np.ones(len(grams), dtype=bool)
    for a in range(len(found)):
        cost = (gram_pairs.diagonal() - atom_pairs[a, a]) ** 2
        for b, g in placed:
            cost += (gram_pairs[:, g] - atom_pairs[a, b]) ** 2
        cost[~free] = np.inf
        g = int(np.argmin(cost))
        free[g] = False
        placed.append((a, g))
    return {grams[g][0]: found[a] for a, g in placed}


def attack(filters: npt.NDArray[np.uint64], true_rows: Sequence[Mapping[str, Any]],
           population: Sequence[Mapping[str, Any]], schema: Schema, *,
           tokens_mined: int = 150, holds: float = 1.0) -> Outcome:
    """Attack ``filters`` (encoded from ``true_rows``, which only score the attack) with the
    name frequencies of ``population`` (person rows). ``holds``: the share of an atom's bits
    a filter must set to count as holding it (below 1 against random bit flips)."""
    q = schema.q
    bits = np.unpackbits(filters.view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    names = Counter(_name_tokens(r, q) for r in population if r.get("name_latin"))
    frequency: Counter[str] = Counter()
    for name_tokens, count in names.items():
        frequency.update(dict.fromkeys(name_tokens, count))
    # the atoms, and which q-gram each is
    grams = [(t, c) for t, c in frequency.most_common() if t.startswith("name_grams:")]
    found = _atoms(bits, schema.name_grams, min(tokens_mined, len(grams)), holds)
    atoms = _align(found, grams[:2 * tokens_mined], names)
    mined = set(atoms)
    if not mined:
        return Outcome(len(filters), 0, 0, 0)
    order = sorted(mined)
    held = np.stack([atoms[t] for t in order], axis=1)  # record x mined token
    candidates = [(name, np.array([t in name for t in order])) for name in names]
    vectors = np.stack([v for _, v in candidates]).astype(np.float32)
    sizes = vectors.sum(axis=1)
    reidentified = guessed = 0
    for n, row in enumerate(true_rows):
        have = held[n].astype(np.float32)
        common = vectors @ have
        dice = np.divide(2 * common, sizes + have.sum(), out=np.zeros_like(common),
                         where=(sizes + have.sum()) > 0)
        best = np.flatnonzero(dice == dice.max())
        if dice.max() <= 0 or len(best) != 1:
            continue
        guessed += 1
        reidentified += candidates[int(best[0])][0] == _name_tokens(row, q)
    return Outcome(len(filters), reidentified, guessed, len(mined))
