"""The frequency attack re-identifies people from plain encodings, and not from hardened ones."""

from __future__ import annotations

import random

from tessera.linkage.evaluate import scenario_rows
from tessera.linkage.pprl.attack import attack
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.schema import Hardening, Schema, Secret


def test_hardening_defeats_the_frequency_attack() -> None:
    rows, _, _ = scenario_rows(20_000, 3)
    attacked = random.Random(3).sample(rows, 3_000)
    # the attack's success varies with the secret (a wrong early alignment spoils the rest):
    # the strongest of a few secrets, and of the strict and the noise-tolerant attacks, counts
    shares: dict[str, float] = {}
    for label, schema in (("plain", Schema(hardening=Hardening(salt=None))),
                          ("hardened", Schema())):
        shares[label] = max(
            attack(encode("X", attacked, schema, Secret("t", key * 32)).filters, attacked,
                   rows, schema, holds=holds, tokens_mined=100).share
            for key in (b"c", b"d") for holds in (1.0, 0.75))
    assert shares["plain"] >= 0.05, shares
    assert shares["hardened"] <= 0.01, shares
