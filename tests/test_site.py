"""The home page, the OpenAPI schema and its docs: served by the project, no external CDN."""

import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404

from directory.models import Consultant
from iecmhc.exceptions import page_not_found
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db

EXTERNAL_ASSET = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


def test_home_says_what_the_service_is_and_links_onwards(client, world):
    ConsultantFactory(listing_status=Consultant.ListingStatus.PENDING)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Infant and Early Childhood Mental Health Consultation" in html
    assert 'href="/api/v1/consultants/' in html
    assert 'href="/api/docs/"' in html
    # Two approved listings in the world fixture; the pending one is not counted.
    assert response.context["stats"] == {"consultants": 2, "accepting": 2, "counties": 1}
    assert not EXTERNAL_ASSET.search(html)
    assert "<title>" in html and 'lang="en"' in html


def test_home_with_an_empty_directory(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["stats"] == {"consultants": 0, "accepting": 0, "counties": 0}


def test_openapi_schema_describes_the_contract(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/counties/",
        "/api/v1/languages/",
        "/api/v1/vocabularies/",
        "/api/v1/consultants/",
        "/api/v1/consultants/{id}/",
        "/api/v1/consultants/{id}/submit/",
        "/api/v1/consultants/{id}/approve/",
        "/api/v1/consultants/{id}/reject/",
        "/api/v1/consultants/{id}/suspend/",
        "/api/v1/programs/",
        "/api/v1/programs/{id}/",
    ):
        assert path in schema["paths"], path
    assert "put" not in schema["paths"]["/api/v1/consultants/{id}/"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/consultants/"]["get"]["parameters"]}
    assert {"county", "language", "specialty", "near_zip", "radius_miles", "q", "page"} <= (
        parameters
    )


def test_swagger_ui_is_served_from_our_own_static_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not EXTERNAL_ASSET.search(html), "Swagger UI must not load from a CDN"


def test_unknown_api_path_is_a_404(client, db):
    assert client.get("/api/v1/nothing-here/").status_code == 404


def served_schema(client) -> dict:
    return client.get("/api/schema/", {"format": "json"}, secure=True).json()


# Found by fuzzing (tests/test_fuzz_api.py): no operation documented an error response.
DOCUMENTED_RESPONSES = {
    ("get", "/api/v1/vocabularies/"): {"200", "401"},  # 401: a bad token, even on public reads
    ("get", "/api/v1/me/"): {"200", "401"},
    ("get", "/api/v1/caseload/"): {"200", "401", "403"},
    ("get", "/api/v1/consultants/"): {"200", "400", "401", "404"},  # 404: no such page
    ("post", "/api/v1/consultants/"): {"201", "400", "401", "403", "409"},
    ("get", "/api/v1/consultants/{id}/"): {"200", "401", "404"},
    ("post", "/api/v1/consultants/{id}/submit/"): {"200", "400", "401", "403", "404", "409"},
    ("get", "/api/v1/programs/{id}/"): {"200", "401", "404"},
    ("post", "/api/v1/requests/"): {"201", "400", "401", "403", "422", "429"},
    ("get", "/api/v1/requests/{id}/matches/"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/requests/{id}/accept/"): {"200", "400", "401", "403", "404", "409"},
    ("post", "/api/v1/requests/{id}/contacts/"): {"201", "400", "401", "403", "404", "409"},
    ("post", "/api/v1/matching/run/"): {"200", "400", "401", "403"},
}


@pytest.mark.parametrize(("method", "path"), DOCUMENTED_RESPONSES)
def test_the_schema_documents_each_operations_errors(client, db, method, path):
    responses = served_schema(client)["paths"][path][method]["responses"]
    assert set(responses) == DOCUMENTED_RESPONSES[(method, path)]


def test_the_schema_documents_the_body_of_every_error(client, db):
    schema = served_schema(client)
    bodies = {
        (code, response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1])
        for operations in schema["paths"].values()
        for operation in operations.values()
        for code, response in operation["responses"].items()
        if code.startswith("4")
    }
    assert {body for code, body in bodies if code == "400"} == {"ValidationErrors"}
    assert {body for code, body in bodies if code != "400"} == {"ErrorDetail"}
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_an_unrouted_api_url_gets_a_json_404_from_the_handler(rf):
    response = page_not_found(rf.get("/api/v1/consultants/1.5/"), Http404())
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert json.loads(response.content) == {"detail": "Not found."}


def test_an_unrouted_page_keeps_the_html_404(rf):
    response = page_not_found(rf.get("/no-such-page/"), Http404())
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# Found by fuzzing: an id the router's pattern refuses (1.5) got Django's HTML 404 page.
def test_an_unrouted_api_url_is_a_json_404(client, db):
    response = client.get("/api/v1/consultants/1.5/", secure=True)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
