"""From a file's columns to the standard's fields: header names, cell cleaning, agency mappings.

A file made from the template names its columns after the standard's fields, so reading it
needs no configuration. An agency that exports from its own system instead describes its
columns once in a small YAML mapping (renamed columns, value translations, constants, a date
format) and every later export loads with it. The mapping is checked against the standard
when it is loaded, so a typo fails at once with the file and key named, not as a thousand
rejected rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from itertools import compress
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tessera.standard.records import LIST_SEPARATOR, RECORD_TYPES

# Every field name of every record type; a header is matched against these.
KNOWN_FIELDS: frozenset[str] = frozenset(f for m in RECORD_TYPES.values() for f in m.model_fields)
# Fields holding dates, found from the standard so a new date field needs no change here.
DATE_FIELDS: frozenset[str] = frozenset(
    name
    for model in RECORD_TYPES.values()
    for name, info in model.model_fields.items()
    if re.search(r"PartialDate|datetime", str(info.annotation))
)

Plan = Callable[[Sequence[Any]], dict[str, Any]]
# A row the reader could not parse (a broken JSON line) carries its reason under this key;
# validation turns it into a rejection so that the rest of the file is still checked.
READ_ERROR = "_error"


class ReadError(ValueError):
    """A file that cannot be read at all (not a single row); the message names the file."""


class MappingError(ReadError):
    """A mapping file that cannot be used; the message names the file and the key."""


def clean_cell(value: Any) -> Any:
    """Blank cells become None; text is stripped; spreadsheet booleans become 'true'/'false'.

    Booleans become text because code lists (consent: TRUE/FALSE in HTCDS) read text, and
    boolean fields read 'true'/'false' as well. Dates and numbers keep their Python types.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def type_name(value: Any) -> Any:
    """'Identity Document' in a record_type column names identity_document."""
    if value in RECORD_TYPES:
        return value
    key = re.sub(r"[^0-9a-z]+", "_", str(value).casefold()).strip("_")
    return key if key in RECORD_TYPES else value


def field_name(header: str) -> str:
    """The standard field a template header names: exact, or after case and spacing are
    normalised ("Birth date" -> birth_date). Unknown headers are kept, to be reported."""
    name = header.strip()
    if name in KNOWN_FIELDS:
        return name
    key = re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")
    return key if key in KNOWN_FIELDS else name


class Mapping(BaseModel):
    """How an agency's own columns become the standard's fields (loaded from YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_type: str | None = None
    record_type_column: str | None = None
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    date_format: str | None = None
    skip_rows: int = Field(default=0, ge=0)

    @field_validator("record_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in RECORD_TYPES:
            raise ValueError(f"unknown record type {value!r} (one of: {', '.join(RECORD_TYPES)})")
        return value

    @model_validator(mode="after")
    def _known_fields(self) -> Mapping:
        if self.record_type and self.record_type_column:
            raise ValueError("give record_type or record_type_column, not both")
        allowed = set(RECORD_TYPES[self.record_type].model_fields) if self.record_type else set(
            KNOWN_FIELDS
        )
        where = f" for record type {self.record_type!r}" if self.record_type else ""
        for key, names in (("columns", self.columns), ("values", self.values),
                           ("constants", self.constants)):
            for name in names:
                if name not in allowed:
                    raise ValueError(f"{key}: unknown field {name!r}{where}")
        if both := sorted(set(self.columns) & set(self.constants)):
            raise ValueError(f"constants: {', '.join(both)} also mapped in columns")
        return self

    def plan(self, headers: Sequence[str | None], source: str, warnings: list[str]) -> Plan:
        """Bind the mapping to a file's header row; note columns it ignores or misses."""
        index = {h.strip(): i for i, h in enumerate(headers) if isinstance(h, str) and h.strip()}
        wanted: dict[str, list[str]] = {
            f: [s] if isinstance(s, str) else list(s) for f, s in self.columns.items()
        }
        if self.record_type_column:
            wanted["record_type"] = [self.record_type_column]
        missing = sorted({s for srcs in wanted.values() for s in srcs} - set(index))
        if missing:
            warnings.append(f"{source}: mapped columns not in the file: {', '.join(missing)}")
        used = {s for srcs in wanted.values() for s in srcs}
        if ignored := [h for h in index if h not in used]:
            warnings.append(f"{source}: columns not in the mapping, ignored: {', '.join(ignored)}")
        columns = [(f, [index[s] for s in srcs if s in index]) for f, srcs in wanted.items()]
        tables = {f: _value_table(t) for f, t in self.values.items()}
        constants, date_format = dict(self.constants), self.date_format

        def apply(cells: Sequence[Any]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, idxs in columns:
                parts = [v for i in idxs
                         if i < len(cells) and (v := clean_cell(cells[i])) is not None]
                if not parts:
                    continue
                value = parts[0] if len(parts) == 1 else " ".join(str(p) for p in parts)
                if name in tables:
                    value = _translate(value, tables[name])
                if date_format and name in DATE_FIELDS and isinstance(value, str):
                    value = parse_date(value, date_format)
                out[name] = value
            if out:  # a blank row stays blank: constants alone do not make a record
                out.update(constants)
            return out

        return apply


def identity_plan(headers: Sequence[str | None], source: str, warnings: list[str]) -> Plan:
    """The plan for template files: each column is the field its header names."""
    names = [field_name(h) if isinstance(h, str) and h.strip() else None for h in headers]
    seen: set[str] = set()
    for name in names:
        if name is not None and name in seen:
            raise ReadError(f"{source}: column {name!r} appears twice in the header")
        if name is not None:
            seen.add(name)
    width, gaps = len(names), None in names
    warned: list[bool] = []

    def apply(cells: Sequence[Any]) -> dict[str, Any]:
        # Most cells of a wide or mixed file are blank: drop them in one C-level pass first.
        out: dict[str, Any]
        if type(cells) is list:  # a CSV row: all text, where blank is falsy
            out = {
                name: text
                for name, value in compress(zip(names, cells, strict=False), cells)
                if name is not None and (text := value.strip())
            }
        else:  # spreadsheet cells, where 0 and False are values
            filled = [v is not None and v != "" for v in cells]
            out = {
                name: cleaned
                for name, value in compress(zip(names, cells, strict=False), filled)
                if name is not None and (cleaned := clean_cell(value)) is not None
            }
        if not warned and (len(cells) > width or gaps) and any(
            clean_cell(v) is not None
            for i, v in enumerate(cells)
            if i >= width or names[i] is None
        ):
            warned.append(True)
            warnings.append(f"{source}: values in columns without a header are ignored")
        return out

    return apply


def _value_table(table: dict[str, str]) -> dict[str, str]:
    return {**{k.strip().casefold(): v for k, v in table.items()}, **table}


def _translate(value: Any, table: dict[str, str]) -> Any:
    """Map a cell (or each ';'-separated part of it) through the mapping's value table."""
    text = str(value).strip()
    hit = table.get(text, table.get(text.casefold()))
    if hit is not None:
        return hit
    if LIST_SEPARATOR in text:
        parts = [p.strip() for p in text.split(LIST_SEPARATOR) if p.strip()]
        return LIST_SEPARATOR.join(table.get(p, table.get(p.casefold(), p)) for p in parts)
    return value


def parse_date(text: str, date_format: str) -> str:
    """Read a date in the agency's format; keep only the precision the format has.

    Text that does not fit the format is returned unchanged, so validation names it.
    """
    try:
        when = dt.datetime.strptime(text, date_format)
    except ValueError:
        return text
    if not re.search(r"%[mbB]", date_format):
        return f"{when.year:04d}"
    if not re.search(r"%[dj]", date_format):
        return f"{when.year:04d}-{when.month:02d}"
    if re.search(r"%[HIMS]", date_format):
        return when.isoformat()
    return when.date().isoformat()


def load_mapping(path: Path) -> Mapping:
    """Load and check a YAML mapping; errors name the file and the offending key.

    YAML is read with every scalar as text, so that `yes: given` or `1: victim` keep the
    agency's spelling instead of turning into booleans and numbers.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str, list and dict
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path.name}: cannot read the mapping: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path.name}: a mapping is a YAML dictionary of keys")
    raw = {k: v for k, v in raw.items() if v not in ("", "~", "null")}
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            known = ", ".join(Mapping.model_fields)
            raise MappingError(f"{path.name}: unknown key {loc!r} (known: {known})") from None
        msg = err["msg"].removeprefix("Value error, ")
        raise MappingError(f"{path.name}: {loc + ': ' if loc else ''}{msg}") from None
