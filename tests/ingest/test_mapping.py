"""Column mappings for agency files that do not follow the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tessera.ingest import MappingError, ReadError, ReadStats, Valid, load_mapping
from tessera.ingest.mapping import parse_date
from tests.ingest.files import check, rows, write_text, write_xlsx

VICTIMS_MAPPING = """\
record_type: person
skip_rows: 1
date_format: "%m/%d/%Y"
columns:
  ref: Case No
  name: [First, Last]
  gender: Sex
  birth_date: DOB
  nationalities: Citizenship
values:
  gender: {M: male, F: female, "?": unknown}
  nationalities: {Ukr: UA, Mold: MD}
constants:
  roles: victim
"""


def test_mapping_renames_columns_maps_values_and_adds_constants(tmp_path: Path) -> None:
    mapping = load_mapping(write_text(tmp_path / "victims.yaml", VICTIMS_MAPPING))
    path = write_text(
        tmp_path / "export.csv",
        "Shelter export 2024,,,,,,\n"
        "Case No,First,Last,Sex,DOB,Citizenship,Internal ID\n"
        "V-1,Olena,Petrenko,F,04/02/1998,Ukr;Mold,778\n"
        "V-2,Ivan,,m,,Ukr,779\n",
    )
    stats = ReadStats()
    got = rows(path, mapping=mapping, stats=stats)
    assert [r.row for r in got] == [3, 4]
    assert got[0].data == {"record_type": "person", "ref": "V-1", "name": "Olena Petrenko",
                           "gender": "female", "birth_date": "1998-04-02",
                           "nationalities": "UA;MD", "roles": "victim"}  # fmt: skip
    assert got[1].data["gender"] == "male"  # value keys match regardless of case
    assert stats.warnings == ["export.csv: columns not in the mapping, ignored: Internal ID"]
    results = check(path, mapping=mapping)
    assert all(isinstance(r, Valid) for r in results), results


def test_mapping_naming_an_unknown_field_is_refused_with_its_name(tmp_path: Path) -> None:
    path = write_text(tmp_path / "bad.yaml", "record_type: person\ncolumns:\n  nam: Name\n")
    with pytest.raises(MappingError, match=r"bad\.yaml: columns: unknown field 'nam'"):
        load_mapping(path)


def test_mapping_field_of_another_record_type_is_refused(tmp_path: Path) -> None:
    path = write_text(tmp_path / "m.yaml", "record_type: phone\nconstants:\n  gender: male\n")
    with pytest.raises(MappingError, match="constants: unknown field 'gender' for record type"):
        load_mapping(path)


def test_mapping_unknown_key_and_unknown_record_type_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="unknown key 'colums'"):
        load_mapping(write_text(tmp_path / "a.yaml", "record_type: person\ncolums: {}\n"))
    with pytest.raises(MappingError, match="unknown record type 'persons'"):
        load_mapping(write_text(tmp_path / "b.yaml", "record_type: persons\n"))
    with pytest.raises(MappingError, match="skip_rows"):
        load_mapping(write_text(tmp_path / "c.yaml", "skip_rows: two\n"))


def test_mapping_yaml_keeps_yes_and_no_as_written(tmp_path: Path) -> None:
    text = "record_type: person\nvalues:\n  consent: {yes: given, no: refused}\n"
    mapping = load_mapping(write_text(tmp_path / "m.yaml", text))
    assert mapping.values == {"consent": {"yes": "given", "no": "refused"}}


def test_mapping_with_record_type_column_on_xlsx(tmp_path: Path) -> None:
    mapping = load_mapping(write_text(tmp_path / "m.yaml", """\
record_type_column: Kind
columns: {ref: ID, name: Name, number: Phone, owner_ref: Owner}
values:
  record_type: {Victim: person, Tel: phone}
"""))  # fmt: skip
    path = write_xlsx(tmp_path / "x.xlsx", {"Data": [
        ["Kind", "ID", "Name", "Phone", "Owner"],
        ["Victim", "P1", "Olena Petrenko", None, None],
        ["Tel", "T1", None, "+380501234567", "P1"],
    ]})  # fmt: skip
    got = rows(path, mapping=mapping)
    assert [(r.data["record_type"], r.data["ref"]) for r in got] == [("person", "P1"),
                                                                     ("phone", "T1")]  # fmt: skip
    assert all(isinstance(r, Valid) for r in check(path, mapping=mapping))


def test_mapped_column_missing_from_file_is_warned(tmp_path: Path) -> None:
    text = "record_type: person\ncolumns: {ref: ID, name: Full name}\n"
    mapping = load_mapping(write_text(tmp_path / "m.yaml", text))
    stats = ReadStats()
    got = rows(write_text(tmp_path / "e.csv", "ID\nP1\n"), mapping=mapping, stats=stats)
    assert got[0].data == {"record_type": "person", "ref": "P1"}
    assert stats.warnings == ["e.csv: mapped columns not in the file: Full name"]


def test_mapping_is_refused_for_json_lines(tmp_path: Path) -> None:
    mapping = load_mapping(write_text(tmp_path / "m.yaml", "record_type: person\n"))
    with pytest.raises(ReadError, match="CSV and XLSX"):
        rows(write_text(tmp_path / "p.jsonl", "{}\n"), mapping=mapping)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [("04/02/1998", "%m/%d/%Y", "1998-04-02"), ("02/1998", "%m/%Y", "1998-02"),
     ("1998", "%Y", "1998"), ("05.01.2024 14:30", "%d.%m.%Y %H:%M", "2024-01-05T14:30:00"),
     ("not a date", "%m/%d/%Y", "not a date")],
)  # fmt: skip
def test_parse_date_keeps_the_precision_of_the_format(text: str, fmt: str, expected: Any) -> None:
    assert parse_date(text, fmt) == expected


def test_blank_row_stays_blank_despite_constants(tmp_path: Path) -> None:
    text = "record_type: person\ncolumns: {ref: ID}\nconstants: {roles: victim}\n"
    mapping = load_mapping(write_text(tmp_path / "m.yaml", text))
    got = rows(write_text(tmp_path / "e.csv", "ID\nP1\n\n,\nP2\n"), mapping=mapping)
    assert [(r.row, r.data["ref"], r.data["roles"]) for r in got] == [
        (2, "P1", "victim"), (5, "P2", "victim")]  # fmt: skip
