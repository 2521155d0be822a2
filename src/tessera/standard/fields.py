"""What an agency fills in for each record type: columns, their types as written, their codes.

The templates, the JSON Schema, the docs and the ingest reader all need the same answer to
"which columns does a person file have, in which order, and what goes in each"; this module
gives it once, read off the record models so that a field added there appears everywhere.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from tessera.standard import codes as c
from tessera.standard import records as r
from tessera.standard.values import (
    AgeRange,
    Country,
    DocumentNumber,
    Email,
    Iban,
    PartialDate,
    PersonName,
    Phone,
    Value,
)


@dataclass(frozen=True)
class ValueInput:
    """How an agency writes a value type: a short label, a hint and examples."""

    label: str
    hint: str
    examples: tuple[str, ...]


# Value types document the cleaned form; agencies need the written form, which lives here.
VALUE_INPUT: dict[type[Value], ValueInput] = {
    PersonName: ValueInput(
        "name",
        "as written, in any script: 'Given FAMILY', 'FAMILY Given' or 'Family, Given'",
        ("Olena PETRENKO", "Petrenko, Olena", "Олена Петренко", "王小明"),
    ),
    PartialDate: ValueInput(
        "date",
        "YYYY, YYYY-MM or YYYY-MM-DD; DD.MM.YYYY is read day first",
        ("1984", "1984-03", "1984-03-05", "05.03.1984"),
    ),
    AgeRange: ValueInput("age", "an age or a band: 25, 25-30 or 60+", ("25", "25-30", "60+")),
    Phone: ValueInput(
        "phone",
        "with its +country prefix; without it, read in the agency's country",
        ("+380 50 123 4567", "00380501234567"),
    ),
    Iban: ValueInput(
        "IBAN", "spaces allowed; the checksum is checked", ("DE89 3704 0044 0532 0130 00",)
    ),
    Country: ValueInput(
        "country",
        "ISO 3166 code (alpha-2, alpha-3 or numeric) or the name in a common language",
        ("UA", "UKR", "Ukraine", "Україна"),
    ),
    Email: ValueInput("e-mail", "an e-mail address", ("name@example.org",)),
    DocumentNumber: ValueInput(
        "document number", "as printed; spaces and dashes are ignored", ("AB 123456",)
    ),
}

CODE_LIST_NAMES: dict[type[StrEnum], str] = {enum: name for name, enum in c.CODE_LISTS.items()}

_SCALAR_LABELS: dict[type, str] = {
    bool: "yes or no",
    int: "whole number",
    float: "number",
    Decimal: "amount (e.g. 1250.50)",
    dt.datetime: "date or date and time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    str: "text",
}


@dataclass(frozen=True)
class FieldSpec:
    """One column of a record type, as the agency sees it."""

    name: str
    kind: str  # the type as an agency writes one value
    required: bool
    multiple: bool
    description: str
    envelope: bool
    code_list: str | None = None
    value_type: type[Value] | None = None
    targets: tuple[str, ...] = ()  # record types a *_ref field may point at
    htcds: str | None = None
    ftm: str | None = None

    @property
    def written(self) -> str:
        """The type as written in a cell, saying when several values may be given."""
        return f"{self.kind}; several separated by ';'" if self.multiple else self.kind

    @property
    def enum(self) -> type[StrEnum] | None:
        return c.CODE_LISTS[self.code_list] if self.code_list else None


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, bool, list[Any]]:
    """The base type under Optional/Annotated/tuple, whether it repeats, and all metadata."""
    found = list(metadata)
    multiple = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            found.extend(extra)
        elif origin in (Union, types.UnionType):
            (annotation,) = [a for a in get_args(annotation) if a is not type(None)]
        elif origin is tuple:
            annotation = get_args(annotation)[0]
            multiple = True
        else:
            return annotation, multiple, found


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _validates_with(metadata: list[Any], function: Any) -> bool:
    return any(getattr(m, "func", None) is function for m in metadata)


def _spec(model: type[r.Record], name: str, info: FieldInfo) -> FieldSpec:
    base, multiple, metadata = _unwrap(info.annotation, list(info.metadata))
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    targets = model.REFS.get(name, ())
    code_list = value_type = None
    if isinstance(base, type) and issubclass(base, Value):
        value_type, kind = base, VALUE_INPUT[base].label
    elif isinstance(base, type) and issubclass(base, StrEnum):
        code_list = CODE_LIST_NAMES[base]
        kind = f"code ({code_list})"
    elif name == "ref":
        kind = "your own reference"
    elif targets:
        kind = "reference to " + _either(targets)
    elif base is str and _validates_with(metadata, r._check_currency):
        kind = "currency (ISO 4217 code)"
    elif base in _SCALAR_LABELS:
        kind = _SCALAR_LABELS[base]
    else:  # a new field type needs its written form before templates and docs can show it
        raise TypeError(f"{model.__name__}.{name}: no written form for {base!r}")
    return FieldSpec(
        name=name,
        kind=kind,
        required=info.is_required(),
        multiple=multiple,
        description=info.description or "",
        envelope=name in r.ENVELOPE_FIELDS,
        code_list=code_list,
        value_type=value_type,
        targets=targets,
        htcds=str(extra["htcds"]) if "htcds" in extra else None,
        ftm=str(extra["ftm"]) if "ftm" in extra else None,
    )


def model_for(record_type: str) -> type[r.Record]:
    """The record model of a record type, with an error naming the known types."""
    try:
        return r.RECORD_TYPES[record_type]
    except KeyError:
        known = ", ".join(r.RECORD_TYPES)
        raise ValueError(f"unknown record type {record_type!r} (known: {known})") from None


def field_specs(record_type: str) -> list[FieldSpec]:
    """The columns of a record type in template order: ref, own fields, other envelope fields.

    ``record_type`` is left out: a per-type file implies it.
    """
    model = model_for(record_type)
    specs = {
        name: _spec(model, name, info)
        for name, info in model.model_fields.items()
        if name != "record_type"
    }
    own = [s for s in specs.values() if not s.envelope]
    envelope = [specs[n] for n in r.ENVELOPE_FIELDS if n not in ("record_type", "ref")]
    return [specs["ref"], *own, *envelope]


def columns(record_type: str) -> list[str]:
    """Header of a one-type file (CSV, XLSX sheet) of ``record_type``."""
    return [s.name for s in field_specs(record_type)]


def mixed_columns() -> list[str]:
    """Header of a file holding records of several types: ``record_type`` comes first."""
    own: dict[str, None] = {}
    for record_type in r.RECORD_TYPES:
        own.update((s.name, None) for s in field_specs(record_type) if not s.envelope)
    envelope = [n for n in r.ENVELOPE_FIELDS if n not in ("record_type", "ref")]
    return ["record_type", "ref", *own, *envelope]


@dataclass(frozen=True)
class MappingRow:
    """One Tessera field that has an HTCDS v2.0 column."""

    record_type: str
    field: FieldSpec

    @property
    def column(self) -> str:
        assert self.field.htcds is not None
        return self.field.htcds

    @property
    def values(self) -> dict[str, str]:
        """Tessera code -> HTCDS value name, for code fields whose list maps to HTCDS."""
        enum = self.field.enum
        return c.HTCDS[enum][1] if enum is not None and enum in c.HTCDS else {}


def htcds_mapping() -> list[MappingRow]:
    """Every Tessera field with an HTCDS column, in record and column order."""
    return [
        MappingRow(record_type, spec)
        for record_type in r.RECORD_TYPES
        for spec in field_specs(record_type)
        if spec.htcds
    ]
