"""Importing the state's licensing list: idempotent by license number, updates, marks programs
that left the list inactive, reports and skips bad rows, never touches members or requests."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directory.models import Program, ProgramMembership
from directory.program_import import program_import
from directory.program_list_sample import write_sample
from directory.program_rows import (
    DEFAULT_COLUMNS,
    ColumnMap,
    ImportFileError,
    ages_served_for,
)
from tests.consultations import factories as requests
from tests.factories import UserFactory, county, make_admin

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "directory/samples/wisconsin_licensed_programs.csv"
C = DEFAULT_COLUMNS


@pytest.fixture(autouse=True)
def _counties():
    """Wisconsin's counties, as the migrations load them."""
    assert Program.objects.count() == 0
    county()


def row(number="1000001", **overrides) -> dict:
    base = {
        C["license_number"]: number,
        C["name"]: "Little Acorns Child Care",
        C["street"]: "10 E Main St",
        C["city"]: "Madison",
        C["zip"]: "53703",
        C["county"]: "Dane",
        C["license_type"]: "Licensed Group",
        C["capacity"]: "80",
        C["age_min_months"]: "6",
        C["age_max_months"]: "60",
        C["accepts_subsidy"]: "Yes",
        C["quality_rating"]: "4",
    }
    return base | {C[k]: v for k, v in overrides.items()}


def csv_text(rows, header=None) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(C.values()))
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out


def run(rows, **kwargs):
    return program_import(actor=None, lines=csv_text(rows), **kwargs)


def test_imports_every_field():
    report = run([row()])
    assert (report.created, report.updated, report.errors_total) == (1, 0, 0)
    p = Program.objects.get(license_number="1000001")
    assert (p.name, p.street, p.city, p.state, p.zip, p.county.fips) == (
        "Little Acorns Child Care",
        "10 E Main St",
        "Madison",
        "WI",
        "53703",
        "55025",
    )
    assert (p.license_type, p.licensed_capacity, p.accepts_subsidy, p.quality_rating) == (
        "group_center",
        80,
        True,
        4,
    )
    assert (p.licensed_age_min_months, p.licensed_age_max_months) == (6, 60)
    assert p.ages_served == ["infant", "preschool", "toddler"]
    assert p.setting_type == "child_care_center" and p.is_active
    assert p.latitude is not None and p.license_list_seen_at is not None
    assert p.history.count() == 1


def test_the_sample_imports_cleanly_and_a_second_run_changes_nothing():
    first = program_import(actor=None, lines=SAMPLE.open(encoding="utf-8"))
    assert (first.rows_read, first.created, first.errors_total) == (300, 300, 0)
    snapshot = list(Program.objects.order_by("pk").values())
    second = program_import(actor=None, lines=SAMPLE.open(encoding="utf-8"))
    assert (second.created, second.updated, second.unchanged, second.deactivated) == (
        0,
        0,
        300,
        0,
    )
    after = list(Program.objects.order_by("pk").values())
    assert [{**p, "license_list_seen_at": None} for p in after] == [
        {**p, "license_list_seen_at": None} for p in snapshot
    ]


def test_updates_changed_rows_only():
    run([row("1"), row("2")])
    report = run([row("1", capacity="95", quality_rating=""), row("2")])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.changes[0].fields == ["licensed_capacity", "quality_rating"]
    p = Program.objects.get(license_number="1")
    assert (p.licensed_capacity, p.quality_rating) == (95, None)


def test_programs_that_left_the_list_become_inactive_and_come_back():
    run([row("1"), row("2"), row("3")])
    report = run([row("1"), row("3")])
    assert report.deactivated == 1
    gone = Program.objects.get(license_number="2")
    assert gone.is_active is False  # kept, not deleted
    assert Program.objects.filter(is_active=True).count() == 2
    back = run([row("1"), row("2"), row("3")])
    assert back.updated == 1 and back.changes[0].action == "reactivate"
    assert Program.objects.get(license_number="2").is_active is True


def test_never_touches_members_or_requests_and_keeps_self_registered_programs():
    run([row("1"), row("2")])
    user = UserFactory(role="program")
    listed = Program.objects.get(license_number="1")
    ProgramMembership.objects.create(program=listed, user=user)
    request = requests.submitted(listed)
    own = Program.objects.create(
        name="Not on the list",
        setting_type="head_start",
        city="Madison",
        state="WI",
        zip="53703",
        county=county(),
    )
    report = run([row("2")])  # "1" left the list
    assert report.deactivated == 1
    assert list(listed.memberships.values_list("user", flat=True)) == [user.pk]
    request.refresh_from_db()
    assert request.program_id == listed.pk and request.status == "submitted"
    own.refresh_from_db()
    assert own.is_active  # never on the list: never marked as having left it


def test_a_self_registered_program_is_joined_by_its_license_number():
    existing = Program.objects.create(
        name="Acorns",
        setting_type="head_start",
        license_number="1000001",
        city="Madison",
        state="WI",
        zip="53703",
        county=county(),
    )
    report = run([row()])
    assert (report.created, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.licensed_capacity == 80
    assert existing.setting_type == "head_start"  # the program's own choice stays


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"license_number": ""}, "License number is missing."),
        ({"name": ""}, "Program name is missing."),
        ({"zip": "00000"}, "is not a known US ZIP code"),
        ({"zip": "60601"}, "is in IL, not WI"),
        ({"county": "Atlantis"}, "No county 'Atlantis' in WI."),
        ({"license_type": "Spaceport"}, "Unknown license type"),
        ({"capacity": "lots"}, "Licensed capacity must be a whole number"),
        ({"capacity": "-3"}, "Licensed capacity must be between 0 and 10000"),
        ({"quality_rating": "6"}, "Quality rating must be between 1 and 5"),
        ({"accepts_subsidy": "maybe"}, "Accepts subsidy must be yes or no"),
        ({"age_min_months": "70", "age_max_months": "10"}, "Minimum age (70 months) is above"),
        ({"name": "Two\nlines"}, "Program name must be a single line."),
        ({"name": "x" * 201}, "Program name is longer than 200 characters."),
    ],
)
def test_bad_rows_are_reported_and_skipped(overrides, message):
    report = run([row("1"), row("2", **overrides), row("3")])
    assert (report.created, report.errors_total) == (2, 1)
    error = report.errors[0]
    assert error.line == 3
    assert any(message in m for m in error.messages), error.messages
    assert not Program.objects.filter(license_number="2").exists()


def test_a_repeated_license_number_is_an_error_even_across_batches():
    report = run([row("1"), row("2"), row("1", capacity="5")], batch_size=2)
    assert (report.created, report.errors_total) == (2, 1)
    assert report.errors[0].line == 4
    assert Program.objects.get(license_number="1").licensed_capacity == 80


def test_a_dry_run_reports_exactly_and_saves_nothing():
    run([row("1"), row("2")])
    before = list(Program.objects.order_by("pk").values())
    history = Program.history.count()
    report = run([row("1", capacity="5"), row("3"), row("4", zip="x")], dry_run=True)
    assert (report.created, report.updated, report.deactivated, report.errors_total) == (
        1,
        1,
        1,
        1,
    )
    assert list(Program.objects.order_by("pk").values()) == before
    assert Program.history.count() == history


@pytest.mark.parametrize(
    "text",
    ["", "Name,Zip\nA,53703\n", "\x00\x01binary"],
)
def test_a_file_that_cannot_be_imported_writes_nothing(text):
    with pytest.raises(ImportFileError):
        program_import(actor=None, lines=io.StringIO(text))
    assert Program.objects.count() == 0


def test_column_names_come_from_the_map(tmp_path):
    mapping = tmp_path / "columns.json"
    mapping.write_text(
        '{"columns": {"license_number": "LIC_NO", "name": "FACILITY", "zip": "ZIP5"},'
        ' "license_types": {"CTR": "group_center"}}'
    )
    config = ColumnMap.from_json(mapping)
    lines = io.StringIO("LIC_NO,FACILITY,ZIP5,License Type\n77,Busy Bees,53703,CTR\n")
    report = program_import(actor=None, lines=lines, config=config)
    assert report.created == 1
    p = Program.objects.get(license_number="77")
    assert (p.name, p.license_type, p.county.fips) == ("Busy Bees", "group_center", "55025")


def test_a_bad_column_map_is_refused(tmp_path):
    mapping = tmp_path / "columns.json"
    mapping.write_text('{"columns": {"colour": "X"}}')
    with pytest.raises(ImportFileError, match="Unknown fields"):
        ColumnMap.from_json(mapping)


def test_only_alliance_admins_may_import():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        program_import(actor=UserFactory(role="program"), lines=csv_text([row()]))
    assert Program.objects.count() == 0
    admin = make_admin()
    assert program_import(actor=admin, lines=csv_text([row()])).created == 1
    assert Program.history.get().history_user == admin


def test_ages_served_for():
    assert ages_served_for(0, 11) == ["infant"]
    assert ages_served_for(12, 35) == ["toddler"]
    assert ages_served_for(36, 60) == ["preschool"]
    assert ages_served_for(6, 144) == ["infant", "preschool", "school_age", "toddler"]
    assert ages_served_for(None, None) == ["infant", "preschool", "school_age", "toddler"]


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_sample(fh, 40, seed=3)
        fh.write("bad,row\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_programs", str(path), stdout=out, stderr=err)
    assert "Imported 41 rows: 40 new, 0 updated, 0 unchanged, 0 no longer listed" in out.getvalue()
    assert "1 skipped for errors" in out.getvalue() and "line 42" in out.getvalue()
    assert "41 rows read" in err.getvalue()  # progress
    assert Program.objects.count() == 40
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_programs", str(tmp_path / "missing.csv"))


def test_the_sample_generator_is_deterministic():
    a, b = io.StringIO(), io.StringIO()
    write_sample(a, 50, seed=7)
    write_sample(b, 50, seed=7)
    assert a.getvalue() == b.getvalue()
    assert SAMPLE.read_text(encoding="utf-8").startswith(",".join(C.values()))


def test_the_admin_previews_then_imports_and_lists_bad_rows(client):
    admin = make_admin()
    client.force_login(admin)
    page = client.get("/admin/directory/program/import/")
    assert page.status_code == 200
    upload = io.BytesIO(csv_text([row("1"), row("2", zip="x")]).getvalue().encode())
    upload.name = "list.csv"
    preview = client.post("/admin/directory/program/import/", {"file": upload})
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.created, report.errors_total, report.errors[0].line) == (1, 1, 3)
    assert b"is not a known US ZIP code" in preview.content
    assert Program.objects.count() == 0  # a preview saves nothing
    done = client.post("/admin/directory/program/import/", {"token": preview.context["token"]})
    assert done.status_code == 302
    assert list(Program.objects.values_list("license_number", flat=True)) == ["1"]
    # The token is spent: a second confirmation imports nothing more.
    again = client.post("/admin/directory/program/import/", {"token": preview.context["token"]})
    assert again.status_code == 302 and Program.history.count() == 1


def test_the_admin_refuses_a_file_it_cannot_read(client):
    client.force_login(make_admin())
    upload = io.BytesIO(b"Name,Zip\nA,53703\n")
    upload.name = "list.csv"
    response = client.post("/admin/directory/program/import/", {"file": upload})
    assert response.status_code == 200 and "token" not in response.context
    assert b"has no column" in response.content
    assert Program.objects.count() == 0
