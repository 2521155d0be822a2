"""The table linkage compares: one row per person record, with what identifies the person.

A person record carries the name, birth date, gender and nationality; the strong identifiers
(phone numbers, identity documents, e-mail addresses, bank accounts) arrive as records of their
own that point at the person (``owner_ref``), and are gathered onto the person's row here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from tessera.linkage.names import name_key
from tessera.standard.records import (
    Account,
    EmailAddress,
    IdentityDocument,
    Person,
    PhoneNumber,
    Record,
)

# The columns of the table, in order (``unique_id`` is "AGENCY/ref").
COLUMNS = (
    "unique_id", "agency", "name_raw", "name_latin", "name_sorted", "name_keys", "name_key",
    "family_key",
    "birth_year",
    "birth_month", "birth_day", "gender", "nationality", "phones", "documents", "emails",
    "accounts", "document",
)


def person_rows(records: Iterable[tuple[str, Record]]) -> list[dict[str, Any]]:
    """Rows for the person records among ``(agency, record)`` pairs, with the identifiers of
    the phone, document, e-mail and account records that name them as owner."""
    people: list[tuple[str, Person]] = []
    owned: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"phones": set(), "documents": set(), "emails": set(), "accounts": set()}
    )
    for agency, record in records:
        if isinstance(record, Person):
            people.append((agency, record))
            continue
        owner = getattr(record, "owner_ref", None)
        if owner is None:
            continue
        found = owned[agency, owner]
        if isinstance(record, PhoneNumber):
            found["phones"].add(record.number.e164)
        elif isinstance(record, IdentityDocument):
            country = record.issuing_country.code if record.issuing_country else ""
            found["documents"].add(f"{country}:{record.number.number}")
        elif isinstance(record, EmailAddress):
            found["emails"].add(record.address.address)
        elif isinstance(record, Account) and (record.iban or record.account_number):
            found["accounts"].add(record.iban.iban if record.iban else str(record.account_number))
    rows = []
    for agency, person in people:
        row = _row(agency, person)
        for column, values in owned.get((agency, person.ref), {}).items():
            row[column] = sorted(values) or None
        # one document as a string, for a comparison that forgives one mistyped character
        row["document"] = row["documents"][0] if row["documents"] else None
        rows.append(row)
    return rows


def _row(agency: str, person: Person) -> dict[str, Any]:
    name = person.name
    parts = list(name.parts) if name else []
    birth = person.birth_date
    return {
        "unique_id": f"{agency}/{person.ref}",
        "agency": agency,
        "name_raw": name.raw.casefold() if name else None,
        "name_latin": " ".join(parts) or None,
        "name_sorted": " ".join(sorted(parts)) or None,
        "name_keys": sorted({k for k in map(name_key, parts) if k}) or None,
        # the whole name's key, its parts' keys in order of the keys: the same for every
        # spelling and order of one name
        "name_key": " ".join(sorted(k for k in map(name_key, parts) if k)) or None,
        "family_key": name_key(parts[-1]) if parts else None,
        "birth_year": birth.year if birth else None,
        "birth_month": birth.month if birth else None,
        "birth_day": birth.day if birth else None,
        "gender": person.gender.value if person.gender else None,
        "nationality": person.nationalities[0].code if person.nationalities else None,
        # None, not []: an identifier nobody recorded is missing, not a disagreement
        "phones": None,
        "documents": None,
        "emails": None,
        "accounts": None,
        "document": None,
    }
