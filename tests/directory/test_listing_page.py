"""The directory's list (issue 19): accent- and case-insensitive ranked search, the page built
from values equal to the serializer's, one search for a page and its total, and anonymous
pages cached on the listing version, which every write to a listing or caseload changes."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from consultations import services as consultation_services
from directory import listing_version, search_version
from directory.api.listing_page import serialize_rows
from directory.api.serializers import ConsultantSerializer
from directory.listing_version import _Bump
from directory.models import Consultant
from directory.search import fold
from tests.consultations.factories import submitted
from tests.directory.consultant_helpers import make_listing, set_status, url

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}


@pytest.fixture
def people(world):
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    return {
        "rosa": make_listing(display_name="Rosa Hernández", bio="Niños y familias."),
        "hugo": make_listing(display_name="Hugo Hernandez", bio="Toddler rooms."),
        "zoe": make_listing(display_name="Zoë Abbott", bio="Trained by Dr. Hernández-Ruiz."),
        "amy": make_listing(display_name="Amy Adams", bio="Éducatrice; ÉCOLE maternelle."),
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["display_name"] for item in response.json()["results"]]


def test_fold_removes_accents_and_case():
    assert fold("Hernández ÉCOLE Zoë Ñandú") == "hernandez ecole zoe nandu"


@pytest.mark.parametrize(
    "q, expected",
    [
        # Names first (both spellings), then the bio's match; by name within each rank.
        ("Hernandez", ["Hugo Hernandez", "Rosa Hernández", "Zoë Abbott"]),
        ("HERNÁNDEZ", ["Hugo Hernandez", "Rosa Hernández", "Zoë Abbott"]),
        ("hernández rosa", ["Rosa Hernández"]),
        ("zoe", ["Zoë Abbott"]),
        ("ninos", ["Rosa Hernández"]),
        ("ecole educatrice", ["Amy Adams"]),
        ("école", ["Amy Adams"]),
        ("ruiz hernandez", ["Zoë Abbott"]),
        ("hernandez toddler", ["Hugo Hernandez"]),
        ("nobody", []),
        ("100%_", []),
    ],
)
def test_search_ignores_accents_and_case_and_ranks_names_first(world, people, q, expected):
    assert names(world.client("anonymous").get(url(), {"q": q})) == expected


def test_a_word_in_the_name_outranks_one_in_the_bio_whatever_the_alphabet(world, people):
    make_listing(display_name="Aaron Allen", bio="Hernandez family child care.")
    got = names(world.client("anonymous").get(url(), {"q": "hernandez"}))
    assert got == ["Hugo Hernandez", "Rosa Hernández", "Aaron Allen", "Zoë Abbott"]


def test_the_search_column_follows_edits(world, people, api):
    listing = people["amy"]
    response = api("admin", "patch", url(listing), {"bio": "Señora of reflective practice."})
    assert response.status_code == 200, response.json()
    assert names(world.client("admin").get(url(), {"q": "senora"})) == ["Amy Adams"]
    assert names(world.client("admin").get(url(), {"q": "maternelle"})) == []


def _queries(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(), params).status_code == 200
    return [q["sql"] for q in queries]


def test_a_search_reads_its_page_and_total_in_one_query(world, people):
    admin = world.client("admin")  # signed in: never cached
    plain = _queries(admin, {"listing_status": "approved"})  # count, page, languages, counties
    # The ranked keys with the total, the page's columns by key, languages, counties: the
    # search itself runs once. (On PostgreSQL the search version is read first, for the
    # in-memory index: this test's transaction has written, so the search is left to SQL.)
    searched = _queries(admin, {"listing_status": "approved", "q": "hernandez"})
    searched = [q for q in searched if search_version.TABLE not in q]
    assert len(searched) == len(plain)
    assert sum("search_text" in q for q in searched) == 1, searched
    body = admin.get(url(), {"q": "hernandez", "page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    page_2 = admin.get(url(), {"q": "hernandez", "page_size": 2, "page": 2}).json()
    assert page_2["count"] == 3 and names_of(page_2) == ["Zoë Abbott"]
    assert admin.get(url(), {"q": "hernandez", "page_size": 2, "page": 3}).status_code == 404
    assert admin.get(url(), {"q": "hernandez", "page": "0"}).status_code == 404
    assert admin.get(url(), {"q": "hernandez", "page": "x"}).status_code == 404


def names_of(body) -> list[str]:
    return [item["display_name"] for item in body["results"]]


@pytest.mark.parametrize("params", [{}, {"near_zip": "53703", "radius_miles": "100"}])
def test_the_page_from_values_equals_the_serializer(world, people, params):
    listing = people["rosa"]
    listing.languages.add(*Consultant.objects.get(pk=world.listing.pk).languages.all())
    body = world.client("admin").get(url(), {**params, "page_size": 100}).json()
    assert body["count"] == Consultant.objects.count()
    consultants = {c.pk: c for c in Consultant.objects.all()}
    for item in body["results"]:
        consultant = consultants[item["id"]]
        consultant.distance_miles = item["distance_miles"]  # the query's annotation
        assert item == dict(ConsultantSerializer(consultant).data)
    assert serialize_rows([]) == []


@pytest.fixture
def database_cache(settings, world):
    """The cache as in production, shared by every process: a database cache, bumped only when
    a write commits. The set-up's writes count as committed: their pending bumps (which a test's
    transaction never commits) are run now."""
    settings.CACHES = DATABASE_CACHE
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, _Bump):
            callback()


def test_an_anonymous_page_is_served_from_the_cache_in_one_query(world, people, database_cache):
    client = world.client("anonymous")
    first = client.get(url(), {"q": "hernandez"})
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url(), {"q": "hernandez"})
    assert second.json() == first.json()
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_an_approval_shows_at_once(world, people, api, database_cache):
    anonymous = world.client("anonymous")
    set_status(world.listing, "pending")  # an update(): no signal, as before the review
    before = names(anonymous.get(url()))
    assert world.listing.display_name not in before
    response = api("admin", "post", url(world.listing, "approve"))
    assert response.status_code == 200, response.json()
    assert names(anonymous.get(url())) == sorted([*before, world.listing.display_name])


def test_a_listing_edit_and_a_suspension_show_at_once(world, people, api, database_cache):
    anonymous = world.client("anonymous")
    rosa = people["rosa"]
    assert "Rosa Hernández" in names(anonymous.get(url()))
    response = api("admin", "patch", url(rosa), {"display_name": "Rosa María Hernández"})
    assert response.status_code == 200, response.json()
    assert "Rosa María Hernández" in names(anonymous.get(url()))
    assert names(anonymous.get(url(), {"q": "maria"})) == ["Rosa María Hernández"]
    api("admin", "post", url(rosa, "suspend"), {"reason": "Licence lapsed."})
    assert "Rosa María Hernández" not in names(anonymous.get(url()))


def test_a_caseload_change_shows_at_once(
    world, people, database_cache, django_capture_on_commit_callbacks
):
    anonymous = world.client("anonymous")
    hugo = people["hugo"]

    def hugo_in(params):
        body = anonymous.get(url(), params).json()
        return [i for i in body["results"] if i["id"] == hugo.pk]

    assert hugo_in({})[0]["active_caseload"] == 0
    assert hugo_in({"accepting": "true"})
    Consultant.objects.filter(pk=hugo.pk).update(max_caseload=1)  # no signal: not shown yet
    assert hugo_in({"accepting": "true"})
    with django_capture_on_commit_callbacks(execute=True):
        consultation = submitted(world.program)
        consultation_services.request_offer(
            actor=world.users["admin"], consultation=consultation, consultant=hugo
        )
    assert hugo_in({"accepting": "true"}) == []  # the open offer holds his one place
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.request_accept(actor=hugo.user, consultation=consultation)
    assert hugo_in({})[0]["active_caseload"] == 1


def test_a_version_bumped_elsewhere_invalidates_every_page(world, people, database_cache):
    client = world.client("anonymous")
    names(client.get(url()))
    Consultant.objects.filter(pk=people["amy"].pk).update(display_name="Amy Zed")
    assert "Amy Zed" not in names(client.get(url()))  # a write without a bump is not seen...
    listing_version.bump()  # ...until a bump (seed_demo's bulk writes bump at the end)
    assert "Amy Zed" in names(client.get(url()))


def test_a_write_inside_a_transaction_bumps_once_and_only_on_commit(world, database_cache):
    version = listing_version.current()
    with transaction.atomic():
        world.listing.save()
        world.other_listing.save()
        world.listing.languages.clear()
        assert listing_version.current() == version  # the database cache waits for the commit
        pending = [f for _, f, _ in connection.run_on_commit if isinstance(f, _Bump) and not f.ran]
        assert len(pending) == 1


def test_a_signed_in_caller_is_never_served_a_cached_page(world, people, database_cache):
    anonymous, admin = world.client("anonymous"), world.client("admin")
    set_status(world.listing, "pending")
    assert world.listing.display_name not in names(anonymous.get(url()))
    assert world.listing.display_name in names(admin.get(url()))
