"""The waitlist (reasons, an honest estimate, what the program sees) and the statewide brief
team (its reach in matching's three forms, and routing a waitlisted request in one step)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from consultations import matching, waitlist
from consultations.matching.facts import consultant_facts, request_facts
from consultations.models import ConsultationRequest, RequestEvent
from directory import services as directory_services
from directory.models import Consultant
from tests.consultations import factories
from tests.factories import ConsultantFactory, county, language

MILWAUKEE = {"base_zip": "53202", "base_latitude": 43.04, "base_longitude": -87.9}


def _refresh(capture):
    with capture(execute=True):
        return waitlist.refresh_waitlist()


def test_a_request_nobody_may_take_is_waitlisted_with_its_reasons(
    client, world, django_capture_on_commit_callbacks
):
    hmong = factories.submitted(
        world.program, preferred_language=language("hmn", "Hmong"), language_required=True
    )
    served = factories.submitted(world.program)
    mail.outbox.clear()
    assert _refresh(django_capture_on_commit_callbacks) == 1
    hmong.refresh_from_db()
    served.refresh_from_db()
    assert hmong.waitlisted_at is not None
    assert hmong.waitlist_reasons == {"language": 2}
    assert hmong.waitlist_estimate is None
    assert served.waitlisted_at is None
    assert waitlist.waiting_for(hmong) == ["speaks Hmong"]
    # The program is told once, honestly.
    [told] = mail.outbox
    assert f"#{hmong.pk}" in told.subject and "speaks Hmong" in told.body
    assert "cannot estimate" in told.body
    assert _refresh(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    assert hmong.events.filter(action=RequestEvent.Action.WAITLISTED).count() == 1
    # The program's page says what it waits for.
    client.force_login(world.users["program"])
    page = client.get(reverse("consultations:request_detail", args=[hmong.pk])).content.decode()
    assert "Waiting for a consultant who" in page and "speaks Hmong" in page
    # The Alliance sees the counts in matching's words.
    assert waitlist.reasons_for_alliance(hmong) == ["does not speak the required language (2)"]


def test_a_new_consultant_takes_a_request_off_the_waitlist(
    world, django_capture_on_commit_callbacks
):
    hmong = factories.submitted(
        world.program, preferred_language=language("hmn", "Hmong"), language_required=True
    )
    _refresh(django_capture_on_commit_callbacks)
    ConsultantFactory(languages=[language("hmn", "Hmong")])
    assert _refresh(django_capture_on_commit_callbacks) == 0
    hmong.refresh_from_db()
    assert (hmong.waitlisted_at, hmong.waitlist_reasons) == (None, {})


def _fill(listing, world, *, planned_weeks):
    Consultant.objects.filter(pk=listing.pk).update(max_caseload=1)
    listing.refresh_from_db()
    engagement = factories.active(world.other_program, listing)
    ConsultationRequest.objects.filter(pk=engagement.pk).update(planned_weeks=planned_weeks)
    engagement.refresh_from_db()
    return engagement


def test_the_estimate_comes_from_planned_ends_of_those_who_would_fit(
    world, django_capture_on_commit_callbacks
):
    engagement = _fill(world.listing, world, planned_weeks=6)
    Consultant.objects.filter(pk=world.other_listing.pk).update(accepting_new_requests=False)
    consultation = factories.submitted(world.program)
    _refresh(django_capture_on_commit_callbacks)
    consultation.refresh_from_db()
    assert consultation.waitlist_reasons == {"at_capacity": 1, "not_accepting": 1}
    assert consultation.waitlist_estimate == engagement.planned_end_date
    assert consultation.waitlist_estimate == timezone.localdate() + timedelta(weeks=6)
    assert waitlist.waiting_for(consultation) == [
        "has a place free on their caseload",
        "is taking new requests",
    ]


def test_no_plan_no_estimate(world, django_capture_on_commit_callbacks):
    _fill(world.listing, world, planned_weeks=None)
    Consultant.objects.filter(pk=world.other_listing.pk).update(accepting_new_requests=False)
    consultation = factories.submitted(world.program)
    _refresh(django_capture_on_commit_callbacks)
    consultation.refresh_from_db()
    assert consultation.waitlisted_at is not None
    assert consultation.waitlist_estimate is None


# --- the brief team --------------------------------------------------------------------------


@pytest.fixture
def brief_member(db):
    """A brief-team member in Milwaukee who lists on-site work only, far from Vilas County."""
    return ConsultantFactory(
        display_name="Bree Brief",
        modalities=["on_site"],
        counties_served=[county("Milwaukee County", "WI", "55079")],
        brief_team=True,
        **MILWAUKEE,
    )


def test_the_brief_team_reaches_any_county_of_its_state_virtually_in_all_three_forms(
    world, vilas_program, brief_member
):
    consultation = factories.submitted(vilas_program, modality="either")
    facts = request_facts(consultation, frozenset())
    [member] = consultant_facts([brief_member])
    assert member.offers_virtual
    assert matching.exclusion(facts, member) is None
    # SQL
    candidates, _ = matching.match_candidates(consultation)
    assert brief_member.pk in {c.pk for c in candidates}
    # arrays
    options, _ = matching.batch_options([facts], [member])
    assert brief_member.pk in options[consultation.pk]
    # Not on the team: out of area in all three.
    Consultant.objects.filter(pk=brief_member.pk).update(brief_team=False)
    brief_member.refresh_from_db()
    [plain] = consultant_facts([brief_member])
    assert matching.exclusion(facts, plain) == "out_of_area"
    assert brief_member.pk not in {c.pk for c in matching.match_candidates(consultation)[0]}
    assert brief_member.pk not in matching.batch_options([facts], [plain])[0][consultation.pk]


def _waitlisted_on_site(vilas_program, capture):
    consultation = factories.submitted(vilas_program, modality="on_site")
    _refresh(capture)
    consultation.refresh_from_db()
    assert consultation.waitlisted_at is not None
    return consultation


def test_the_alliance_routes_a_waitlisted_request_to_the_brief_team_in_one_step(
    client, world, vilas_program, brief_member, django_capture_on_commit_callbacks
):
    consultation = _waitlisted_on_site(vilas_program, django_capture_on_commit_callbacks)
    client.force_login(world.users["admin"])
    detail = client.get(reverse("alliance:request", args=[consultation.pk])).content.decode()
    assert "Route to the brief team" in detail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("alliance:route_brief", args=[consultation.pk]))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.consultant, consultation.brief) == (
        "offered",
        brief_member,
        True,
    )
    assert consultation.events.filter(action=RequestEvent.Action.BRIEF_TEAM).count() == 1
    assert any(brief_member.contact_email in m.to for m in mail.outbox)


def test_routing_by_api(world, vilas_program, brief_member, django_capture_on_commit_callbacks):
    consultation = _waitlisted_on_site(vilas_program, django_capture_on_commit_callbacks)
    response = world.client("admin").post(f"/api/v1/requests/{consultation.pk}/brief-team/")
    assert response.status_code == 200
    assert (response.data["status"], response.data["brief"]) == ("offered", True)


@pytest.mark.parametrize(
    ("role", "status_code"),
    [("anonymous", 401), ("program", 404), ("consultant", 404), ("other_program", 404)],
)
def test_only_the_alliance_routes(
    world, vilas_program, brief_member, role, status_code, django_capture_on_commit_callbacks
):
    consultation = _waitlisted_on_site(vilas_program, django_capture_on_commit_callbacks)
    response = world.client(role).post(f"/api/v1/requests/{consultation.pk}/brief-team/")
    assert response.status_code == status_code
    consultation.refresh_from_db()
    assert consultation.status == "submitted"


def test_a_program_member_may_not_route_its_own_request(
    world, brief_member, django_capture_on_commit_callbacks
):
    consultation = factories.submitted(world.program)
    with pytest.raises(PermissionDenied):
        waitlist.request_route_to_brief_team(
            actor=world.users["program"], consultation=consultation
        )


def test_a_request_not_waitlisted_is_a_conflict(world, brief_member):
    consultation = factories.submitted(world.program)
    response = world.client("admin").post(f"/api/v1/requests/{consultation.pk}/brief-team/")
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert (consultation.status, consultation.brief) == ("submitted", False)


def test_without_a_brief_team_member_who_fits_it_is_a_conflict(
    world, vilas_program, django_capture_on_commit_callbacks
):
    consultation = _waitlisted_on_site(vilas_program, django_capture_on_commit_callbacks)
    response = world.client("admin").post(f"/api/v1/requests/{consultation.pk}/brief-team/")
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert consultation.status == "submitted"


def test_only_the_alliance_puts_a_consultant_on_the_brief_team(world):
    with pytest.raises(PermissionDenied):
        directory_services.consultant_update(
            actor=world.users["consultant"], consultant=world.listing, brief_team=True
        )
    directory_services.consultant_update(
        actor=world.users["admin"], consultant=world.listing, brief_team=True
    )
    world.listing.refresh_from_db()
    assert world.listing.brief_team is True
