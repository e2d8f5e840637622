"""The home page, the OpenAPI schema and its docs: served by the project, no external CDN."""

import re

import pytest
from django.core.management import call_command

from directory.models import Consultant
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


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")
