"""An expired licence is a hard constraint (`credential_lapsed`): the ranked matches, the
batch and the unmet demand report agree, and an offer is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.batch_offers import matching_run
from consultations.matching import EXCLUSIONS, ranked_matches
from consultations.reports import unmet_demand
from iecmhc.exceptions import StateConflict
from tests.consultations import factories
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def expire(listing, days_ago: int) -> None:
    listing.license_expires = timezone.localdate() - timedelta(days=days_ago)
    listing.save(update_fields=["license_expires"])


def test_a_licence_lapses_the_day_after_its_expiry_date(world):
    consultation = factories.submitted(world.program)
    expire(world.listing, 0)  # expires today: still valid
    expire(world.other_listing, 1)
    ranking = ranked_matches(consultation)
    assert [m.consultant_id for m in ranking.matches] == [world.listing.pk]
    assert ranking.excluded["credential_lapsed"] == 1
    assert list(ranking.excluded)[:3] == ["not_approved", "credential_lapsed", "not_accepting"]


def test_matches_batch_and_unmet_demand_agree(world):
    lone = ProgramFactory(members=[UserFactory(role="program")])
    consultation = factories.submitted(lone)
    # Both consultants serve Dane County; with both licences expired nobody may take it.
    expire(world.listing, 3)
    expire(world.other_listing, 30)
    ranking = ranked_matches(consultation)
    assert ranking.matches == [] and ranking.excluded["credential_lapsed"] == 2
    run = matching_run(actor=world.users["admin"], dry_run=True)
    assert run.assignments == []
    assert run.unmatched[consultation.pk] == [f"{EXCLUSIONS['credential_lapsed']} (2)"]
    report = unmet_demand()
    assert (report["open_requests"], report["unmet"]) == (1, 1)
    assert dict(report["requests"])[
        next(r for r, _ in report["requests"] if r.id == consultation.pk)
    ] == [f"{EXCLUSIONS['credential_lapsed']} (2)"]
    # Renewed: the request is met again, everywhere.
    world.listing.license_expires = timezone.localdate() + timedelta(days=365)
    world.listing.save(update_fields=["license_expires"])
    assert [m.consultant_id for m in ranked_matches(consultation).matches] == [world.listing.pk]
    run = matching_run(actor=world.users["admin"], dry_run=True)
    assert [(a.request_id, a.consultant_id) for a in run.assignments] == [
        (consultation.pk, world.listing.pk)
    ]
    assert unmet_demand()["unmet"] == 0


def test_an_offer_to_a_consultant_with_a_lapsed_licence_is_refused(world):
    consultation = factories.submitted(world.program)
    expire(world.listing, 1)
    with pytest.raises(StateConflict, match="licence has expired"):
        services.request_offer(
            actor=world.users["admin"], consultation=consultation, consultant=world.listing
        )
    consultation.refresh_from_db()
    world.listing.refresh_from_db()
    assert (consultation.status, world.listing.open_offers) == ("submitted", 0)
