"""The HSDS tabular data package: datapackage.json and its CSV files agree with each other
and with HSDS 3.0's table schemas; every row is a valid HSDS record; only public data."""

import csv
import io
import json
import zipfile

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework.test import APIClient

from opendata import hsds
from opendata.datapackage import TABLES
from tests.factories import ConsultantFactory, county, language
from tests.opendata.schemas import schema, validate

pytestmark = pytest.mark.django_db

# Each resource's HSDS table schema (the compiled list schemas hold the one-to-one fields).
TABLE_SCHEMAS = {
    "organization": "compiled/organization_list.json",
    "service": "compiled/service_list.json",
    "language": "language.json",
    "service_area": "service_area.json",
    "location": ("compiled/service_at_location_list.json", "location"),
    "service_at_location": "compiled/service_at_location_list.json",
    "attribute": "attribute.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


def table_schema(name: str) -> dict:
    entry = TABLE_SCHEMAS[name]
    if isinstance(entry, tuple):
        return schema(entry[0])["properties"][entry[1]]
    return schema(entry)


def frictionless_type(prop: dict) -> str:
    return prop.get("datapackage_type", prop["type"])


@pytest.fixture
def package():
    listing = ConsultantFactory(
        display_name="Mai Vang",
        languages=[language(), language("hmn", "Hmong")],
        counties_served=[county()],
        endorsements=["infant_family_specialist"],
    )
    ConsultantFactory(display_name="Hidden Draft", listing_status="draft")
    response = APIClient().get("/api/hsds/datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return listing, archive


def read_csv(archive, path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(path).decode("utf-8"))))


def test_descriptor_matches_the_hsds_table_schemas(package):
    _, archive = package
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    names = [r["name"] for r in descriptor["resources"]]
    assert names == [name for name, _, _ in TABLES]
    for resource in descriptor["resources"]:
        hsds_table = table_schema(resource["name"])
        assert resource["path"] in (hsds_table["path"], "service_at_location.csv")
        assert resource["profile"] == hsds_table["datapackage_metadata"]["profile"]
        for field in resource["schema"]["fields"]:
            if field["name"].startswith("x_"):  # this feed's extensions
                continue
            prop = hsds_table["properties"][field["name"]]
            assert field["type"] == frictionless_type(prop), (resource["name"], field["name"])
            if "format" in field:
                assert field["format"] == prop.get("format"), (resource["name"], field["name"])
        required = set(hsds_table.get("required", [])) | set(hsds_table.get("tabular_required", []))
        assert required <= {f["name"] for f in resource["schema"]["fields"]}, resource["name"]


def _typed(row: dict, fields: list[dict]) -> dict:
    """A CSV row as an HSDS JSON record (empty cells left out; numbers as numbers)."""
    out = {}
    for field in fields:
        value = row[field["name"]]
        if value == "":
            continue
        out[field["name"]] = float(value) if field["type"] in ("number", "integer") else value
    return out


def test_every_row_is_a_valid_hsds_record_and_keys_resolve(package):
    listing, archive = package
    descriptor = json.loads(archive.read("datapackage.json"))
    ids: dict[str, set[str]] = {}
    tables = {}
    for resource in descriptor["resources"]:
        rows = read_csv(archive, resource["path"])
        fields = resource["schema"]["fields"]
        header = archive.read(resource["path"]).decode("utf-8").splitlines()[0]
        assert header.split(",") == [f["name"] for f in fields]
        hsds_table = table_schema(resource["name"])
        tables[resource["name"]] = rows
        for row in rows:
            record = {k: v for k, v in _typed(row, fields).items() if not k.startswith("x_")}
            validate_against = dict(hsds_table)
            validate_against["properties"] = {
                k: v
                for k, v in hsds_table["properties"].items()
                if "$ref" not in v
                and v.get("type") != "array"
                and v.get("type", "object") != "object"
            }
            Draft202012Validator(validate_against, format_checker=FormatChecker()).validate(record)
            for name in hsds_table.get("tabular_required", []):
                assert row[name], (resource["name"], name)
        ids[resource["name"]] = {row["id"] for row in rows}
        assert len(ids[resource["name"]]) == len(rows)  # ids are unique
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = ids[key["reference"]["resource"]]
            for row in tables[resource["name"]]:
                assert row[key["fields"]] in target | {""}, (resource["name"], key)
    assert ids["service"] == {hsds.hsds_id("service", listing.pk)}
    assert len(tables["language"]) == 2 and len(tables["service_at_location"]) == 2


def test_the_package_holds_only_public_data(package):
    listing, archive = package
    text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert listing.contact_email not in text
    assert "Hidden Draft" not in text
    assert listing.public_email in text


def test_services_csv_agrees_with_the_api(package):
    listing, archive = package
    row = read_csv(archive, "services.csv")[0]
    api = hsds.service(listing)
    validate("compiled/service_list.json", api)
    assert row["id"] == api["id"] and row["name"] == api["name"]
    assert row["x_places_free"] == str(api["x_places_free"])
