"""The funder report: small-cell and complementary suppression, its figures, its page and API
by role, and its CSV and XLSX downloads (headers, values, rights)."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from consultations import services
from consultations.funder_report import SUPPRESSED, funder_report, suppress
from tests.conftest import ROLES
from tests.consultations.api_helpers import make
from tests.consultations.page_helpers import client_for

PAGE = "/alliance/reports/funder/"
API = "/api/v1/reports/funder/"


def rows(*values):
    return [{"label": str(i), "children": v} for i, v in enumerate(values)]


def test_small_cells_are_suppressed_and_zero_is_shown():
    out = suppress(rows(0, 12, 15, 3, 4), columns=("children",))
    assert [r["children"] for r in out] == [0, 12, 15, SUPPRESSED, SUPPRESSED]


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it():
    # 40 in all: with only "3" hidden, 40 - 12 - 25 would give it away.
    out = suppress(rows(12, 25, 3), columns=("children",))
    assert [r["children"] for r in out] == [SUPPRESSED, 25, SUPPRESSED]


def test_nothing_small_nothing_hidden():
    out = suppress(rows(10, 11, 0), columns=("children",))
    assert [r["children"] for r in out] == [10, 11, 0]


@pytest.mark.django_db
def test_figures_of_served_engagements(world):
    engagement = make(world, "active")
    services.contact_log(
        actor=world.users["consultant"], consultation=engagement, date=timezone.localdate(),
        minutes=90, activity="classroom_coaching", modality="on_site",
    )  # fmt: skip
    report = funder_report(by="level")
    [row] = report["tables"][0]["rows"]
    assert row["label"] == "A classroom or group"
    assert row["classrooms"] == SUPPRESSED  # 1 classroom: fewer than 10
    assert row["hours_classroom"] == 1.5
    assert report["totals"]["hours_classroom"] == 1.5


PAGE_EXPECTED = {
    "anonymous": 302, "program": 403, "other_program": 403, "consultant": 403,
    "other_consultant": 403, "admin": 200,
}  # fmt: skip
API_EXPECTED = {**PAGE_EXPECTED, "anonymous": 401}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
def test_report_and_downloads_by_role(world, role, fmt):
    page = client_for(world, role).get(PAGE, {"download": fmt} if fmt else {})
    assert page.status_code == PAGE_EXPECTED[role]
    api = world.client(role).get(API, {"download": fmt} if fmt else {})
    assert api.status_code == API_EXPECTED[role]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_csv_download_headers_and_values(world):
    engagement = make(world, "active")
    services.contact_log(
        actor=world.users["consultant"], consultation=engagement, date=timezone.localdate(),
        minutes=30, activity="staff_meeting", modality="virtual",
    )  # fmt: skip
    response = client_for(world, "admin").get(PAGE, {"download": "csv", "by": "level"})
    assert response["Content-Disposition"] == 'attachment; filename="funder-report.csv"'
    table = list(csv.reader(io.StringIO(_body(response).decode())))
    assert table[0][:5] == [
        "Breakdown", "Row", "Children served", "Classrooms served", "Programs served",
    ]  # fmt: skip
    assert table[0][8] == "Hours in meetings"
    assert table[1][:5] == ["Level", "A classroom or group", "0", SUPPRESSED, SUPPRESSED]
    assert table[1][8] == "0.5"
    assert table[2][:2] == ["Level", "All"]
    assert table[-1][:5] == ["Tribal programs not shown", "", "", "", "0"]


@pytest.mark.django_db
def test_xlsx_download_headers_and_values(world):
    make(world, "active")
    response = world.client("admin").get(API, {"download": "xlsx", "by": "county"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(response)), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == ["Breakdown", "Row", "Children served", "Classrooms served"]
    assert values[1][:2] == ["County", world.program.county.name]
    assert values[1][3] == SUPPRESSED
    assert values[2][:2] == ["County", "All"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"by": "planet"}, {"download": "pdf"}, {"date_from": "2026-13-01"},
     {"date_from": "2026-02-01", "date_to": "2026-01-01"}],
)  # fmt: skip
def test_bad_options_are_400(world, query):
    assert world.client("admin").get(API, query).status_code == 400
    assert client_for(world, "admin").get(PAGE, query).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_queue_export_rights_headers_and_values(world, role):
    queued = make(world, "submitted")
    for fmt in ("csv", "xlsx"):
        response = client_for(world, role).get(f"/alliance/requests/export.{fmt}")
        assert response.status_code == PAGE_EXPECTED[role]
        if response.status_code != 200:
            continue
        if fmt == "csv":
            table = list(csv.reader(io.StringIO(_body(response).decode())))
        else:
            sheet = load_workbook(io.BytesIO(_body(response)), read_only=True).active
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert table[0] == [
            "Request", "Status", "Urgency", "Level", "Program", "County", "Language",
            "Referral source", "Received",
        ]  # fmt: skip
        assert [str(v) for v in table[1][:5]] == [
            str(queued.pk), "Submitted", "Routine", "A classroom or group", world.program.name,
        ]  # fmt: skip


@pytest.mark.django_db
def test_queue_export_keeps_the_page_filters(world):
    make(world, "submitted")
    response = client_for(world, "admin").get(
        "/alliance/requests/export.csv", {"urgency": "priority"}
    )
    assert len(list(csv.reader(io.StringIO(_body(response).decode())))) == 1
