"""A ZIP code outside the states the service works in (issue 17): a consultant living across a
border keeps the counties they chose and is told plainly what still works; a program is told
plainly that the service does not work there, and nothing is saved."""

import pytest
from django.urls import reverse

from directory.models import Consultant, Program
from tests.directory.test_pages import LISTING, signed_in
from tests.factories import county

pytestmark = pytest.mark.django_db

NEW_YORK_ZIP = "10001"  # a real ZIP code, in a state whose counties are not loaded


def _checked(page: str, county_pk: int) -> bool:
    tag = page.split(f'value="{county_pk}"')[0].rsplit("<input", 1)[1]
    rest = page.split(f'value="{county_pk}"')[1].split(">", 1)[0]
    return "checked" in tag + rest


def test_a_listing_moved_out_of_state_keeps_its_counties_and_says_so(client, world):
    dane, milwaukee = county(), county("Milwaukee County", "WI", "55079")
    client = signed_in(client, world, "consultant")
    url = reverse("directory:listing_edit")
    data = {**LISTING, "languages": ["en"], "counties_served": [dane.pk], "base_zip": NEW_YORK_ZIP}

    response = client.post(url, data, follow=True)

    listing = Consultant.objects.get(pk=world.listing.pk)
    assert (listing.base_zip, listing.base_state) == (NEW_YORK_ZIP, "NY")
    assert list(listing.counties_served.all()) == [dane]
    page = response.content.decode()
    assert "Your ZIP code 10001 is in NY, outside the states this service works in (WI)" in page
    assert "not loaded" not in page

    # The next edit still lists the counties served, with the one chosen ticked.
    page = client.get(url).content.decode()
    assert "outside the states this service works in (WI)" in page
    assert f'value="{milwaukee.pk}"' in page and "Milwaukee County, WI" in page
    assert _checked(page, dane.pk) and not _checked(page, milwaukee.pk)

    # Saving again as it is keeps them: nothing empties the list.
    client.post(url, data)
    assert list(Consultant.objects.get(pk=listing.pk).counties_served.all()) == [dane]


def test_a_listing_in_a_served_state_lists_only_its_own_counties(client, world):
    dane = county()
    county("Cook County", "IL", "17031")
    page = signed_in(client, world, "consultant").get(reverse("directory:listing_edit"))
    html = page.content.decode()
    assert f'value="{dane.pk}"' in html and "Cook County" not in html
    assert "outside the states" not in html


PROGRAM = {
    "name": "Big Apple Tots",
    "setting_type": "child_care_center",
    "zip": NEW_YORK_ZIP,
    "ages_served": ["toddler"],
}


@pytest.mark.parametrize("page", ["new", "edit"])
def test_a_program_form_says_plainly_that_the_zip_is_outside(client, world, page):
    county()
    client = signed_in(client, world, "program")
    url = (
        reverse("directory:program_new")
        if page == "new"
        else reverse("directory:program_edit", args=[world.program.pk])
    )
    before = list(Program.objects.order_by("pk").values_list("pk", "zip", "county_id"))

    response = client.post(url, PROGRAM)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "ZIP code 10001 is in NY. This service works with child care programs in WI only"
    ) in html
    assert "not loaded" not in html and "Alliance to load" not in html
    assert 'href="#id_zip"' in html  # the error summary leads to the field
    assert list(Program.objects.order_by("pk").values_list("pk", "zip", "county_id")) == before
