"""Rejections name the row as the clerk sees it, the field, the value and a plain reason."""

from __future__ import annotations

from pathlib import Path

from tessera.ingest import Rejection, SourceRow, Valid, validate_row, validate_rows
from tests.ingest.files import rejections, write_text, write_xlsx


def _one(path: Path, country: str | None = "UA") -> Rejection:
    found = rejections(path, country)
    assert len(found) == 1, found
    return found[0]


def test_first_data_row_is_row_two(tmp_path: Path) -> None:
    bad = _one(write_text(tmp_path / "person.csv", "ref,gender\nP1,xyz\n"))
    assert (bad.file, bad.sheet, bad.row) == ("person.csv", None, 2)


def test_bad_date_names_row_field_value_and_reason(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,birth_date\nP1,1990\nP2,31.02.1990\n")
    bad = _one(path)
    assert (bad.row, bad.field, bad.value) == (3, "birth_date", "31.02.1990")
    assert bad.reason == "no such day: '31.02.1990'"


def test_unknown_code_lists_the_accepted_codes(tmp_path: Path) -> None:
    bad = _one(write_text(tmp_path / "person.csv", "ref,gender\nP1,xyz\n"))
    assert (bad.field, bad.value) == ("gender", "xyz")
    assert bad.reason.startswith("unknown value 'xyz' — expected one of: female, male, ")
    assert "non_conforming" in bad.reason and "'" not in bad.reason.split(": ", 1)[1]


def test_bad_value_in_a_list_cell_names_its_position(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", 'ref,nationalities\nP1,"UA;Narnia;MD"\n')
    bad = _one(path)
    assert (bad.field, bad.value) == ("nationalities[2]", "Narnia")
    assert bad.reason.startswith("unknown country 'Narnia'")


def test_bad_phone_and_phone_read_in_the_agency_country(tmp_path: Path) -> None:
    path = write_text(tmp_path / "phone.csv", "ref,number\nT1,050 123 4567\nT2,12\n")
    bad = _one(path, country="UA")
    assert (bad.row, bad.field, bad.value) == (3, "number", "12")
    assert bad.reason == "impossible phone number: '12'"
    without = rejections(path, country=None)
    assert without[0].row == 2 and "+country prefix" in without[0].reason


def test_missing_required_field(tmp_path: Path) -> None:
    bad = _one(write_text(tmp_path / "case.csv", "ref,summary\nC1,Raid\n"))
    assert (bad.row, bad.field, bad.value) == (2, "country", "")
    assert bad.reason == "missing: this field is required"


def test_unknown_column_is_named(tmp_path: Path) -> None:
    bad = _one(write_text(tmp_path / "person.csv", "ref,shoe_size\nP1,42\n"))
    assert (bad.field, bad.value, bad.reason) == ("shoe_size", "42", "unknown column 'shoe_size'")


def test_duplicate_ref_points_at_the_first_row(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,name\nP1,A B\nP2,C D\nP1,E F\n")
    bad = _one(path)
    assert (bad.row, bad.field, bad.value) == (4, "ref", "P1")
    assert bad.reason == "duplicate ref 'P1' (first at row 2)"


def test_duplicate_ref_across_sheets_names_the_first_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", {
        "person": [["ref"], ["X1"]],
        "phone": [["ref", "number"], ["X1", "+380501234567"]],
    })
    bad = _one(path)
    assert (bad.sheet, bad.row) == ("phone", 2)
    assert bad.reason == "duplicate ref 'X1' (first at row 2 of sheet 'person')"


def test_same_ref_in_two_files_is_not_a_duplicate() -> None:
    rows = [SourceRow("a.csv", None, 2, {"record_type": "person", "ref": "P1"}),
            SourceRow("b.csv", None, 2, {"record_type": "person", "ref": "P1"})]  # fmt: skip
    assert all(isinstance(r, Valid) for r in validate_rows(rows, country="UA"))


def test_unknown_record_type_names_the_allowed_types() -> None:
    result = validate_row(SourceRow("m.csv", None, 7, {"record_type": "victim", "ref": "V"}),
                          country="UA")  # fmt: skip
    assert isinstance(result, list) and len(result) == 1
    assert (result[0].row, result[0].field, result[0].value) == (7, "record_type", "victim")
    assert result[0].reason.startswith("unknown record type 'victim' — expected one of: case, ")
    missing = validate_row(SourceRow("m.csv", None, 8, {"ref": "V"}), country="UA")
    assert isinstance(missing, list) and missing[0].reason.startswith("missing: the record type")


def test_whole_record_rule_has_no_field(tmp_path: Path) -> None:
    bad = _one(write_text(tmp_path / "account.csv", "ref,bank_name\nA1,PrivatBank\n"))
    assert (bad.field, bad.value) == ("", "")
    assert bad.reason == "an account needs an iban, account_number or wallet_address"


def test_numbers_and_amounts_get_plain_reasons(tmp_path: Path) -> None:
    path = write_text(tmp_path / "transaction.csv",
                      "ref,payer_account_ref,beneficiary_account_ref,amount,currency,timestamp\n"
                      "X1,A1,A2,lots,EUR,2024-01-05\nX2,A1,A2,-5,EUR,yesterday\n")  # fmt: skip
    found = {(b.row, b.field): b.reason for b in rejections(path)}
    assert found == {
        (2, "amount"): "not a number",
        (3, "amount"): "must be greater than 0",
        (3, "timestamp"): "not a date and time (use YYYY-MM-DD or YYYY-MM-DD HH:MM)",
    }


def test_spreadsheet_numbers_in_text_fields_are_read_as_written(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"location": [
        ["ref", "postal_code", "country", "latitude"], [1001, 65000, "UA", 46.48]]})  # fmt: skip
    assert rejections(path) == []


def test_long_values_are_truncated_in_the_rejection() -> None:
    row = SourceRow("p.csv", None, 2, {"record_type": "person", "ref": "P1", "gender": "x" * 500})
    result = validate_row(row, country=None)
    assert isinstance(result, list) and len(result[0].value) == 200


def test_valid_row_carries_its_source_and_record() -> None:
    row = SourceRow("p.csv", None, 2, {"record_type": "person", "ref": "P1", "name": "Olena P"})
    result = validate_row(row, country="UA")
    assert isinstance(result, Valid) and result.source is row and result.record.ref == "P1"
