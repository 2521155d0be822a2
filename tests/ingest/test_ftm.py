"""FollowTheMoney entity streams: each schema becomes its standard record; others are counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from followthemoney import model

from tessera.ingest import ReadStats, Valid
from tests.ingest.files import check, rows, write_text


def _entity(schema: str, id_: str, **props: str | list[str]) -> dict[str, Any]:
    entity = model.make_entity(schema)
    entity.id = id_
    for name, value in props.items():
        entity.add(name, value)
    data: dict[str, Any] = entity.to_dict()
    return data


def _stream(tmp_path: Path) -> Path:
    entities = [
        _entity("Person", "p-olena", name=["Olena Petrenko", "Lena P."], birthDate="1984-03",
                nationality="ua", gender="female", phone="+380501234567",
                email="olena@example.org"),
        _entity("Person", "p-ivan", name="Ivan Petrenko"),
        _entity("Company", "c-acme", name="Acme Recruiting Ltd", jurisdiction="pl",
                registrationNumber="KRS 0000123"),
        _entity("Passport", "doc-1", holder="p-olena", number="FA 123456", country="ua"),
        _entity("BankAccount", "acc-1", iban="DE89370400440532013000"),
        _entity("BankAccount", "acc-2", accountNumber="26001234567"),
        _entity("Payment", "pay-1", payerAccount="acc-1", beneficiaryAccount="acc-2",
                amount="1500.50", currency="EUR", date="2024-01-05"),
        _entity("Payment", "pay-2", payer="c-acme", beneficiary="p-ivan", amount="200",
                currency="EUR"),
        _entity("Address", "addr-1", city="Lublin", country="pl", street="ul. Lipowa 3"),
        _entity("Ownership", "own-1", owner="p-ivan", asset="c-acme"),
        _entity("Family", "fam-1", person="p-olena", relative="p-ivan", relationship="sister"),
        _entity("Employment", "emp-1", employer="c-acme", employee="p-olena"),
        _entity("Sanction", "sanc-1", entity="c-acme", authority="OFAC"),
    ]
    text = "".join(json.dumps(e) + "\n" for e in entities)
    return write_text(tmp_path / "entities.ftm", text)


def test_ftm_entities_become_standard_records(tmp_path: Path) -> None:
    path = _stream(tmp_path)
    stats = ReadStats()
    got = rows(path, stats=stats)
    types = {r.data["ref"]: r.data["record_type"] for r in got}
    assert types == {
        "p-olena": "person", "p-olena-phone-1": "phone", "p-olena-email-1": "email",
        "p-ivan": "person", "c-acme": "organization", "doc-1": "identity_document",
        "acc-1": "account", "acc-2": "account", "pay-1": "transaction", "pay-2": "relation",
        "addr-1": "location", "own-1": "relation", "fam-1": "relation", "emp-1": "relation",
    }  # fmt: skip
    assert stats.skipped == {"Sanction": 1}
    assert [r.row for r in got if r.data["ref"].startswith("p-olena")] == [1, 1, 1]


def test_ftm_records_validate_and_keep_their_links(tmp_path: Path) -> None:
    results = check(_stream(tmp_path))
    assert all(isinstance(r, Valid) for r in results), results
    records: dict[str, Any] = {r.record.ref: r.record for r in results if isinstance(r, Valid)}
    olena = records["p-olena"]
    assert olena.name.latin == "Olena Petrenko" and olena.aliases[0].raw == "Lena P."
    assert olena.birth_date.iso == "1984-03" and olena.nationalities[0].code == "UA"
    assert records["p-olena-phone-1"].owner_ref == "p-olena"
    assert records["doc-1"].kind == "passport" and records["doc-1"].owner_ref == "p-olena"
    assert records["c-acme"].kind == "company" and records["c-acme"].country.code == "PL"
    payment = records["pay-1"]
    assert (payment.payer_account_ref, payment.beneficiary_account_ref) == ("acc-1", "acc-2")
    assert str(payment.amount) == "1500.50" and payment.currency == "EUR"
    paid = records["pay-2"]
    assert (paid.kind, paid.source_ref, paid.target_ref) == ("paid", "c-acme", "p-ivan")
    assert "200 EUR" in paid.details
    assert (records["own-1"].kind, records["own-1"].source_ref) == ("owns", "p-ivan")
    employment = records["emp-1"]
    assert (employment.kind, employment.source_ref, employment.target_ref) == (
        "employed", "c-acme", "p-olena")  # fmt: skip
    assert records["fam-1"].details == "sister"


def test_ftm_entity_without_id_or_with_unknown_schema(tmp_path: Path) -> None:
    lines = [{"schema": "Person", "properties": {"name": ["A B"]}},
             {"id": "x", "schema": "NoSuchSchema", "properties": {}}]  # fmt: skip
    path = write_text(tmp_path / "e.ftm", "".join(json.dumps(x) + "\n" for x in lines))
    stats = ReadStats()
    results = check(path, stats=stats)
    assert stats.skipped == {"NoSuchSchema": 1}
    assert len(results) == 1 and isinstance(results[0], list)
    assert "without an id" in results[0][0].reason
