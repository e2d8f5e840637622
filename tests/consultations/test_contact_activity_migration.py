"""The data migration of contact types to activities, run on a database holding the old codes:
every old type gets its activity, "other" keeps its type and gets none, nothing is lost."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ConsultantFactory, ProgramFactory, UserFactory

BEFORE = [("consultations", "0008_list_order_indexes")]
AFTER = [("consultations", "0010_contact_activity_from_type")]

OLD_TO_NEW = {
    "observation": "classroom_observation",
    "staff_consultation": "staff_meeting",
    "family_consultation": "family_meeting",
    "reflective_consultation": "reflective_consultation",
    "training": "training",
    "planning": "planning",
    "other": "",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_contact_types_become_activities_losing_nothing():
    # Only consultations goes back: the other apps' tables stay as they are, so their rows are
    # made with today's factories and referred to by id.
    user = UserFactory(role="consultant")
    program = ProgramFactory()
    consultant = ConsultantFactory(user=user)
    old_apps = _migrate(BEFORE)
    Request = old_apps.get_model("consultations", "ConsultationRequest")
    Contact = old_apps.get_model("consultations", "Contact")
    request = Request.objects.create(
        program_id=program.pk, created_by_id=user.pk, focus="classroom",
        concerns=["transitions"], status="active", consultant_id=consultant.pk,
    )  # fmt: skip
    notes = {}
    for i, old in enumerate(OLD_TO_NEW):
        contact = Contact.objects.create(
            request=request, consultant_id=consultant.pk, date=date(2026, 1, 1 + i), minutes=30 + i,
            contact_type=old, modality="on_site", note=f"note {old}",
        )  # fmt: skip
        notes[contact.pk] = (old, 30 + i, f"note {old}")

    new_apps = _migrate(AFTER)
    Contact = new_apps.get_model("consultations", "Contact")
    rows = {c.pk: c for c in Contact.objects.all()}
    assert set(rows) == set(notes)
    for pk, (old, minutes, note) in notes.items():
        row = rows[pk]
        assert row.activity == OLD_TO_NEW[old]
        assert (row.contact_type, row.minutes, row.note) == (old, minutes, note)

    # And back: the old types are still there, new contacts get the type they fall under.
    Contact.objects.create(
        request_id=request.pk, consultant_id=consultant.pk, date=date(2026, 2, 1), minutes=15,
        activity="phone_or_email", contact_type="", modality="virtual",
    )  # fmt: skip
    back_apps = _migrate(BEFORE)
    Contact = back_apps.get_model("consultations", "Contact")
    types = dict(Contact.objects.values_list("minutes", "contact_type"))
    assert types[15] == "other"
    assert all(types[30 + i] == old for i, old in enumerate(OLD_TO_NEW))
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
