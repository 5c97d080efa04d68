"""The OpenAPI document describes every endpoint with its responses; Swagger UI is served locally."""

import re

import pytest
from django.contrib.staticfiles import finders

from gocua.testing import ApiClient

OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/units/{code}"),
    ("get", "/api/v1/units/{code}/children"),
    ("get", "/api/v1/teams"),
    ("get", "/api/v1/teams/{id}"),
    ("get", "/api/v1/households"),
    ("post", "/api/v1/households"),
    ("get", "/api/v1/households/{id}"),
    ("get", "/api/v1/residents"),
    ("post", "/api/v1/residents"),
    ("get", "/api/v1/residents/{id}"),
    ("patch", "/api/v1/residents/{id}/indicators"),
}
LISTS = ["/api/v1/units/{code}/children", "/api/v1/teams", "/api/v1/households", "/api/v1/residents"]


@pytest.fixture
def spec(db):
    response = ApiClient().get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _ref(schema: dict) -> str:
    return schema["$ref"].rsplit("/", 1)[-1]


def test_every_endpoint_is_documented(spec):
    assert spec["openapi"].startswith("3.")
    documented = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert OPERATIONS <= documented


def test_every_endpoint_documents_the_error_schema(spec):
    error = spec["components"]["schemas"]["ErrorOut"]
    assert {"code", "message"} <= set(error["required"])
    assert {"field", "errors"} <= set(error["properties"])
    for method, path in OPERATIONS:
        responses = spec["paths"][path][method]["responses"]
        for status in ("401", "404", "422"):
            assert _ref(responses[status]["content"]["application/json"]["schema"]) == "ErrorOut", (
                path,
                status,
            )


def test_lists_document_the_page_envelope_and_its_parameters(spec):
    for path in LISTS:
        operation = spec["paths"][path]["get"]
        page = spec["components"]["schemas"][
            _ref(operation["responses"]["200"]["content"]["application/json"]["schema"])
        ]
        assert set(page["required"]) == {"items", "count", "page", "page_size", "pages"}
        params = {p["name"]: p for p in operation["parameters"]}
        assert params["page_size"]["schema"]["maximum"] == 200
        assert params["page"]["schema"]["minimum"] == 1


def test_writes_document_their_bodies_and_201(spec):
    for path, body in [("/api/v1/households", "HouseholdIn"), ("/api/v1/residents", "ResidentIn")]:
        operation = spec["paths"][path]["post"]
        assert _ref(operation["requestBody"]["content"]["application/json"]["schema"]) == body
        assert "201" in operation["responses"]
    indicators = spec["components"]["schemas"]["IndicatorsOut"]["properties"]
    assert len(indicators) == 14
    assert spec["components"]["schemas"]["ResidentDetailOut"]["properties"]["citizen_id_masked"]
    assert "citizen_id" not in spec["components"]["schemas"]["ResidentDetailOut"]["properties"]


def test_the_docs_page_loads_swagger_from_this_server_only(db):
    response = ApiClient().get("/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "an external script or stylesheet"
    for asset in re.findall(r"""(?:src|href)="/static/([^"]+)\"""", html):
        assert finders.find(asset), asset
