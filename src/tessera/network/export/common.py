"""What every writer shares: ``Written``, and the text, numbers and dates the formats can
carry (each writes its file whole with ``tessera.files.atomic``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Written:
    """What a writer put in its file (nodes, edges, rows; FtM: entities per schema and the
    properties identifiers became) and what it left out, per reason."""

    counts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


# Characters XML 1.0 cannot carry at all, even escaped: a label with one would make the whole
# file unreadable, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    """A value as text: ``None`` is empty, a set is joined with ";" as the tables join it."""
    if value is None:
        return ""
    if isinstance(value, set | frozenset | list | tuple):
        return ";".join(sorted(str(v) for v in value))
    return _NOT_XML.sub("", str(value))


def _column(seq: Any, name: str, default: Any = "") -> list[Any]:
    """An attribute of every vertex or edge; ``default`` where the graph does not have it
    (graphs read from plain files, or built elsewhere, may lack some)."""
    if name in seq.attributes():
        return list(seq[name])
    return [default] * len(seq)


def _number(value: Any) -> float:
    """A numeric attribute as a float, 0 where it is missing or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _iso(value: Any) -> str | None:
    """An ISO date (``YYYY-MM-DD``) as given, ``None`` if the value is not one."""
    text = _text(value)
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def _span(first: Any, last: Any) -> tuple[str | None, str | None]:
    """The dates of a time span, dropping an end before its start (viewers refuse those)."""
    start, end = _iso(first), _iso(last)
    if start and end and end < start:
        end = None
    return start, end
