"""The in-memory search index (directory.search_index, issue 19): a search by words alone
(the approved listings, an admin's every listing or one status) is answered from it on
PostgreSQL, with the SQL search's answer (directory.search) in the same order; anything else is
left to SQL; a committed write to a listing's name, bio or status changes the search version
(triggers), so it shows at once, and a caseload change does not."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import search_index, search_version
from directory.models import Consultant
from directory.search import search
from tests.directory.consultant_helpers import make_listing, set_status, url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LISTINGS = [
    ("Iris Núñez", "Reflective supervision for infant rooms."),
    ("Omar Farah", "Infant-toddler classrooms; 100 %."),
    ("Lena Reflections", "Home visiting, 100 families. Reflect often."),
    ("Rosa Hernández", "Niños y familias."),
    ("Hugo HERNANDEZ", "Toddler rooms; infant care."),
    ("Zoë Abbott", "Trained by Dr. Hernández-Ruiz; infancy."),
    ("Amy Adams", "Éducatrice; ÉCOLE maternelle; infant."),
    ("Aaron Allen", "Hernandez family child care, infant rooms."),
    ("José Infante", "Bilingüe: infant y familia."),
    ("Jose Ortiz", "Infant mental health; José's practice."),
    ("Straße Weiß", "German-speaking families; strasse."),
    ("Noe\u0301l Cafe\u0301", "Combining accents in the name; noel."),
    ("Infant Care Co", "A name that is a word of the query."),
    ("Ann Lee", "ann annals anne annex"),
]
# Every kind of word: a name, a bio word, a prefix, accents and case either way, two words, a
# word in one listing's name and another's bio, a word nobody holds.
QUERIES = [
    "infant",
    "INFANT",
    "inf",
    "hernandez",
    "Hernández",
    "hern",
    "jose",
    "josé",
    "JOSE infant",
    "reflect",
    "reflective",
    "nunez infant",
    "noel",
    "cafe",
    "strasse",
    "weiss",
    "ann",
    "an",
    "toddler",
    "100",
    "infant infant",
    "a",
    "nobody",
]


@pytest.fixture
def listings(world):
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    made = [make_listing(display_name=name, bio=bio) for name, bio in LISTINGS]
    make_listing(status="pending", display_name="Ines Infant", bio="Infant rooms, pending.")
    return made


@pytest.fixture
def trusted(monkeypatch):
    """The search version as if this test's writes had committed: a new token on every read,
    so the index is rebuilt from what the test has written each time (a test's transaction
    never commits, so its triggers never run; the committed case is tested below)."""
    real = search_version.read

    def read(tsquery):
        _token, parsed = real(tsquery)
        return uuid.uuid4().hex, parsed

    monkeypatch.setattr(search_version, "read", read)
    search_index._current = None
    yield
    search_index._current = None


def in_sql(text: str, status: str | None = "approved") -> list[int]:
    listings = Consultant.objects.filter(**({"listing_status": status} if status else {}))
    return list(search(listings, text=text).values_list("pk", flat=True))


@pytest.mark.parametrize("text", QUERIES)
def test_the_index_answers_as_the_sql_search(listings, trusted, text):
    assert search_index.ranked(text, "approved") == in_sql(text)
    assert search_index.ranked(text, None) == in_sql(text, None)  # every listing (admins)
    assert search_index.ranked(text, "pending") == in_sql(text, "pending")


def test_accents_case_and_names_first(listings, trusted):
    def names(text):
        by_pk = dict(Consultant.objects.values_list("pk", "display_name"))
        return [by_pk[pk] for pk in search_index.ranked(text, "approved")]

    assert names("JOSÉ") == names("jose")
    assert sorted(names("jose")) == ["Jose Ortiz", "José Infante"]
    assert names("hernandez") == [
        "Hugo HERNANDEZ",  # in the name (both spellings), by name
        "Rosa Hernández",
        "Aaron Allen",  # in the bio, by name
        "Zoë Abbott",
    ]
    # Two words in the name outrank one; the pending "Ines Infant" is never found.
    assert names("infant care") == ["Infant Care Co", "Aaron Allen", "Hugo HERNANDEZ"]
    assert names("jose infant") == ["José Infante", "Jose Ortiz"]
    assert "Ines Infant" not in names("infant")


@pytest.mark.parametrize(
    "text", ["infant-toddler", "100%", "%", "o'brien", "1e5x", "x" * 65, "infant _"]
)
def test_other_queries_are_left_to_sql(listings, trusted, text):
    assert search_index.ranked(text, "approved") is None


def test_a_transaction_that_wrote_is_left_to_sql(listings):
    assert search_version.read("'infant':*")[0] is None
    assert search_index.ranked("infant", "approved") is None


def _searched(client, params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(), params)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in queries]


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", None),  # the approved listings
        ("admin", "approved"),
        ("admin", None),  # every listing
        ("admin", "pending"),
    ],
)
def test_the_api_serves_a_search_from_the_index(world, listings, trusted, role, status):
    page = 1 if status == "pending" else 2
    params = {"q": "infant", "page_size": 3, "page": page}
    if status:
        params["listing_status"] = status
    body, queries = _searched(world.client(role), params)
    everyone = role == "admin" and status is None
    expected = in_sql("infant", None if everyone else status or "approved")
    assert (
        "Ines Infant"
        in Consultant.objects.filter(pk__in=expected).values_list("display_name", flat=True)
    ) == (status == "pending" or everyone)
    assert body["count"] == len(expected)
    assert [item["id"] for item in body["results"]] == expected[(page - 1) * 3 : page * 3]
    assert not [q for q in queries if " @@ " in q], queries  # no search in SQL
    assert any(search_version.TABLE in q for q in queries)


@pytest.mark.parametrize(
    "role, params",
    [
        ("anonymous", {"q": "infant", "accepting": "true"}),  # another filter
        ("admin", {"q": "infant", "language": "en"}),
        ("anonymous", {"q": "infant", "near_zip": "53703"}),
        ("anonymous", {"q": "infant-toddler"}),  # a word the parser cuts
        ("anonymous", {"q": "infant", "listing_status": "pending"}),
    ],
)
def test_anything_else_is_searched_in_sql(world, listings, trusted, role, params):
    _body, queries = _searched(world.client(role), params)
    assert any(" @@ " in q for q in queries), queries


def test_the_directory_page_serves_a_search_from_the_index(world, listings, trusted, client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/directory/", {"q": "JOSE"})
    assert response.status_code == 200
    assert not any(" @@ " in q["sql"] for q in queries)
    page = response.context["page"]
    assert page.paginator.count == 2
    assert [c.pk for c in page.object_list] == in_sql("jose")


def test_an_empty_or_past_the_end_page(world, listings, trusted):
    client = world.client("anonymous")
    body, _ = _searched(client, {"q": "nobody"})
    assert body["count"] == 0 and body["results"] == []
    assert client.get(url(), {"q": "infant", "page": 99}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_committed_writes_change_the_version_and_show_at_once(world, api):
    """Real commits: the triggers change the token for a name, bio or status change of a
    listing (and the next search rebuilds the index), not for a caseload change. An
    admin's list of approved listings is never cached, so each answer is the index's."""
    search_index._current = None
    listing = make_listing(display_name="Vera Vásquez", bio="Infant rooms.")
    pending = make_listing(status="pending", display_name="Paz Pérez", bio="Infant rooms.")
    admin = world.client("admin")

    def found(text):
        body, queries = _searched(admin, {"q": text, "listing_status": "approved"})
        assert not any(" @@ " in q for q in queries), queries
        return [item["display_name"] for item in body["results"]]

    before = search_version.read("'x':*")[0]
    assert before is not None
    assert found("vasquez") == ["Vera Vásquez"]
    assert search_index._current.version == before

    Consultant.objects.filter(pk=listing.pk).update(active_caseload=2)  # not a search change
    assert search_version.read("'x':*")[0] == before

    response = api("admin", "post", url(pending, "approve"))
    assert response.status_code == 200, response.json()
    assert search_version.read("'x':*")[0] not in (before, None)
    assert found("perez") == ["Paz Pérez"]

    response = api("admin", "patch", url(listing), {"display_name": "Vera Vasquez Ruiz"})
    assert response.status_code == 200, response.json()
    assert found("ruiz") == ["Vera Vasquez Ruiz"]
    response = api("admin", "patch", url(listing), {"bio": "Reflective practice."})
    assert response.status_code == 200, response.json()
    assert found("reflective") == ["Vera Vasquez Ruiz"]
    set_status(listing, "suspended")  # an update(), without signals: the trigger sees it
    assert found("ruiz") == []
    assert search_index._current.version == search_version.read("'x':*")[0]
    search_index._current = None
