"""Files written whole or not at all: a reader never sees half a file, and a failure leaves
no half-written one behind."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """The partial file to write (``<name>.partial`` beside ``path``); moved to ``path`` if
    the write succeeds, removed if not."""
    partial = path.with_name(path.name + ".partial")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` under a header of ``columns``, whole or not at all; the rows written."""
    n = 0
    with atomic(path) as partial, partial.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def write_json(path: Path, value: Any) -> None:
    """``value`` as indented JSON (non-ASCII text kept readable), whole or not at all."""
    with atomic(path) as partial:
        partial.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")


def folder(path: Path) -> Path:
    """``path`` as a folder to write into, made if missing; ValueError when it is a file."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"{path}: is a file, not a folder to write into")
    path.mkdir(parents=True, exist_ok=True)
    return path
