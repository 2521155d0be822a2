"""Ingest, the reading and checking half: agency files in, standard records or clear rejections out.

``read_rows`` streams any supported file (template CSV/XLSX, JSON Lines, HTCDS workbooks, FtM
entity streams, or an agency's own layout through a ``Mapping``) as ``SourceRow``s;
``validate_rows`` turns them into ``Valid`` records or ``Rejection``s; ``ValidationReport``
and its writers tell the agency what to fix. Writing to the hub is the loader's job.
"""

from tessera.ingest.mapping import Mapping, MappingError, ReadError, load_mapping
from tessera.ingest.readers import FORMATS, ReadStats, SourceRow, detect_format, read_rows
from tessera.ingest.report import (
    ValidationReport,
    check_file,
    render_table,
    write_rejections_csv,
    write_report_json,
)
from tessera.ingest.validate import Rejection, Valid, validate_row, validate_rows

__all__ = [
    "FORMATS",
    "Mapping",
    "MappingError",
    "ReadError",
    "ReadStats",
    "Rejection",
    "SourceRow",
    "Valid",
    "ValidationReport",
    "check_file",
    "detect_format",
    "load_mapping",
    "read_rows",
    "render_table",
    "validate_row",
    "validate_rows",
    "write_rejections_csv",
    "write_report_json",
]
