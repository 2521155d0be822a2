"""The records in the shapes the pattern analyses read: accounts named as themselves, times
in UTC, one payment reported by two agencies counted once, victims' accounts with their
case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tessera.patterns import source
from tessera.standard.records import ANY_RECORD, Record


def recorded(agency: str, *rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(agency, ANY_RECORD.validate_python(r, context={"country": "DE"})) for r in rows]


def accounts(agency: str) -> list[tuple[str, Record]]:
    return recorded(agency,
                    {"record_type": "account", "ref": "A1", "iban": "DE89370400440532013000"},
                    {"record_type": "account", "ref": "A2", "account_number": "77",
                     "country": "UA"})


def paid(agency: str, ref: str, when: str, amount: str = "500") -> list[tuple[str, Record]]:
    return recorded(agency, {"record_type": "transaction", "ref": ref,
                             "payer_account_ref": "A1", "beneficiary_account_ref": "A2",
                             "amount": amount, "currency": "EUR", "timestamp": when})


def test_one_payment_two_agencies_reported_is_one_row_naming_both_reports() -> None:
    records = [*accounts("DE-FIU"), *accounts("UA-FIU"),
               *paid("DE-FIU", "T1", "2024-05-01T10:00:00+02:00"),
               *paid("UA-FIU", "X9", "2024-05-01T11:00:00+03:00"),  # the same moment
               *paid("DE-FIU", "T2", "2024-05-01T10:00:00+02:00")]  # DE-FIU's second one
    table = source.transactions(records).to_pylist()
    assert [(r["id"], r["payer"], r["beneficiary"]) for r in table] == [
        ("DE-FIU/T1=UA-FIU/X9", "DE89370400440532013000", "UA:77"),
        ("DE-FIU/T2", "DE89370400440532013000", "UA:77")]
    assert {r["time"] for r in table} == {dt.datetime(2024, 5, 1, 8, 0)}


def test_times_with_offsets_are_ordered_as_they_happened() -> None:
    records = [*accounts("DE-FIU"),
               *paid("DE-FIU", "T1", "2024-05-01T23:30:00+02:00"),  # 21:30 UTC
               *paid("DE-FIU", "T2", "2024-05-01T22:00:00+00:00", "490")]
    table = source.transactions(records).to_pylist()
    assert sorted(table, key=lambda r: r["time"])[0]["id"] == "DE-FIU/T1"


def test_victims_accounts_carry_their_case() -> None:
    records = recorded("DE-POL",
                       {"record_type": "person", "ref": "V1", "name": "Ana Victim",
                        "roles": "victim", "case_ref": "C1"},
                       {"record_type": "person", "ref": "S1", "name": "Sam Suspect",
                        "roles": "suspect", "case_ref": "C1"},
                       {"record_type": "account", "ref": "A1", "owner_ref": "V1",
                        "iban": "DE89370400440532013000"},
                       {"record_type": "account", "ref": "A2", "owner_ref": "S1",
                        "account_number": "77", "country": "UA"})
    assert source.victim_accounts(records) == {"DE89370400440532013000": "DE-POL/C1"}
