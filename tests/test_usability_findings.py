"""The usability findings of issue 17, each checked: links to where people need to go,
closed engagements in sight, plain capacity wording, where a consultant works, who chooses the
consultant, and filters that fold away on a phone."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.consultations import factories as f
from tests.consultations.page_helpers import client_for
from tests.factories import ConsultantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_consultant_menu_links_to_offers_and_my_listing(world):
    page = client_for(world, "consultant").get(reverse("consultations:caseload")).content.decode()
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert f'href="{reverse("consultations:offers")}"' in nav
    assert f'href="{reverse("directory:listing")}"' in nav


def test_a_program_finds_its_edit_page_from_its_requests(world):
    page = client_for(world, "program").get(reverse("consultations:requests")).content.decode()
    assert f'href="{reverse("directory:program_edit", args=[world.program.pk])}"' in page
    nav = page.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert f'href="{reverse("consultations:requests")}"' in nav


def test_closed_engagements_stay_on_the_caseload(world):
    closed = f.closed(world.program, world.listing, admin=world.users["admin"])
    page = client_for(world, "consultant").get(reverse("consultations:caseload")).content.decode()
    assert "Closed engagements" in page
    assert f'href="{reverse("consultations:request_detail", args=[closed.pk])}"' in page
    assert "No active engagement" in page  # the closed one is not counted as active


def test_the_caseload_explains_that_an_offer_holds_a_place(world):
    f.offered(world.program, world.listing, admin=world.users["admin"])
    page = client_for(world, "consultant").get(reverse("consultations:caseload")).content.decode()
    assert "An offer waiting for your answer holds a place" in page
    assert '<span class="number">11</span> places free' in page


def test_directory_cards_say_where_and_tell_not_accepting_from_full(db):
    ConsultantFactory(display_name="Ana Away", accepting_new_requests=False)
    ConsultantFactory(display_name="Fay Full", max_caseload=1, active_caseload=1)
    ConsultantFactory(display_name="Val Virtual", modalities=["virtual"])
    page = client_for_anonymous().get(reverse("directory:list")).content.decode()
    cards = {c.split("</a>")[0].split(">")[-1]: c for c in page.split('<li class="card">')[1:]}
    assert "Not taking new requests" in cards["Ana Away"]
    assert "Caseload full" in cards["Fay Full"] and "Not taking" not in cards["Fay Full"]
    assert "travels up to 40 miles from 53703" in cards["Ana Away"]
    assert "virtual only" in cards["Val Virtual"]
    # On a phone the results come first: the nine filters fold into one summary.
    assert (
        '<details class="filters-toggle">' in page and "<summary>Search filters</summary>" in page
    )


def test_the_profile_says_the_alliance_chooses_the_consultant(db):
    consultant = ConsultantFactory()
    page = client_for_anonymous().get(reverse("directory:profile", args=[consultant.pk]))
    assert "the Alliance chooses the consultant" in page.content.decode()


def test_listing_form_offers_checkboxes_with_a_county_filter(db):
    user = UserFactory(role="consultant")
    ConsultantFactory(user=user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("directory:listing_edit")).content.decode()
    assert '<select name="counties_served"' not in page and "multiple" not in page
    assert 'type="checkbox" name="counties_served"' in page
    assert 'type="checkbox" name="languages"' in page
    assert 'data-filter-for="id_counties_served"' in page


def client_for_anonymous():
    return Client()


@pytest.mark.parametrize(
    ("role", "url", "field", "prompt"),
    [
        ("program", "directory:program_new", "setting_type", "Choose the kind of program"),
        ("new_consultant", "directory:listing_edit", "license_type", "Choose your license type"),
        (None, "intake:ask", "setting_type", "Choose the kind of program"),
    ],
)
def test_required_selects_start_empty(world, role, url, field, prompt):
    """Nobody's answer is chosen for them: a required select starts on its prompt, and a form
    sent without choosing says so and saves nothing."""
    if role == "new_consultant":
        client = Client()
        client.force_login(UserFactory(role="consultant"))
    else:
        client = client_for(world, role) if role else Client()
    page = client.get(reverse(url)).content.decode()
    select = page.split(f'name="{field}"')[1].split("</select>")[0]
    first = select.split("<option")[1]
    assert first.startswith(
        (f' value="" selected>{prompt}</option>', f' value="">{prompt}</option>')
    )
    assert " selected" not in select.split("<option", 2)[2]  # no real answer chosen


def test_a_program_sent_without_its_kind_is_refused(world):
    from directory.models import Program

    before = Program.objects.count()
    data = {"name": "Sunny Days", "zip": "53703", "ages_served": ["toddler"]}
    response = client_for(world, "program").post(reverse("directory:program_new"), data)
    assert response.status_code == 200
    assert 'href="#id_setting_type"' in response.content.decode()
    assert Program.objects.count() == before
