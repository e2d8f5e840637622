"""Directory search by words (issue 19): on PostgreSQL a GIN index on the words of the folded
name and bio serves every query word with a letter or digit in it, a word found by its
beginning; words without one fall back to the trigram LIKE; the ranked page's keys and total
are read in one pass and the page's columns by key. SQLite finds each word anywhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Consultant
from directory.search import WORDS_INDEX, search
from tests.directory.consultant_helpers import make_listing, set_status, url

pytestmark = pytest.mark.django_db
APPROVED = {"listing_status": "approved"}
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the words' index is PostgreSQL's"
)


@pytest.fixture
def listings(world):
    set_status(world.listing, "draft")
    set_status(world.other_listing, "draft")
    return {
        "iris": make_listing(
            display_name="Iris Núñez", bio="Reflective supervision for infant rooms."
        ),
        "omar": make_listing(display_name="Omar Farah", bio="Infant-toddler classrooms; 100 %."),
        "lena": make_listing(display_name="Lena Reflections", bio="Home visiting, 100 families."),
    }


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["display_name"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("reflect", ["Lena Reflections", "Iris Núñez"]),  # the name's word first
        ("REFLECTIVE", ["Iris Núñez"]),
        ("infant", ["Iris Núñez", "Omar Farah"]),
        ("infant-toddler", ["Omar Farah"]),  # a hyphenated word, as written
        ("toddler", ["Omar Farah"]),
        ("nunez infant", ["Iris Núñez"]),
        ("100", ["Lena Reflections", "Omar Farah"]),
        ("100%", []),  # "100 %" has a space: not "100%" as written
        ("%", ["Omar Farah"]),  # no letter or digit: found as written
        ("supervision%", []),
        ("o'brien", []),
        ("nobody", []),
    ],
)
def test_each_word_is_found_by_its_beginning_whatever_the_accents(world, listings, q, expected):
    assert names(world.client("anonymous").get(url(), {"q": q})) == expected


@postgres_only
def test_a_word_is_not_found_by_its_middle_on_postgresql(world, listings):
    assert names(world.client("anonymous").get(url(), {"q": "flective"})) == []


@postgres_only
def test_the_words_index_serves_the_search(listings):
    """The query's expression is the index's: with sequential scans off, the plan uses it."""
    queryset = search(Consultant.objects.all(), text="infant reflect")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("RESET enable_seqscan")
    assert WORDS_INDEX in plan, plan


def test_a_ranked_page_reads_its_keys_and_total_once_then_its_columns(world, listings):
    for n in range(25):
        make_listing(display_name=f"Ann {n:02}", bio="Infant mental health.")
    admin = world.client("admin")  # signed in: never cached
    with CaptureQueriesContext(connection) as queries:
        body = admin.get(url(), {**APPROVED, "q": "infant", "page_size": 10, "page": 2}).json()
    searched = [q["sql"] for q in queries if "search_text" in q["sql"]]
    assert len(searched) == 1, searched  # the search ran once, for the keys and the total
    assert body["count"] == 27
    assert [r["display_name"] for r in body["results"]] == [f"Ann {n:02}" for n in range(10, 20)]
    last = admin.get(url(), {**APPROVED, "q": "infant", "page_size": 10, "page": 3}).json()
    assert [r["display_name"] for r in last["results"]] == [
        *(f"Ann {n:02}" for n in range(20, 25)),
        "Iris Núñez",
        "Omar Farah",
    ]
