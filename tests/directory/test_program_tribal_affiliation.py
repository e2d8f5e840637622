"""A program's tribal affiliation (docs/domain.md, "Tribal nations"): optional, one of
Wisconsin's 11 nations, editable by the program's staff and the Alliance on the API and the
program's page; anything else is refused with nothing changed."""

import pytest
from django.urls import reverse

from directory.models import Program
from tests.consultations.page_helpers import client_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs/"


@pytest.mark.parametrize("role", ["program", "admin"])
def test_set_and_clear_by_api(world, role):
    path = f"{BASE}{world.program.pk}/"
    response = world.client(role).patch(path, {"tribal_affiliation": "oneida"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tribal_affiliation"] == "oneida"
    assert Program.objects.get(pk=world.program.pk).tribal_affiliation == "oneida"
    response = world.client(role).patch(path, {"tribal_affiliation": ""}, format="json")
    assert response.json()["tribal_affiliation"] == ""


@pytest.mark.parametrize("value", ["oneida nation", "Oneida", "navajo", 7, None, ["oneida"]])
def test_a_bad_value_is_a_400_that_changes_nothing(world, value):
    response = world.client("program").patch(
        f"{BASE}{world.program.pk}/", {"tribal_affiliation": value}, format="json"
    )
    assert response.status_code == 400
    assert "tribal_affiliation" in response.json()
    assert Program.objects.get(pk=world.program.pk).tribal_affiliation == ""


def test_the_api_shows_subsidy_and_youngstar_read_only(world):
    Program.objects.filter(pk=world.program.pk).update(accepts_subsidy=True, quality_rating=4)
    body = world.client("program").get(f"{BASE}{world.program.pk}/").json()
    assert (body["accepts_subsidy"], body["quality_rating"]) == (True, 4)
    response = world.client("program").patch(
        f"{BASE}{world.program.pk}/", {"quality_rating": 5}, format="json"
    )
    assert response.status_code == 400
    assert Program.objects.get(pk=world.program.pk).quality_rating == 4


def _page_body(world, **changes) -> dict:
    p = world.program
    return {"name": p.name, "setting_type": p.setting_type, "zip": p.zip, "city": p.city,
            "street": p.street, "ages_served": p.ages_served, **changes}  # fmt: skip


def test_the_program_page_sets_it(world):
    page = reverse("directory:program_edit", args=[world.program.pk])
    form = client_for(world, "program").get(page).content.decode()
    assert "Stockbridge-Munsee Community" in form
    response = client_for(world, "program").post(
        page, _page_body(world, tribal_affiliation="stockbridge_munsee")
    )
    assert response.status_code == 302
    assert Program.objects.get(pk=world.program.pk).tribal_affiliation == "stockbridge_munsee"


def test_the_program_page_refuses_an_unknown_nation(world):
    page = reverse("directory:program_edit", args=[world.program.pk])
    response = client_for(world, "program").post(
        page, _page_body(world, tribal_affiliation="atlantis")
    )
    assert response.status_code == 200
    assert "tribal_affiliation" in response.context["form"].errors
    assert Program.objects.get(pk=world.program.pk).tribal_affiliation == ""
