"""Records validate what an agency writes in a CSV row, and refuse what they should."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tessera.standard import codes as c
from tessera.standard.fields import columns
from tessera.standard.records import ANY_RECORD, RECORD_TYPES, PhoneNumber, Record
from tests.standard.rows import ROWS


def _through_csv(record_type: str, row: dict[str, str]) -> dict[str, str]:
    """Write the row under the template's header and read it back as an ingest reader would."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(record_type))
    writer.writeheader()
    writer.writerow(row)
    buffer.seek(0)
    (read,) = csv.DictReader(buffer)
    return {k: v for k, v in read.items() if v}  # a blank cell is "not known"


def _record(record_type: str, **cells: str) -> Any:
    return ANY_RECORD.validate_python({"record_type": record_type, **cells})


def test_every_record_type_has_a_typical_row() -> None:
    assert set(ROWS) == set(RECORD_TYPES)


@pytest.mark.parametrize("record_type", list(ROWS))
def test_typical_csv_row_validates(record_type: str) -> None:
    cells = _through_csv(record_type, ROWS[record_type])
    record = ANY_RECORD.validate_python({"record_type": record_type, **cells})
    assert type(record) is RECORD_TYPES[record_type]
    assert record.ref == ROWS[record_type]["ref"]


@pytest.mark.parametrize("record_type", list(ROWS))
def test_json_round_trip_gives_an_equal_record(record_type: str) -> None:
    record = _record(record_type, **ROWS[record_type])
    again = ANY_RECORD.validate_json(record.model_dump_json())
    assert again == record


def test_list_cells_are_split_on_semicolons() -> None:
    person = _record("person", **ROWS["person"])
    assert [country.code for country in person.nationalities] == ["UA", "MD"]
    assert [alias.latin for alias in person.aliases] == ["Lena", "Helen"]
    assert person.share_with == ()
    case = _record("case", **ROWS["case"])
    assert case.share_with == ("MD-NGO", "DE-FIU")
    assert case.exploitation_types == (
        c.ExploitationType.forced_labour,
        c.ExploitationType.sexual_exploitation,
    )


@pytest.mark.parametrize(
    ("record_type", "field", "written", "code"),
    [
        ("person", "roles", "RecruiterOrIntermediary", (c.Role.recruiter,)),
        ("person", "gender", "NonSpecifiedUnknown", c.Gender.unknown),
        (
            "person",
            "trafficking_status",
            "PossibleVictimOfTrafficking",
            c.TraffickingStatus.possible_victim,
        ),
        ("exploitation", "control_methods", "DebtBondage", (c.ControlMethod.debt_bondage,)),
        (
            "exploitation",
            "industry",
            "I_AccommodationAndFoodServiceActivities",
            c.Industry.hospitality,
        ),
        ("case", "status", "ClosedReferred", c.CaseStatus.closed_referred),
        ("organization", "kind", "CorporateBusiness", c.OrganizationKind.company),
        ("recruitment", "channels", "4Sale", (c.Channel.four_sale,)),
    ],
)
def test_htcds_value_names_are_read_as_codes(
    record_type: str, field: str, written: str, code: object
) -> None:
    record = _record(record_type, **{**ROWS[record_type], field: written})
    assert getattr(record, field) == code


def test_typical_values_are_cleaned() -> None:
    person = _record("person", **ROWS["person"])
    assert (person.name.family, person.name.latin) == ("ПЕТРЕНКО", "Olena PETRENKO")
    assert person.consent is c.Consent.given
    assert person.is_victim
    assert _record("social_handle", **ROWS["social_handle"]).handle == "recruiter_md"
    assert _record("vehicle", **ROWS["vehicle"]).plate == "MDAB123"
    assert _record("account", **ROWS["account"]).currency == "EUR"
    assert _record("transaction", **ROWS["transaction"]).amount == Decimal("1250.50")
    document = _record("identity_document", **ROWS["identity_document"])
    assert (document.number.number, document.suspected_forged) == ("FE123456", False)


def test_phone_in_national_form_read_in_the_agency_country() -> None:
    phone = ANY_RECORD.validate_python(
        {"record_type": "phone", "ref": "T-2", "number": "050 123 4567"},
        context={"country": "UA"},
    )
    assert isinstance(phone, PhoneNumber)
    assert phone.number.e164 == "+380501234567"


def _error(record_type: str, **cells: str) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        _record(record_type, **cells)
    (error,) = caught.value.errors()
    return dict(error)


def test_unknown_code_refused_naming_the_field() -> None:
    error = _error("person", **{**ROWS["person"], "gender": "alien"})
    assert error["loc"] == ("person", "gender")
    assert error["input"] == "alien"


def test_unknown_code_in_a_list_refused_naming_the_field() -> None:
    error = _error("exploitation", **{**ROWS["exploitation"], "control_methods": "isolation;magic"})
    assert error["loc"] == ("exploitation", "control_methods", 1)


def test_account_without_identifier_refused() -> None:
    error = _error("account", ref="A-9", owner_ref="P-2", bank_name="Some Bank")
    assert "needs an iban, account_number or wallet_address" in error["msg"]


def test_relation_to_itself_refused() -> None:
    error = _error("relation", ref="REL-9", kind="associate", source_ref="P-1", target_ref="P-1")
    assert "two different records" in error["msg"]


def test_extra_unknown_field_refused() -> None:
    error = _error("vehicle", **{**ROWS["vehicle"], "horsepower": "150"})
    assert (error["loc"], error["type"]) == (("vehicle", "horsepower"), "extra_forbidden")


def test_missing_required_field_refused() -> None:
    row = {k: v for k, v in ROWS["exploitation"].items() if k != "types"}
    assert _error("exploitation", **row)["loc"] == ("exploitation", "types")


def test_reference_with_semicolon_refused() -> None:
    error = _error("movement", **{**ROWS["movement"], "person_ref": "P-1;P-2"})
    assert error["loc"] == ("movement", "person_ref")


def test_unknown_currency_refused() -> None:
    error = _error("transaction", **{**ROWS["transaction"], "currency": "XYZ"})
    assert "unknown currency 'XYZ'" in error["msg"]


def test_outcome_amount_needs_currency() -> None:
    error = _error("outcome", ref="OUT-2", kind="assets_frozen", amount="50000")
    assert "needs its currency" in error["msg"]


def test_person_name_is_built_from_given_and_family() -> None:
    person = _record("person", ref="P-3", given_name="Ivan", family_name="Petrov")
    assert (person.name.given, person.name.family) == ("Ivan", "Petrov")
    assert person.title() == "Ivan Petrov"


def test_references_name_every_pointer() -> None:
    movement = _record("movement", **ROWS["movement"])
    assert movement.references() == {
        "person_ref": ("P-1",),
        "document_refs": ("D-1",),
        "transporter_ref": ("P-2",),
        "vehicle_ref": ("V-1",),
    }


def test_every_ref_field_declares_its_targets() -> None:
    for model in RECORD_TYPES.values():
        pointers = {n for n in model.model_fields if n.endswith(("_ref", "_refs"))}
        assert pointers == set(model.REFS), model.__name__
        for targets in model.REFS.values():
            assert set(targets) <= set(RECORD_TYPES)


def test_records_are_frozen() -> None:
    record: Record = _record("vehicle", **ROWS["vehicle"])
    with pytest.raises(ValidationError):
        record.ref = "V-2"  # type: ignore[misc]
