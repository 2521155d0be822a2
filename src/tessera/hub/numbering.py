"""Numbering what an agency makes, one series a year: its cases ("UA-POL-2026-0001"), its
requests ("REQ-UA-POL-2026-0001")."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import InstrumentedAttribute, Session


def next_code(session: Session, code: InstrumentedAttribute[str],
              owner: InstrumentedAttribute[int], owner_id: int, prefix: str,
              lock_key: int) -> str:
    """``prefix`` and the next four-digit number among the codes in column ``code`` of the
    rows whose ``owner`` is ``owner_id``: the highest number after ``prefix`` plus one.

    On PostgreSQL the owner's numbering is serialised by an advisory lock, held until the
    transaction ends, on (``lock_key``, ``owner_id``): two made at once by one agency would
    otherwise take the same number. ``lock_key`` is a 32-bit constant naming the series.
    SQLite's write transactions are serial already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k, :a)"),
                        {"k": lock_key, "a": owner_id})
    taken = session.scalars(select(code).where(owner == owner_id,
                                               code.startswith(prefix, autoescape=True)))
    numbers = [int(c[len(prefix):]) for c in taken if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"
