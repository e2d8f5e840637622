"""manage.py seed_demo: realistic, deterministic, idempotent, with working demo logins."""

from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import is_alliance_admin
from demo.consultants import plan_consultant
from demo.geography import Geography
from demo.logins import DEMO_LOGINS
from directory import geo
from directory.models import Consultant, ListingDecision, Program
from directory.selectors import county_for_place

Status = Consultant.ListingStatus
Action = ListingDecision.Action

pytestmark = pytest.mark.django_db


def sign_in(*, username, password):
    """Authenticate as the login page does (django-axes needs the request)."""
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


def seed(**options) -> str:
    out = StringIO()
    defaults = {"programs": 90, "consultants": 40, "requests": 0}
    call_command("seed_demo", stdout=out, **{**defaults, **options})
    return out.getvalue()


def snapshot() -> dict:
    return {
        "programs": list(Program.objects.order_by("license_number").values_list("name", "zip")),
        "consultants": list(
            Consultant.objects.order_by("user__username").values_list(
                "user__username", "display_name", "listing_status", "base_zip"
            )
        ),
        "decisions": ListingDecision.objects.count(),
    }


def test_builds_a_wisconsin_directory_in_every_status():
    output = seed()

    assert Program.objects.count() == 90
    assert Consultant.objects.count() == 40
    assert set(Consultant.objects.values_list("listing_status", flat=True)) == set(Status.values)
    assert set(Program.objects.values_list("state", flat=True)) == {"WI"}
    # The first programs take one county each, so the 72 counties all have programs.
    assert Program.objects.values("county").distinct().count() == 72
    spoken = set(Consultant.objects.values_list("languages__code", flat=True))
    assert {"en", "es", "hmn"} <= spoken
    for login in DEMO_LOGINS:
        assert login.username in output and login.password in output


def test_programs_are_placed_by_their_zip_code_and_staffed():
    seed(consultants=0)
    for program in Program.objects.select_related("county").prefetch_related("members"):
        place = geo.zip_lookup(program.zip)
        assert county_for_place(place) == program.county, program
        assert (program.latitude, program.longitude) == (place.latitude, place.longitude)
        assert program.members.exists()
        assert program.license_number.startswith("DEMO-P-")


def test_review_histories_agree_with_each_listing_status():
    seed(programs=0)
    for consultant in Consultant.objects.prefetch_related("decisions"):
        actions = [d.action for d in consultant.decisions.all()]
        expected = {
            Status.DRAFT: [],
            Status.PENDING: [Action.SUBMITTED],
            Status.APPROVED: [Action.SUBMITTED, Action.APPROVED],
            Status.REJECTED: [Action.SUBMITTED, Action.REJECTED],
            Status.SUSPENDED: [Action.SUBMITTED, Action.APPROVED, Action.SUSPENDED],
        }[consultant.listing_status]
        assert actions == expected, consultant
        decisions = list(consultant.decisions.all())
        for before, after in pairwise(decisions):
            assert before.to_status == after.from_status
            assert before.created_at <= after.created_at
        if decisions:
            assert decisions[-1].to_status == consultant.listing_status
            assert decisions[0].actor == consultant.user
        for decision in decisions:
            if decision.action in (Action.REJECTED, Action.SUSPENDED):
                assert decision.reason
        if "on_site" in consultant.modalities:
            assert consultant.counties_served.exists()


def test_a_second_run_changes_nothing():
    seed()
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "programs: 0 created" in output
    assert "consultants: 0 created" in output


def test_a_larger_run_extends_the_smaller_one():
    seed(programs=30, consultants=10)
    smaller = snapshot()
    seed(programs=60, consultants=20)
    larger = snapshot()
    assert set(smaller["programs"]) <= set(larger["programs"])
    assert set(smaller["consultants"]) <= set(larger["consultants"])
    assert (len(larger["programs"]), len(larger["consultants"])) == (60, 20)


def test_the_same_seed_plans_the_same_records_and_another_seed_does_not():
    geography = Geography.load(["WI"])
    now = timezone.now()

    def plan(seed, index):
        c = plan_consultant(seed, index, geography, now).consultant
        return (c.display_name, c.base_zip, c.listing_status, c.specialties)

    assert [plan(7, i) for i in range(1, 30)] == [plan(7, i) for i in range(1, 30)]
    assert [plan(7, i) for i in range(6, 30)] != [plan(8, i) for i in range(6, 30)]


def test_demo_logins_work_and_have_their_roles():
    seed(programs=5, consultants=5)
    users = {
        login.username: sign_in(username=login.username, password=login.password)
        for login in DEMO_LOGINS
    }
    assert all(users.values())
    assert is_alliance_admin(users["demo-admin"])
    assert users["demo-program"].programs.count() == 2
    assert users["demo-consultant"].consultant.listing_status == Status.APPROVED
    assert users["demo-consultant"].consultant.accepting_new_requests
    assert users["demo-pending"].consultant.listing_status == Status.PENDING


def test_a_changed_demo_password_is_restored():
    seed(programs=2, consultants=2)
    admin = sign_in(username="demo-admin", password="demo-admin-2026")
    admin.set_password("something-else-entirely")
    admin.save()
    seed(programs=2, consultants=2)
    assert sign_in(username="demo-admin", password="demo-admin-2026") is not None


def test_other_states_load_their_counties_and_get_programs():
    seed(programs=200, consultants=6, states="MN,wi")
    assert set(Program.objects.values_list("state", flat=True)) == {"MN", "WI"}
    assert Program.objects.filter(county__state="MN").values("county").distinct().count() == 87


@pytest.mark.parametrize(
    "options, message",
    [
        ({"states": "XX"}, "Unknown state"),
        ({"states": ","}, "Unknown state"),
        ({"programs": -1}, "zero or more"),
    ],
)
def test_bad_options_are_refused_without_writing(options, message):
    with pytest.raises(CommandError, match=message):
        seed(**options)
    assert not Program.objects.exists()
    assert not Consultant.objects.exists()


def test_requests_in_every_status_with_consistent_histories_and_caseloads():
    from consultations.models import ConsultationRequest, RequestEvent
    from consultations.services import expire_overdue_offers

    output = seed(requests=80)
    assert "requests: 80 created" in output
    requests = ConsultationRequest.objects.prefetch_related("events", "contacts")
    assert set(requests.values_list("status", flat=True)) == set(ConsultationRequest.Status.values)
    for request in requests:
        events = list(request.events.all())
        assert events[0].action == RequestEvent.Action.SUBMITTED
        assert events[-1].to_status == request.status, request
        for before, after in pairwise(events):
            assert before.to_status == after.from_status
            assert before.at <= after.at
        if request.status in ("active", "closed"):
            assert request.contacts.exists() or request.accepted_at is not None
            assert all(c.consultant_id == request.consultant_id for c in request.contacts.all())
        if request.focus == "child":
            assert request.parent_consent and request.child_age_months is not None
    for consultant in Consultant.objects.all():
        assert consultant.active_caseload == consultant.requests.filter(status="active").count()
        offers = consultant.requests.filter(status="offered").count()
        assert consultant.active_caseload + offers <= consultant.max_caseload
    # The demo's offers are fresh: nothing expires the moment the demo starts.
    assert expire_overdue_offers() == 0
    # The demo logins have something to look at.
    demo_program = sign_in(username="demo-program", password="demo-program-2026")
    assert ConsultationRequest.objects.filter(program__members=demo_program).count() >= 6
    demo_consultant = Consultant.objects.get(user__username="demo-consultant")
    assert set(demo_consultant.requests.values_list("status", flat=True)) >= {"offered", "active"}

    before = ConsultationRequest.objects.count()
    seed(requests=80)
    assert ConsultationRequest.objects.count() == before


def test_open_requests_wait_in_the_queue():
    from consultations.models import ConsultationRequest

    seed(requests=10, open_requests=25)
    assert ConsultationRequest.objects.count() == 35
    assert ConsultationRequest.objects.filter(status="submitted").count() >= 25
