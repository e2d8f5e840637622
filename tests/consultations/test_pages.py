"""The consultation pages (Django test client): every page and POST route tried by every role,
form errors, state conflicts, the timeline and the privacy rules."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, Contact, RequestEvent
from directory.models import Consultant
from tests.conftest import ROLES
from tests.consultations import factories as f
from tests.factories import UserFactory

Status = ConsultationRequest.Status
LOGIN = reverse("accounts:login")


def client_for(world, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_login_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


def offered_to_cora(world) -> ConsultationRequest:
    return f.offered(world.program, world.listing, admin=world.users["admin"])


def active_with_cora(world) -> ConsultationRequest:
    return f.active(world.program, world.listing, admin=world.users["admin"])


def state(request_obj) -> tuple:
    """What a denied action must leave untouched."""
    fresh = ConsultationRequest.objects.get(pk=request_obj.pk)
    return (
        fresh.status,
        fresh.consultant_id,
        fresh.events.count(),
        fresh.contacts.count(),
        Consultant.objects.get(pk=fresh.consultant_id).active_caseload
        if fresh.consultant_id
        else None,
    )


# --- the program's list of requests ----------------------------------------------------------

LIST_EXPECTED = {
    "anonymous": "login",
    "program": 200,
    "other_program": 200,
    "consultant": 403,
    "other_consultant": 403,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_requests_page_by_role(world, role):
    mine = f.submitted(world.program)
    theirs = f.submitted(world.other_program)
    url = reverse("consultations:requests")
    response = client_for(world, role).get(url)
    expected = LIST_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        visible = theirs if role == "other_program" else mine
        hidden = mine if role == "other_program" else theirs
        body = response.content.decode()
        assert f"Request #{visible.pk}<" in body
        assert f"Request #{hidden.pk}<" not in body
        assert "<title>My consultation requests · " in body


def test_requests_page_is_newest_first_with_badges_and_filters_by_status(world):
    first = f.submitted(world.program)
    second = offered_to_cora(world)
    third = f.withdrawn(world.program)
    client = client_for(world, "program")
    body = client.get(reverse("consultations:requests")).content.decode()
    positions = [body.index(f"Request #{r.pk}<") for r in (third, second, first)]
    assert positions == sorted(positions)
    assert '<span class="badge offered">Offered to a consultant</span>' in body
    assert 'data-label="Status"' in body

    body = client.get(reverse("consultations:requests"), {"status": "offered"}).content.decode()
    assert f"Request #{second.pk}<" in body
    assert f"Request #{first.pk}<" not in body
    assert f"Request #{third.pk}<" not in body

    body = client.get(reverse("consultations:requests"), {"status": "closed"}).content.decode()
    assert "No request with this status" in body


def test_requests_page_empty_states(world):
    body = client_for(world, "program").get(reverse("consultations:requests")).content.decode()
    assert "You have not requested a consultation yet." in body
    assert f'href="{reverse("consultations:request_new")}"' in body
    assert 'href="/programs/new/"' in body

    client = Client()
    client.force_login(UserFactory(role="program"))
    body = client.get(reverse("consultations:requests")).content.decode()
    assert "You are not part of a program yet." in body
    assert 'href="/programs/new/"' in body


# --- requesting a consultation ---------------------------------------------------------------

NEW_EXPECTED = {
    "anonymous": "login",
    "program": 200,
    "other_program": 200,
    "consultant": 403,
    "other_consultant": 403,
    "admin": 403,
}

VALID_REQUEST = {
    "focus": "child",
    "child_age_months": "30",
    "parent_consent": "on",
    "concerns": ["challenging_behavior", "suspension_expulsion_risk"],
    "description": "Bites other children at drop-off.",
    "preferred_language": "en",
    "modality": "either",
    "urgency": "priority",
}


@pytest.mark.parametrize("role", ROLES)
def test_request_new_page_by_role(world, role):
    url = reverse("consultations:request_new")
    response = client_for(world, role).get(url)
    expected = NEW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected


def test_request_form_guides_and_warns_beside_the_description(world):
    body = client_for(world, "program").get(reverse("consultations:request_new")).content.decode()
    assert "<title>Request a consultation · " in body
    # The names warning is a visible box the textarea is described by.
    assert '<div class="warning-box" id="id_description_helptext">' in body
    assert 'aria-describedby="id_description_helptext"' in body
    assert "Never write the name of a child or a family" in body
    # Concerns are checkboxes with their labels; the child-only fields say so.
    assert 'type="checkbox" name="concerns" value="trauma_exposure"' in body
    assert "Exposure to trauma" in body
    assert "Only for a consultation about one child" in body
    assert "at risk of suspension or expulsion" in body
    assert f'<option value="{world.program.pk}" selected>{world.program}</option>' in body
    assert world.other_program.name not in body
    assert '<option value="en">English</option>' in body


def test_request_new_submits_and_redirects_to_the_request(world):
    response = client_for(world, "program").post(
        reverse("consultations:request_new"), {**VALID_REQUEST, "program": world.program.pk}
    )
    created = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consultations:request_detail", args=[created.pk])
    assert (created.program, created.created_by) == (world.program, world.users["program"])
    assert (created.focus, created.child_age_months, created.parent_consent) == ("child", 30, True)
    assert created.concerns == ["challenging_behavior", "suspension_expulsion_risk"]
    assert (created.urgency, created.preferred_language_id) == ("priority", "en")
    assert messages_of(response) == [
        f"Request #{created.pk} is submitted. The Alliance will match it with a consultant; "
        "you will get an email when it is offered."
    ]


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"concerns": []}, "concerns", "This field is required."),
        ({"parent_consent": ""}, "parent_consent", "needs a parent&#x27;s consent first"),
        ({"child_age_months": ""}, "child_age_months", "Give the child&#x27;s age in months"),
        ({"child_age_months": "120"}, "child_age_months", "less than or equal to 96"),
        ({"focus": "classroom"}, "child_age_months", "Only a request about one child"),
        ({"language_required": "on", "preferred_language": ""}, "preferred_language", "Name"),
    ],
)
def test_request_new_shows_errors_and_creates_nothing(world, change, field, error):
    data = {**VALID_REQUEST, "program": world.program.pk, **change}
    response = client_for(world, "program").post(reverse("consultations:request_new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert error in body
    assert ConsultationRequest.objects.count() == 0


def test_request_new_refuses_another_programs_choice(world):
    data = {**VALID_REQUEST, "program": world.other_program.pk}
    response = client_for(world, "program").post(reverse("consultations:request_new"), data)
    assert response.status_code == 200
    assert 'id="id_program_error"' in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


@pytest.mark.parametrize("role", ["anonymous", "consultant", "admin"])
def test_request_new_post_denied(world, role):
    data = {**VALID_REQUEST, "program": world.program.pk}
    response = client_for(world, role).post(reverse("consultations:request_new"), data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert ConsultationRequest.objects.count() == 0


def test_request_new_without_a_program_points_to_registering_one(world):
    client = Client()
    client.force_login(UserFactory(role="program"))
    response = client.get(reverse("consultations:request_new"))
    assert response.status_code == 200
    assert 'href="/programs/new/"' in response.content.decode()


# --- a request's page ------------------------------------------------------------------------

DETAIL_EXPECTED = {  # a request offered to `consultant`
    "anonymous": "login",
    "program": 200,
    "other_program": 404,
    "consultant": 200,
    "other_consultant": 404,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_request_page_by_role(world, role):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    response = client_for(world, role).get(url)
    expected = DETAIL_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert f"<title>Request #{request_obj.pk} · " in body
        assert '<span class="badge offered">' in body
        # Each side sees only its own actions.
        assert ("Withdraw the request" in body) == (role == "program")
        assert ("Accept this request" in body) == (role == "consultant")
        assert "Log a contact" not in body


def test_a_submitted_request_is_not_shown_to_consultants(world):
    request_obj = f.submitted(world.program)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    assert client_for(world, "consultant").get(url).status_code == 404


def test_timeline_in_order_with_decline_reason_for_admins_only(world):
    admin = world.users["admin"]
    request_obj = f.offered(world.program, world.other_listing, admin=admin)
    services.request_decline(
        actor=world.users["other_consultant"], consultation=request_obj, reason="Too far to drive"
    )
    services.request_offer(actor=admin, consultation=request_obj, consultant=world.listing)
    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    url = reverse("consultations:request_detail", args=[request_obj.pk])

    body = client_for(world, "program").get(url).content.decode()
    timeline = body[body.index('<ol class="timeline">') :]
    order = ["Submitted", "Offered", "Declined", "Offered", "Accepted"]
    positions, start = [], 0
    for action in order:
        start = timeline.index(f"<strong>{action}</strong>", start + 1)
        positions.append(start)
    assert positions == sorted(positions)
    assert "by pat_program (Program staff) · Submitted" in timeline
    assert "by alex_admin (Alliance admin) · Submitted → Offered to a consultant" in timeline
    assert "by cal_consultant (Consultant) · Offered to a consultant → Submitted" in timeline
    assert "by cora_consultant (Consultant) · Offered to a consultant → Active" in timeline
    assert "Too far to drive" not in body
    assert "Too far to drive" in client_for(world, "admin").get(url).content.decode()
    assert "Too far to drive" not in client_for(world, "consultant").get(url).content.decode()


def test_program_sees_consultant_private_contacts_only_once_accepted(world):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    client = client_for(world, "program")
    private = world.listing.contact_email
    body = client.get(url).content.decode()
    assert "Cora Consultant" in body
    assert world.listing.public_email in body
    assert private not in body
    assert "direct contact details reach you once they accept" in body

    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    body = client.get(url).content.decode()
    assert private in body


def test_consultant_sees_program_contacts_through_the_offer_only(world):
    world.program.phone = "608-555-0199"
    world.program.save()
    request_obj = offered_to_cora(world)
    client = client_for(world, "consultant")
    for url in (
        reverse("consultations:offers"),
        reverse("consultations:request_detail", args=[request_obj.pk]),
    ):
        body = client.get(url).content.decode()
        assert "608-555-0199" in body
        assert world.program.email in body

    services.request_accept(actor=world.users["consultant"], consultation=request_obj)
    services.request_close(
        actor=world.users["consultant"], consultation=request_obj, closure_reason="goals_met"
    )
    body = client.get(reverse("consultations:request_detail", args=[request_obj.pk]))
    assert "608-555-0199" not in body.content.decode()


def test_closed_request_shows_contacts_hours_and_outcome(world):
    request_obj = active_with_cora(world)
    services.contact_log(
        actor=world.users["consultant"],
        consultation=request_obj,
        date=timezone.localdate(),
        minutes=90,
        contact_type="observation",
        modality="on_site",
        note="Watched the morning routine.",
    )
    services.request_close(
        actor=world.users["consultant"],
        consultation=request_obj,
        closure_reason="goals_met",
        suspension_prevented=True,
        goals_met=None,
    )
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "program").get(url).content.decode()
    assert "Watched the morning routine." in body
    assert "(1.5 hours)" in body
    assert "<dt>Reason</dt><dd>Goals met</dd>" in body
    assert "<dt>Suspension or expulsion prevented</dt><dd>Yes</dd>" in body
    assert "<dt>Goals met</dt><dd>Don&#x27;t know</dd>" in body
    assert "Withdraw the request" not in body


# --- withdraw --------------------------------------------------------------------------------

WITHDRAW_EXPECTED = {  # a submitted request
    "anonymous": "login",
    "program": 302,
    "other_program": 404,
    "consultant": 404,
    "other_consultant": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_by_role(world, role):
    request_obj = f.submitted(world.program)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    response = client_for(world, role).post(url, {"withdraw-reason": "Found help nearby."})
    expected = WITHDRAW_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response) == [f"Request #{request_obj.pk} is withdrawn."]
        request_obj.refresh_from_db()
        assert request_obj.status == Status.WITHDRAWN
        assert request_obj.events.last().note == "Found help nearby."
    else:
        assert state(request_obj) == before


def test_the_offered_consultant_may_not_withdraw(world):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {"withdraw-reason": "No"})
    assert response.status_code == 403
    assert state(request_obj) == before


def test_withdraw_needs_a_reason(world):
    request_obj = f.submitted(world.program)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    response = client_for(world, "program").post(url, {"withdraw-reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="field-errors"' in body
    assert "This field is required." in body
    request_obj.refresh_from_db()
    assert request_obj.status == Status.SUBMITTED


def test_withdraw_an_active_request_is_a_conflict_message(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_withdraw", args=[request_obj.pk])
    client = client_for(world, "program")
    response = client.post(url, {"withdraw-reason": "Changed our mind"}, follow=True)
    detail = reverse("consultations:request_detail", args=[request_obj.pk])
    assert response.redirect_chain == [(detail, 302)]
    assert state(request_obj) == before
    assert (
        '<p class="message error">A request that is active cannot be withdrawn.</p>'
        in response.content.decode()
    )


# --- offers: accept, decline -----------------------------------------------------------------

ANSWER_EXPECTED = {  # a request offered to `consultant`
    "anonymous": "login",
    "program": 403,
    "other_program": 404,
    "consultant": 302,
    "other_consultant": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_accept_by_role(world, role):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_accept", args=[request_obj.pk])
    response = client_for(world, role).post(url)
    expected = ANSWER_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response)[0].startswith(f"You accepted request #{request_obj.pk}")
        request_obj.refresh_from_db()
        assert request_obj.status == Status.ACTIVE
        assert Consultant.objects.get(pk=world.listing.pk).active_caseload == 1
    else:
        assert state(request_obj) == before


def test_accept_with_a_full_caseload_is_an_error_message(world):
    request_obj = offered_to_cora(world)
    Consultant.objects.filter(pk=world.listing.pk).update(max_caseload=2, active_caseload=2)
    before = state(request_obj)
    client = client_for(world, "consultant")
    response = client.post(reverse("consultations:request_accept", args=[request_obj.pk]))
    assert response.status_code == 302
    assert response.url == reverse("consultations:offers")
    expected = (
        f"Request #{request_obj.pk} was not accepted: Your caseload is full (2 of 2); "
        "close an engagement or raise your maximum first."
    )
    assert messages_of(response) == [expected]
    assert state(request_obj) == before
    followed = client.get(response.url)
    assert '<p class="message error">' in followed.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_decline_by_role(world, role):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_decline", args=[request_obj.pk])
    response = client_for(world, role).post(url, {"decline-reason": "Caseload too heavy"})
    expected = ANSWER_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:offers")
        assert messages_of(response) == [
            f"You declined request #{request_obj.pk}; it goes back to the Alliance."
        ]
        request_obj.refresh_from_db()
        assert (request_obj.status, request_obj.consultant_id) == (Status.SUBMITTED, None)
        assert request_obj.events.last().note == "Caseload too heavy"
        detail = reverse("consultations:request_detail", args=[request_obj.pk])
        assert client_for(world, role).get(detail).status_code == 404
    else:
        assert state(request_obj) == before


def test_decline_needs_a_reason(world):
    request_obj = offered_to_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_decline", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {"decline-reason": "  "})
    assert response.status_code == 200
    assert 'id="id_decline-reason_error' in response.content.decode()
    assert state(request_obj) == before


def test_accepting_an_active_request_is_a_conflict_message(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_accept", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url)
    assert response.status_code == 302
    assert messages_of(response) == [
        f"Request #{request_obj.pk} was not accepted: A request that is active cannot be accepted."
    ]
    assert state(request_obj) == before


OFFERS_EXPECTED = {
    "anonymous": "login",
    "program": 403,
    "other_program": 403,
    "consultant": 200,
    "other_consultant": 200,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_offers_page_by_role(world, role):
    request_obj = offered_to_cora(world)
    url = reverse("consultations:offers")
    response = client_for(world, role).get(url)
    expected = OFFERS_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "<title>Offers for me · " in body
        mine = role == "consultant"
        assert (f"Accept request #{request_obj.pk}" in body) == mine
        assert (world.program.name in body) == mine
        assert ("No offer is waiting for you." in body) == (not mine)


def test_offers_page_asks_a_consultant_without_listing_to_create_one(world):
    client = Client()
    client.force_login(UserFactory(role="consultant"))
    response = client.get(reverse("consultations:offers"))
    assert response.status_code == 200
    assert 'href="/listing/"' in response.content.decode()


# --- caseload --------------------------------------------------------------------------------

CASELOAD_EXPECTED = OFFERS_EXPECTED


@pytest.mark.parametrize("role", ROLES)
def test_caseload_page_by_role(world, role):
    engagement = active_with_cora(world)
    offered_to_cora(world)
    services.contact_log(
        actor=world.users["consultant"],
        consultation=engagement,
        date=timezone.localdate(),
        minutes=45,
        contact_type="observation",
        modality="on_site",
    )
    url = reverse("consultations:caseload")
    response = client_for(world, role).get(url)
    expected = CASELOAD_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
        return
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "<title>My caseload · " in body
        assert 'href="/listing/"' in body
        if role == "consultant":
            assert '<span class="number">1 of 12</span>' in body
            assert '<meter id="capacity" min="0" max="12" value="1"' in body
            # 12 places: one engagement, one held by the offer awaiting an answer.
            assert '<span class="number">10</span> places free' in body
            assert '<span class="number">1</span> <a href="/offers/">open offer</a>' in body
            assert '<span class="number">0.75</span> hours this month' in body
            detail = reverse("consultations:request_detail", args=[engagement.pk])
            assert f'<a href="{detail}">Request #{engagement.pk}</a>' in body
        else:
            assert '<span class="number">0 of 12</span>' in body
            assert "No active engagement." in body


def test_caseload_without_a_listing_redirects_to_the_listing_page(world):
    client = Client()
    client.force_login(UserFactory(role="consultant"))
    response = client.get(reverse("consultations:caseload"))
    assert (response.status_code, response.url) == (302, "/listing/")


# --- contacts --------------------------------------------------------------------------------

CONTACT_EXPECTED = {  # an active request of `consultant`
    "anonymous": "login",
    "program": 403,
    "other_program": 404,
    "consultant": 302,
    "other_consultant": 404,
    "admin": 403,
}


def contact_data(**changes) -> dict:
    data = {
        "date": timezone.localdate().isoformat(),
        "minutes": "60",
        "contact_type": "staff_consultation",
        "modality": "virtual",
        "note": "Planned the transitions.",
        **changes,
    }
    return {f"contact-{name}": value for name, value in data.items()}


@pytest.mark.parametrize("role", ROLES)
def test_log_contact_by_role(world, role):
    request_obj = active_with_cora(world)
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, role).post(url, contact_data())
    expected = CONTACT_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        contact = Contact.objects.get()
        assert (contact.request, contact.minutes, contact.modality) == (request_obj, 60, "virtual")
        assert messages_of(response)[0].startswith("Logged 60 minutes of consultation with staff")
    else:
        assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"minutes": "0"}, "minutes", "greater than or equal to 1"),
        ({"contact_type": "gossip"}, "contact_type", "Select a valid choice."),
        (
            {"date": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date",
            "A contact cannot be in the future.",
        ),
    ],
)
def test_log_contact_shows_errors_and_creates_nothing(world, changes, field, error):
    request_obj = active_with_cora(world)
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, contact_data(**changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_contact-{field}_error' in body
    assert error in body
    assert Contact.objects.count() == 0


def test_log_contact_on_a_closed_request_is_a_conflict_message(world):
    request_obj = f.closed(world.program, world.listing, admin=world.users["admin"])
    url = reverse("consultations:contact_new", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, contact_data())
    assert response.status_code == 302
    assert messages_of(response) == ["A request that is closed cannot be given new contacts."]
    assert Contact.objects.count() == 0


def test_assigned_consultant_sees_contact_and_close_forms(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "consultant").get(url).content.decode()
    assert f'action="{reverse("consultations:contact_new", args=[request_obj.pk])}"' in body
    assert f'action="{reverse("consultations:request_close", args=[request_obj.pk])}"' in body
    assert 'name="close-suspension_prevented" value="unknown"' in body
    body = client_for(world, "program").get(url).content.decode()
    assert "Log a contact" not in body
    assert "Close the consultation" not in body


# --- close -----------------------------------------------------------------------------------

CLOSE_EXPECTED = {**CONTACT_EXPECTED, "admin": 302}

CLOSE_DATA = {
    "close-closure_reason": "goals_met",
    "close-suspension_prevented": "yes",
    "close-goals_met": "no",
    "close-note": "Routines are calmer.",
}


@pytest.mark.parametrize("role", ROLES)
def test_close_by_role(world, role):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, role).post(url, CLOSE_DATA)
    expected = CLOSE_EXPECTED[role]
    if expected == "login":
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("consultations:request_detail", args=[request_obj.pk])
        assert messages_of(response) == [
            f"Request #{request_obj.pk} is closed; its place on the caseload is free."
        ]
        request_obj.refresh_from_db()
        assert request_obj.status == Status.CLOSED
        assert (request_obj.suspension_prevented, request_obj.goals_met) == (True, False)
        assert request_obj.closure_note == "Routines are calmer."
        assert Consultant.objects.get(pk=world.listing.pk).active_caseload == 0
    else:
        assert state(request_obj) == before


def test_close_with_unknown_outcomes_stores_none(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    data = {
        **CLOSE_DATA,
        "close-suspension_prevented": "unknown",
        "close-goals_met": "unknown",
    }
    client_for(world, "consultant").post(url, data)
    request_obj.refresh_from_db()
    assert (request_obj.suspension_prevented, request_obj.goals_met) == (None, None)


def test_close_needs_a_reason(world):
    request_obj = active_with_cora(world)
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, {**CLOSE_DATA, "close-closure_reason": ""})
    assert response.status_code == 200
    assert 'id="id_close-closure_reason_error' in response.content.decode()
    assert state(request_obj) == before


def test_closing_twice_is_a_conflict_message(world):
    request_obj = f.closed(world.program, world.listing, admin=world.users["admin"])
    before = state(request_obj)
    url = reverse("consultations:request_close", args=[request_obj.pk])
    response = client_for(world, "consultant").post(url, CLOSE_DATA)
    assert response.status_code == 302
    assert messages_of(response) == ["A request that is closed cannot be closed."]
    assert state(request_obj) == before


# --- every POST route: POST only, with CSRF --------------------------------------------------

POST_ROUTES = [
    "request_withdraw",
    "request_accept",
    "request_decline",
    "contact_new",
    "request_close",
]


@pytest.mark.parametrize("name", POST_ROUTES)
def test_post_routes_refuse_get(world, name):
    request_obj = offered_to_cora(world)
    url = reverse(f"consultations:{name}", args=[request_obj.pk])
    for role in ("program", "consultant", "admin"):
        assert client_for(world, role).get(url).status_code == 405


@pytest.mark.parametrize("name", POST_ROUTES)
def test_post_routes_need_the_csrf_token(world, name):
    request_obj = active_with_cora(world) if name in ("contact_new", "request_close") else None
    request_obj = request_obj or offered_to_cora(world)
    before = state(request_obj)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["consultant"])
    url = reverse(f"consultations:{name}", args=[request_obj.pk])
    data = {"decline-reason": "x", "withdraw-reason": "x", **CLOSE_DATA, **contact_data()}
    assert client.post(url, data).status_code == 403
    assert state(request_obj) == before


def test_event_count_matches_the_timeline(world):
    request_obj = active_with_cora(world)
    url = reverse("consultations:request_detail", args=[request_obj.pk])
    body = client_for(world, "admin").get(url).content.decode()
    timeline = body[body.index('<ol class="timeline">') : body.index("</ol>")]
    assert timeline.count("<li>") == RequestEvent.objects.filter(request=request_obj).count() == 3
