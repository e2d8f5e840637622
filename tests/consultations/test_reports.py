"""The Alliance's reports: numbers on a hand-built world, inline SVG charts, date ranges."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, RequestEvent
from tests.consultations import factories
from tests.factories import language

pytestmark = pytest.mark.django_db


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
        activity="classroom_observation",
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
