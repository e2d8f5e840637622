"""Every list endpoint is served by an index in the order it sorts (issue 19).

On PostgreSQL each list's page query is EXPLAINed with sorting and sequential scans priced out
(enable_sort, enable_seqscan off): if an index gives the order, the plan reads it and has no Sort
node; if none does, the planner has to sort anyway and the test fails. On SQLite the indexes are
checked to exist with the columns the order needs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import ConsultationRequest
from tests.consultations.api_helpers import make
from tests.directory.consultant_helpers import make_listing

pytestmark = pytest.mark.django_db

# (role, path, table the page is read from, the index that serves its order, its columns).
# Every list endpoint of the API and the HSDS feed, each with the filters that change which
# index serves it. "{program}" stands for a program's id.
LISTS = [
    ("admin", "/api/v1/requests/", "consultations_consultationrequest", "request_created_idx"),
    (
        "admin",
        "/api/v1/requests/?status=submitted",
        "consultations_consultationrequest",
        "request_status_new_idx",
    ),
    (
        "admin",
        "/api/v1/requests/?program={program}",
        "consultations_consultationrequest",
        "request_program_new_idx",
    ),
    (
        "admin",
        "/api/v1/requests/?urgency=priority",
        "consultations_consultationrequest",
        "request_created_idx",
    ),
    ("admin", "/api/v1/consultants/", "directory_consultant", "consultant_name_idx"),
    (
        "admin",
        "/api/v1/consultants/?listing_status=pending",
        "directory_consultant",
        "consultant_status_name_idx",
    ),
    ("anonymous", "/api/v1/consultants/", "directory_consultant", "consultant_status_name_idx"),
    (
        "anonymous",
        "/api/v1/consultants/?accepting=true",
        "directory_consultant",
        "consultant_status_name_idx",
    ),
    ("admin", "/api/v1/programs/", "directory_program", "program_name_idx"),
    ("program", "/api/v1/requests/", "consultations_consultationrequest", None),
    ("consultant", "/api/v1/requests/", "consultations_consultationrequest", None),
    ("anonymous", "/api/v1/counties/?state=WI", "directory_county", "county_state_name_unique"),
    ("anonymous", "/api/hsds/services", "directory_consultant", "directory_consultant_pkey"),
    ("anonymous", "/api/hsds/organizations", "directory_consultant", "directory_consultant_pkey"),
    # Not here: the caseload, which groups a consultant's engagements (at most 100) with their
    # contacts; it finds them by request_caseload_idx and sorts the grouped rows. A directory
    # search (?q=) is ranked by what it finds, not read in an index's order: it is answered by
    # the in-memory index (directory.search_index), which holds its listings in name order.
    # The small fixed lists (languages, regions, vocabularies) are read whole.
]
COLUMNS = {
    "request_created_idx": ["created_at", "id"],
    "request_status_new_idx": ["status", "created_at", "id"],
    "request_program_new_idx": ["program_id", "created_at", "id"],
    "request_caseload_idx": ["consultant_id", "status", "accepted_at", "id"],
    "consultant_name_idx": ["display_name", "id"],
    "consultant_status_name_idx": ["listing_status", "display_name", "id"],
    "county_state_name_unique": ["state", "name"],
    "directory_consultant_pkey": ["id"],
    "program_name_idx": ["name", "id"],
    "event_request_at_idx": ["request_id", "at", "id"],
    "contact_request_date_idx": ["request_id", "date", "id"],
}


@pytest.fixture
def requests(world):
    """Rows in every list: requests in each status (one of them priority), a pending listing."""
    made = [
        make(world, status) for status in ("submitted", "offered", "active", "active", "closed")
    ]
    ConsultationRequest.objects.filter(pk=made[0].pk).update(urgency="priority")
    make_listing(status="pending", display_name="Pia Pending")


def _page_query(world, role, path, table) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = world.client(role).get(path.format(program=world.program.pk))
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
        if index.endswith("_pkey"):  # the primary key (named so on PostgreSQL only)
            primary = connection.introspection.get_primary_key_columns(cursor, table)
            assert primary == COLUMNS[index]
            return
    assert constraints[index]["index"] or constraints[index]["unique"]  # a unique key's too
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
