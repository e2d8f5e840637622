"""The Alliance's batch matching pages: the preview changes nothing; confirming makes the offers
and emails them."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.consultations import factories
from tests.consultations.alliance_helpers import Status, db_snapshot
from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch_world(world, vilas_program):
    world.listing.max_caseload = 1
    world.listing.save()
    world.other_listing.max_caseload = 1
    world.other_listing.save()
    return {
        "routine": factories.submitted(world.program),
        "priority": factories.submitted(world.program, urgency="priority"),
        "far": factories.submitted(vilas_program, modality="on_site"),
        # Olga's only place is held by the offer she has not answered yet.
        "offered": factories.offered(
            world.program, ConsultantFactory(display_name="Olga", max_caseload=1)
        ),
    }


def test_matching_preview_changes_nothing(client, world, batch_world):
    mail.outbox.clear()
    before = db_snapshot()
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:matching"))
    assert response.status_code == 200
    assert db_snapshot() == before
    rows = response.context["assignments"]
    # Two places, two Dane requests: priority listed first; the far one is unmatched.
    assert [row["request_id"] for row in rows] == [
        batch_world["priority"].pk,
        batch_world["routine"].pk,
    ]
    assert {row["consultant"] for row in rows} == {"Cora Consultant", "Cal Consultant"}
    unmatched = response.context["unmatched"]
    assert [row["request_id"] for row in unmatched] == [batch_world["far"].pk]
    assert any("county" in reason for reason in unmatched[0]["reasons"])
    run = response.context["run"]
    assert run.dry_run and run.priority_matched == 1 and run.offered == []
    html = response.content.decode()
    assert "Make these 2 offers" in html
    assert f'action="{reverse("alliance:matching_confirm")}"' in html
    assert "Priority requests assigned</dt><dd>1<" in html
    assert f"{run.total_score:.2f}" in html and f"{run.upper_bound:.2f}" in html


def test_matching_preview_with_nothing_to_offer(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:matching"))
    html = response.content.decode()
    assert "No request can be offered now" in html
    assert reverse("alliance:matching_confirm") not in html


def test_matching_confirm_makes_the_offers_and_emails_them(
    client, world, batch_world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("alliance:matching_confirm"))
    assert response.status_code == 200
    for key in ("routine", "priority"):
        batch_world[key].refresh_from_db()
        assert batch_world[key].status == Status.OFFERED
    batch_world["far"].refresh_from_db()
    assert batch_world["far"].status == Status.SUBMITTED
    assert {batch_world["routine"].consultant_id, batch_world["priority"].consultant_id} == {
        world.listing.pk,
        world.other_listing.pk,
    }
    consultant_mail = [m.to for m in mail.outbox if "private.example.org" in m.to[0]]
    assert sorted(consultant_mail) == sorted(
        [[world.listing.contact_email], [world.other_listing.contact_email]]
    )
    html = response.content.decode()
    assert "2 requests offered; the consultants have been emailed." in html
    assert html.count('<span class="badge offered">Offered</span>') == 2
    assert response.context["run"].dry_run is False
