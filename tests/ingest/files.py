"""Tiny input files written by the tests themselves, so every fixture sits beside its test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tessera.ingest import Rejection, SourceRow, Valid, read_rows, validate_rows


def write_text(path: Path, text: str, *, bom: bool = False) -> Path:
    """Write ``text`` as UTF-8, with a byte-order mark when ``bom`` (as Excel saves CSV)."""
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]],
               hidden: Sequence[str] = ()) -> Path:  # fmt: skip
    """A workbook with one sheet per entry, rows as given (row 1 first)."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def check(path: Path, country: str | None = "UA", **kw: Any) -> list[Valid | list[Rejection]]:
    """Read and validate a file; every result in order."""
    return list(validate_rows(read_rows(path, country=country, **kw), country=country))


def rejections(path: Path, country: str | None = "UA", **kw: Any) -> list[Rejection]:
    """Every rejection of a file, flattened."""
    return [r for res in check(path, country, **kw) if isinstance(res, list) for r in res]


def rows(path: Path, **kw: Any) -> list[SourceRow]:
    """Every row a reader yields for ``path``."""
    return list(read_rows(path, **kw))
