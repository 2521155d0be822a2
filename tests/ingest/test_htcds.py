"""HTCDS v2.0 workbooks: header detection, and one sheet row becoming several records."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tessera.ingest import Valid, read_rows
from tessera.ingest.htcds import is_htcds_header, is_label_row
from tests.conftest import PROJECT_ROOT
from tests.ingest.files import check, rows, write_xlsx

BENCH_DATA = Path(os.environ.get("TESSERA_BENCH_DATA", PROJECT_ROOT.parent / "shared" / "data"))
IOM_WORKBOOK = BENCH_DATA / "htcds" / "HTCDS Excel Spreadsheet v2.0.xlsx"
needs_iom = pytest.mark.skipif(not IOM_WORKBOOK.is_file(),
                               reason=f"HTCDS workbook not found at {IOM_WORKBOOK}")  # fmt: skip

HEADER = ["prs_FirstName", "prs_SecondName", "prs_Salutation", "prs_Birthdate", "prs_Gender",
          "prs_Citizenship", "prs_Email", "prs_MobilePhone", "prs_MailingCity",
          "prs_MailingCountry", "con_Consent", "vic_TraffickingStatus",
          "vic_MethodOfRecruitment", "vic_LocationOfRecruitment", "vic_TypeOfExploitation",
          "vic_ForcedLabourIndustry", "vic_MethodsOfControl", "cas_Status", "cas_CaseOwner",
          "cas_IncomingReferralDate"]  # fmt: skip


def _row(**values: Any) -> list[Any]:
    return [values.get(name) for name in HEADER]


def test_small_htcds_workbook_rows_become_valid_records(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "htcds.xlsx", {"Cases": [
        HEADER,
        _row(prs_FirstName="Olena", prs_SecondName="Petrenko", prs_Salutation="Ms",
             prs_Birthdate=dt.datetime(1998, 4, 2), prs_Gender="Feminine",
             prs_Citizenship="UA;MD", prs_Email="olena@example.org",
             prs_MobilePhone="+380501234567", prs_MailingCity="Odesa",
             prs_MailingCountry="Ukraine", con_Consent=True,
             vic_TraffickingStatus="ActualVictimOfTrafficking",
             vic_MethodOfRecruitment="ThroughAnOnlineAdvertisement",
             vic_LocationOfRecruitment="UA", vic_TypeOfExploitation="ForcedLabour",
             vic_ForcedLabourIndustry="A_AgricultureForestryAndFishing;F_Construction",
             vic_MethodsOfControl="DebtBondage;WithholdsDocuments", cas_Status="Active",
             cas_CaseOwner="M. Ivanova", cas_IncomingReferralDate=dt.datetime(2024, 2, 1)),
        _row(prs_FirstName="Ion", vic_TraffickingStatus="NotAVictimOfTrafficking"),
    ]})
    got = rows(path, country="UA")
    assert [(r.row, r.data["ref"]) for r in got] == [
        (2, "htcds-2-case"), (2, "htcds-2-person"), (2, "htcds-2-phone"), (2, "htcds-2-email"),
        (2, "htcds-2-location"), (2, "htcds-2-recruitment"), (2, "htcds-2-exploitation"),
        (3, "htcds-3-person")]  # fmt: skip
    results = check(path, country="UA")
    assert all(isinstance(r, Valid) for r in results), results
    records = {r.record.ref: r.record for r in results if isinstance(r, Valid)}
    person: Any = records["htcds-2-person"]
    assert person.name.latin == "Olena Petrenko" and person.gender == "female"
    assert [n.code for n in person.nationalities] == ["UA", "MD"]
    assert person.roles == ("victim",) and person.consent == "given"
    assert person.case_ref == "htcds-2-case"
    assert "Salutation: Ms" in person.notes
    exploitation: Any = records["htcds-2-exploitation"]
    assert exploitation.person_ref == "htcds-2-person"
    assert exploitation.types == ("forced_labour",) and exploitation.industry == "agriculture"
    assert exploitation.control_methods == ("debt_bondage", "withholds_documents")
    recruitment: Any = records["htcds-2-recruitment"]
    assert recruitment.methods == ("online_advertisement",) and recruitment.country.code == "UA"
    case: Any = records["htcds-2-case"]
    assert case.country.code == "UA" and case.status == "active"
    assert case.industries == ("agriculture", "construction")
    assert case.opened.iso == "2024-02-01" and "CaseOwner: M. Ivanova" in case.summary
    phone: Any = records["htcds-2-phone"]
    assert phone.owner_ref == "htcds-2-person" and phone.number.e164 == "+380501234567"
    second: Any = records["htcds-3-person"]
    assert second.roles == () and second.trafficking_status == "not_a_victim"


def test_htcds_case_without_agency_country_is_rejected_by_field(tmp_path: Path) -> None:
    sheet = [HEADER, _row(prs_FirstName="A", cas_Status="Active")]
    path = write_xlsx(tmp_path / "h.xlsx", {"S": sheet})
    bad = [r for res in check(path, country=None) if isinstance(res, list) for r in res]
    assert [(b.row, b.field, b.reason) for b in bad] == [
        (2, "country", "missing: this field is required")]  # fmt: skip


@needs_iom
def test_iom_workbook_header_is_detected_and_it_holds_no_rows() -> None:
    book = load_workbook(IOM_WORKBOOK, read_only=True)
    sheet = book.worksheets[0]
    header, labels = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    book.close()
    assert is_htcds_header(header) and is_label_row(header, labels)
    assert not is_label_row(header, _row(prs_FirstName="Olena"))
    assert list(read_rows(IOM_WORKBOOK, country="UA")) == []  # numbered but empty rows


@needs_iom
def test_iom_workbook_filled_in_loads_from_row_three(tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    shutil.copy(IOM_WORKBOOK, path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
    values = {"prs_FirstName": "Amina", "prs_SecondName": "Diallo", "prs_Gender": "Feminine",
              "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
              "vic_TypeOfExploitation": "SexualExploitation", "cas_Status": "FollowUp"}  # fmt: skip
    for name, value in values.items():
        sheet.cell(row=3, column=columns[name], value=value)
    sheet.cell(row=3, column=36, value="Moved to shelter")  # the column without a system name
    book.save(path)
    got = rows(path, country="SN")
    assert {r.row for r in got} == {3}
    assert sorted(r.data["record_type"] for r in got) == ["case", "exploitation", "person"]
    results = check(path, country="SN")
    assert all(isinstance(r, Valid) for r in results), results
    records: dict[str, Any] = {r.record.ref: r.record for r in results if isinstance(r, Valid)}
    case = records["htcds-3-case"]
    assert "Reason for Outgoing Referral: Moved to shelter" in case.summary
