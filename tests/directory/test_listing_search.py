"""Searching the directory (docs/api.md, "Directory: consultants"): filters, distance, pagination
and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import geo
from directory.models import Consultant, ListingDecision
from tests.directory.consultant_helpers import (
    BASE,
    make_listing,
    set_status,
    url,
)
from tests.factories import UserFactory, county, language


@pytest.fixture
def directory(world):
    """Four approved listings that differ in every filtered attribute, and a pending one."""
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    dane = county()
    rock = county("Rock County", "WI", "55105")
    milwaukee = county("Milwaukee County", "WI", "55079")
    en, es, hmn = language(), language("es", "Spanish"), language("hmn", "Hmong")
    listings = {
        "ana": make_listing(
            zip_code="53590",  # Sun Prairie, 11.1 miles from Madison
            display_name="Ana Alvarez",
            bio="Trauma-informed work with Head Start classrooms.",
            languages=[en, es],
            counties_served=[dane],
            specialties=["trauma_informed_care"],
            setting_types=["head_start"],
            modalities=["virtual"],
        ),
        "ben": make_listing(
            zip_code="53545",  # Janesville, 29.3 miles
            display_name="Ben Brown",
            bio="Behavior support in child care centers.",
            languages=[en],
            counties_served=[rock],
            specialties=["challenging_behavior"],
            setting_types=["child_care_center"],
            modalities=["on_site"],
            accepting_new_requests=False,
        ),
        "chia": make_listing(
            zip_code="53202",  # Milwaukee, 75.0 miles
            display_name="Chia Vang",
            bio="Family child care homes; Hmong and English.",
            languages=[en, hmn],
            counties_served=[milwaukee],
            specialties=["challenging_behavior", "family_engagement"],
            setting_types=["family_child_care"],
            modalities=["on_site", "virtual"],
            max_caseload=4,
        ),
        "dee": make_listing(
            zip_code="53703",  # Madison
            display_name="Dee Diaz",
            bio="Reflective practice for preschool teachers.",
            languages=[en],
            counties_served=[dane],
            specialties=["reflective_practice"],
            setting_types=["public_preschool"],
            modalities=["on_site"],
        ),
        "eve": make_listing(
            "pending",
            zip_code="53703",
            display_name="Eve Pending",
            bio="Trauma-informed, bilingual, in Madison.",
            languages=[en, es, hmn],
            counties_served=[dane, rock, milwaukee],
            specialties=["challenging_behavior", "trauma_informed_care"],
            setting_types=["head_start", "child_care_center", "family_child_care"],
            modalities=["on_site", "virtual"],
        ),
    }
    Consultant.objects.filter(pk=listings["chia"].pk).update(active_caseload=4)  # full
    listings["counties"] = {"dane": dane, "rock": rock, "milwaukee": milwaukee}
    return listings


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["display_name"].split()[0].lower() for item in response.json()["results"]]


BAD_FILTERS = [
    ({"county": "dane"}, "county"),
    ({"county": "999999"}, "county"),
    ({"county": "1.5"}, "county"),
    ({"county": "99999999999999999999"}, "county"),
    ({"language": "xx"}, "language"),
    ({"language": "Spanish"}, "language"),
    ({"specialty": "behavior"}, "specialty"),
    ({"setting_type": "daycare"}, "setting_type"),
    ({"modality": "both"}, "modality"),
    ({"listing_status": "hidden"}, "listing_status"),
    ({"near_zip": "99999"}, "near_zip"),
    ({"near_zip": "abcde"}, "near_zip"),
    ({"near_zip": "537"}, "near_zip"),
    ({"near_zip": "53703-1234-99"}, "near_zip"),
    ({"near_zip": "537\x0003"}, "near_zip"),
    ({"radius_miles": "10"}, "near_zip"),  # a radius needs a ZIP code
    ({"near_zip": "53703", "radius_miles": "501"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "0"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "-5"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "far"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "NaN"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "Infinity"}, "radius_miles"),
    ({"near_zip": "53703", "radius_miles": "1e400"}, "radius_miles"),
    ({"q": "x" * 201}, "q"),
    ({"q": "nul\x00byte"}, "q"),
    pytest.param(
        {"accepting": "maybe"},
        "accepting",
    ),
]


def make_many(n: int) -> list[Consultant]:
    es, dane = language("es", "Spanish"), county()
    return [
        make_listing(
            display_name=f"Listing {i:03d}", languages=[language(), es], counties_served=[dane]
        )
        for i in range(n)
    ]


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE, params)
    assert response.status_code == 200
    return len(queries)


def count_detail_queries(client, listing) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(listing))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["ana", "ben", "chia", "dee"]),
        ({"county": "dane"}, ["ana", "dee"]),
        ({"county": "rock"}, ["ben"]),
        ({"language": "es"}, ["ana"]),
        ({"language": "hmn"}, ["chia"]),
        ({"language": "en"}, ["ana", "ben", "chia", "dee"]),
        ({"specialty": "challenging_behavior"}, ["ben", "chia"]),
        ({"specialty": "caregiver_mental_health"}, []),
        ({"setting_type": "head_start"}, ["ana"]),
        ({"setting_type": "family_child_care"}, ["chia"]),
        ({"modality": "virtual"}, ["ana", "chia"]),
        ({"modality": "on_site"}, ["ben", "chia", "dee"]),
        ({"accepting": "true"}, ["ana", "dee"]),  # ben is not accepting, chia is full
        ({"accepting": "false"}, ["ben", "chia"]),
        ({"q": "vang"}, ["chia"]),
        ({"q": "TRAUMA"}, ["ana"]),
        ({"q": "behavior centers"}, ["ben"]),  # every word, in name or bio
        ({"q": "behavior hmong"}, []),
        ({"q": "100%_"}, []),
        ({"county": "dane", "language": "es"}, ["ana"]),
        ({"county": "dane", "modality": "on_site", "accepting": "true"}, ["dee"]),
        ({"specialty": "challenging_behavior", "accepting": "true"}, []),
    ],
)
def test_filters(world, api, directory, params, expected):
    if "county" in params:
        params = {**params, "county": directory["counties"][params["county"]].pk}
    response = api("program", "get", BASE, params)
    assert names(response) == expected
    assert response.json()["count"] == len(expected)
    assert all(item["distance_miles"] is None for item in response.json()["results"])


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"near_zip": "53703"}, [("dee", 0.0), ("ana", 11.1)]),  # default radius 25 miles
        ({"near_zip": "53703", "radius_miles": "30"}, [("dee", 0.0), ("ana", 11.1), ("ben", 29.3)]),
        (
            {"near_zip": "53703-1234", "radius_miles": "100"},
            [("dee", 0.0), ("ana", 11.1), ("ben", 29.3), ("chia", 75.0)],
        ),
        ({"near_zip": "53202", "radius_miles": "5"}, [("chia", 0.0)]),
        ({"near_zip": "54701", "radius_miles": "50"}, []),  # Eau Claire
        (
            {"near_zip": "53703", "radius_miles": "100", "modality": "on_site"},
            [("dee", 0.0), ("ben", 29.3), ("chia", 75.0)],
        ),
        (
            {"near_zip": "53703", "radius_miles": "100", "page_size": "2"},
            [("dee", 0.0), ("ana", 11.1)],
        ),
    ],
)
def test_near_zip_orders_by_distance_and_reports_it(world, api, directory, params, expected):
    response = api("anonymous", "get", BASE, params)
    results = response.json()["results"]
    assert list(zip(names(response), [r["distance_miles"] for r in results], strict=True)) == (
        expected
    )


def test_distance_miles_agrees_with_the_great_circle_distance(world, api, directory):
    response = api("anonymous", "get", BASE, {"near_zip": "53703", "radius_miles": 100})
    madison = geo.zip_lookup("53703")
    for item in response.json()["results"]:
        listing = Consultant.objects.get(pk=item["id"])
        miles = geo.distance_miles(
            madison.latitude, madison.longitude, listing.base_latitude, listing.base_longitude
        )
        assert item["distance_miles"] == pytest.approx(miles, abs=0.05)


@pytest.mark.parametrize("role", ["anonymous", "admin"])
@pytest.mark.parametrize("params, field", BAD_FILTERS, ids=lambda v: repr(v)[:40])
def test_an_invalid_filter_is_a_400_naming_it(world, api, directory, role, params, field):
    response = api(role, "get", BASE, params)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_pages_follow_the_contract(world, api):
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    listings = make_many(45)

    first = api("anonymous", "get", BASE).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 45
    assert len(first["results"]) == 20  # the default page size
    assert first["previous"] is None
    assert "page=2" in first["next"]

    page = api("anonymous", "get", BASE, {"page_size": 10, "page": 3}).json()
    assert [r["id"] for r in page["results"]] == [c.pk for c in listings[20:30]]
    assert "page=2" in page["previous"] and "page=4" in page["next"]

    last = api("anonymous", "get", BASE, {"page_size": 10, "page": 5}).json()
    assert [r["id"] for r in last["results"]] == [c.pk for c in listings[40:]]
    assert last["next"] is None


def test_the_page_size_is_capped(world, api):
    make_many(103)
    response = api("anonymous", "get", BASE, {"page_size": 1000})
    assert response.json()["count"] == 105
    assert len(response.json()["results"]) == 100


def test_a_page_past_the_end_is_a_404(world, api):
    assert api("anonymous", "get", BASE, {"page": 99}).status_code == 404
    assert api("anonymous", "get", BASE, {"page": "abc"}).status_code == 404


@pytest.mark.parametrize(
    "role, params",
    [
        ("anonymous", {}),
        ("program", {"language": "es"}),
        ("admin", {}),
        ("anonymous", {"near_zip": "53703", "radius_miles": 50}),
        ("anonymous", {"county": "dane", "specialty": "challenging_behavior", "q": "listing"}),
    ],
)
def test_the_list_costs_the_same_queries_for_5_or_40_listings(world, role, params):
    client = world.client(role)
    if "county" in params:
        params = {**params, "county": county().pk}
    client.get(BASE)  # warm up: the token lookup and any one-off caches
    make_many(3)  # with the world's two: 5
    small = count_queries(client, {**params, "page_size": 5})
    make_many(35)
    large = count_queries(client, {**params, "page_size": 40})
    assert large == small
    assert count_queries(client, {**params, "page_size": 100}) == small
    assert small <= 8  # token, user, count, page, two prefetches (+ admin's permissions)


def test_the_list_returns_every_listing_of_a_page_with_its_relations(world, api):
    make_many(38)
    response = api("anonymous", "get", BASE, {"page_size": 40})
    results = response.json()["results"]
    assert len(results) == 40
    dane = county().pk
    for item in results:
        assert "en" in item["languages"]
        assert dane in item["counties_served"]


@pytest.mark.parametrize(
    "role",
    [
        "consultant",
        "admin",
        "anonymous",
    ],
)
def test_a_listing_costs_the_same_queries_however_long_its_history(world, role):
    client = world.client(role)
    listing = world.listing
    admin = world.users["admin"]
    client.get(url(listing))  # warm up
    ListingDecision.objects.create(
        consultant=listing,
        actor=admin,
        action="approved",
        from_status="pending",
        to_status="approved",
    )
    short = count_detail_queries(client, listing)
    reviewers = [UserFactory(is_staff=True, role="") for _ in range(6)]
    for reviewer in reviewers:
        ListingDecision.objects.create(
            consultant=listing,
            actor=reviewer,
            action="approved",
            from_status="suspended",
            to_status="approved",
        )
    assert count_detail_queries(client, listing) == short
