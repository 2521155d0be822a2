"""Rows of an IOM HTCDS v2.0 workbook as the standard's records.

An HTCDS sheet holds one victim's case per row, in columns named ``prs_``, ``vic_``, ``cas_``
and ``con_`` (system names in row 1; the IOM workbook has human labels in row 2 and data from
row 3). One row becomes several records, with references made from the row number so that a
re-load of the same file produces the same references:

- ``htcds-<row>-person``: the person (names, birth date, gender, citizenship, consent,
  trafficking status; role ``victim`` when a possible or actual victim);
- ``htcds-<row>-case``: when a ``cas_`` column is filled; its country is the submitting
  agency's (``country``), which HTCDS does not record;
- ``htcds-<row>-phone`` (mobile), ``htcds-<row>-phone-home``, ``htcds-<row>-email``;
- ``htcds-<row>-location``: the mailing address;
- ``htcds-<row>-recruitment``: when the method, channel or location of recruitment is given;
- ``htcds-<row>-exploitation``: when the type of exploitation is given.

Which HTCDS column feeds which field is read from the ``htcds`` metadata of the standard's
fields, not repeated here. Filled columns that no field takes (salutation, referral details…)
are kept as text in the person's notes or the case's summary, so nothing the agency wrote is
dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any

from tessera.ingest.mapping import clean_cell
from tessera.standard import codes as c
from tessera.standard.records import (
    LIST_SEPARATOR,
    Case,
    EmailAddress,
    Exploitation,
    Location,
    Person,
    PhoneNumber,
    Record,
    Recruitment,
)

PREFIXES: tuple[str, ...] = ("prs_", "vic_", "cas_", "con_", "per_", "hte_", "org_")
_PERSON_PREFIXES = ("prs_", "vic_", "con_", "per_")
_VICTIM = frozenset({c.TraffickingStatus.possible_victim, c.TraffickingStatus.actual_victim})


def _columns(model: type[Record]) -> dict[str, str]:
    """Field -> HTCDS column, from the standard's field metadata."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and isinstance(extra.get("htcds"), str):
            out[name] = str(extra["htcds"])
    return out


_PERSON = _columns(Person)
_CASE = _columns(Case)
_LOCATION = _columns(Location)
_RECRUITMENT = {k: v for k, v in _columns(Recruitment).items() if k != "date"}
_EXPLOITATION = _columns(Exploitation)
_MOBILE = _columns(PhoneNumber)["number"]
_EMAIL = _columns(EmailAddress)["address"]
_HOME = "prs_HomePhone"


def is_htcds_header(headers: Sequence[Any]) -> bool:
    """True when a header row names HTCDS columns (at least two ``prs_``/``vic_``/… names)."""
    named = [h for h in headers if isinstance(h, str) and h.startswith(PREFIXES[:4])]
    return len(named) >= 2


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def is_label_row(headers: Sequence[Any], cells: Sequence[Any]) -> bool:
    """True for the IOM workbook's second row of human labels ("First Name" under
    ``prs_FirstName``): most filled cells spell their column's name without its prefix."""
    pairs = [
        (h.split("_", 1)[1], v)
        for h, v in zip(headers, cells, strict=False)
        if isinstance(h, str) and "_" in h and isinstance(v, str) and v.strip()
    ]
    same = sum(1 for name, label in pairs if _key(name) == _key(label))
    return same >= 2 and same * 2 >= len(pairs)


def read_sheet(
    header_row: int,
    headers: Sequence[Any],
    rows: Iterator[tuple[int, Sequence[Any]]],
    *,
    country: str | None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each filled row of an HTCDS sheet as (row number, record data) pairs."""
    names: list[str | None] = [h.strip() if isinstance(h, str) and h.strip() else None
                               for h in headers]
    for number, cells in rows:
        if number == header_row + 1 and is_label_row(headers, cells):
            # A column without a system name (one in the IOM workbook) is known by its label.
            names = [n or (clean_cell(v) if isinstance(v, str) else None)
                     for n, v in zip(names, [*cells, *[None] * len(names)], strict=False)]
            continue
        data = {
            name: value
            for name, raw in zip(names, cells, strict=False)
            if name is not None and (value := clean_cell(raw)) is not None
        }
        if data:
            for record in records(number, data, country=country):
                yield number, record


def records(row: int, data: dict[str, Any], *, country: str | None) -> list[dict[str, Any]]:
    """The standard records one HTCDS row describes (see the module docstring)."""
    prefix = f"htcds-{row}"
    used: set[str] = set()

    def take(columns: dict[str, str]) -> dict[str, Any]:
        out = {f: data[col] for f, col in columns.items() if col in data}
        used.update(col for col in columns.values() if col in data)
        return out

    out: list[dict[str, Any]] = []
    case_ref: dict[str, str] = {}
    has_case = any(k.startswith("cas_") for k in data)
    case = take(_CASE) if has_case else {}
    if has_case:
        case_ref = {"case_ref": f"{prefix}-case"}
        case.update(record_type="case", ref=f"{prefix}-case")
        if country:
            case["country"] = country
        out.append(case)
    if not any(k.startswith(_PERSON_PREFIXES) for k in data):
        _keep_rest(data, used, case, "summary")
        return out
    person_ref = f"{prefix}-person"
    person = {"record_type": "person", "ref": person_ref, **case_ref, **take(_PERSON)}
    status = c.parse_code(c.TraffickingStatus, person.get("trafficking_status"))
    if status in _VICTIM:
        roles = str(person.get("roles", ""))
        person["roles"] = LIST_SEPARATOR.join(p for p in (roles, "victim") if p)
    out.append(person)
    owned = {"owner_ref": person_ref, **case_ref}
    for column, kind, suffix in ((_MOBILE, "phone", "phone"), (_HOME, "phone", "phone-home"),
                                 (_EMAIL, "email", "email")):
        field = "address" if kind == "email" else "number"
        for i, value in enumerate(_split(data.get(column)), start=1):
            ref = f"{prefix}-{suffix}" + (f"-{i}" if i > 1 else "")
            out.append({"record_type": kind, "ref": ref, **owned, field: value})
        used.add(column)
    if location := take(_LOCATION):
        out.append({"record_type": "location", "ref": f"{prefix}-location", **owned,
                    "kind": "mailing address", **location})
    subject = {"person_ref": person_ref, **case_ref}
    if recruitment := take(_RECRUITMENT):
        out.append({"record_type": "recruitment", "ref": f"{prefix}-recruitment", **subject,
                    **recruitment})
    if _EXPLOITATION["types"] in data:
        exploitation = take(_EXPLOITATION)
        if "industry" in exploitation:  # one industry here; the case keeps them all
            exploitation["industry"] = _split(exploitation["industry"])[0]
        out.append({"record_type": "exploitation", "ref": f"{prefix}-exploitation", **subject,
                    **exploitation})
    _keep_rest(data, used, person, "notes", case if has_case else None)
    return out


def _split(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(LIST_SEPARATOR) if p.strip()]
    return [value]


def _keep_rest(data: dict[str, Any], used: set[str], notes: dict[str, Any], field: str,
               case: dict[str, Any] | None = None) -> None:
    """Write filled columns no field took into free text, as 'Name: value' lines: case
    columns into the case's summary (when there is a case), the rest into ``notes[field]``."""
    rest = [k for k in data if k not in used]
    for into, key, keys in (
        (notes, field, [k for k in rest if case is None or k.startswith(_PERSON_PREFIXES)]),
        (case, "summary", [k for k in rest if not k.startswith(_PERSON_PREFIXES)]),
    ):
        if into is not None and keys:
            into[key] = "\n".join(f"{_label(k)}: {_text(data[k])}" for k in keys)


def _label(column: str) -> str:
    head, sep, tail = column.partition("_")
    return tail if sep and f"{head}_" in PREFIXES else column


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
