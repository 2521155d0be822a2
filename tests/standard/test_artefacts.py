"""The generated artefacts of the standard: committed, current, and saying what the models say."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import zipfile
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

# jsonschema ships no type information, and types-jsonschema is not a test dependency
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tessera.standard import codes as c
from tessera.standard.artefacts import (
    DOCS_PATH,
    SCHEMA_PATH,
    TEMPLATES_DIR,
    XLSX_PATH,
    check_all,
    write_all,
)
from tessera.standard.fields import VALUE_INPUT, columns, field_specs, htcds_mapping, mixed_columns
from tessera.standard.records import ANY_RECORD, ENVELOPE_FIELDS, RECORD_TYPES, Record
from tessera.standard.templates import BOM
from tessera.standard.values import Value
from tests.standard.rows import ROWS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- staleness -----------------------------------------------------------------------------


def test_committed_artefacts_are_up_to_date() -> None:
    assert check_all(PROJECT_ROOT) == [], "run `tessera standard generate` and commit the result"


def test_check_names_changed_missing_and_stray_artefacts(tmp_path: Path) -> None:
    written = write_all(tmp_path)
    assert check_all(tmp_path) == []
    assert tmp_path / DOCS_PATH in written and tmp_path / XLSX_PATH in written
    (tmp_path / DOCS_PATH).write_text("# edited by hand\n", encoding="utf-8")
    (tmp_path / TEMPLATES_DIR / "person.csv").unlink()
    (tmp_path / TEMPLATES_DIR / "ship.csv").write_text("ref\n", encoding="utf-8")
    assert sorted(check_all(tmp_path)) == sorted(
        [
            DOCS_PATH.as_posix(),
            (TEMPLATES_DIR / "person.csv").as_posix(),
            (TEMPLATES_DIR / "ship.csv").as_posix(),
        ]
    )
    write_all(tmp_path)
    assert check_all(tmp_path) == []
    assert not (tmp_path / TEMPLATES_DIR / "ship.csv").exists()


def test_workbook_compared_by_content_not_bytes(tmp_path: Path) -> None:
    write_all(tmp_path)
    workbook = load_workbook(tmp_path / XLSX_PATH)
    workbook["person"]["A1"] = "reference"
    workbook.save(tmp_path / XLSX_PATH)
    assert check_all(tmp_path) == [XLSX_PATH.as_posix()]
    (tmp_path / XLSX_PATH).write_bytes(b"not a workbook")
    assert check_all(tmp_path) == [XLSX_PATH.as_posix()]


# --- columns and CSV templates -------------------------------------------------------------


def test_columns_put_ref_first_then_own_fields_then_envelope() -> None:
    header = columns("person")
    assert header[0] == "ref" and "record_type" not in header
    envelope = [n for n in ENVELOPE_FIELDS if n not in ("record_type", "ref")]
    assert header[-len(envelope) :] == envelope
    assert set(header) == set(RECORD_TYPES["person"].model_fields) - {"record_type"}


def test_mixed_columns_add_record_type_and_cover_every_field() -> None:
    header = mixed_columns()
    assert header[:2] == ["record_type", "ref"]
    assert len(header) == len(set(header))
    for record_type in RECORD_TYPES:
        assert set(columns(record_type)) <= set(header)


def test_unknown_record_type_named_in_error() -> None:
    with pytest.raises(ValueError, match="unknown record type 'ship'"):
        columns("ship")


@pytest.mark.parametrize("record_type", list(RECORD_TYPES))
def test_csv_template_header_is_the_columns(record_type: str) -> None:
    text = (PROJECT_ROOT / TEMPLATES_DIR / f"{record_type}.csv").read_text(encoding="utf-8")
    assert text.startswith(BOM)  # so that Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [columns(record_type)]


def test_every_value_type_has_a_written_form() -> None:
    assert set(Value.__subclasses__()) == set(VALUE_INPUT)


# --- XLSX template -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_sheets() -> dict[str, Worksheet]:
    workbook = load_workbook(PROJECT_ROOT / XLSX_PATH)
    return {sheet.title: sheet for sheet in workbook.worksheets}


def _list_values(sheets: dict[str, Worksheet], formula: str) -> list[str]:
    sheet_name, _, cells = formula.partition("!")
    sheet = sheets[sheet_name.strip("'")]
    return [str(cell.value) for row in sheet[cells.replace("$", "")] for cell in row]


def _validation_of(sheet: Worksheet, column: str) -> Any:
    letter = get_column_letter(columns(sheet.title).index(column) + 1)
    found = [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]
    return found[0] if found else None


def test_workbook_has_readme_one_sheet_per_record_type_and_hidden_lists(
    workbook_sheets: dict[str, Worksheet],
) -> None:
    assert list(workbook_sheets) == ["README", *RECORD_TYPES, "lists"]
    assert workbook_sheets["lists"].sheet_state == "hidden"
    readme = "\n".join(
        str(v) for (v,) in workbook_sheets["README"].iter_rows(values_only=True) if v
    )
    for needed in ("YYYY-MM-DD", "';'", "unique within your agency"):
        assert needed in readme


@pytest.mark.parametrize("record_type", list(RECORD_TYPES))
def test_workbook_sheet_headers_are_bold_frozen_and_described(
    workbook_sheets: dict[str, Worksheet], record_type: str
) -> None:
    sheet = workbook_sheets[record_type]
    header = [cell.value for cell in sheet[1]]
    assert header == columns(record_type)
    assert sheet.freeze_panes == "A2"
    for cell, spec in zip(sheet[1], field_specs(record_type), strict=True):
        assert cell.font.b
        assert cell.comment is not None and spec.description in cell.comment.text


def test_gender_picklist_holds_every_gender_code(workbook_sheets: dict[str, Worksheet]) -> None:
    validation = _validation_of(workbook_sheets["person"], "gender")
    assert validation is not None and validation.type == "list"
    assert _list_values(workbook_sheets, validation.formula1) == [g.value for g in c.Gender]


def test_every_single_code_column_has_its_full_picklist(
    workbook_sheets: dict[str, Worksheet],
) -> None:
    for record_type in RECORD_TYPES:
        for spec in field_specs(record_type):
            validation = _validation_of(workbook_sheets[record_type], spec.name)
            if spec.enum is None or spec.multiple:
                continue
            assert validation is not None, f"{record_type}.{spec.name}"
            codes = [m.value for m in spec.enum]
            assert _list_values(workbook_sheets, validation.formula1) == codes


def test_multi_code_column_has_no_picklist_but_names_codes_in_its_comment(
    workbook_sheets: dict[str, Worksheet],
) -> None:
    sheet = workbook_sheets["exploitation"]
    assert _validation_of(sheet, "control_methods") is None
    comment = sheet.cell(row=1, column=columns("exploitation").index("control_methods") + 1).comment
    assert comment is not None
    assert all(m.value in comment.text for m in c.ControlMethod)
    assert "separated by ';'" in comment.text


def test_workbook_properties_are_fixed() -> None:
    workbook = load_workbook(PROJECT_ROOT / XLSX_PATH)
    assert workbook.properties.created == workbook.properties.modified == dt.datetime(2024, 1, 1)


# --- JSON Schema ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_validator() -> Draft202012Validator:
    schema = json.loads((PROJECT_ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _written(value: Any) -> Any:
    """A cleaned value back in the form an agency writes in JSON."""
    if isinstance(value, tuple):
        return [_written(v) for v in value]
    if isinstance(value, Value):
        return value.raw
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _json_line(record: Record) -> str:
    fields = {name: _written(getattr(record, name)) for name in record.model_fields_set}
    return json.dumps({"record_type": record.record_type, **fields}, ensure_ascii=False)


@pytest.mark.parametrize("record_type", list(ROWS))
def test_json_lines_of_every_record_type_validate(
    schema_validator: Draft202012Validator, record_type: str
) -> None:
    record = ANY_RECORD.validate_python({"record_type": record_type, **ROWS[record_type]})
    line = _json_line(record)
    assert list(schema_validator.iter_errors(json.loads(line))) == []
    assert ANY_RECORD.validate_json(line) == record


JSON_LINES = """\
{"record_type": "person", "ref": "P-1", "name": "Олена Петренко", "nationalities": "UA;MD"}
{"record_type": "person", "ref": "P-2", "nationalities": ["UA", "MD"], "roles": ["suspect"]}
{"record_type": "exploitation", "ref": "X-1", "person_ref": "P-1", "types": "forced_labour"}
{"record_type": "transaction", "ref": "TX-1", "payer_account_ref": "A-1", \
"beneficiary_account_ref": "A-2", "amount": 100.5, "currency": "EUR", \
"timestamp": "2024-03-05T14:30:00+02:00"}
{"record_type": "location", "ref": "L-1", "country": "DE", "latitude": 52.4, "longitude": 12.5}
"""


def test_json_lines_file_validates_against_schema_and_models(
    schema_validator: Draft202012Validator,
) -> None:
    for line in JSON_LINES.splitlines():
        assert list(schema_validator.iter_errors(json.loads(line))) == [], line
        ANY_RECORD.validate_json(line)


@pytest.mark.parametrize(
    "record",
    [
        {"ref": "P-1"},  # no record_type
        {"record_type": "ship", "ref": "S-1"},
        {"record_type": "person", "ref": "P-1", "gender": "alien"},
        {"record_type": "person", "ref": "P-1", "shoe_size": "42"},
        {"record_type": "person", "ref": "P-1;P-2"},
        {"record_type": "exploitation", "ref": "X-1", "person_ref": "P-1"},
        {"record_type": "exploitation", "ref": "X-1", "person_ref": "P-1", "types": []},
        {"record_type": "location", "ref": "L-1", "country": "DE", "latitude": 95},
        {
            "record_type": "transaction",
            "ref": "TX-1",
            "payer_account_ref": "A-1",
            "beneficiary_account_ref": "A-2",
            "amount": -5,
            "currency": "EUR",
            "timestamp": "2024-03-05",
        },
    ],
)
def test_schema_refuses_what_the_models_refuse(
    schema_validator: Draft202012Validator, record: dict[str, Any]
) -> None:
    assert list(schema_validator.iter_errors(record))
    with pytest.raises(ValueError):
        ANY_RECORD.validate_python(record)


def test_schema_documents_value_types_as_strings() -> None:
    schema = json.loads((PROJECT_ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    for value_type in VALUE_INPUT:
        definition = schema["$defs"][value_type.__name__]
        assert definition["type"] == "string" and definition["examples"]
    assert schema["$defs"]["Person"]["properties"]["gender"]["htcds"] == "prs_Gender"


# --- docs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs() -> str:
    return (PROJECT_ROOT / DOCS_PATH).read_text(encoding="utf-8")


def _section(docs: str, heading: str) -> str:
    start = docs.index(f"\n{heading}\n")
    end = docs.find("\n#", start + len(heading) + 2)
    return docs[start : end if end != -1 else None]


@pytest.mark.parametrize("record_type", list(RECORD_TYPES))
def test_docs_describe_every_field_of_every_record(docs: str, record_type: str) -> None:
    own = _section(docs, f"### {record_type}")
    envelope = _section(docs, "## Fields every record has")
    for spec in field_specs(record_type):
        table = envelope if spec.envelope and spec.name != "ref" else own
        assert f"| `{spec.name}` |" in table, f"{record_type}.{spec.name}"
        assert spec.description.split(";")[0] in table


def test_docs_list_every_code_with_its_htcds_value(docs: str) -> None:
    for name, enum in c.CODE_LISTS.items():
        section = _section(docs, f"### {name}")
        mapping = c.HTCDS.get(enum, ("", {}))[1]
        for member in enum:
            htcds = mapping.get(member.value)
            expected = f"| `{member.value}` | `{htcds}` |" if htcds else f"| `{member.value}` |"
            assert expected in section, f"{name}.{member.value}"


def test_docs_map_fields_to_htcds_and_give_handling_codes(docs: str) -> None:
    mapping = _section(docs, "## Mapping to HTCDS v2.0")
    for row in htcds_mapping():
        assert f"| `{row.record_type}.{row.field.name}` | `{row.column}` |" in mapping
    handling = _section(docs, "## Handling codes and evaluation")
    for code, meaning in c.HANDLING_CODE_MEANING.items():
        assert f"| `{code.value}` | {meaning} |" in handling


# --- against the published HTCDS v2.0 ------------------------------------------------------

BENCH_DATA = Path(os.environ.get("TESSERA_BENCH_DATA", PROJECT_ROOT.parent / "shared" / "data"))
HTCDS_ODS = BENCH_DATA / "htcds" / "HTCDS Field Standards 2.0.ods"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _ods_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        # the published HTCDS standard, read from the benchmark data folder
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314
    rows = []
    for row in root.iter(f"{_TABLE}table-row"):
        cells: list[str] = []
        for cell in row:
            text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{_TEXT}p"))
            repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            cells.extend([text] * min(repeat, 64))  # trailing blank cells repeat thousands of times
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def htcds_fields() -> dict[str, tuple[str, set[str]]]:
    """HTCDS column -> (field type, picklist value names), from the published standard."""
    if not HTCDS_ODS.is_file():
        pytest.skip(f"HTCDS v2.0 not found at {HTCDS_ODS}: set TESSERA_BENCH_DATA")
    rows = _ods_rows(HTCDS_ODS)
    header = next(r for r in rows if "Field Name including Prefix" in r)
    name = header.index("Field Name including Prefix")
    kind, values = header.index("Field Type"), header.index("Value Names (if picklist)")
    return {
        row[name].strip(): (row[kind], {v.strip() for v in row[values].splitlines() if v.strip()})
        for row in rows
        if len(row) > values and row[name].strip()
    }


def test_every_mapped_htcds_column_exists(htcds_fields: dict[str, tuple[str, set[str]]]) -> None:
    assert len(htcds_fields) > 50  # the sheet was read, not just its header
    named = {row.column for row in htcds_mapping()} | {col for col, _ in c.HTCDS.values()}
    assert sorted(named - set(htcds_fields)) == []


def test_every_mapped_htcds_value_is_in_its_picklist(
    htcds_fields: dict[str, tuple[str, set[str]]],
) -> None:
    pairs = [(col, mapping) for col, mapping in c.HTCDS.values()]
    pairs += [(row.column, row.values) for row in htcds_mapping() if row.values]
    for column, mapping in pairs:
        kind, allowed = htcds_fields[column]
        if kind == "Checkbox":  # consent is a tick box: TRUE or FALSE
            assert set(mapping.values()) <= {"TRUE", "FALSE"}
            continue
        assert sorted(set(mapping.values()) - allowed) == [], column
