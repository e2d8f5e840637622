"""manage.py seed_demo: realistic, deterministic, idempotent, with working demo logins."""

from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import is_alliance_admin
from demo.consultants import plan_consultant
from demo.geography import Geography
from demo.logins import DEMO_LOGINS
from directory import geo
from directory.models import Consultant, ListingDecision, Program, ProgramMembership
from directory.selectors import county_for_place

User = get_user_model()
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
    directors = User.objects.filter(username__startswith="demo-director-")
    assert directors.count() == 90
    assert not any(user.has_usable_password() for user in directors)


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


def every_row() -> dict:
    """Every row of every table seed_demo writes, every column."""
    from consultations.models import ConsultationRequest, Contact, RequestEvent

    models = (
        User,
        Program,
        Program.languages.through,
        ProgramMembership,
        Consultant,
        Consultant.languages.through,
        Consultant.counties_served.through,
        ListingDecision,
        ConsultationRequest,
        RequestEvent,
        Contact,
    )
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def test_a_second_run_changes_nothing():
    seed(requests=80, open_requests=10)
    before = every_row()
    output = seed(requests=80, open_requests=10)
    assert every_row() == before
    assert "programs: 0 created" in output
    assert "consultants: 0 created" in output
    assert "requests: 0 created" in output


def test_a_run_with_nothing_to_add_skips_the_zip_codes_and_the_password_hashing(monkeypatch):
    """What makes a second `make run` quick: the ZIP code table is read and passwords are
    hashed only when something is missing."""
    seed(programs=20, consultants=10)

    def refuse(*args, **kwargs):
        raise AssertionError("not needed when there is nothing to add")

    monkeypatch.setattr(Geography, "load", refuse)
    monkeypatch.setattr("demo.logins.make_password", refuse)
    monkeypatch.setattr(User, "check_password", refuse)
    output = seed(programs=20, consultants=10)
    assert "programs: 0 created" in output


def test_a_larger_request_run_extends_the_smaller_one_within_every_caseload():
    from consultations.models import ConsultationRequest

    seed(requests=30)
    first = list(ConsultationRequest.objects.order_by("pk").values())
    seed(requests=80, open_requests=10)
    assert ConsultationRequest.objects.count() == 90
    assert list(ConsultationRequest.objects.order_by("pk").values()[:30]) == first
    for consultant in Consultant.objects.all():
        active = consultant.requests.filter(status="active").count()
        offered = consultant.requests.filter(status="offered").count()
        assert (consultant.active_caseload, consultant.open_offers) == (active, offered)
        assert active + offered <= consultant.max_caseload, consultant


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


def login_lines(output: str) -> dict[str, str]:
    return {
        line.split()[0]: line
        for line in output.splitlines()
        if line.split() and line.split()[0] in {login.username for login in DEMO_LOGINS}
    }


def test_each_role_is_told_where_to_sign_in_and_can_sign_in_there(client):
    lines = login_lines(seed(programs=5, consultants=5, site_url="http://127.0.0.1:8123/"))
    assert set(lines) == {login.username for login in DEMO_LOGINS}
    for login in DEMO_LOGINS:
        line = lines[login.username]
        assert login.password in line
        assert "http://127.0.0.1:8123/accounts/login/" in line
        # Only Alliance admins may use the back office's own login.
        assert ("http://127.0.0.1:8123/admin/" in line) == (login.username == "demo-admin")
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": login.username, "password": login.password}
        )
        assert response.status_code == 302, login.username
        assert client.session["_auth_user_id"] == str(User.objects.get(username=login.username).pk)
    assert client.get("/admin/").status_code == 302  # the last one, a consultant: not staff
    client.logout()
    client.post("/accounts/login/", {"username": "demo-admin", "password": "demo-admin-2026"})
    assert client.get("/admin/").status_code == 200


def test_without_a_site_url_the_sign_in_pages_are_paths():
    lines = login_lines(seed(programs=2, consultants=2))
    assert lines["demo-program"].split()[-1] == "/accounts/login/"
    assert lines["demo-admin"].endswith("/accounts/login/ or /admin/")


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


@pytest.mark.parametrize(
    "name, street",
    [
        ('Little "Acorn", Inc.', ""),
        ("Line one\nline two\ttabbed \\ back", "1 Main St"),
        ("Niños y Familias – Dóna Ana", "N"),
    ],
)
def test_bulk_inserts_keep_every_value_as_given(name, street):
    """COPY on PostgreSQL, executemany on SQLite: quotes, commas, newlines, backslashes,
    accents, empty strings and NULLs come back as they went in."""
    from demo.bulk import insert_objects, reserve_ids
    from directory.models import County

    county, _ = County.objects.get_or_create(
        fips="55025", defaults={"name": "Dane County", "state": "WI"}
    )
    created = timezone.now() - timezone.timedelta(days=400)
    (pk,) = reserve_ids(Program, 1)
    program = Program(
        pk=pk,
        name=name,
        street=street,
        city="Madison",
        state="WI",
        zip="53703",
        county=county,
        latitude=None,
        longitude=-89.38,
        ages_served=["toddler", "infant", "toddler"],
        enrollment=12,
        created_at=created,
        updated_at=created,
    )
    insert_objects(Program, [program])
    saved = Program.objects.values().get(pk=pk)
    assert saved["name"] == name and saved["street"] == street
    assert saved["latitude"] is None and saved["longitude"] == -89.38
    assert saved["ages_served"] == ["infant", "toddler"]  # as the field stores lists
    assert saved["created_at"] == created and saved["updated_at"] == created
    assert reserve_ids(Program, 2)[0] > pk


def test_bulk_inserts_refuse_the_text_copy_reads_as_null():
    from demo.bulk import insert_rows

    with pytest.raises(ValueError, match="NULL"):
        insert_rows(Program.languages.through, ("program", "language"), [(1, "\\N")])


def test_the_demo_shows_the_front_door_first_contact_and_the_waitlist():
    from django.utils import timezone

    from consultations.models import ConsultationRequest
    from directory.models import Consultant
    from directory.vocabularies import ReferralSource

    seed(requests=80)
    requests = ConsultationRequest.objects.all()
    assert set(requests.values_list("referral_source", flat=True)) == set(ReferralSource.values)
    assert not requests.filter(first_contact_due_at__isnull=True).exists()
    phoned = requests.filter(referral_source="alliance_phone")
    assert all(r.entered_by_id and r.received_at < r.created_at for r in phoned)
    overdue = requests.filter(
        status__in=ConsultationRequest.OPEN,
        first_contact_at__isnull=True,
        first_contact_due_at__lte=timezone.now(),
    )
    assert overdue.exists()
    contacted = requests.exclude(first_contact_at=None)
    assert all(r.first_contact_at >= r.received_at for r in contacted)
    waitlisted = requests.filter(waitlisted_at__isnull=False)
    assert waitlisted.count() >= 3
    assert sum(1 for r in waitlisted if r.waitlist_reasons.get("language")) >= 3
    assert all(r.waitlist_reasons for r in waitlisted)
    assert Consultant.objects.filter(brief_team=True).count() == 3
    before = list(requests.order_by("pk").values())
    seed(requests=80)  # a second run changes nothing
    assert list(ConsultationRequest.objects.order_by("pk").values()) == before


def test_the_demo_has_equity_data_for_the_funder_report():
    from consultations.funder_report import funder_report
    from consultations.models import ConsultationRequest
    from directory.models import TribalDataSetting

    seed(programs=300, requests=80)
    programs = Program.objects.all()
    assert programs.exclude(tribal_affiliation="").exists()
    assert set(programs.values_list("accepts_subsidy", flat=True)) == {True, False, None}
    assert programs.filter(quality_rating__gte=1).exists()
    children = ConsultationRequest.objects.filter(focus="child")
    consented = children.filter(child_demographics_consent=True)
    assert 0 < consented.count() < children.count()
    assert (
        not ConsultationRequest.objects.exclude(focus="child")
        .filter(child_demographics_consent=True)
        .exists()
    )
    assert dict(TribalDataSetting.objects.values_list("nation", "reporting")) == {
        "oneida": "full", "menominee": "aggregate_only",
    }  # fmt: skip
    report = funder_report(by=["subsidy", "race_ethnicity", "iep_ifsp"])
    subsidy = {row["label"] for row in report["tables"][0]["rows"]}
    assert "Accepts subsidy" in subsidy
    races = {row["label"] for row in report["tables"][1]["rows"]}
    assert len(races - {"Not recorded"}) >= 2
