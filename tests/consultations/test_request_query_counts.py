"""Query counts of a request's detail, offer and accept (issue 19), whatever the size of the
request's history (read once, with its actors) and of the data.

The detail reads at most 8 (it makes 3 or 4). An offer and an accept need more, and most of
what they add are writes, each counted below. Statements that open and close the service's
transaction are not counted (BEGIN and COMMIT in production, a savepoint inside the test's
transaction), but the test checks there is only that one: no savepoint per email.

On SQLite the token query cannot read the user's permissions as an array, so an admin's
`has_perm` adds Django's two permission queries there.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import RequestEvent
from directory.models import Consultant, ProgramMembership
from tests.consultations.api_helpers import make, url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
HISTORY = 'SELECT "consultations_requestevent"."id"'  # a read of the events themselves
TRANSACTION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
# Reads (7): the token with its user and permissions, the request (the view's 404 check), the
# offered consultant (the body's validation), the consultant and the request under their locks
# (the request's read also says whether this consultant declined it before, and brings its
# creator for the email's language), the program's staff (the program's email), the history.
# Writes (10): the request, its audit row, the consultant's counters (their hours recounted in
# the same UPDATE), the event; per email (2: the consultant, the program) the outbox row, its
# delivery task and the task's id on the row.
MAX_OFFER_QUERIES = 7 + 10
# Reads (7): token, request, the consultant's listing (read by its user, under its lock), the
# request under its lock, the hours of the engagements under way (only when the consultant
# keeps a weekly limit), the program's staff, the history.
# Writes (7): the counters, the request, its audit row, the event, one email (3).
MAX_ACCEPT_QUERIES = 7 + 7
PERMISSION_QUERIES = 0 if connection.vendor == "postgresql" else 2
LONG_HISTORY = 3 * MAX_OFFER_QUERIES  # more events than any bound: a query per event would show


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
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data, format="json")
    statements = [q["sql"] for q in captured]
    queries = [q for q in statements if not q.startswith(TRANSACTION)]
    assert len(statements) - len(queries) <= 2, "\n".join(statements)  # one transaction
    return response, queries


def _weekly_limit(world) -> None:
    """The consultant keeps a weekly limit: an accept then also reads the hours under way."""
    Consultant.objects.filter(pk=world.listing.pk).update(hours_per_week=40)


@pytest.mark.parametrize("role", ["program", "consultant", "admin"])
def test_the_detail_reads_the_history_once(world, role):
    consultation = make(world, "active")
    _lengthen_history(consultation, world.users["admin"])
    response, queries = _call(world, role, "get", url(consultation.pk))
    assert response.status_code == 200, response.json()
    assert len(response.json()["events"]) > LONG_HISTORY
    assert len(queries) <= MAX_QUERIES, "\n".join(queries)
    assert sum(HISTORY in q for q in queries) == 1


def test_an_offer_costs_a_bounded_number_of_queries(world):
    consultation = make(world, "submitted")
    _lengthen_history(consultation, world.users["admin"])
    body = {"consultant": world.listing.pk}
    response, queries = _call(world, "admin", "post", url(consultation.pk, "offer"), body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "offered"
    assert len(queries) <= MAX_OFFER_QUERIES + PERMISSION_QUERIES, "\n".join(queries)
    assert sum(HISTORY in q for q in queries) == 1


def test_an_accept_costs_a_bounded_number_of_queries(world):
    _weekly_limit(world)
    consultation = make(world, "offered")
    _lengthen_history(consultation, world.users["admin"])
    response, queries = _call(world, "consultant", "post", url(consultation.pk, "accept"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    assert len(queries) <= MAX_ACCEPT_QUERIES, "\n".join(queries)
    assert sum(HISTORY in q for q in queries) == 1


def _program_staff(world, count: int) -> None:
    """More staff on the request's program: each is emailed, in one read of them all."""
    for _ in range(count):
        ProgramMembership.objects.create(program=world.program, user=UserFactory(role="program"))


def test_the_bound_holds_with_many_requests_and_listings(world):
    """More rows everywhere than the bounds (requests of every status on the consultant's
    caseload, program staff, events): the counts do not grow with them."""
    many = MAX_OFFER_QUERIES + 3
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=100, hours_per_week=999)
    for _ in range(many):
        make(world, "submitted")
        make(world, "active")
        make(world, "offered")
    _program_staff(world, many)
    consultation = make(world, "submitted")
    _lengthen_history(consultation, world.users["admin"])
    body = {"consultant": world.listing.pk}
    response, queries = _call(world, "admin", "post", url(consultation.pk, "offer"), body)
    assert response.status_code == 200, response.json()
    assert len(queries) <= MAX_OFFER_QUERIES + PERMISSION_QUERIES, "\n".join(queries)
    response, queries = _call(world, "consultant", "post", url(consultation.pk, "accept"))
    assert response.status_code == 200, response.json()
    assert len(queries) <= MAX_ACCEPT_QUERIES, "\n".join(queries)
    for role in ("program", "consultant", "admin"):
        response, queries = _call(world, role, "get", url(consultation.pk))
        assert response.status_code == 200
        assert len(queries) <= MAX_QUERIES, "\n".join(queries)
        assert sum(HISTORY in q for q in queries) == 1
