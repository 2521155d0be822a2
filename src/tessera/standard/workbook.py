"""The XLSX template: a README sheet, one sheet per record type, and picklists for every code.

Excel keeps an inline list validation under 255 characters, which several code lists exceed,
so every list lives in a hidden ``lists`` sheet that the validations point at. A cell holding
several codes separated by ';' cannot be checked by a list; its header comment names the codes.
"""

from __future__ import annotations

import datetime as dt
import io
from os import PathLike
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from tessera.standard import codes as c
from tessera.standard.fields import FieldSpec, field_specs
from tessera.standard.records import LIST_SEPARATOR, RECORD_TYPES

XLSX_NAME = "tessera-template.xlsx"
README_SHEET = "README"
LISTS_SHEET = "lists"
# Rows covered by the picklists; far more than one submission holds.
DATA_ROWS = 5000
# Fixed so that regenerating the template changes nothing but what the standard changed.
FIXED_TIME = dt.datetime(2024, 1, 1)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")

README_LINES: tuple[str, ...] = (
    "Tessera reporting template",
    "",
    "One sheet per record type; fill only the sheets you need and leave the others empty.",
    "One row per record. Do not rename sheets or columns; hover over a column header to read "
    "what goes in it. Columns shaded orange are required.",
    "ref: your own reference for the record, unique within your agency across all sheets. "
    "Other records point at it from their *_ref columns (e.g. person_ref on exploitation).",
    f"Several values in one cell: separate them with '{LIST_SEPARATOR}' (e.g. UA;MD).",
    "Dates: YYYY, YYYY-MM or YYYY-MM-DD when only the year or month is known; "
    "DD.MM.YYYY is read day first.",
    "Codes: pick from the cell's list; HTCDS v2.0 value names are accepted too.",
    "Countries: an ISO 3166 code (UA, UKR) or the country's name. Phones: with the +country "
    "prefix. Amounts: digits with a decimal point, currency as an ISO 4217 code (EUR).",
    "Leave a cell blank when the value is not known. Blank handling_code, source_reliability, "
    "information_credibility and sharing_scope take your agency's defaults.",
    "",
    "Sheets:",
)


def _lists_sheet(workbook: Workbook) -> dict[str, str]:
    """Write every code list as a column of the hidden sheet; return each list's range."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    for index, (name, enum) in enumerate(c.CODE_LISTS.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, member in enumerate(enum, start=2):
            sheet.cell(row=row, column=index, value=member.value)
        last = len(enum) + 1
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def header_note(spec: FieldSpec) -> str:
    """What the header comment of a column says."""
    lines = [spec.description, f"Type: {spec.written}.", "Required." if spec.required else ""]
    if spec.enum is not None:
        codes = ", ".join(member.value for member in spec.enum)
        lead = f"Codes, separated by '{LIST_SEPARATOR}'" if spec.multiple else "Codes"
        lines.append(f"{lead}: {codes}.")
    if spec.htcds:
        lines.append(f"HTCDS v2.0: {spec.htcds}.")
    return "\n".join(line for line in lines if line)


def _validation(spec: FieldSpec, ranges: dict[str, str]) -> DataValidation | None:
    if spec.multiple:
        return None
    if spec.code_list:
        formula, message = ranges[spec.code_list], f"Pick a {spec.code_list} code from the list."
    elif spec.kind == "yes or no":
        formula, message = '"yes,no"', "Write yes or no."
    else:
        return None
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=spec.name,
        error=message,
    )


def _record_sheet(sheet: Worksheet, specs: list[FieldSpec], ranges: dict[str, str]) -> None:
    for index, spec in enumerate(specs, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=spec.name)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if spec.required else _HEADER_FILL
        note = header_note(spec)
        cell.comment = Comment(
            note, "Tessera", height=max(80, 16 * (len(note) // 40 + 2)), width=320
        )
        sheet.column_dimensions[letter].width = max(12, min(40, len(spec.name) + 4))
        validation = _validation(spec, ranges)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _readme(sheet: Worksheet) -> None:
    lines = [*README_LINES]
    for record_type, model in RECORD_TYPES.items():
        summary = (model.__doc__ or "").strip().splitlines()[0]
        lines.append(f"{record_type}: {summary}")
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line or None).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110


def build_workbook() -> Workbook:
    """The template workbook, in memory."""
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = README_SHEET
    _readme(readme)
    sheets = {record_type: workbook.create_sheet(record_type) for record_type in RECORD_TYPES}
    ranges = _lists_sheet(workbook)
    for record_type, sheet in sheets.items():
        _record_sheet(sheet, field_specs(record_type), ranges)
    props = workbook.properties
    props.creator = props.lastModifiedBy = "Tessera"
    props.title = "Tessera reporting template"
    props.created = props.modified = FIXED_TIME
    return workbook


class _FixedTimeZip(ZipFile):
    """A zip whose members all carry FIXED_TIME, so that the same workbook gives the same bytes."""

    def writestr(
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | PathLike[str],
        arcname: str | PathLike[str] | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        # openpyxl writes each sheet to a temporary file and adds it with its mtime.
        name = str(arcname) if arcname is not None else Path(filename).name
        self.writestr(name, Path(filename).read_bytes(), compress_type, compresslevel)


def xlsx_bytes() -> bytes:
    """The template as the bytes of an .xlsx file, identical each time it is built."""
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the time of saving as "modified".
    with _FixedTimeZip(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(build_workbook(), archive).save()
    return buffer.getvalue()


def fingerprint(data: bytes) -> dict[str, Any]:
    """What a template holds, read back: sheets, cells, header styles, comments, validations.

    Two saves of the same workbook differ in their zip timestamps, so staleness is judged on
    this instead of on bytes.
    """
    workbook = load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": workbook.sheetnames}
    for sheet in workbook.worksheets:
        out[sheet.title] = {
            "state": sheet.sheet_state,
            "freeze": sheet.freeze_panes,
            "cells": [list(row) for row in sheet.iter_rows(values_only=True)],
            "bold": [bool(cell.font and cell.font.b) for cell in sheet[1]],
            "comments": {
                cell.coordinate: cell.comment.text
                for row in sheet.iter_rows()
                for cell in row
                if cell.comment is not None
            },
            "validations": sorted(
                (str(dv.sqref), dv.type or "", dv.formula1 or "")
                for dv in sheet.data_validations.dataValidation
            ),
        }
    return out
