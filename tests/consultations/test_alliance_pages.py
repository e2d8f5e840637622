"""The Alliance's pages: request queue, a request's ranked matches and one-click offer, batch
matching, reports. Every page and POST route is tried by every role."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import alliance_views, matching, services
from consultations.models import ConsultationRequest, RequestEvent
from directory.models import Consultant
from tests.conftest import ROLES
from tests.consultations import factories
from tests.factories import ConsultantFactory, ProgramFactory, UserFactory, county, language

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status
DENIED = [role for role in ROLES if role not in ("admin", "anonymous")]


def sign_in(client, world, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def snapshot():
    """Everything a denied or failed action must leave as it was."""
    return (
        sorted(ConsultationRequest.objects.values_list("pk", "status", "consultant_id")),
        RequestEvent.objects.count(),
        len(mail.outbox),
    )


def age(request, days: float):
    """Make a request (and its submitted event) `days` old."""
    when = timezone.now() - timedelta(days=days)
    ConsultationRequest.objects.filter(pk=request.pk).update(created_at=when)
    request.events.filter(action=RequestEvent.Action.SUBMITTED).update(at=when)
    return when


@pytest.fixture
def vilas_program():
    """A program far north (Vilas County), beyond every world consultant's travel radius."""
    return ProgramFactory(
        zip="54521",
        city="Eagle River",
        county=county("Vilas County", "WI", "55125"),
        latitude=45.92,
        longitude=-89.24,
        members=[UserFactory(role="program")],
    )


# --- access: every page and POST route, every role -------------------------------------------


def _url(name, request):
    if name in ("request", "offer"):
        return reverse(f"alliance:{name}", args=[request.pk])
    return reverse(f"alliance:{name}")


@pytest.mark.parametrize("name", ["queue", "request", "matching", "reports"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_are_for_alliance_admins_only(client, world, role, name):
    request = factories.submitted(world.program)
    sign_in(client, world, role)
    before = snapshot()
    url = _url(name, request)
    response = client.get(url)
    if role == "admin":
        assert response.status_code == 200
        assert b"<title>" in response.content
    elif role == "anonymous":
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == 403
    assert snapshot() == before  # a page view never changes anything, even a preview


@pytest.mark.parametrize("name", ["offer", "matching_confirm"])
@pytest.mark.parametrize("role", ROLES)
def test_post_routes_are_for_alliance_admins_only(
    client, world, role, name, django_capture_on_commit_callbacks
):
    request = factories.submitted(world.program)
    mail.outbox.clear()
    sign_in(client, world, role)
    before = snapshot()
    url = _url(name, request)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"consultant": world.listing.pk})
    if role == "admin":
        assert response.status_code in (200, 302)
        request.refresh_from_db()
        assert request.status == Status.OFFERED
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(f"{reverse('accounts:login')}?next=")
    else:
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ["offer", "matching_confirm"])
def test_post_routes_refuse_get(client, world, name):
    request = factories.submitted(world.program)
    client.force_login(world.users["admin"])
    before = snapshot()
    assert client.get(_url(name, request)).status_code == 405
    assert snapshot() == before


def test_post_routes_need_the_csrf_token(world):
    from django.test import Client

    request = factories.submitted(world.program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    before = snapshot()
    response = client.post(_url("offer", request), {"consultant": world.listing.pk})
    assert response.status_code == 403
    assert client.post(_url("matching_confirm", request)).status_code == 403
    assert snapshot() == before


def test_a_request_that_does_not_exist_is_404(client, world):
    client.force_login(world.users["admin"])
    missing = (
        ConsultationRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    assert client.get(reverse("alliance:request", args=[missing])).status_code == 404
    response = client.post(
        reverse("alliance:offer", args=[missing]), {"consultant": world.listing.pk}
    )
    assert response.status_code == 404


def test_the_dashboard_sends_admins_to_the_queue(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("alliance:queue")


# --- the queue ---------------------------------------------------------------------------------


@pytest.fixture
def queue_world(world):
    """Open requests of mixed urgency, status and age, plus some that are not open."""
    routine_old = factories.submitted(world.program)
    priority_new = factories.submitted(world.program, urgency="priority")
    priority_old = factories.submitted(world.program, urgency="priority")
    routine_new = factories.submitted(world.program)
    offered = factories.offered(world.program, world.listing, urgency="priority")
    active = factories.active(world.program, world.other_listing)
    withdrawn = factories.withdrawn(world.program)
    for request, days in (
        (routine_old, 9),
        (priority_new, 1),
        (priority_old, 4),
        (routine_new, 2),
        (offered, 30),
        (active, 40),
        (withdrawn, 50),
    ):
        age(request, days)
    return {
        "order": [priority_old, priority_new, routine_old, routine_new, offered],
        "active": active,
        "withdrawn": withdrawn,
    }


def _queue(client, **params):
    response = client.get(reverse("alliance:queue"), params)
    assert response.status_code == 200
    return response


def test_queue_lists_open_requests_submitted_first_then_priority_then_oldest(
    client, world, queue_world
):
    client.force_login(world.users["admin"])
    response = _queue(client)
    page = list(response.context["page"])
    assert [r.pk for r in page] == [r.pk for r in queue_world["order"]]
    assert [r.age_days for r in page] == [4, 1, 9, 2, 30]
    html = response.content.decode()
    assert 'data-label="Age">4 days<' in html and 'data-label="Age">1 day<' in html
    assert world.program.name in html and "Dane County, WI" in html
    assert html.count('class="badge priority"') == 3
    assert "5 requests." in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "offered"}, [4]),
        ({"status": "submitted"}, [0, 1, 2, 3]),
        ({"urgency": "priority"}, [0, 1, 4]),
        ({"urgency": "routine", "status": "submitted"}, [2, 3]),
    ],
)
def test_queue_filters(client, world, queue_world, params, expected):
    client.force_login(world.users["admin"])
    response = _queue(client, **params)
    assert [r.pk for r in response.context["page"]] == [
        queue_world["order"][i].pk for i in expected
    ]


def test_queue_filters_by_county_offering_only_counties_with_requests(
    client, world, queue_world, vilas_program
):
    far = factories.submitted(vilas_program)
    client.force_login(world.users["admin"])
    response = _queue(client)
    choices = [label for value, label in response.context["filter"].form.fields["county"].choices]
    assert choices == ["Any county", "Dane County, WI", "Vilas County, WI"]
    response = _queue(client, county=vilas_program.county_id)
    assert [r.pk for r in response.context["page"]] == [far.pk]


def test_queue_shows_filter_errors_rather_than_failing(client, world, queue_world):
    client.force_login(world.users["admin"])
    response = _queue(client, status="closed", county="not-a-county")
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'class="field has-error"' in html


def test_queue_is_paginated(client, world, queue_world, monkeypatch):
    monkeypatch.setattr(alliance_views, "QUEUE_PAGE_SIZE", 2)
    client.force_login(world.users["admin"])
    order = [r.pk for r in queue_world["order"]]
    first = _queue(client, urgency="")
    assert [r.pk for r in first.context["page"]] == order[:2]
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?urgency=&amp;page=2"' in first.content.decode()
    last = _queue(client, page=3)
    assert [r.pk for r in last.context["page"]] == order[4:]
    assert _queue(client, page="many").context["page"].number == 1


def test_queue_empty_states(client, world, queue_world):
    client.force_login(world.users["admin"])
    assert (
        "No open request matches these filters"
        in _queue(
            client, county=world.program.county_id, urgency="routine", status="offered"
        ).content.decode()
    )
    for request in queue_world["order"]:
        ConsultationRequest.objects.filter(pk=request.pk).update(
            status=Status.WITHDRAWN, consultant=None
        )
    assert "No open requests" in _queue(client).content.decode()


# --- a request: facts, history, matches, offer -----------------------------------------------


def test_request_page_shows_facts_history_and_ranked_matches_with_reasons(client, world):
    ConsultantFactory(display_name="Nora Notaccepting", accepting_new_requests=False)
    ConsultantFactory(display_name="Pam Pending", listing_status=Consultant.ListingStatus.PENDING)
    world.listing.specialties = ["challenging_behavior", "family_engagement"]
    world.listing.imh_endorsement = "infant_mental_health_mentor"
    world.listing.save()
    world.other_listing.specialties = ["reflective_practice"]
    world.other_listing.save()
    request = factories.submitted(
        world.program,
        urgency="priority",
        concerns=["challenging_behavior", "family_stress"],
        preferred_language=language("es", "Spanish"),
    )
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Request #{request.pk} ·" in html
    assert world.program.name in html and "Priority" in html
    assert "Challenging behavior, Family stress" in html
    assert "Spanish (preferred)" in html
    # History: the submission, by the program's member.
    assert [e.action for e in response.context["events"]] == ["submitted"]
    assert "Program staff" in html
    # Ranked: Cora answers both concerns and is endorsed; Cal answers none.
    matches = response.context["matches"]
    assert [m["name"] for m in matches] == ["Cora Consultant", "Cal Consultant"]
    assert matches[0]["match"].score > matches[1]["match"].score
    assert "covers 2 of 2 concerns (challenging behavior, family stress)" in html
    assert "serves Dane County" in html
    assert "does not speak Spanish (preferred, not required)" in html
    assert "no specialty matches the concerns" in html
    assert "12 of 12 places free" in html
    assert {c["name"]: c["percent"] for c in matches[0]["components"]} == {
        "specialty": 100,
        "setting": 100,
        "language": 0,
        "distance": 100,
        "room": 100,
        "continuity": 0,
        "endorsement": 100,
    }
    assert "Specialties answer the concerns" in html and "<meter" in html
    # Excluded, counted by reason with their labels.
    assert response.context["excluded"] == [
        ("listing not approved", 1),
        ("not accepting new requests", 1),
    ]
    assert "Listing not approved" in html and "Not accepting new requests" in html
    # One offer form per match, with the consultant's id.
    assert html.count(f'action="{reverse("alliance:offer", args=[request.pk])}"') == 2
    assert f'name="consultant" value="{world.listing.pk}"' in html


def test_request_page_without_matches_says_so(client, world, vilas_program):
    request = factories.submitted(vilas_program, modality="on_site")
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    html = response.content.decode()
    assert response.context["matches"] == []
    assert "No consultant may take this request now" in html
    assert response.context["excluded"] == [(matching.EXCLUSIONS["out_of_area"], 2)]
    assert "Does not serve the program&#x27;s county" in html


def test_an_offered_request_shows_its_consultant_not_matches(client, world):
    request = factories.offered(world.program, world.listing)
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:request", args=[request.pk]))
    assert "matches" not in response.context
    html = response.content.decode()
    assert "Offered to Cora Consultant, waiting for their answer" in html
    assert [e.action for e in response.context["events"]] == ["submitted", "offered"]
    assert "Alliance admin" in html


def test_one_click_offer_offers_and_emails_the_consultant(
    client, world, django_capture_on_commit_callbacks
):
    request = factories.submitted(world.program)
    mail.outbox.clear()
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alliance:offer", args=[request.pk]), {"consultant": world.listing.pk}
        )
    assert response.status_code == 302
    assert response.url == reverse("alliance:queue")
    request.refresh_from_db()
    assert (request.status, request.consultant_id) == (Status.OFFERED, world.listing.pk)
    event = request.events.get(action=RequestEvent.Action.OFFERED)
    assert (event.actor, event.consultant_id) == (world.users["admin"], world.listing.pk)
    recipients = [m.to for m in mail.outbox]
    assert [world.listing.contact_email] in recipients
    page = client.get(response.url)
    assert f"Request #{request.pk} from {world.program.name} was offered to Cora Consultant" in (
        page.content.decode()
    )


def _declined_before(world):
    request = factories.offered(world.program, world.listing)
    return services.request_decline(
        actor=world.users["consultant"], consultation=request, reason="Caseload is full this month."
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (_declined_before, "Cora Consultant declined this request before."),
        (
            lambda world: factories.offered(world.program, world.other_listing),
            "A request that is offered to a consultant cannot be offered.",
        ),
    ],
    ids=["declined-before", "already-offered"],
)
def test_an_offer_in_conflict_shows_an_error_and_changes_nothing(
    client, world, setup, expected, django_capture_on_commit_callbacks
):
    request = setup(world)
    mail.outbox.clear()
    before = snapshot()
    client.force_login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alliance:offer", args=[request.pk]),
            {"consultant": world.listing.pk},
            follow=True,
        )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("alliance:request", args=[request.pk]), 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Not offered: {expected}"]
    assert expected in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("consultant", ["", "abc", "999999"])
def test_an_offer_without_a_valid_consultant_changes_nothing(client, world, consultant):
    request = factories.submitted(world.program)
    before = snapshot()
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("alliance:offer", args=[request.pk]), {"consultant": consultant}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Choose one of the matching consultants to offer the request to."
    ]
    assert snapshot() == before


# --- batch matching ----------------------------------------------------------------------------


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
    before = snapshot()
    client.force_login(world.users["admin"])
    response = client.get(reverse("alliance:matching"))
    assert response.status_code == 200
    assert snapshot() == before
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


# --- reports -----------------------------------------------------------------------------------


def _accepted_after(request, days: float):
    """Submitted `days` before it was accepted (events are the report's source)."""
    accepted = request.events.get(action=RequestEvent.Action.ACCEPTED).at
    request.events.filter(action=RequestEvent.Action.SUBMITTED).update(
        at=accepted - timedelta(days=days)
    )
    return request


def _contact(request, minutes):
    return services.contact_log(
        actor=request.consultant.user,
        consultation=request,
        date=timezone.localdate(),
        minutes=minutes,
        contact_type="observation",
        modality="on_site",
    )


def _close(request, **outcomes):
    return services.request_close(actor=request.consultant.user, consultation=request, **outcomes)


@pytest.fixture
def report_world(world, vilas_program):
    """Nine requests, hand-built: days to acceptance 2, 3.5, 5.5 and 10 (median 4.5)."""
    cora, cal = world.listing, world.other_listing
    factories.submitted(world.program)
    factories.offered(world.program, cora)
    c = _accepted_after(factories.active(world.program, cora), 2)
    _contact(c, 45)  # still active: not counted in the outcomes' hours
    # D was declined once before it was accepted: the clock runs from its submission.
    d = factories.offered(world.program, cal)
    services.request_decline(actor=cal.user, consultation=d, reason="Away for two weeks.")
    d = services.request_offer(actor=world.users["admin"], consultation=d, consultant=cora)
    d = _accepted_after(services.request_accept(actor=cora.user, consultation=d), 3.5)
    _contact(d, 90)
    _contact(d, 30)
    _close(d, closure_reason="goals_met", suspension_prevented=True, goals_met=True)
    e = _accepted_after(factories.active(vilas_program, cal), 5.5)
    _contact(e, 60)
    _close(e, closure_reason="program_ended", suspension_prevented=False, goals_met=False)
    factories.withdrawn(world.program)
    _accepted_after(factories.active(world.program, cal), 10)
    factories.submitted(vilas_program, modality="on_site")  # unmet: nobody serves Vilas
    factories.submitted(
        world.program, preferred_language=language("hmn", "Hmong"), language_required=True
    )  # unmet: nobody speaks Hmong
    return {"d": d, "e": e}


def _reports(client, **params):
    response = client.get(reverse("alliance:reports"), params)
    assert response.status_code == 200
    return response


def test_reports_numbers_on_a_hand_built_world(client, world, report_world):
    client.force_login(world.users["admin"])
    response = _reports(client)
    ctx = response.context
    assert ctx["by_status"] == [
        ("submitted", "Submitted", 3),
        ("offered", "Offered to a consultant", 1),
        ("active", "Active", 2),
        ("closed", "Closed", 2),
        ("withdrawn", "Withdrawn", 1),
    ]
    assert ctx["total"] == 9
    assert ctx["by_county"] == [("Dane County, WI", 7), ("Vilas County, WI", 2)]
    assert ctx["acceptance"] == {"median": 4.5, "accepted": 4}  # of 2, 3.5, 5.5, 10 days
    outcomes = ctx["outcomes"]
    assert outcomes["closed"] == 2
    reasons = dict(outcomes["by_reason"])
    assert reasons["Goals met"] == 1 and reasons["Program ended the consultation"] == 1
    assert sum(reasons.values()) == 2 and len(reasons) == 8
    assert outcomes["suspension_prevented"] == [("Yes", 1), ("No", 1), ("Not recorded", 0)]
    assert outcomes["goals_met"] == [("Yes", 1), ("No", 1), ("Not recorded", 0)]
    assert outcomes["hours"] == 3.0  # 90 + 30 + 60 minutes on the closed engagements
    assert ctx["unmet"]["unmet"] == 2 and ctx["unmet"]["open_requests"] == 3
    assert ctx["unmet_by_county"] == [("Dane County, WI", 1), ("Vilas County, WI", 1)]
    assert dict(ctx["unmet"]["by_language"]) == {"Hmong (required)": 1, "No preference": 1}
    html = response.content.decode()
    assert "4.5 days</span> median" in html and "over 4 accepted requests" in html
    assert "2 of 3 requests waiting for an offer have no consultant" in html


def test_reports_charts_are_inline_svg_with_titles_and_numbers(client, world, report_world):
    client.force_login(world.users["admin"])
    html = _reports(client).content.decode()
    assert html.count("<svg") == 5
    assert "<title>Dane County, WI: 7 requests</title>" in html
    assert "<title>Submitted: 3 requests</title>" in html
    assert "<title>Goals met: 1 engagements</title>" in html
    assert "<title>Hmong (required): 1 requests</title>" in html
    assert "<script" not in html
    # The longest bar is full width; the others are in proportion, with their number beside.
    chart = _reports(client).context["county_chart"]
    assert [(b["value"], b["width"]) for b in chart["bars"]] == [(7, 300), (2, 86)]
    assert '<text x="536" y="17">7</text>' in html


def test_reports_filtered_by_date_range(client, world, report_world):
    january = timezone.make_aware(datetime(2024, 1, 10, 12))
    d, e = report_world["d"], report_world["e"]
    ConsultationRequest.objects.filter(pk=d.pk).update(
        created_at=january, closed_at=january + timedelta(days=10)
    )
    ConsultationRequest.objects.filter(pk=e.pk).update(closed_at=january + timedelta(days=30))
    client.force_login(world.users["admin"])
    ctx = _reports(client, date_from="2024-01-01", date_to="2024-01-31").context
    assert ctx["span"] == {"date_from": date(2024, 1, 1), "date_to": date(2024, 1, 31)}
    assert ctx["total"] == 1
    assert ctx["by_county"] == [("Dane County, WI", 1)]
    assert ctx["acceptance"] == {"median": 3.5, "accepted": 1}
    assert ctx["outcomes"]["closed"] == 1  # E closed in February
    assert ctx["outcomes"]["hours"] == 2.0
    # Unmet demand is today's, whatever the range.
    assert ctx["unmet"]["unmet"] == 2
    assert _reports(client, date_from="2024-02-01").context["outcomes"]["closed"] == 1
    assert _reports(client, date_to="2023-12-31").context["total"] == 0


@pytest.mark.parametrize(
    ("params", "field", "error"),
    [
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_to", "must not be before"),
        ({"date_from": "2024-13-45"}, "date_from", "Enter a valid date."),
        ({"date_to": "yesterday"}, "date_to", "Enter a valid date."),
    ],
)
def test_reports_date_range_is_validated(client, world, report_world, params, field, error):
    client.force_login(world.users["admin"])
    response = _reports(client, **params)
    form = response.context["form"]
    assert any(error in message for message in form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "The date range is not valid, so every date is shown." in html
    assert response.context["span"] == {} and response.context["total"] == 9


def test_reports_on_an_empty_world(client, world):
    client.force_login(world.users["admin"])
    response = _reports(client)
    html = response.content.decode()
    assert response.context["total"] == 0
    assert response.context["acceptance"] == {"median": None, "accepted": 0}
    assert "No request in this range has been accepted yet." in html
    assert "No engagement closed in this range." in html
    assert "Every waiting request has at least one consultant" in html
