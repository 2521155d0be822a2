"""JSON Schema (Draft 2020-12) of the records as an agency writes them, from the record models.

pydantic's own schema describes value types by their cleaned form (an object with ``raw``,
``latin``, …) and list fields as arrays only. An agency writes a name as a string and a list
either as an array or as one ``;``-separated string, so this generator rewrites exactly those
nodes and keeps everything else pydantic derives (required fields, enums, bounds, descriptions).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from tessera.standard import records as r
from tessera.standard.fields import VALUE_INPUT
from tessera.standard.values import Value

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Constraints the model checks in code, stated in the schema too so other tools can check them.
_CHECKS: dict[Callable[..., Any], JsonSchemaValue] = {
    r._check_ref: {"pattern": r"^\s*[^\s;][^;]*$", "maxLength": 128},
    r._check_currency: {"pattern": "^[A-Za-z]{3}$"},
    r._latitude: {"minimum": -90, "maximum": 90},
    r._longitude: {"minimum": -180, "maximum": 180},
}


def _validator_function(schema: Any) -> Any:
    function = schema.get("function", {})
    return function.get("function") if isinstance(function, dict) else None


class InputSchema(GenerateJsonSchema):
    """pydantic's generator, with value types and ``;``-lists in their written form."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        cls = schema["cls"]
        if issubclass(cls, Value):
            written = VALUE_INPUT[cls]
            return {
                "type": "string",
                "minLength": 1,
                "title": cls.__name__,
                "description": written.hint[:1].upper() + written.hint[1:] + ".",
                "examples": list(written.examples),
            }
        return super().model_schema(schema)

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = super().function_before_schema(schema)
        if _validator_function(schema) is r.split_list:
            return _array_or_cell(inner)
        return inner

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = super().function_after_schema(schema)
        check = _CHECKS.get(_validator_function(schema))
        return {**inner, **check} if check else inner

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        # The model takes a bare date as midnight; a payment is often known only to the day.
        return {
            "type": "string",
            "anyOf": [{"format": "date"}, {"format": "date-time"}],
            "examples": ["2024-03-05", "2024-03-05T14:30:00+02:00"],
        }


def _array_or_cell(array: JsonSchemaValue) -> JsonSchemaValue:
    """A list field: a JSON array, or one string whose values are separated by ';'."""
    cell: JsonSchemaValue = {"type": "string", "description": "values separated by ';'"}
    if array.get("minItems"):
        cell["pattern"] = r"[^;\s]"
    annotations: dict[str, Any] = {
        k: array.pop(k) for k in ("title", "description", "default") if k in array
    }
    return {"anyOf": [array, cell], **annotations}


def json_schema() -> dict[str, Any]:
    """The schema of one record of any type, chosen by ``record_type``."""
    body = r.ANY_RECORD.json_schema(mode="validation", schema_generator=InputSchema)
    for name, model in r.RECORD_TYPES.items():
        definition = body["$defs"][model.__name__]
        # pydantic needs the tag to pick the model, so it is required in input even though
        # each model has it as a default.
        definition["required"] = ["record_type", *definition.get("required", [])]
        definition["properties"]["record_type"].pop("default", None)
        assert definition["properties"]["record_type"]["const"] == name
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "Tessera record",
        "description": (
            "One record of the Tessera reporting standard, as an agency writes it (for example "
            "one line of a JSON Lines file). Value types are strings in the forms described; "
            "list fields take an array or one string with values separated by ';'. Codes are "
            "Tessera codes; Tessera's loader also accepts HTCDS v2.0 value names."
        ),
        **body,
    }


def schema_text() -> str:
    """The schema as committed: indented, UTF-8 characters kept, newline at the end."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
