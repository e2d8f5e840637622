"""The feed as HSDS's tabular format: one CSV file per table, and datapackage.json (a
Frictionless tabular data package) describing them. Built from the same records as the API."""

import csv
import io
import json
import zipfile
from collections.abc import Iterable

from directory.models import Consultant
from opendata import hsds

S, N = "string", "number"
# HSDS's tables as this feed fills them: (resource name, file, [(field, type, format)]).
# Field names and types are HSDS 3.0's (tests check them against its schemas); x_ fields are
# this feed's extensions.
TABLES = (
    (
        "organization",
        "organizations.csv",
        [("id", S, "uuid"), ("name", S, None), ("description", S, None), ("email", S, "email")],
    ),
    (
        "service",
        "services.csv",
        [
            ("id", S, "uuid"),
            ("organization_id", S, "uuid"),
            ("name", S, None),
            ("description", S, None),
            ("email", S, "email"),
            ("status", S, None),
            ("eligibility_description", S, None),
            ("application_process", S, None),
            ("minimum_age", N, None),
            ("maximum_age", N, None),
            ("accreditations", S, None),
            ("assured_date", "date", None),
            ("last_modified", "datetime", None),
            (hsds.PLACES_FREE_FIELD, "integer", None),
        ],
    ),
    (
        "language",
        "languages.csv",
        [("id", S, "uuid"), ("service_id", S, "uuid"), ("name", S, None), ("code", S, None)],
    ),
    (
        "service_area",
        "service_areas.csv",
        [
            ("id", S, "uuid"),
            ("service_id", S, "uuid"),
            ("name", S, None),
            ("description", S, None),
            ("uri", S, None),
        ],
    ),
    (
        "location",
        "locations.csv",
        [
            ("id", S, "uuid"),
            ("location_type", S, None),
            ("organization_id", S, "uuid"),
            ("name", S, None),
            ("description", S, None),
            ("latitude", N, None),
            ("longitude", N, None),
        ],
    ),
    (
        "service_at_location",
        "service_at_location.csv",
        [
            ("id", S, "uuid"),
            ("service_id", S, "uuid"),
            ("location_id", S, "uuid"),
            ("description", S, None),
        ],
    ),
    (
        "attribute",
        "attributes.csv",
        [
            ("id", S, "uuid"),
            ("link_id", S, "uuid"),
            ("link_entity", S, None),
            ("link_type", S, None),
            ("taxonomy_term_id", S, "uuid"),
        ],
    ),
    (
        "taxonomy",
        "taxonomies.csv",
        [("id", S, "uuid"), ("name", S, None), ("description", S, None), ("version", S, None)],
    ),
    (
        "taxonomy_term",
        "taxonomy_terms.csv",
        [
            ("id", S, "uuid"),
            ("code", S, None),
            ("name", S, None),
            ("description", S, None),
            ("parent_id", S, None),
            ("taxonomy", S, None),
            ("taxonomy_id", S, None),
            ("language", S, None),
        ],
    ),
)
FOREIGN_KEYS = {
    "service": [("organization_id", "organization")],
    "language": [("service_id", "service")],
    "service_area": [("service_id", "service")],
    "location": [("organization_id", "organization")],
    "service_at_location": [("service_id", "service"), ("location_id", "location")],
    "attribute": [("taxonomy_term_id", "taxonomy_term")],
    "taxonomy_term": [("taxonomy_id", "taxonomy"), ("parent_id", "taxonomy_term")],
}


def descriptor() -> dict:
    """datapackage.json."""
    resources = []
    for name, path, fields in TABLES:
        schema = {
            "fields": [
                {"name": f, "type": t, **({"format": fmt} if fmt else {})} for f, t, fmt in fields
            ],
            "primaryKey": "id",
        }
        if name in FOREIGN_KEYS:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": target, "fields": "id"}}
                for field, target in FOREIGN_KEYS[name]
            ]
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": "wisconsin-iecmhc-consultants",
        "title": "Wisconsin infant and early childhood mental health consultants (HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }


def rows(listings: Iterable[Consultant]) -> dict[str, list[dict]]:
    """Every table's rows, for the listings given."""
    tables: dict[str, list[dict]] = {name: [] for name, _, _ in TABLES}
    for consultant in listings:
        tables["organization"].append(hsds.organization(consultant))
        tables["service"].append(hsds.service(consultant))
        tables["language"] += hsds.languages(consultant)
        tables["service_area"] += hsds.service_areas(consultant)
        for record in hsds.service_at_locations(consultant):
            tables["location"].append(record["location"])
            tables["service_at_location"].append(record)
        tables["attribute"] += hsds.attributes(consultant)
    tables["taxonomy"].append(hsds.taxonomy())
    tables["taxonomy_term"] = hsds.taxonomy_terms()
    return tables


def _csv(fields, records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=[f for f, _, _ in fields], extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def build_zip(listings: Iterable[Consultant]) -> bytes:
    """The data package as a zip file's bytes."""
    tables = rows(listings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor(), indent=2))
        for name, path, fields in TABLES:
            archive.writestr(path, _csv(fields, tables[name]))
    return buffer.getvalue()
