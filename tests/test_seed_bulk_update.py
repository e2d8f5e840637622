"""demo.bulk.update_objects: the seed's bulk UPDATE (one statement on PostgreSQL) writes the
named fields of each row, NULLs, decimals, relations and JSON included, and nothing else."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import ConsultationRequest
from demo.bulk import update_objects
from tests.consultations.factories import submitted

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_nothing_else(world):
    first, second = submitted(world.program), submitted(world.program)
    first.planned_hours_per_week, first.goals = Decimal("2.5"), "Calmer mornings."
    first.entered_by = world.users["admin"]
    first.waitlist_reasons = {"language": 3}
    second.planned_hours_per_week, second.goals = None, ""
    second.entered_by = None
    second.waitlist_reasons = {}
    second.description = "Not written: not named."
    names = ["planned_hours_per_week", "goals", "entered_by", "waitlist_reasons"]
    with CaptureQueriesContext(connection) as queries:
        update_objects(ConsultationRequest, [first, second], names)
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    rows = ConsultationRequest.objects.in_bulk([first.pk, second.pk])
    assert rows[first.pk].planned_hours_per_week == Decimal("2.5")
    assert rows[first.pk].goals == "Calmer mornings."
    assert rows[first.pk].entered_by_id == world.users["admin"].pk
    assert rows[first.pk].waitlist_reasons == {"language": 3}
    assert rows[second.pk].planned_hours_per_week is None
    assert rows[second.pk].entered_by_id is None
    assert rows[second.pk].waitlist_reasons == {}
    assert rows[second.pk].description != "Not written: not named."


def test_nothing_to_write_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        update_objects(ConsultationRequest, [], ["goals"])
    assert len(queries) == 0
