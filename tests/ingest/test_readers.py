"""Reading CSV, XLSX and JSON Lines into SourceRows: names, types, row numbers, streaming."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path

import pytest

from tessera.ingest import ReadError, ReadStats, Valid, read_rows
from tests.ingest.files import check, rejections, rows, write_text, write_xlsx


def test_csv_with_bom_and_semicolons_reads_standard_fields(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "person.csv",
        'ref;name;birth_date;nationalities\nP1;Olena PETRENKO;1984-03;"UA;MD"\nP2;Іван;;UA\n',
        bom=True,
    )
    got = rows(path)
    assert [r.row for r in got] == [2, 3]
    assert got[0].file == "person.csv" and got[0].sheet is None
    assert got[0].data == {"record_type": "person", "ref": "P1", "name": "Olena PETRENKO",
                           "birth_date": "1984-03", "nationalities": "UA;MD"}  # fmt: skip
    assert "birth_date" not in got[1].data  # a blank cell is absent, not ""
    results = check(path)
    assert all(isinstance(r, Valid) for r in results)


def test_csv_tab_delimited_is_sniffed(tmp_path: Path) -> None:
    path = write_text(tmp_path / "phone.csv", "ref\tnumber\tnotes_x\nT1\t+380501234567\t\n")
    assert rows(path)[0].data == {"record_type": "phone", "ref": "T1", "number": "+380501234567"}


def test_header_names_are_matched_loosely(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "Ref,Birth Date, Given-Name \nP1,1990,Olena\n")
    assert rows(path)[0].data == {"record_type": "person", "ref": "P1", "birth_date": "1990",
                                  "given_name": "Olena"}  # fmt: skip


def test_blank_rows_are_skipped_but_keep_numbering(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,name\nP1,A B\n,\n\nP2,C D\n")
    assert [(r.row, r.data["ref"]) for r in rows(path)] == [(2, "P1"), (5, "P2")]


def test_quoted_multiline_cell_counts_as_one_row(tmp_path: Path) -> None:
    path = write_text(tmp_path / "case.csv", 'ref,country,summary\nC1,UA,"two\nlines"\nC2,UA,\n')
    assert [r.row for r in rows(path)] == [2, 3]


def test_mixed_csv_takes_type_from_record_type_column(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "submission.csv",
        "record_type,ref,name,number,owner_ref\nperson,P1,Olena PETRENKO,,\n"
        "Phone,T1,,+380501234567,P1\n",
    )
    got = rows(path)
    assert [r.data["record_type"] for r in got] == ["person", "phone"]
    assert all(isinstance(r, Valid) for r in check(path))


def test_record_type_argument_wins_over_file_stem(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,name\nO1,Acme Ltd\n")
    assert rows(path, record_type="organization")[0].data["record_type"] == "organization"


def test_csv_without_any_record_type_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "export-2024.csv", "ref,name\nP1,A B\n")
    with pytest.raises(ReadError, match=r"export-2024\.csv.*record type"):
        rows(path)


def test_csv_that_is_not_utf8_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "person.csv"
    path.write_bytes("ref,name\nP1,Müller\n".encode("cp1252"))
    with pytest.raises(ReadError, match="not UTF-8"):
        rows(path)


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.csv", "ref,name,Name\nP1,A,B\n")
    with pytest.raises(ReadError, match="twice"):
        rows(path)


def test_file_that_is_not_a_workbook_is_refused_clearly(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.xlsx", "ref,name\nP1,A\n")
    with pytest.raises(ReadError, match=r"person\.xlsx: not a readable XLSX workbook"):
        rows(path)


def test_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    path = write_text(tmp_path / "person.dat", "ref\nP1\n")
    with pytest.raises(ReadError, match=r"person\.dat"):
        rows(path)
    assert rows(path, fmt="csv")[0].data["ref"] == "P1"


def test_xlsx_reads_record_sheets_and_skips_readme_and_hidden_lists(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "submission.xlsx",
        {
            "README": [["Tessera reporting template"], ["ref: your own reference"]],
            "person": [["ref", "name", "birth_date"],
                       ["P1", "Olena PETRENKO", dt.datetime(1984, 3, 5)],
                       [None, None, None],
                       ["P2", "Ivan PETRENKO", None]],
            "phone": [["ref", "owner_ref", "number"], ["T1", "P1", 380501234567]],
            "lists": [["gender"], ["female"]],
        },
        hidden=["lists"],
    )
    stats = ReadStats()
    got = rows(path, stats=stats)
    assert [(r.sheet, r.row, r.data["ref"]) for r in got] == [
        ("person", 2, "P1"), ("person", 4, "P2"), ("phone", 2, "T1")]  # fmt: skip
    assert got[0].data["birth_date"] == dt.datetime(1984, 3, 5)  # cell types are kept
    assert got[2].data["number"] == 380501234567
    assert stats.warnings == []
    results = check(path)
    assert all(isinstance(r, Valid) for r in results), results
    first = results[0]
    assert isinstance(first, Valid)
    assert first.record.birth_date is not None and first.record.birth_date.iso == "1984-03-05"  # type: ignore[attr-defined]


def test_xlsx_other_sheet_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", {"person": [["ref"], ["P1"]],
                                            "Notes": [["whatever"], ["x"]]})  # fmt: skip
    stats = ReadStats()
    assert [r.data["ref"] for r in rows(path, stats=stats)] == ["P1"]
    assert any("Notes" in w and "skipped" in w for w in stats.warnings)


def test_xlsx_single_unnamed_sheet_needs_a_record_type(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "export.xlsx", {"Sheet1": [["ref", "name"], ["P1", "A B"]]})
    with pytest.raises(ReadError, match=r"export\.xlsx:Sheet1"):
        rows(path)
    assert rows(path, record_type="person")[0].data["record_type"] == "person"


def test_xlsx_booleans_become_text_for_codes(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"person": [["ref", "consent"], ["P1", True]]})
    result = check(path)[0]
    assert isinstance(result, Valid)
    assert result.record.consent == "given"  # type: ignore[attr-defined]


def test_jsonl_lines_are_numbered_and_a_broken_line_is_rejected(tmp_path: Path) -> None:
    lines = [json.dumps({"record_type": "person", "ref": "P1", "name": "Olena PETRENKO"}), "",
             "{not json", json.dumps({"record_type": "case", "ref": "C1", "country": "UA",
                                      "summary": None})]  # fmt: skip
    path = write_text(tmp_path / "records.jsonl", "\n".join(lines) + "\n")
    got = rows(path)
    assert [r.row for r in got] == [1, 3, 4]
    assert "summary" not in got[2].data
    bad = rejections(path)
    assert len(bad) == 1 and bad[0].row == 3 and "not valid JSON" in bad[0].reason


def test_progress_counts_every_byte_of_a_csv(tmp_path: Path) -> None:
    body = "".join(f"P{i},Name Number{i}\n" for i in range(2500))
    path = write_text(tmp_path / "person.csv", "ref,name\n" + body, bom=True)
    seen: list[int] = []
    assert len(rows(path, progress=seen.append)) == 2500
    assert len(seen) >= 2 and sum(seen) == path.stat().st_size


def test_progress_counts_xlsx_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", {"person": [["ref"], *[[f"P{i}"] for i in range(1500)]]})
    seen: list[int] = []
    rows(path, progress=seen.append)
    assert sum(seen) == 1500


def test_progress_counts_jsonl_bytes(tmp_path: Path) -> None:
    text = "".join(json.dumps({"record_type": "person", "ref": f"P{i}"}) + "\n"
                   for i in range(1200))
    path = write_text(tmp_path / "p.jsonl", text)
    seen: list[int] = []
    rows(path, progress=seen.append)
    assert sum(seen) == path.stat().st_size


def test_large_csv_is_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "person.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("ref,name,notes\n")
        for i in range(40_000):
            out.write(f"P{i},Olena PETRENKO,{'x' * 60}\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 40_000
    assert peak < size / 4, (peak, size)


def test_record_type_column_accepts_spaced_and_capitalised_names(tmp_path: Path) -> None:
    text = "record_type,ref,kind,number\nIdentity Document,D1,passport,FA123456\n"
    path = write_text(tmp_path / "mixed.csv", text)
    assert rows(path)[0].data["record_type"] == "identity_document"
    assert all(isinstance(r, Valid) for r in check(path))


def test_jsonl_blank_strings_are_absent(tmp_path: Path) -> None:
    line = json.dumps({"record_type": "person", "ref": " P1 ", "name": "  ", "notes": ""})
    assert rows(write_text(tmp_path / "p.ndjson", line + "\n"))[0].data == {
        "record_type": "person", "ref": "P1"}  # fmt: skip


def test_xlsx_zero_and_false_are_values_not_blanks(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"location": [
        ["ref", "country", "latitude", "longitude"], ["L1", "GH", 0, 0.0]]})  # fmt: skip
    assert rows(path)[0].data == {"record_type": "location", "ref": "L1", "country": "GH",
                                  "latitude": 0, "longitude": 0.0}  # fmt: skip
