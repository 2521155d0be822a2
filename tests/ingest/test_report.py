"""Validation reports: counts, the cap on kept rejections, CSV/JSON output and the table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from rich.console import Console

from tessera.ingest import (
    Rejection,
    SourceRow,
    ValidationReport,
    check_file,
    render_table,
    validate_row,
    write_rejections_csv,
    write_report_json,
)
from tessera.ingest.report import MAX_KEPT
from tests.ingest.files import write_text


def _rejection(row: int, value: str = "xyz") -> Rejection:
    return Rejection("person.csv", None, row, "gender", value, f"unknown value {value!r}")


def test_report_counts_rows_and_caps_kept_rejections() -> None:
    report = ValidationReport(file="person.csv")
    valid = validate_row(SourceRow("person.csv", None, 2, {"record_type": "person", "ref": "P"}),
                         country=None)  # fmt: skip
    report.add(valid)
    for row in range(3, MAX_KEPT + 8):
        report.add([_rejection(row)])
    report.add([_rejection(1), _rejection(1)])
    assert (report.rows_read, report.valid, report.rejected_rows) == (MAX_KEPT + 7, 1, MAX_KEPT + 6)
    assert report.rejection_count == MAX_KEPT + 7
    assert len(report.rejections) == MAX_KEPT and not report.ok


def test_rejections_csv_has_the_agreed_columns_and_every_script(tmp_path: Path) -> None:
    path = tmp_path / "rejected.csv"
    write_rejections_csv([_rejection(2, "Жінка"), Rejection("x.xlsx", "person", 3, "", "", "r")],
                         path)  # fmt: skip
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got == [["file", "sheet", "row", "field", "value", "reason"],
                   ["person.csv", "", "2", "gender", "Жінка", "unknown value 'Жінка'"],
                   ["x.xlsx", "person", "3", "", "", "r"]]  # fmt: skip


def test_report_json_round_trips(tmp_path: Path) -> None:
    report = ValidationReport(file="person.csv", warnings=["w"])
    report.add([_rejection(2)])
    write_report_json(report, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["ok"] is False and data["rows_read"] == 1 and data["rejected_rows"] == 1
    assert data["rejections"] == [{"file": "person.csv", "sheet": None, "row": 2,
                                   "field": "gender", "value": "xyz",
                                   "reason": "unknown value 'xyz'"}]  # fmt: skip
    assert data["warnings"] == ["w"]


def test_render_table_shows_rows_up_to_the_limit_and_a_summary() -> None:
    report = ValidationReport(file="person.csv", warnings=["person.csv: [odd] column"])
    for row in range(2, 6):
        report.add([Rejection("person.csv", None, row, "nationalities[2]", "[bold]x", "bad")])
    console = Console(record=True, width=160, color_system=None)
    render_table(report, console, limit=3)
    out = console.export_text()
    assert "nationalities[2]" in out and "[bold]x" in out  # shown as written, not as markup
    assert "│   4 │" in out and "│   5 │" not in out
    assert "… and 1 more problems not shown" in out
    assert "[odd] column" in out
    assert "person.csv: 4 rows read, 0 valid, 4 rejected (4 problems)" in out


def test_check_file_streams_every_rejection_to_csv(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,gender,extra\nP1,f,\nP2,xyz,1\nP3,m,\n")
    out = tmp_path / "person.rejected.csv"
    report = check_file(path, country="UA", rejections_csv=out)
    assert (report.rows_read, report.valid, report.rejected_rows) == (3, 2, 1)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        got = sorted((r["row"], r["field"], r["value"]) for r in csv.DictReader(fh))
    assert got == [("3", "extra", "1"), ("3", "gender", "xyz")]
