"""Unmet demand: open requests no consultant may take, by county and by language."""

import pytest
from django.urls import reverse

from consultations.reports import unmet_demand
from tests.consultations import factories
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, county, language

pytestmark = pytest.mark.django_db
PAGE = reverse("admin:consultations_unmetdemand_changelist")


@pytest.fixture
def demand(world):
    """Dane County is served (world's consultants); Vilas County, far north, is not; nobody
    speaks Hmong."""
    vilas = county("Vilas County", "WI", "55125")
    far = ProgramFactory(
        zip="54521",
        city="Eagle River",
        county=vilas,
        latitude=45.92,
        longitude=-89.24,
        members=[UserFactory(role="program")],
    )
    served = factories.submitted(world.program)
    unserved = factories.submitted(far, modality="on_site")
    hmong = factories.submitted(
        world.program, preferred_language=language("hmn", "Hmong"), language_required=True
    )
    return {"served": served, "unserved": unserved, "hmong": hmong}


def test_counts_requests_nobody_may_take_by_county_and_language(demand):
    result = unmet_demand()
    assert (result["open_requests"], result["unmet"]) == (3, 2)
    assert dict(result["by_county"]) == {("WI", "Vilas County"): 1, ("WI", "Dane County"): 1}
    assert dict(result["by_language"]) == {"No preference": 1, "Hmong (required)": 1}
    reasons = {r.id: why for r, why in result["requests"]}
    assert any("required language" in why for why in reasons[demand["hmong"].pk])
    assert any("county" in why for why in reasons[demand["unserved"].pk])


def test_a_new_consultant_meets_the_demand(demand):
    hmong_speaker = ConsultantFactory(languages=[language("hmn", "Hmong"), language()])
    assert hmong_speaker.pk
    assert unmet_demand()["unmet"] == 1


def test_the_admin_page(client, world, demand):
    client.force_login(world.users["admin"])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 3 open requests" in html
    assert "Vilas County" in html and "Hmong (required)" in html


@pytest.mark.parametrize("role", ["anonymous", "program", "consultant"])
def test_others_cannot_open_it(client, world, role):
    if world.users[role]:
        client.force_login(world.users[role])
    assert client.get(PAGE).status_code == 302
