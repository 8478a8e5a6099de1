"""Schemathesis against the app's own OpenAPI schema: bounded examples, never a 5xx.

Schemathesis generates the cases (its pytest plugin is not used: it does not load on this
pytest); Hypothesis draws a bounded number of them per operation, derandomized.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from offerlab.web import Settings, create_app

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_server_errors_for_any_generated_request(tmp_path: Path) -> None:
    # Schemathesis calls the app as http://testserver.
    app = create_app(
        Settings(db=f"sqlite:///{tmp_path / 'fuzz.sqlite3'}", allowed_hosts=("testserver",))
    )
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    results = list(schema.get_all_operations())
    assert not [r for r in results if isinstance(r, Err)], "the schema has invalid operations"
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) >= 10
    statuses: Counter[tuple[str, int]] = Counter()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call()
            statuses[(f"{case.method} {case.path}", response.status_code)] += 1
            assert response.status_code < 500, (case.method, case.path, response.text)
            # The answer is what the OpenAPI document says: a documented status, its content
            # type, and a body valid against its schema (the error model on every 4xx).
            case.validate_response(response, checks=CHECKS)
            if response.status_code >= 400:
                error = response.json()["error"]
                assert set(error) == {"status", "code", "message", "details"}
                assert error["status"] == response.status_code

        check()
    assert statuses[("POST /api/v1/evaluate", 200)] > 0, statuses  # valid offers are generated
    assert statuses[("POST /api/v1/offers", 201)] > 0, statuses
