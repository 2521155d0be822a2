"""Check rows against the standard and say what is wrong in words a clerk can act on.

A row is either ``Valid`` (the typed record, with the row it came from) or a list of
``Rejection``s, one per problem, each naming the row as the clerk sees it, the field, the value
as written and the reason. Pydantic's messages are rephrased: "Field required" becomes
"missing: this field is required", an enum error lists the accepted codes, and so on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tessera.ingest.mapping import READ_ERROR
from tessera.ingest.readers import SourceRow
from tessera.standard.records import LIST_SEPARATOR, RECORD_TYPES, Record

MAX_VALUE = 200
_NUMBERS = frozenset({int, float})
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True, slots=True)
class Rejection:
    """One problem with one row: where, which field, what was written, and why."""

    file: str
    sheet: str | None
    row: int
    field: str  # standard field name; "nationalities[2]" for the 2nd value of a list cell
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Valid:
    """A row that passed, with its typed record."""

    source: SourceRow
    record: Record


def validate_row(
    row: SourceRow, *, country: str | None, refs: RefsSeen | None = None
) -> Valid | list[Rejection]:
    """Validate one row; ``country`` (the agency's) reads phone numbers written without prefix.

    With ``refs``, a ref already used earlier in the same file is refused too.
    """
    result = _validate(row, {"country": country} if country else None)
    duplicate = refs.check(row) if refs is not None else None
    if duplicate is None:
        return result
    return [*result, duplicate] if isinstance(result, list) else [duplicate]


def validate_rows(
    rows: Iterable[SourceRow], *, country: str | None
) -> Iterator[Valid | list[Rejection]]:
    """Validate rows in order; also refuses a ``ref`` used twice within the same file."""
    refs = RefsSeen()
    for row in rows:
        yield validate_row(row, country=country, refs=refs)


class RefsSeen:
    """Where each ``ref`` of each file was first seen, to refuse a ref used twice.

    Kept lean (a row number, or (sheet, row) in a workbook) because a million-row file keeps a
    million entries.
    """

    def __init__(self) -> None:
        self._first: dict[str, dict[str, int | tuple[str, int]]] = {}

    def check(self, row: SourceRow) -> Rejection | None:
        """Note ``row``'s ref; the rejection to add when an earlier row already used it."""
        ref = row.data.get("ref")
        if ref is None:
            return None
        key = ref.strip() if isinstance(ref, str) else _text(ref)
        here = row.row if row.sheet is None else (row.sheet, row.row)
        seen = self._first.setdefault(row.file, {}).setdefault(key, here)
        if seen == here:
            return None
        sheet, line = (None, seen) if isinstance(seen, int) else seen
        where = f"row {line}" + (f" of sheet {sheet!r}" if sheet != row.sheet else "")
        return _reject(row, "ref", ref, f"duplicate ref {key!r} (first at {where})")


def _validate(row: SourceRow, context: dict[str, Any] | None) -> Valid | list[Rejection]:
    data = row.data
    if READ_ERROR in data:
        return [_reject(row, "", "", str(data[READ_ERROR]))]
    record_type = data.get("record_type")
    model = RECORD_TYPES.get(record_type) if isinstance(record_type, str) else None
    if model is None or not isinstance(record_type, str):
        allowed = ", ".join(RECORD_TYPES)
        if record_type is None:
            return [_reject(row, "record_type", "", f"missing: the record type, one of: {allowed}")]
        return [_reject(row, "record_type", record_type,
                        f"unknown record type {_text(record_type)!r} — expected one of: {allowed}")]
    if not _NUMBERS.isdisjoint(map(type, data.values())):
        # Spreadsheet numbers in text fields (a ref 1001, a postal code) are read as written.
        data = {k: _number_text(v) if type(v) in (int, float) else v for k, v in data.items()}
    try:
        return Valid(row, model.model_validate(data, context=context))
    except ValidationError as exc:
        return [_rejection(row, record_type, err) for err in exc.errors(include_url=False)]


def _rejection(row: SourceRow, record_type: str, err: ErrorDetails) -> Rejection:
    loc = list(err["loc"])
    if loc and loc[0] == record_type:
        loc = loc[1:]
    name = "".join(f"[{p + 1}]" if isinstance(p, int) else ("." if i else "") + str(p)
                   for i, p in enumerate(loc))
    whole_row = not loc or isinstance(err.get("input"), dict)
    value = "" if whole_row else err.get("input")
    return _reject(row, name, value, _reason(err, name))


def _reject(row: SourceRow, field: str, value: Any, reason: str) -> Rejection:
    return Rejection(row.file, row.sheet, row.row, field, _text(value)[:MAX_VALUE], reason)


def _reason(err: ErrorDetails, name: str) -> str:
    """Pydantic's message for an error, rephrased for the person who filled the row."""
    kind, ctx, msg = err["type"], err.get("ctx") or {}, err["msg"]
    value = _text(err.get("input"))
    if kind == "missing":
        return "missing: this field is required"
    if kind == "extra_forbidden":
        return f"unknown column {name!r}"
    if kind in ("enum", "literal_error"):
        expected = _QUOTED.findall(str(ctx.get("expected", "")))
        return f"unknown value {value!r} — expected one of: {', '.join(expected)}"
    if kind in ("too_short", "list_too_short", "tuple_too_short") and not value.strip("()[] "):
        return "missing: at least one value is required"
    simple = {
        "decimal_parsing": "not a number",
        "float_parsing": "not a number",
        "int_parsing": "not a whole number",
        "int_from_float": "not a whole number",
        "bool_parsing": "not yes or no (write true or false)",
        "string_type": "expected text",
        "greater_than": f"must be greater than {ctx.get('gt')}",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "string_too_long": f"too long: at most {ctx.get('max_length')} characters",
        "decimal_max_places": f"at most {ctx.get('decimal_places')} decimal places",
        "decimal_max_digits": f"at most {ctx.get('max_digits')} digits",
    }
    if kind in simple:
        return simple[kind]
    if kind.startswith(("datetime", "date")):
        return "not a date and time (use YYYY-MM-DD or YYYY-MM-DD HH:MM)"
    return str(msg).removeprefix("Value error, ").replace("Input should be", "should be")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: Any) -> str:
    """A value as the clerk wrote it, as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(_text(v) for v in value)
    if isinstance(value, float):
        return _number_text(value)
    return str(value)
