"""Every list input is bounded, folds duplicates and is looked up in one query: a list of
100,000 items is refused at once (it used to run one query per item until the worker was
killed), on the API, the pages and the request filters alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import MAX_COUNTIES_PER_STATE, MAX_LANGUAGES, County, Language
from directory.vocabularies import Concern

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, len(captured.captured_queries)


def test_the_language_bound_covers_the_vocabulary(db):
    assert 0 < Language.objects.count() <= MAX_LANGUAGES


@pytest.mark.parametrize("size", [MAX_LANGUAGES + 1, 100_000])
def test_too_many_languages_on_a_program_is_a_quick_400(world, size):
    client = world.client("program")
    before = list(world.program.languages.values_list("code", flat=True))

    response, queries = _queries(
        lambda: client.patch(f"/api/v1/programs/{world.program.pk}/", {"languages": ["en"] * size})
    )

    assert response.status_code == 400
    assert response.json() == {
        "languages": [f"Ensure this field has no more than {MAX_LANGUAGES} elements."]
    }
    assert queries <= 5  # the token and the program: no lookup per item
    assert list(world.program.languages.values_list("code", flat=True)) == before


@pytest.mark.parametrize("size", [MAX_COUNTIES_PER_STATE + 1, 100_000])
def test_too_many_counties_on_a_listing_is_a_quick_400(world, size):
    county = County.objects.filter(state="WI").first()
    client = world.client("consultant")

    response, queries = _queries(
        lambda: client.patch(
            f"/api/v1/consultants/{world.listing.pk}/", {"counties_served": [county.pk] * size}
        )
    )

    assert response.status_code == 400
    assert list(response.json()) == ["counties_served"]
    assert queries <= 6  # the token, the listing with its endorsements: no lookup per item


def test_languages_are_found_in_one_query_however_many(world):
    client = world.client("program")
    url = f"/api/v1/programs/{world.program.pk}/"
    codes = list(Language.objects.values_list("code", flat=True))

    client.patch(url, {"languages": []})
    few, few_queries = _queries(lambda: client.patch(url, {"languages": codes[:2]}))
    client.patch(url, {"languages": []})
    many, many_queries = _queries(lambda: client.patch(url, {"languages": codes}))

    assert (few.status_code, many.status_code) == (200, 200)
    assert sorted(many.json()["languages"]) == sorted(codes)
    assert many_queries == few_queries


def test_duplicates_are_folded_and_unknown_codes_named(world):
    client = world.client("program")
    url = f"/api/v1/programs/{world.program.pk}/"

    folded = client.patch(url, {"languages": ["es", "en", "es", "en"]})
    unknown = client.patch(url, {"languages": ["en", "xx", "yy"]})

    assert folded.status_code == 200
    assert sorted(folded.json()["languages"]) == ["en", "es"]
    assert unknown.status_code == 400
    assert unknown.json() == {"languages": ["Unknown: xx, yy."]}


def test_counties_must_exist(world):
    response = world.client("consultant").patch(
        f"/api/v1/consultants/{world.listing.pk}/", {"counties_served": [999_999_999]}
    )

    assert response.status_code == 400
    assert response.json() == {"counties_served": ["Unknown: 999999999."]}


def test_too_many_concerns_is_a_400(world):
    body = {
        "program": world.program.pk,
        "focus": "classroom",
        "concerns": ["challenging_behavior"] * (len(Concern.choices) + 1),
    }

    response = world.client("program").post("/api/v1/requests/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["concerns"]


def test_a_status_filter_with_too_many_values_is_a_400(world):
    query = "&".join(["status=submitted"] * 50)

    response = world.client("admin").get(f"/api/v1/requests/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_repeated_statuses_are_folded(world):
    response = world.client("admin").get("/api/v1/requests/?status=submitted&status=submitted")

    assert response.status_code == 200


def test_the_program_page_refuses_too_many_languages(world, client):
    client.force_login(world.users["program"])
    data = {"name": "Little Oaks", "setting_type": "child_care_center", "zip": "53703"}

    response = client.post(
        f"/programs/{world.program.pk}/edit/", {**data, "languages": ["en"] * (MAX_LANGUAGES + 1)}
    )

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["languages"] == [f"Choose at most {MAX_LANGUAGES}."]


def test_the_request_page_refuses_too_many_concerns(world, client):
    client.force_login(world.users["program"])

    response = client.post(
        "/requests/new/",
        {
            "program": world.program.pk,
            "focus": "classroom",
            "modality": "either",
            "urgency": "routine",
            "concerns": ["challenging_behavior"] * (len(Concern.choices) + 1),
        },
    )

    assert response.status_code == 200
    limit = len(Concern.choices)
    assert response.context["form"].errors["concerns"] == [f"Choose at most {limit}."]
