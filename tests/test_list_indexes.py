"""Every list endpoint is served by an index in the order it sorts (issue 19).

On PostgreSQL each list's page query is EXPLAINed with sorting and sequential scans priced out
(enable_sort, enable_seqscan off): if an index gives the order, the plan reads it and has no Sort
node; if none does, the planner has to sort anyway and the test fails. On SQLite the indexes are
checked to exist with the columns the order needs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.consultations.api_helpers import make

pytestmark = pytest.mark.django_db

# (role, path, table the page is read from, the index that serves its order, its columns)
LISTS = [
    ("admin", "/api/v1/requests/", "consultations_consultationrequest", "request_created_idx"),
    (
        "admin",
        "/api/v1/requests/?status=submitted",
        "consultations_consultationrequest",
        "request_status_new_idx",
    ),
    ("admin", "/api/v1/consultants/", "directory_consultant", "consultant_name_idx"),
    ("anonymous", "/api/v1/consultants/", "directory_consultant", "consultant_status_name_idx"),
    ("admin", "/api/v1/programs/", "directory_program", "program_name_idx"),
    ("program", "/api/v1/requests/", "consultations_consultationrequest", None),
    # Not here: the caseload, which groups a consultant's engagements (at most 100) with their
    # contacts; it finds them by request_caseload_idx and sorts the grouped rows.
]
COLUMNS = {
    "request_created_idx": ["created_at", "id"],
    "request_status_new_idx": ["status", "created_at", "id"],
    "request_program_new_idx": ["program_id", "created_at", "id"],
    "request_caseload_idx": ["consultant_id", "status", "accepted_at", "id"],
    "consultant_name_idx": ["display_name", "id"],
    "consultant_status_name_idx": ["listing_status", "display_name", "id"],
    "program_name_idx": ["name", "id"],
    "event_request_at_idx": ["request_id", "at", "id"],
    "contact_request_date_idx": ["request_id", "date", "id"],
}


@pytest.fixture
def requests(world):
    for status in ("submitted", "offered", "active", "active", "closed"):
        make(world, status)


def _page_query(world, role, path, table) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = world.client(role).get(path)
    assert response.status_code == 200, response.content
    found = [
        q["sql"]
        for q in queries
        if f'FROM "{table}"' in q["sql"]
        and "ORDER BY" in q["sql"]
        and not q["sql"].startswith("SELECT COUNT(")
    ]
    assert found, [q["sql"] for q in queries]
    return found[0]


@pytest.mark.postgres
@pytest.mark.parametrize("role, path, table, index", LISTS)
def test_each_list_reads_its_order_off_an_index(world, requests, role, path, table, index):
    sql = _page_query(world, role, path, table)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Sort" not in plan, plan
    assert "Index" in plan, plan
    if index:
        assert index in plan, plan


@pytest.mark.parametrize("table, index", [(t, i) for *_, t, i in LISTS if i])
def test_the_list_indexes_exist(table, index):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert constraints[index]["index"] is True
    assert constraints[index]["columns"] == COLUMNS[index]


@pytest.mark.parametrize(
    "table, index",
    [
        ("consultations_consultationrequest", "request_program_new_idx"),
        ("consultations_consultationrequest", "request_caseload_idx"),
        ("consultations_requestevent", "event_request_at_idx"),
        ("consultations_contact", "contact_request_date_idx"),
    ],
)
def test_the_per_owner_list_indexes_exist(table, index):
    test_the_list_indexes_exist(table, index)
