"""The validation report of one file: counts, the rejections, and ways to show them.

The report keeps the first ``MAX_KEPT`` rejections in memory and counts the rest, so that
checking a million-row file with a systematic error does not exhaust memory; the full list can
be streamed to a CSV beside the file with ``write_rejections_csv`` while validating.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tessera.ingest.mapping import Mapping
from tessera.ingest.readers import Progress, ReadStats, read_rows
from tessera.ingest.validate import Rejection, Valid, validate_rows

MAX_KEPT = 10_000
REJECTION_COLUMNS: tuple[str, ...] = ("file", "sheet", "row", "field", "value", "reason")


@dataclass
class ValidationReport:
    """What validating a file found.

    ``rows_read`` counts records read (an HTCDS sheet row yields several); ``rejected_rows``
    those with at least one rejection; ``rejection_count`` every rejection, of which the first
    ``MAX_KEPT`` are kept in ``rejections``.
    """

    file: str
    rows_read: int = 0
    valid: int = 0
    rejected_rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejection_count: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every row is valid."""
        return self.rejected_rows == 0

    def add(self, result: Valid | list[Rejection]) -> None:
        """Count one result of ``validate_rows``: a row read, valid or rejected."""
        self.rows_read += 1
        if isinstance(result, Valid):
            self.valid += 1
            return
        self.rejected_rows += 1
        self.rejection_count += len(result)
        room = MAX_KEPT - len(self.rejections)
        if room > 0:
            self.rejections.extend(result[:room])


def write_rejections_csv(rejections: Iterable[Rejection], path: Path) -> None:
    """Write rejections as CSV (UTF-8 with BOM, so that Excel shows every script)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REJECTION_COLUMNS)
        writer.writerows(_cells(r) for r in rejections)


def _cells(r: Rejection) -> tuple[str, str, int, str, str, str]:
    return (r.file, r.sheet or "", r.row, r.field, r.value, r.reason)


def write_report_json(report: ValidationReport, path: Path) -> None:
    """Write the report as JSON, for other tools and the web app."""
    data = {
        "file": report.file,
        "ok": report.ok,
        "rows_read": report.rows_read,
        "valid": report.valid,
        "rejected_rows": report.rejected_rows,
        "rejection_count": report.rejection_count,
        "rejections_kept": len(report.rejections),
        "skipped": report.skipped,
        "warnings": report.warnings,
        "rejections": [asdict(r) for r in report.rejections],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def summary(report: ValidationReport) -> str:
    """One line: how many rows were read, valid and rejected."""
    line = (f"{report.file}: {report.rows_read} rows read, {report.valid} valid, "
            f"{report.rejected_rows} rejected ({report.rejection_count} problems)")
    if report.skipped:
        line += f", skipped {sum(report.skipped.values())} unsupported entities"
    return line


def render_table(report: ValidationReport, console: Console, limit: int = 50) -> None:
    """Show the first ``limit`` rejections as a table, then warnings and the summary line."""
    if report.rejections:
        table = Table(title=f"Rejected rows in {report.file}", show_lines=False)
        for name in ("row", "sheet", "field", "value", "reason"):
            table.add_column(name, overflow="fold", justify="right" if name == "row" else "left")
        for r in report.rejections[:limit]:
            table.add_row(*(Text(t) for t in (str(r.row), r.sheet or "", r.field, r.value,
                                              r.reason)))
        console.print(table)
        hidden = report.rejection_count - min(limit, len(report.rejections))
        if hidden > 0:
            console.print(f"… and {hidden} more problems not shown")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    style = "green" if report.ok else "red"
    console.print(f"[{style}]{escape(summary(report))}[/{style}]", highlight=False)


def check_file(
    path: Path,
    *,
    country: str | None,
    record_type: str | None = None,
    fmt: str | None = None,
    mapping: Mapping | None = None,
    progress: Progress | None = None,
    rejections_csv: Path | None = None,
) -> ValidationReport:
    """Read and validate a whole file without loading it: the report, and optionally every
    rejection streamed to ``rejections_csv`` (the report itself keeps only the first ones)."""
    stats = ReadStats()
    report = ValidationReport(file=path.name)
    rows = read_rows(path, record_type=record_type, fmt=fmt, mapping=mapping,
                     progress=progress, stats=stats, country=country)
    with _RejectionSink(rejections_csv) as sink:
        for result in validate_rows(rows, country=country):
            report.add(result)
            if isinstance(result, list):
                sink.write(result)
    report.warnings.extend(stats.warnings)
    report.skipped.update(stats.skipped)
    return report


class _RejectionSink:
    """Rejections written to CSV as they come, when a path is given."""

    def __init__(self, path: Path | None) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="") if path else None
        self._writer = csv.writer(self._file) if self._file else None
        if self._writer:
            self._writer.writerow(REJECTION_COLUMNS)

    def write(self, rejections: list[Rejection]) -> None:
        if self._writer:
            self._writer.writerows(_cells(r) for r in rejections)

    def __enter__(self) -> _RejectionSink:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file:
            self._file.close()
