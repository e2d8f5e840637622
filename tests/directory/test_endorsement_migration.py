"""The data migration from the single endorsement code to endorsement rows keeps the data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("directory", "0011_consultant_search")]
AFTER = [("directory", "0013_endorsements_from_code")]


def test_each_endorsement_code_becomes_an_endorsed_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Consultant = old.get_model("directory", "Consultant")
    made = {}
    for i, (code, status) in enumerate(
        [
            ("infant_mental_health_mentor", "approved"),
            ("none", "approved"),
            ("infant_family_associate", "pending"),
        ]
    ):
        # The users' table is at its latest state (only directory was rolled back).
        user = UserFactory(username=f"migrated{i}", role="consultant")
        made[code] = Consultant.objects.create(
            user_id=user.pk,
            display_name=f"C{i}",
            license_type="lcsw",
            imh_endorsement=code,
            base_zip="53703",
            base_state="WI",
            listing_status=status,
        ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("directory", "ConsultantEndorsement").objects.order_by("category")
    assert [(r.consultant_id, r.category, r.status) for r in rows] == [
        (made["infant_family_associate"], "infant_family_associate", "endorsed"),
        (made["infant_mental_health_mentor"], "infant_mental_health_mentor", "endorsed"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
