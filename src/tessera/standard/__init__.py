"""The reporting standard: typed records, code lists aligned with HTCDS, and value cleaning."""

from tessera.standard.records import ANY_RECORD, RECORD_TYPES, AnyRecord, Record

__all__ = ["ANY_RECORD", "RECORD_TYPES", "AnyRecord", "Record"]
