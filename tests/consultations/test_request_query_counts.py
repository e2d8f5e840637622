"""Query counts of a request's detail and of its workflow's steps through the API (issue 19),
whatever the size of the request's history (read once, with its actors) and of the data.

The detail, an offer, an accept and a decline each answer in at most 8 queries on PostgreSQL
(a close in 9, a withdrawal in 10), counting what runs once the transaction commits (a step
that changes a caseload bumps the listing version in the database cache: one upsert,
directory.listing_version). Statements that open and close the service's transaction are not
counted (BEGIN and COMMIT in production, a savepoint inside the test's transaction), but the
test checks there is only that one. A step's event, the request's audit row, its emails and
their delivery task are written together in ONE statement (iecmhc.db.written_together),
however many emails there are.

On SQLite the token query cannot read the user's permissions as an array, so a staff user's
are read in a query of their own there; the program's staff are read apart
(one query) rather than with the request; the rows written together take one INSERT per
table (4 for a step with emails); and the cache's set takes 3 statements in a savepoint.
"""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from background.models import OutgoingEmail
from consultations.models import RequestEvent
from directory.models import Consultant, ProgramMembership
from tests.consultations.api_helpers import make, url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8  # the detail's, the offer's and the accept's bound on PostgreSQL (issue 19)
POSTGRES = connection.vendor == "postgresql"
HISTORY = 'SELECT "consultations_requestevent"."id"'  # a read of the events themselves
TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
# Offer (7): the token with its user and permissions; the consultant under its lock (the
# body's id: 400 if there is none); the request under its lock (also the 404 check, whether
# this consultant declined it before, its creator and program's staff for the emails); the
# request's UPDATE; the consultant's counters (their hours recounted in the same UPDATE); the
# rows written together (audit row, event, 2 emails, their task); the history; once
# committed, the listing version's bump.
MAX_OFFER_QUERIES = 8
# Accept (7): token, the consultant's listing (by its user, under its lock), the request under
# its lock (with the hours of the engagements under way when the consultant keeps a weekly
# limit), the counters, the request's UPDATE, the rows written together, the history, the bump.
MAX_ACCEPT_QUERIES = 8
# Decline (7): token, listing under its lock, request under its lock, UPDATE, counters, rows
# written together, the bump (the history is not shown to the decliner).
MAX_DECLINE_QUERIES = 7
# Withdraw (9): token, the request (the view's 404 check: the consultant to lock comes from
# it), the user's programs (the right to withdraw, and the answer's), the consultant and the
# request under their locks, UPDATE, counters, rows written together, the history, the bump.
MAX_WITHDRAW_QUERIES = 10
# Close (9): token, the request (the view's read), the consultant and the request (with its
# contacts' minutes) under their locks, UPDATE, counters, rows written together, the history,
# the bump.
MAX_CLOSE_QUERIES = 9
# What SQLite adds (see above): admin's permissions, the staff, one INSERT per table, and the
# cache's set (counted with the INSERTs).
SQLITE_PERMISSIONS = 0 if POSTGRES else 1
SQLITE_STAFF = 0 if POSTGRES else 1
SQLITE_INSERTS = 0 if POSTGRES else 3 + 2
assert max(MAX_OFFER_QUERIES, MAX_ACCEPT_QUERIES, MAX_DECLINE_QUERIES) <= MAX_QUERIES
LONG_HISTORY = 3 * MAX_QUERIES  # more events than any bound: a query per event would show


@pytest.fixture(autouse=True)
def _database_cache(settings):
    """The cache in the database, as in production (the suite's is in memory): the listing
    version's bump after a step's commit is then a statement, counted here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }


def _lengthen_history(consultation, actor) -> None:
    """Events as the workflow writes them (offer, decline, offer again...), plus notes."""
    last = consultation.events.order_by("-at", "-id").first()
    RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=consultation,
                action=last.action,
                actor=actor,
                actor_role=last.actor_role,
                from_status=last.from_status,
                to_status=last.to_status,
                note=f"Step {n}",
                at=last.at,
            )
            for n in range(LONG_HISTORY)
        ]
    )


def _call(world, role, method, path, data=None):
    client = world.client(role)
    # What runs once the transaction commits is counted too (the listing version's bump). The
    # setup's callbacks, which never run in the test's transaction, go: a bump still pending
    # would stand for this call's (one per transaction).
    connection.run_on_commit.clear()
    committed = TestCase.captureOnCommitCallbacks(execute=True)
    with CaptureQueriesContext(connection) as captured, committed:
        response = getattr(client, method)(path, data, format="json")
    statements = [q["sql"] for q in captured]
    queries = [q for q in statements if not q.startswith(TRANSACTION)]
    savepoints = 2 if POSTGRES else 4  # the service's (and on SQLite the cache's set)
    assert len(statements) - len(queries) <= savepoints, "\n".join(statements)
    return response, queries


def _weekly_limit(world) -> None:
    """The consultant keeps a weekly limit: an accept then also reads the hours under way
    (with the request)."""
    Consultant.objects.filter(pk=world.listing.pk).update(hours_per_week=40)


def _check(queries, bound, *, history=1):
    listing = "\n".join(q[:300] for q in queries)
    assert len(queries) <= bound, f"{len(queries)} queries:\n{listing}"
    assert sum(HISTORY in q for q in queries) == history


@pytest.mark.parametrize("role", ["program", "consultant", "admin"])
def test_the_detail_reads_the_history_once(world, role):
    consultation = make(world, "active")
    _lengthen_history(consultation, world.users["admin"])
    response, queries = _call(world, role, "get", url(consultation.pk))
    assert response.status_code == 200, response.json()
    assert len(response.json()["events"]) > LONG_HISTORY
    _check(queries, MAX_QUERIES)


def test_an_offer_costs_a_bounded_number_of_queries(world):
    consultation = make(world, "submitted")
    _lengthen_history(consultation, world.users["admin"])
    emails = OutgoingEmail.objects.count()
    body = {"consultant": world.listing.pk}
    response, queries = _call(world, "admin", "post", url(consultation.pk, "offer"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "offered"
    assert OutgoingEmail.objects.count() == emails + 2  # the consultant's, the program's
    _check(queries, MAX_OFFER_QUERIES + SQLITE_PERMISSIONS + SQLITE_STAFF + SQLITE_INSERTS)
    if POSTGRES:  # the audit row, the event, the emails and their task: one statement
        writes = [q for q in queries if q.startswith(("INSERT", "WITH"))]
        assert sum('"django_cache"' not in q for q in writes) == 1, writes


def test_an_accept_costs_a_bounded_number_of_queries(world):
    _weekly_limit(world)
    consultation = make(world, "offered")
    _lengthen_history(consultation, world.users["admin"])
    response, queries = _call(world, "consultant", "post", url(consultation.pk, "accept"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    _check(queries, MAX_ACCEPT_QUERIES + SQLITE_STAFF + SQLITE_INSERTS)


def test_a_decline_costs_a_bounded_number_of_queries(world):
    consultation = make(world, "offered")
    _lengthen_history(consultation, world.users["admin"])
    body = {"reason": "No room this month."}
    response, queries = _call(world, "consultant", "post", url(consultation.pk, "decline"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    _check(queries, MAX_DECLINE_QUERIES + SQLITE_INSERTS, history=0)


def test_a_withdrawal_costs_a_bounded_number_of_queries(world):
    consultation = make(world, "offered")
    _lengthen_history(consultation, world.users["admin"])
    body = {"reason": "We found help nearby."}
    response, queries = _call(world, "program", "post", url(consultation.pk, "withdraw"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    _check(queries, MAX_WITHDRAW_QUERIES + SQLITE_INSERTS)


@pytest.mark.parametrize("role", ["consultant", "admin"])
def test_a_close_costs_a_bounded_number_of_queries(world, role):
    consultation = make(world, "active")
    _lengthen_history(consultation, world.users["admin"])
    body = {"closure_reason": "goals_met"}
    response, queries = _call(world, role, "post", url(consultation.pk, "close"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    extra = SQLITE_PERMISSIONS if role == "admin" else 0
    _check(queries, MAX_CLOSE_QUERIES + extra + SQLITE_STAFF + SQLITE_INSERTS)


def _program_staff(world, count: int) -> None:
    """More staff on the request's program, some reading Spanish: each is emailed (one email
    per language), all read with the request."""
    for n in range(count):
        user = UserFactory(role="program", preferred_language="es" if n % 2 else "en")
        ProgramMembership.objects.create(program=world.program, user=user)


def test_the_bound_holds_with_many_requests_listings_and_emails(world):
    """More rows everywhere than the bounds (requests of every status on the consultant's
    caseload, program staff in two languages, events): the counts do not grow with them."""
    many = MAX_QUERIES + 3
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=100, hours_per_week=999)
    for _ in range(many):
        make(world, "submitted")
        make(world, "active")
        make(world, "offered")
    _program_staff(world, many)
    consultation = make(world, "submitted")
    _lengthen_history(consultation, world.users["admin"])
    emails = OutgoingEmail.objects.count()
    body = {"consultant": world.listing.pk}
    response, queries = _call(world, "admin", "post", url(consultation.pk, "offer"), body)
    assert response.status_code == 200, response.json()
    assert OutgoingEmail.objects.count() == emails + 3  # the consultant's, en and es staff's
    _check(queries, MAX_OFFER_QUERIES + SQLITE_PERMISSIONS + SQLITE_STAFF + SQLITE_INSERTS)
    response, queries = _call(world, "consultant", "post", url(consultation.pk, "accept"))
    assert response.status_code == 200, response.json()
    _check(queries, MAX_ACCEPT_QUERIES + SQLITE_STAFF + SQLITE_INSERTS)
    for role in ("program", "consultant", "admin"):
        response, queries = _call(world, role, "get", url(consultation.pk))
        assert response.status_code == 200
        _check(queries, MAX_QUERIES)
