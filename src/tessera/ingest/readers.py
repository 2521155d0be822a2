"""Read agency files row by row into the standard's field names, streaming.

Every format ends in the same shape, a ``SourceRow``: the file, sheet and row number a clerk
would look at, and the row's fields named as in the standard. Files are streamed (CSV and JSON
Lines line by line, XLSX with openpyxl's read-only mode) so a million-row export reads in
little memory, and ``progress`` is told how far reading has got.

How the record type of a CSV or XLSX row is found, first match wins: the ``record_type``
argument (or the mapping's), a ``record_type`` column, the file stem (``person.csv``) or the
sheet name. Sheets not named after a record type are skipped when other sheets are; hidden
sheets and the template's README and lists sheets are always skipped.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from tessera.ingest import ftm, htcds
from tessera.ingest.mapping import (
    READ_ERROR,
    Mapping,
    Plan,
    ReadError,
    clean_cell,
    field_name,
    identity_plan,
    type_name,
)
from tessera.standard.records import RECORD_TYPES

__all__ = ["FORMATS", "READ_ERROR", "ReadError", "ReadStats", "SourceRow", "read_rows"]

FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl", "ftm", "htcds")
_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
               ".jsonl": "jsonl", ".ndjson": "jsonl", ".ftm": "ftm"}
_CSV = (".csv", ".tsv", ".txt")
_SKIPPED_SHEETS = frozenset({"readme", "lists"})
_PROGRESS_EVERY = 1000
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record as read, with where it came from."""

    file: str  # file name as given
    sheet: str | None  # XLSX sheet, else None
    row: int  # row number as a person sees it (CSV header is row 1; JSONL line number)
    data: dict[str, Any]  # standard field -> value, with "record_type" set when known


@dataclass
class ReadStats:
    """What a reader saw besides rows: skipped entities by FtM schema, and warnings."""

    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The format named, else the one the file extension implies."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ReadError(f"{path.name}: unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
        return fmt
    found = _EXTENSIONS.get(path.suffix.casefold())
    if found is None:
        raise ReadError(f"{path.name}: cannot tell the format from the extension; give one of "
                        f"{', '.join(FORMATS)}")
    return found


def read_rows(
    path: Path,
    *,
    record_type: str | None = None,
    fmt: str | None = None,
    mapping: Mapping | None = None,
    progress: Progress | None = None,
    stats: ReadStats | None = None,
    country: str | None = None,
) -> Iterator[SourceRow]:
    """Stream the rows of ``path`` as ``SourceRow``s.

    ``progress(n)`` is called with the increment since its last call: bytes for CSV, JSON
    Lines and FtM, rows for XLSX. ``stats`` collects warnings and skipped FtM entities.
    ``country`` is the submitting agency's, given to cases made from HTCDS rows (the HTCDS
    sheet has no case country).
    """
    kind = detect_format(path, fmt)
    stats = stats if stats is not None else ReadStats()
    if record_type is not None and record_type not in RECORD_TYPES:
        raise ReadError(f"{path.name}: unknown record type {record_type!r}")
    if mapping is not None and kind in ("jsonl", "ftm", "htcds"):
        raise ReadError(f"{path.name}: a column mapping applies to CSV and XLSX files only")
    if kind in ("jsonl", "ftm"):
        yield from _json_lines(path, kind, record_type, progress, stats)
        return
    fixed = record_type or (mapping.record_type if mapping else None)
    skip = mapping.skip_rows if mapping else 0
    tabular_csv = kind == "csv" or (kind == "htcds" and path.suffix.casefold() in _CSV)
    sheets = (_csv_sheets if tabular_csv else _xlsx_sheets)(path, skip, progress)
    typed: list[str] = []
    for sheet, header_row, headers, rows in sheets:
        if kind == "htcds" or (mapping is None and htcds.is_htcds_header(headers)):
            for number, data in htcds.read_sheet(header_row, headers, rows, country=country):
                yield SourceRow(path.name, sheet, number, data)
            continue
        source = f"{path.name}:{sheet}" if sheet else path.name
        default = (sheet or path.stem).strip().casefold()
        plan: Plan
        if mapping is not None:
            plan = mapping.plan(headers, source, stats.warnings)
            has_column = mapping.record_type_column is not None
        else:
            plan = identity_plan(headers, source, stats.warnings)
            has_column = any(isinstance(h, str) and field_name(h) == "record_type" for h in headers)
        if default not in RECORD_TYPES and not fixed and not has_column:
            if sheet and typed:
                stats.warnings.append(f"{source}: sheet skipped, not named after a record type")
                continue
            raise ReadError(f"{source}: cannot tell the record type; name the file or sheet "
                            "after it (person.csv), add a record_type column, or give one")
        typed.append(source)
        for number, cells in rows:
            data = plan(cells)
            if not data:
                continue
            if fixed:
                data["record_type"] = fixed
            elif "record_type" in data:
                data["record_type"] = type_name(data["record_type"])
            elif default in RECORD_TYPES:
                data["record_type"] = default
            yield SourceRow(path.name, sheet, number, data)


_Sheet = tuple[str | None, int, Sequence[Any], Iterator[tuple[int, Sequence[Any]]]]


def _csv_sheets(path: Path, skip: int, progress: Progress | None) -> Iterator[_Sheet]:
    """A CSV file as one sheet; UTF-8 with or without BOM; delimiter from the header line."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            head = [text.readline() for _ in range(skip + 1)]
        except UnicodeDecodeError:
            raise ReadError(f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8'") from None
        delimiter = max(",;\t", key=lambda d: head[-1].count(d))
        reader = csv.reader(chain(head, text), delimiter=delimiter)
        for _ in range(skip):
            next(reader, None)
        headers = next(reader, [])
        yield None, skip + 1, headers, _csv_rows(path.name, reader, skip + 1, raw, progress)


def _csv_rows(name: str, reader: Iterator[list[str]], header_row: int, raw: io.BufferedReader,
              progress: Progress | None) -> Iterator[tuple[int, Sequence[Any]]]:
    done, number = 0, header_row
    try:
        for number, cells in enumerate(reader, start=header_row + 1):
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(raw.tell() - done)
                done = raw.tell()
            yield number, cells
    except UnicodeDecodeError:
        raise ReadError(f"{name}: not UTF-8 text after row {number}; save it as 'CSV UTF-8'"
                        ) from None
    except csv.Error as exc:
        raise ReadError(f"{name}: broken CSV after row {number}: {exc}") from None
    if progress is not None and raw.tell() > done:
        progress(raw.tell() - done)


def _xlsx_sheets(path: Path, skip: int, progress: Progress | None) -> Iterator[_Sheet]:
    """Each visible sheet of a workbook, read-only; hidden, README and lists sheets skipped."""
    from openpyxl import load_workbook  # imported late: it is slow to import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ReadError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible" or sheet.title.casefold() in _SKIPPED_SHEETS:
                continue
            sheet.reset_dimensions()  # some writers record a wrong size; read every row
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            headers: Sequence[Any] = ()
            for number, cells in rows:
                if number == skip + 1:
                    headers = cells
                    break
            yield sheet.title, skip + 1, headers, _counted(rows, progress)
    finally:
        book.close()


def _counted(rows: Iterator[tuple[int, Sequence[Any]]],
             progress: Progress | None) -> Iterator[tuple[int, Sequence[Any]]]:
    count = 0
    for count, item in enumerate(rows, start=1):
        if progress is not None and count % _PROGRESS_EVERY == 0:
            progress(_PROGRESS_EVERY)
        yield item
    if progress is not None and count % _PROGRESS_EVERY:
        progress(count % _PROGRESS_EVERY)


def _json_lines(path: Path, kind: str, record_type: str | None, progress: Progress | None,
                stats: ReadStats) -> Iterator[SourceRow]:
    """JSON Lines of standard records, or of FtM entities mapped to standard records."""
    done = 0
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if progress is not None:
                done += len(line)
                if number % _PROGRESS_EVERY == 0:
                    progress(done)
                    done = 0
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("a line must hold one JSON object")
            except ValueError as exc:
                yield SourceRow(path.name, None, number, {READ_ERROR: f"not valid JSON: {exc}"})
                continue
            if kind == "ftm":
                for data in ftm.records(obj, stats.skipped):
                    yield SourceRow(path.name, None, number, data)
                continue
            data = {k: c for k, v in obj.items() if (c := clean_cell(v)) is not None}
            if record_type:
                data["record_type"] = record_type
            yield SourceRow(path.name, None, number, data)
    if progress is not None and done:
        progress(done)
