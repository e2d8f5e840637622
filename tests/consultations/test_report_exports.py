"""Every table of the reports page downloads as CSV and XLSX (issue 15, item 9), with the
page's date range and the page's rights: Alliance admins only."""

import csv
import io

import pytest
from openpyxl import load_workbook

from consultations.report_exports import TABLES
from tests.conftest import ROLES
from tests.consultations.api_helpers import make
from tests.consultations.page_helpers import client_for

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": 302, "program": 403, "other_program": 403, "consultant": 403,
    "other_consultant": 403, "admin": 200,
}  # fmt: skip
HEADERS = {
    "requests-by-status": ["Status", "Requests"],
    "requests-by-county": ["County", "Requests"],
    "time-to-acceptance": ["Median days from request to acceptance", "Accepted requests"],
    "outcomes": ["Question", "Answer", "Engagements"],
    "unmet-demand": ["Breakdown", "Row", "Unmet requests"],
    "first-contact": ["Breakdown", "Group", "Requests", "Contacted", "Median hours",
                      "Within target", "Share within target"],
    "waitlist": ["Breakdown", "Row", "Waitlisted requests"],
    "referral-sources": ["Referral source", "Requests"],
}  # fmt: skip


def _table(response, fmt) -> list[list]:
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode())))
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_every_table_is_declared():
    assert set(HEADERS) == set(TABLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", [*HEADERS, "reach"])
def test_rights_match_the_page(world, role, fmt, table):
    response = client_for(world, role).get(f"/alliance/reports/{table}.{fmt}")
    assert response.status_code == EXPECTED[role]
    page = client_for(world, role).get("/alliance/reports/")
    assert page.status_code == EXPECTED[role]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", list(HEADERS))
def test_headers(world, fmt, table):
    make(world, "closed")
    response = client_for(world, "admin").get(f"/alliance/reports/{table}.{fmt}")
    assert response["Content-Disposition"].endswith(f'filename="{table}.{fmt}"')
    assert _table(response, fmt)[0] == HEADERS[table]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_values_of_requests_by_status(world, fmt):
    make(world, "closed")
    make(world, "submitted")
    rows = _table(
        client_for(world, "admin").get(f"/alliance/reports/requests-by-status.{fmt}"), fmt
    )
    assert rows[1:] == [
        ["Submitted", "1"], ["Offered to a consultant", "0"], ["Active", "0"], ["Closed", "1"],
        ["Withdrawn", "0"],
    ]  # fmt: skip


def test_values_of_outcomes_and_referrals(world):
    make(world, "closed")
    rows = _table(client_for(world, "admin").get("/alliance/reports/outcomes.csv"), "csv")
    assert ["Why they closed", "Goals met", "1"] in rows
    assert ["Goals met?", "Yes", "1"] in rows
    rows = _table(client_for(world, "admin").get("/alliance/reports/referral-sources.csv"), "csv")
    assert rows[1] == ["The program's own staff", "1"]


def test_the_range_applies(world):
    make(world, "submitted")
    response = client_for(world, "admin").get(
        "/alliance/reports/requests-by-status.csv", {"date_to": "2000-01-01"}
    )
    assert _table(response, "csv")[1] == ["Submitted", "0"]


def test_reach_in_xlsx_has_the_csv_columns(world):
    rows = _table(client_for(world, "admin").get("/alliance/reports/reach.xlsx"), "xlsx")
    csv_rows = _table(client_for(world, "admin").get("/alliance/reports/reach.csv"), "csv")
    assert rows[0] == [
        csv_rows[0][0].lstrip("\ufeff"),
        *csv_rows[0][1:],
    ]  # the CSV opens with a BOM


@pytest.mark.parametrize(
    "query", [{"date_from": "2026-13-01"}, {"date_from": "2026-02-01", "date_to": "2026-01-01"},
              {"scheme": "galactic"}],
)  # fmt: skip
def test_a_bad_range_is_a_400(world, query):
    response = client_for(world, "admin").get("/alliance/reports/outcomes.xlsx", query)
    assert response.status_code == 400


def test_an_unknown_table_is_a_404(world):
    assert client_for(world, "admin").get("/alliance/reports/salaries.csv").status_code == 404


def test_the_page_links_every_download(world):
    text = client_for(world, "admin").get("/alliance/reports/").content.decode()
    for table in HEADERS:
        assert f'href="/alliance/reports/{table}.csv"' in text
        assert f'href="/alliance/reports/{table}.xlsx"' in text
    assert 'href="/alliance/reports/reach.xlsx"' in text
