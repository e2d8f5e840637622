"""Tribal data governance (docs/domain.md, "Tribal nations"): a nation's programs appear in
the funder report and in reach only as the Alliance's setting for that nation allows (hidden
by default, aggregate_only, full), and the setting is the Alliance's to edit in the admin."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from consultations import reach
from consultations.funder_report import SUPPRESSED, funder_report
from directory.models import TribalDataSetting
from directory.tribal import reporting_by_nation
from tests.consultations.funder_helpers import engagements, program_in, rows_of
from tests.consultations.page_helpers import client_for
from tests.factories import ProgramFactory, UserFactory, county

pytestmark = pytest.mark.django_db


def steward_allows(nation: str, reporting: str) -> None:
    TribalDataSetting.objects.update_or_create(nation=nation, defaults={"reporting": reporting})


@pytest.fixture
def places(world):
    """Dane: 12 classrooms (2 programs). Menominee County: 11 classrooms of a Menominee
    program and 1 of another program. Shawano: 4 classrooms."""
    dane = program_in("Dane County", "55025")
    engagements(dane, world.listing, 6)
    engagements(program_in("Dane County", "55025"), world.listing, 6)
    tribal = program_in("Menominee County", "55078", tribal_affiliation="menominee")
    engagements(tribal, world.listing, 11)
    engagements(program_in("Menominee County", "55078"), world.listing, 1)
    engagements(program_in("Shawano County", "55115"), world.listing, 4)
    return tribal


def test_no_setting_means_hidden():
    assert set(reporting_by_nation().values()) == {"hidden"}
    assert len(reporting_by_nation()) == 11


def test_hidden_programs_are_left_out_and_counted_apart(world, places):
    report = funder_report(by=["county", "setting_type"])
    counties = rows_of(report, "county")
    assert set(counties) == {"Dane County", "Menominee County", "Shawano County"}
    assert report["totals"]["classrooms"] == 17  # 12 + 1 + 4: the nation's 11 are not there
    assert report["totals"]["programs"] == SUPPRESSED  # 4 programs
    assert rows_of(report, "setting_type")["Licensed child care center"]["classrooms"] == 17
    assert report["tribal_programs_not_shown"] == SUPPRESSED  # one program: a small cell


def test_hidden_programs_leave_no_request_in_referrals(world, places):
    before = funder_report()["referrals"]
    steward_allows("menominee", "full")
    after = funder_report()["referrals"]
    program_staff = "The program's own staff"
    requests = {row["label"]: row["requests"] for row in before}
    assert requests[program_staff] == 17
    assert {row["label"]: row["requests"] for row in after}[program_staff] == 28


def test_aggregate_only_counts_in_totals_and_never_in_a_place_row(world, places):
    steward_allows("menominee", "aggregate_only")
    report = funder_report(by=["county", "setting_type"])
    assert report["totals"]["classrooms"] == 28
    counties = rows_of(report, "county")
    # Menominee County's row holds only the other program: 1 classroom, not 12.
    assert counties["Menominee County"]["classrooms"] == SUPPRESSED
    assert counties["Dane County"]["classrooms"] == 12
    # Not a place: the nation's classrooms count in the row like anyone's.
    assert rows_of(report, "setting_type")["Licensed child care center"]["classrooms"] == 28
    assert report["tribal_programs_not_shown"] == 0


def test_aggregate_only_remainder_takes_part_in_complementary_suppression(world):
    """Rows of 12 and 3 and a total of 20: the 5 left out would let 3 be recovered (20-12-5)
    if it were published, so the remainder counts as a small cell and 12 is hidden too."""
    engagements(program_in("Dane County", "55025"), world.listing, 12)
    engagements(program_in("Iron County", "55051"), world.listing, 3)
    tribal = program_in("Sawyer County", "55113", tribal_affiliation="lac_courte_oreilles")
    engagements(tribal, world.listing, 5)
    steward_allows("lac_courte_oreilles", "aggregate_only")
    counties = rows_of(funder_report(by="county"), "county")
    assert set(counties) == {"Dane County", "Iron County"}
    assert counties["Iron County"]["classrooms"] == SUPPRESSED
    assert counties["Dane County"]["classrooms"] == 12  # two unknowns already: 3 and 5


def test_aggregate_only_lone_small_row_takes_its_complement(world):
    engagements(program_in("Dane County", "55025"), world.listing, 12)
    engagements(program_in("Iron County", "55051"), world.listing, 3)
    tribal = program_in("Sawyer County", "55113", tribal_affiliation="lac_courte_oreilles")
    engagements(tribal, world.listing, 15)
    steward_allows("lac_courte_oreilles", "aggregate_only")
    counties = rows_of(funder_report(by="county"), "county")
    # 3 is the lone small cell of the shown rows; the remainder (15) is not small, so the
    # next smallest cell of the column goes too.
    assert counties["Iron County"]["classrooms"] == SUPPRESSED
    assert counties["Dane County"]["classrooms"] == SUPPRESSED


def test_full_shows_the_nation_like_anyone(world, places):
    steward_allows("menominee", "full")
    report = funder_report(by="county")
    assert rows_of(report, "county")["Menominee County"]["classrooms"] == 12
    assert report["totals"]["classrooms"] == 28


def test_another_nation_setting_changes_nothing(world, places):
    steward_allows("oneida", "full")
    assert funder_report()["totals"]["classrooms"] == 17


# --- reach --------------------------------------------------------------------------------


SEEN = datetime(2026, 1, 5, 12, tzinfo=timezone.get_current_timezone())


def licensed(where, n, **fields):
    return [
        ProgramFactory(
            county=where, licensed_capacity=10, license_type="group_center",
            license_list_seen_at=SEEN, members=[UserFactory(role="program")], **fields,
        )
        for _ in range(n)
    ]  # fmt: skip


@pytest.fixture
def reach_world():
    menominee = county("Menominee County", "WI", "55078")
    dane = county("Dane County", "WI", "55025")
    licensed(dane, 4)
    tribal = licensed(menominee, 3, tribal_affiliation="menominee")
    licensed(menominee, 1)
    from tests.consultations import factories

    factories.submitted(tribal[0])
    return menominee


def _reach():
    report = reach.reach(date_from=date(2000, 1, 1))
    return {r.name: r for r in report.counties}, {r.name: r for r in report.states}


@pytest.mark.parametrize(
    ("reporting", "county_programs", "state_programs", "state_requests"),
    [("hidden", 1, 5, 0), ("aggregate_only", 1, 8, 1), ("full", 4, 8, 1)],
)
def test_reach_follows_the_setting(reach_world, reporting, county_programs, state_programs,
                                   state_requests):  # fmt: skip
    steward_allows("menominee", reporting)
    counties, states = _reach()
    assert counties["Menominee County"].licensed_programs == county_programs
    assert states["WI"].licensed_programs == state_programs
    assert states["WI"].requests == state_requests
    assert counties["Menominee County"].requests == (1 if reporting == "full" else 0)


# --- the setting, in the admin ------------------------------------------------------------


def test_alliance_admins_record_a_setting_with_who_did(world):
    admin = world.users["admin"]
    granted = Permission.objects.filter(group__name="Alliance admins", codename__endswith="ting")
    assert {"add_tribaldatasetting", "change_tribaldatasetting"} <= set(
        granted.values_list("codename", flat=True)
    )
    response = client_for(world, "admin").post(
        "/admin/directory/tribaldatasetting/add/",
        {"nation": "ho_chunk", "reporting": "full", "steward": "Ho-Chunk Nation data office"},
    )
    assert response.status_code == 302, response.content
    setting = TribalDataSetting.objects.get(nation="ho_chunk")
    assert (setting.reporting, setting.updated_by) == ("full", admin)


def test_a_second_row_for_a_nation_is_refused(world):
    TribalDataSetting.objects.create(nation="ho_chunk", reporting="full")
    response = client_for(world, "admin").post(
        "/admin/directory/tribaldatasetting/add/", {"nation": "ho_chunk", "reporting": "hidden"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert TribalDataSetting.objects.get().reporting == "full"


@pytest.mark.parametrize("role", ["program", "consultant"])
def test_other_roles_cannot_change_the_setting(world, role):
    response = client_for(world, role).post(
        "/admin/directory/tribaldatasetting/add/", {"nation": "ho_chunk", "reporting": "full"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not TribalDataSetting.objects.exists()
