"""Schemathesis against the OpenAPI document: no generated request makes the server fail, and
every answer matches the document's schema for its status."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web.conftest import Web

EXAMPLES = 30


def test_no_generated_request_gets_a_server_error(web: Web) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    headers = {"Authorization": f"Bearer {web.token}"}
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            # A schema-valid upload may still be an unreadable file, rightly refused: whether
            # a file's content is acceptable is not something its schema can say.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        tried += 1
    assert tried == len([m for p in web.app.openapi()["paths"].values() for m in p])


def test_the_document_names_every_operation_stably(web: Web) -> None:
    ids = [op["operationId"] for p in web.app.openapi()["paths"].values() for op in p.values()]
    assert len(ids) == len(set(ids))
    assert "list_records" in ids and "submit_file" in ids
