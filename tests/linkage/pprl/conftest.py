"""Encodings of a small generated scenario, shared by the matching tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pytest

from tessera.linkage.evaluate import scenario_rows
from tessera.linkage.pprl.encode import Encodings, encode
from tessera.linkage.pprl.schema import Schema, Secret


@dataclass
class Encoded:
    rows: list[dict[str, Any]]
    truth: dict[str, str]
    files: list[Encodings]


def encode_by_agency(rows: list[dict[str, Any]], schema: Schema, secret: Secret
                     ) -> list[Encodings]:
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_agency[row["agency"]].append(row)
    return [encode(a, by_agency[a], schema, secret) for a in sorted(by_agency)]


@pytest.fixture(scope="session")
def scenario() -> Encoded:
    rows, truth, _ = scenario_rows(12_000, 7)
    return Encoded(rows, truth, encode_by_agency(rows, Schema(), Secret.new("test")))


def row(ref: str, name: str, birth: tuple[int, int, int] | None = None, **extra: Any
        ) -> dict[str, Any]:
    """A person row as ``tessera.linkage.features`` makes it, for a Latin name."""
    from tessera.linkage.names import name_key

    parts = name.lower().split()
    year, month, day = birth or (None, None, None)
    return {"unique_id": f"X/{ref}", "name_latin": " ".join(parts),
            "name_keys": sorted({name_key(p) for p in parts}), "birth_year": year,
            "birth_month": month, "birth_day": day, **extra}
