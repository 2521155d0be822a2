"""Blank CSV templates: one file per record type, its header the columns an agency fills."""

from __future__ import annotations

import csv
import io

from tessera.standard.fields import columns, mixed_columns
from tessera.standard.records import RECORD_TYPES

# Excel opens a CSV as UTF-8 only when it starts with a byte-order mark; without it, names in
# Cyrillic or Arabic typed into the template come back garbled. Readers must accept it.
BOM = "\ufeff"


def _csv_text(header: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(header)
    return BOM + buffer.getvalue()


def csv_template(record_type: str) -> str:
    """The blank template of one record type: a header row only."""
    return _csv_text(columns(record_type))


def mixed_csv_template() -> str:
    """A blank template for a file holding several record types, told apart by record_type."""
    return _csv_text(mixed_columns())


def csv_templates() -> dict[str, str]:
    """File name -> content of every per-type template."""
    return {f"{record_type}.csv": csv_template(record_type) for record_type in RECORD_TYPES}
