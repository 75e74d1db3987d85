"""schemathesis against the JSON API (ASGI, in-process), logged in: no answer may be a 5xx and
every answer must match the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from jianguan.web.auth import SESSION_COOKIE
from tests.integration.web_support import WebData, app, login, web_data

__all__ = ["app", "web_data"]


@pytest.fixture(scope="session")
def api_schema(app: FastAPI) -> OpenApiSchema:
    # Logging out would end the fuzzer's own session; everything else is fair game.
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path="/api/logout")


@pytest.fixture(scope="session")
def auth(app: FastAPI, web_data: WebData) -> dict[str, str]:
    client = TestClient(app)
    csrf = login(client, web_data.users["officer_a"].id)
    token = client.cookies[SESSION_COOKIE]
    return {"Cookie": f"{SESSION_COOKIE}={token}", "X-CSRF-Token": csrf}


def test_api_has_no_server_errors(api_schema: OpenApiSchema, auth: dict[str, str]) -> None:
    # Each operation gets its own hypothesis run (schemathesis's pytest plugin does not load
    # fixtures with this pytest; its strategies API does the same work).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=auth)

        run()
