"""Model rules, code lists and the geography selectors, on whichever database runs the tests."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory import geo
from directory.models import Consultant
from directory.selectors import code_list_contains, consultant_list_public, consultant_near
from tests.factories import ConsultantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_code_lists_are_stored_sorted_and_without_repeats():
    listing = ConsultantFactory(specialties=["trauma_informed_care", "challenging_behavior"] * 2)
    listing.refresh_from_db()
    assert listing.specialties == ["challenging_behavior", "trauma_informed_care"]


@pytest.mark.parametrize(
    "value, message",
    [
        (["not_a_specialty"], "Unknown code(s): not_a_specialty."),
        ("challenging_behavior", "Enter a list of codes."),
        ([1, 2], "Enter a list of codes."),
    ],
)
def test_code_lists_accept_only_codes_of_their_vocabulary(value, message):
    listing = ConsultantFactory.build(specialties=value)
    with pytest.raises(ValidationError) as exc:
        listing.clean_fields(exclude=["user"])
    assert message in exc.value.message_dict["specialties"]


def test_code_list_contains_matches_whole_codes_only():
    a = ConsultantFactory(modalities=["virtual"], specialties=["classroom_practices"])
    b = ConsultantFactory(modalities=["on_site"], specialties=["challenging_behavior"])
    qs = Consultant.objects.all()
    assert list(qs.filter(code_list_contains("modalities", "virtual"))) == [a]
    assert list(qs.filter(code_list_contains("specialties", "challenging_behavior"))) == [b]
    assert not qs.filter(code_list_contains("specialties", "behavior")).exists()
    assert not qs.filter(code_list_contains("specialties", "classroom")).exists()


def test_one_listing_per_user_is_enforced_by_the_database():
    listing = ConsultantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultantFactory(user=listing.user)


def test_caseload_limits_are_enforced_by_the_database():
    listing = ConsultantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultant.objects.filter(pk=listing.pk).update(max_caseload=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultant.objects.filter(pk=listing.pk).update(travel_radius_miles=501)


def test_places_free_never_goes_below_zero():
    listing = ConsultantFactory.build(max_caseload=3)
    listing.active_caseload = 2
    assert listing.places_free == 1
    listing.active_caseload = 5
    assert listing.places_free == 0


def test_usernames_and_emails_are_unique_whatever_their_case():
    UserFactory(username="Maria", email="Maria@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="maria", email="other@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="maria2", email="maria@example.ORG")
    UserFactory(username="blank1", email="")
    UserFactory(username="blank2", email="")  # many users may have no email


PLACES = {
    "madison": (43.0731, -89.4012),
    "milwaukee": (43.0389, -87.9065),
    "green_bay": (44.5192, -88.0198),
    "minneapolis": (44.9778, -93.2650),
}


def test_distance_in_the_database_agrees_with_python():
    for name, (lat, lng) in PLACES.items():
        ConsultantFactory(display_name=name, base_latitude=lat, base_longitude=lng)
    lat0, lng0 = PLACES["madison"]
    rows = consultant_near(
        consultant_list_public(), latitude=lat0, longitude=lng0, radius_miles=150
    )
    names = [c.display_name for c in rows]
    assert names == ["madison", "milwaukee", "green_bay"]  # nearest first; Minneapolis is far
    for consultant in rows:
        expected = geo.distance_miles(
            lat0, lng0, consultant.base_latitude, consultant.base_longitude
        )
        assert consultant.distance_miles == pytest.approx(expected, abs=0.01)
    assert geo.distance_miles(*PLACES["madison"], *PLACES["milwaukee"]) == pytest.approx(77, abs=3)


def test_bounding_box_contains_the_whole_circle():
    box = geo.bounding_box(45.0, -90.0, 100)
    for lat, lng in [(box["min_lat"], -90.0), (box["max_lat"], -90.0), (45.0, box["min_lng"])]:
        assert geo.distance_miles(45.0, -90.0, lat, lng) >= 99.5
