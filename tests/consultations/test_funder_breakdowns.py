"""The funder report's breakdowns (issue 15, item 8): every dimension its own table, with
small-cell and complementary suppression applied per table, the choice of breakdowns on the
page and in the API (bounded, bad values refused), and every table in the downloads.

Rurality needs County.rucc_code (another branch): its tests are in
test_funder_breakdowns_rurality.py."""

import csv
import io

import pytest
from openpyxl import load_workbook

from consultations.funder_report import SUPPRESSED, funder_report
from directory.models import Region
from tests.consultations.funder_helpers import engagements, program_in, rows_of
from tests.consultations.page_helpers import client_for
from tests.factories import language

PAGE = "/alliance/reports/funder/"
API = "/api/v1/reports/funder/"

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def two_programs(world):
    """12 classrooms of a subsidy program in Dane, 3 of a private one in Iron."""
    dane = program_in("Dane County", "55025", accepts_subsidy=True, setting_type="head_start")
    iron = program_in("Iron County", "55051", accepts_subsidy=False)
    engagements(dane, world.listing, 12)
    engagements(iron, world.listing, 3)
    return dane, iron


def test_every_breakdown_is_a_table_of_its_own(world, two_programs):
    report = funder_report(by=["county", "subsidy", "setting_type", "level"])
    assert [t["by"] for t in report["tables"]] == ["county", "subsidy", "setting_type", "level"]
    assert set(rows_of(report, "county")) == {"Dane County", "Iron County"}
    assert set(rows_of(report, "subsidy")) == {"Accepts subsidy", "Does not accept subsidy"}
    assert set(rows_of(report, "setting_type")) == {
        "Head Start / Early Head Start", "Licensed child care center",
    }  # fmt: skip
    assert set(rows_of(report, "level")) == {"A classroom or group"}
    assert report["totals"]["classrooms"] == 15


def test_suppression_and_its_complement_apply_per_table(world, two_programs):
    report = funder_report(by=["subsidy", "level"])
    subsidy = rows_of(report, "subsidy")
    # 3 is small; 12 alone beside it would give it away from the total of 15.
    assert subsidy["Does not accept subsidy"]["classrooms"] == SUPPRESSED
    assert subsidy["Accepts subsidy"]["classrooms"] == SUPPRESSED
    # One program each: both small.
    assert subsidy["Accepts subsidy"]["programs"] == SUPPRESSED
    # The level table has one row of 15: nothing to hide there.
    assert rows_of(report, "level")["A classroom or group"]["classrooms"] == 15


def test_a_third_row_spares_the_big_cells(world, two_programs):
    """With two small cells in a column, neither can be recovered: no complement needed."""
    engagements(program_in("Vilas County", "55125"), world.listing, 4)
    counties = rows_of(funder_report(by="county"), "county")
    assert counties["Iron County"]["classrooms"] == SUPPRESSED
    assert counties["Vilas County"]["classrooms"] == SUPPRESSED
    assert counties["Dane County"]["classrooms"] == 12


def test_language_rows_and_not_recorded(world):
    program = program_in("Dane County", "55025")
    engagements(program, world.listing, 11, preferred_language=language("es", "Spanish"))
    engagements(program, world.listing, 10)
    languages = rows_of(funder_report(by="language"), "language")
    assert languages["Spanish"]["classrooms"] == 11
    assert languages["Not recorded"]["classrooms"] == 10


def test_region_rows_follow_the_chosen_scheme(world, two_programs):
    dane, iron = two_programs
    Region.objects.all().delete()  # the loaded regions aside: two of this test's own
    south = Region.objects.create(state="WI", scheme="licensing", code="south", name="Southern")
    south.counties.add(dane.county)
    health = Region.objects.create(state="WI", scheme="public_health", code="ne", name="North")
    health.counties.add(dane.county, iron.county)
    licensing = rows_of(funder_report(by="region", scheme="licensing"), "region")
    assert set(licensing) == {"Southern", "No region"}
    assert licensing["No region"]["classrooms"] == SUPPRESSED
    public_health = rows_of(funder_report(by="region", scheme="public_health"), "region")
    assert public_health["North"]["classrooms"] == 15
    table = funder_report(by="region", scheme="public_health")["tables"][0]
    assert str(table["by_label"]) == "Region (Public health region)"


def test_race_and_ethnicity_count_a_child_in_each_category(world):
    program = program_in("Dane County", "55025")
    consented = {"child_demographics_consent": True}
    engagements(program, world.listing, 10, focus="child", **consented,
                child_race_ethnicity=["black", "hispanic_latino"])  # fmt: skip
    engagements(program, world.listing, 2, focus="child", **consented,
                child_race_ethnicity=["white"])  # fmt: skip
    engagements(program, world.listing, 3, focus="child", **consented,
                child_race_ethnicity=["asian"])  # fmt: skip
    engagements(program, world.listing, 12, focus="child")  # no consent to record them
    races = rows_of(funder_report(by="race_ethnicity"), "race_ethnicity")
    assert list(races) == [
        "Asian", "Black or African American", "Hispanic or Latino", "White", "Not recorded",
    ]  # fmt: skip
    assert races["Black or African American"]["children"] == 10
    assert races["Hispanic or Latino"]["children"] == 10
    assert races["White"]["children"] == SUPPRESSED
    assert races["Asian"]["children"] == SUPPRESSED
    assert races["Not recorded"]["children"] == 12
    # A child of two categories counts in each: the rows add up to more than the total.
    assert funder_report(by="race_ethnicity")["totals"]["children"] == 27


def test_a_lone_small_category_takes_the_next_smallest_with_it(world):
    program = program_in("Dane County", "55025")
    consented = {"child_demographics_consent": True}
    engagements(program, world.listing, 11, focus="child", **consented,
                child_race_ethnicity=["black"])  # fmt: skip
    engagements(program, world.listing, 2, focus="child", **consented,
                child_race_ethnicity=["white"])  # fmt: skip
    engagements(program, world.listing, 30, focus="child")
    races = rows_of(funder_report(by="race_ethnicity"), "race_ethnicity")
    assert races["White"]["children"] == SUPPRESSED
    assert races["Black or African American"]["children"] == SUPPRESSED
    assert races["Not recorded"]["children"] == 30


def test_iep_or_ifsp_rows(world):
    program = program_in("Dane County", "55025")
    yes = {"child_demographics_consent": True, "child_has_iep_ifsp": "yes"}
    engagements(program, world.listing, 10, focus="child", **yes)
    engagements(program, world.listing, 10, focus="child")
    rows = rows_of(funder_report(by="iep_ifsp"), "iep_ifsp")
    assert {label: row["children"] for label, row in rows.items()} == {
        "Yes": 10, "Not recorded": 10,
    }  # fmt: skip


# --- the page, the API and the downloads -------------------------------------------------------


def test_the_page_shows_each_chosen_table(world, two_programs):
    response = client_for(world, "admin").get(PAGE, {"by": ["county", "subsidy"]})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Served, by County" in text
    assert "Served, by Child care subsidy accepted" in text
    assert "Does not accept subsidy" in text


def test_the_api_takes_several_breakdowns(world, two_programs):
    response = world.client("admin").get(API + "?by=subsidy&by=county&by=subsidy")
    assert response.status_code == 200
    body = response.json()
    assert body["breakdowns"] == ["subsidy", "county"]  # a repeated one counts once
    assert [t["by_label"] for t in body["tables"]] == ["Child care subsidy accepted", "County"]
    assert body["totals"]["classrooms"] == 15
    assert body["tribal_programs_not_shown"] == 0


@pytest.mark.parametrize(
    "query",
    ["by=county&by=planet", "scheme=galactic", "by=" + "&by=".join(["county"] * 20)],
)
def test_bad_or_too_many_breakdowns_are_400(world, query):
    assert world.client("admin").get(f"{API}?{query}").status_code == 400
    assert client_for(world, "admin").get(f"{PAGE}?{query}").status_code == 400


def test_csv_holds_every_chosen_table(world, two_programs):
    response = client_for(world, "admin").get(
        PAGE, {"by": ["subsidy", "county"], "download": "csv"}
    )
    table = list(csv.reader(io.StringIO(_body(response).decode())))
    assert table[0][:4] == ["Breakdown", "Row", "Children served", "Classrooms served"]
    assert [row[:2] for row in table[1:]] == [
        ["Child care subsidy accepted", "Accepts subsidy"],
        ["Child care subsidy accepted", "Does not accept subsidy"],
        ["Child care subsidy accepted", "All"],
        ["County", "Dane County"],
        ["County", "Iron County"],
        ["County", "All"],
        ["Tribal programs not shown", ""],
    ]
    assert [row[3] for row in table[1:7]] == [SUPPRESSED, SUPPRESSED, "15"] * 2


def test_xlsx_holds_every_chosen_table(world, two_programs):
    response = world.client("admin").get(API + "?by=level&by=subsidy&download=xlsx")
    sheet = load_workbook(io.BytesIO(_body(response)), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["Breakdown", "Row", "Children served"]
    assert values[1][:4] == ["Level", "A classroom or group", 0, 15]
    assert values[3][:4] == ["Child care subsidy accepted", "Accepts subsidy", 0, SUPPRESSED]
