"""Reach: licensed programs that requested, by county, region and state, on a hand-built world
whose numbers are worked out by hand below."""

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import reach
from consultations.models import ConsultationRequest
from directory.models import Region
from tests.consultations import factories
from tests.factories import ProgramFactory, UserFactory, api_key, county

pytestmark = pytest.mark.django_db

SEEN = datetime(2026, 1, 5, 12, tzinfo=timezone.get_current_timezone())


def licensed(where, capacity, *, active=True, n=1):
    """`n` programs on the licensing list in county `where`, each with `capacity` places."""
    return [
        ProgramFactory(
            county=where,
            licensed_capacity=capacity,
            license_type="group_center",
            license_list_seen_at=SEEN,
            is_active=active,
            members=[UserFactory(role="program")],
        )
        for _ in range(n)
    ]


def requested(program, on: date, n=1):
    for _ in range(n):
        consultation = factories.submitted(program)
        at = datetime(on.year, on.month, on.day, 12, tzinfo=timezone.get_current_timezone())
        ConsultationRequest.objects.filter(pk=consultation.pk).update(created_at=at)


@pytest.fixture
def world():
    """Dane: 10 licensed programs of 40 places, 3 of which asked (one twice), plus a program
    off the list that asked, and one that left the list and asked. Vilas: 12 programs of 10
    places, none asked in May but one asked in March. Iron: 2 programs of 20, one asked."""
    dane = county("Dane County", "WI", "55025")
    vilas = county("Vilas County", "WI", "55125")
    iron = county("Iron County", "WI", "55051")
    dane_programs = licensed(dane, 40, n=10)
    requested(dane_programs[0], date(2026, 5, 1), n=2)
    requested(dane_programs[1], date(2026, 5, 31))
    requested(dane_programs[2], date(2026, 5, 15))
    unlisted = ProgramFactory(county=dane, members=[UserFactory(role="program")])
    requested(unlisted, date(2026, 5, 2))
    (gone,) = licensed(dane, 500, active=False)
    requested(gone, date(2026, 5, 3))
    vilas_programs = licensed(vilas, 10, n=12)
    requested(vilas_programs[0], date(2026, 3, 1))
    iron_programs = licensed(iron, 20, n=2)
    requested(iron_programs[1], date(2026, 5, 20))
    return {"dane": dane, "vilas": vilas, "iron": iron}


MAY = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 31)}


def by_name(rows):
    return {r.name: r for r in rows}


def test_counties_in_a_period(world):
    report = reach.reach(**MAY)
    rows = by_name(report.counties)
    assert list(rows) == ["Dane County", "Iron County", "Vilas County"]
    dane = rows["Dane County"]
    assert (dane.key, dane.state) == ("55025", "WI")
    assert dane.licensed_programs == 10  # the inactive one and the unlisted one are not counted
    assert dane.programs_requested == 3  # three programs, four requests
    assert dane.share == 0.3
    assert dane.licensed_places == 400
    assert dane.places_reached == 120
    assert dane.requests == 4
    assert dane.other_requests == 2  # the program off the list and the one that left it
    assert dane.requests_per_1000_places == 10.0  # 4 requests / 400 places * 1000
    vilas = rows["Vilas County"]
    assert (vilas.licensed_programs, vilas.programs_requested, vilas.requests) == (12, 0, 0)
    assert (vilas.share, vilas.places_reached, vilas.requests_per_1000_places) == (0.0, 0, 0.0)
    iron = rows["Iron County"]
    assert (iron.share, iron.places_reached, iron.requests_per_1000_places) == (0.5, 20, 25.0)


def test_state_totals_and_far_below(world):
    report = reach.reach(**MAY)
    (wi,) = report.states
    assert (wi.licensed_programs, wi.programs_requested) == (24, 4)
    assert wi.licensed_places == 400 + 120 + 40
    assert (wi.places_reached, wi.requests, wi.other_requests) == (140, 5, 2)
    assert wi.requests_per_1000_places == round(5 * 1000 / 560, 2)
    # The state's share is 4/24 = 16.7%; half of it is 8.3%. Vilas (0 of 12) is far below;
    # Dane (30%) is not; Iron (50%) has too few programs to judge either way.
    assert [r.name for r in report.far_below] == ["Vilas County"]


def test_far_below_needs_enough_programs():
    state = reach.ReachRow(key="WI", name="WI", state="WI", licensed_programs=100)
    state.programs_requested = 40  # 40%
    few = reach.ReachRow(key="1", name="A", state="WI", licensed_programs=9)
    enough = reach.ReachRow(key="2", name="B", state="WI", licensed_programs=10)
    assert not reach.is_far_below(few, state)  # 0 of 9: too few to judge
    assert reach.is_far_below(enough, state)  # 0 of 10, under 20%
    enough.programs_requested = 2  # exactly half the state's share is not far below
    assert not reach.is_far_below(enough, state)
    enough.programs_requested = 1
    assert reach.is_far_below(enough, state)
    state.programs_requested = 0  # nobody asked anywhere: nothing stands out
    assert not reach.is_far_below(enough, state)


def test_every_date_and_open_ended_ranges(world):
    everything = by_name(reach.reach().counties)
    assert everything["Vilas County"].programs_requested == 1
    # Every date: the state's share is 5/24 = 20.8%, Vilas's 1/12 = 8.3% is under half of it.
    assert [r.name for r in reach.reach().far_below] == ["Vilas County"]
    since_may_15 = by_name(reach.reach(date_from=date(2026, 5, 15)).counties)
    assert since_may_15["Dane County"].programs_requested == 2
    assert since_may_15["Dane County"].requests == 2
    until_march = by_name(reach.reach(date_to=date(2026, 3, 31)).counties)
    assert until_march["Dane County"].requests == 0
    assert until_march["Vilas County"].places_reached == 10
    # Until March only Vilas asked: the state's share is 1/24, and Dane's 0 of 10 is far below.
    assert [r.name for r in reach.reach(date_to=date(2026, 3, 31)).far_below] == ["Dane County"]


def test_regions_add_up_their_counties(world):
    Region.objects.all().delete()  # whatever regions the migrations loaded: these tests' own
    north = Region.objects.create(state="WI", scheme="licensing", code="northern", name="North")
    north.counties.set([world["vilas"], world["iron"]])
    south = Region.objects.create(state="WI", scheme="licensing", code="southern", name="South")
    south.counties.set([world["dane"]])
    health = Region.objects.create(state="WI", scheme="public_health", code="ne", name="NE")
    health.counties.set([world["vilas"]])
    report = reach.reach(**MAY)
    regions = {(r.scheme, r.name): r for r in report.regions}
    assert list(regions) == [
        ("licensing", "North"),
        ("licensing", "South"),
        ("public_health", "NE"),
    ]
    north_row = regions[("licensing", "North")]
    assert north_row.key == "WI/licensing/northern"
    assert (north_row.licensed_programs, north_row.programs_requested) == (14, 1)
    assert (north_row.licensed_places, north_row.places_reached) == (160, 20)
    assert north_row.requests_per_1000_places == 6.25
    assert regions[("licensing", "South")].share == 0.3
    only_health = reach.reach(scheme="public_health", **MAY).regions
    assert [r.name for r in only_health] == ["NE"]


@pytest.mark.parametrize(
    ("scheme", "regions"), [("licensing", 5), ("public_health", 5), ("ccrr", 9)]
)
def test_wisconsins_loaded_regions_of_a_scheme_add_up_to_the_state(world, scheme, regions):
    report = reach.reach(scheme=scheme, **MAY)
    assert {r.scheme for r in report.regions} == {scheme} and len(report.regions) == regions
    [wisconsin] = report.states
    for field in ("licensed_programs", "programs_requested", "licensed_places", "requests"):
        assert sum(getattr(r, field) for r in report.regions) == getattr(wisconsin, field)
    named = {r.name: r for r in report.regions}
    if scheme == "ccrr":  # Vilas is north central, Iron northwest
        assert named["North Central (Childcaring)"].licensed_programs == 12
        assert named["Northwest"].licensed_programs == 2
    else:  # both are northern
        assert named["Northern"].licensed_programs == 14


def test_no_regions_no_programs():
    Region.objects.all().delete()
    report = reach.reach()
    assert (report.counties, report.regions, report.states, report.far_below) == ([], [], [], [])


def test_one_state_only(world):
    other = county("Cook County", "IL", "17031")
    licensed(other, 50, n=3)
    assert [r.state for r in reach.reach().states] == ["IL", "WI"]
    assert [r.name for r in reach.reach(state="IL").counties] == ["Cook County"]


def test_csv_export(client, world):
    from tests.factories import make_admin

    client.force_login(make_admin())
    response = client.get(
        reverse("alliance:reach_csv"), {"date_from": "2026-05-01", "date_to": "2026-05-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(reach.CSV_HEADER)
    assert rows[1][:8] == ["state", "WI", "", "WI", "WI", "24", "4", "16.7"]
    vilas = next(r for r in rows if r[4] == "Vilas County")
    assert vilas == [
        "county", "WI", "", "55125", "Vilas County", "12", "0", "0.0", "120", "0", "0.0",
        "0", "0.0", "0", "yes",
    ]  # fmt: skip


def test_csv_refuses_a_bad_range(client):
    from tests.factories import make_admin

    client.force_login(make_admin())
    response = client.get(reverse("alliance:reach_csv"), {"date_from": "2026-13-01"})
    assert response.status_code == 400


def test_api(client, world):
    from tests.factories import make_admin

    admin = make_admin()
    response = client.get(
        "/api/v1/reports/reach/",
        {"date_from": "2026-05-01", "date_to": "2026-05-31", "state": "WI"},
        HTTP_AUTHORIZATION=f"Token {api_key(admin)}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["date_from"] == "2026-05-01"
    assert body["definition"]["far_below_min_programs"] == 10
    assert body["states"][0]["share"] == round(4 / 24, 4)
    vilas = next(r for r in body["counties"] if r["name"] == "Vilas County")
    assert vilas["far_below"] is True
    assert vilas["requests_per_1000_places"] == 0.0
    dane = next(r for r in body["counties"] if r["name"] == "Dane County")
    assert (dane["requests"], dane["other_requests"], dane["places_reached_share"]) == (4, 2, 0.3)


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "yesterday"},
        {"date_from": "2026-06-01", "date_to": "2026-05-01"},
        {"state": "ZZ"},
        {"scheme": "galaxy"},
    ],
)
def test_api_bad_input_is_400(client, query):
    from tests.factories import make_admin

    response = client.get(
        "/api/v1/reports/reach/", query, HTTP_AUTHORIZATION=f"Token {api_key(make_admin())}"
    )
    assert response.status_code == 400
    assert response.json()


def test_reports_page_shows_reach_and_highlights(client, world):
    from tests.factories import make_admin

    client.force_login(make_admin())
    response = client.get(
        reverse("alliance:reports"), {"date_from": "2026-05-01", "date_to": "2026-05-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reach"' in html
    assert "Vilas County" in html
    assert '<tr class="far-below"><th scope="row" data-label="County">Vilas County, WI</th>' in html
    assert '<svg class="chart reach" role="img"' in html
    assert 'class="bar far-below"' in html  # hatched, and said in words beside the bar:
    assert "0.0% — far below</text>" in html
    assert "State: 16.7%" in html
    assert 'href="/alliance/reports/reach.csv?date_from=2026-05-01&amp;date_to=2026-05-31"' in html


def test_the_demo_marks_its_licensable_programs():
    from demo.licensing import mark_licensed

    center = ProgramFactory(license_number="DEMO-P-000001", enrollment=30)
    home = ProgramFactory(license_number="DEMO-P-000002", setting_type="family_child_care")
    head_start = ProgramFactory(license_number="DEMO-P-000003", setting_type="head_start")
    own = ProgramFactory(license_number="WI-123")  # not the demo's
    assert mark_licensed() == 2
    assert mark_licensed() == 0  # idempotent
    center.refresh_from_db()
    assert center.license_type == "group_center"
    assert center.licensed_capacity == 30 + (center.pk % 5) * 4
    home.refresh_from_db()
    assert (home.license_type, home.licensed_capacity) == ("family", 8 + (home.pk % 2) * 4)
    assert list(reach.licensed_programs().order_by("pk")) == [center, home]
    assert head_start not in reach.licensed_programs() and own not in reach.licensed_programs()


def test_streamed_csv_reads_formulas_as_text():
    from iecmhc.streamed_csv import csv_response

    response = csv_response("x.csv", ["name", "n"], iter([("=HYPERLINK(1)", -3), ("Dane", 4)]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "n"],
        ["'=HYPERLINK(1)", "-3"],
        ["Dane", "4"],
    ]
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_reports_page_without_a_licensing_list(client):
    from tests.factories import make_admin

    program = ProgramFactory(members=[UserFactory(role="program")])  # not on any list
    factories.submitted(program)
    assert reach.reach().licensed_programs == 0
    client.force_login(make_admin())
    html = client.get(reverse("alliance:reports")).content.decode()
    assert "No licensed programs yet: import the state" in html
    assert 'class="chart reach"' not in html
