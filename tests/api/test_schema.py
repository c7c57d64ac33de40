"""The OpenAPI schema: served, documented with self-hosted Swagger UI, and committed up to date."""

from pathlib import Path

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_schema_matches_the_code():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert OpenApiYamlRenderer().render(schema).decode() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: DEBUG=1 python manage.py spectacular "
        "--validate --fail-on-warn --file docs/openapi.yaml"
    )


def test_the_schema_is_served(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/patients/{patient_id}/entries/" in response.content


def test_the_interactive_docs_load_nothing_from_a_cdn(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn." not in page and "unpkg" not in page


def test_every_error_is_documented_as_a_problem():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in schema["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
