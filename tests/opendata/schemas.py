"""The stored HSDS 3.0 schemas (hsds_schema/, CC BY-SA 4.0: see its NOTICE.md), as validators."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
FILES = (
    "compiled/service_list.json",
    "compiled/organization_list.json",
    "compiled/service_at_location_list.json",
    "taxonomy.json",
    "taxonomy_term.json",
    "attribute.json",
    "language.json",
    "service_area.json",
    "page.json",
)


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


@cache
def _registry() -> Registry:
    # HSDS's schemas refer to each other by file name ("taxonomy_term.json").
    resources = [
        (Path(name).name, Resource.from_contents(schema(name), default_specification=DRAFT202012))
        for name in FILES
    ]
    return Registry().with_resources(resources)


def validate(name: str, instance) -> None:
    """Raise jsonschema's ValidationError unless `instance` is valid against schema `name`."""
    validator = Draft202012Validator(
        schema(name), registry=_registry(), format_checker=FormatChecker()
    )
    validator.validate(instance)


def validate_page(body: dict, item_schema: str) -> None:
    validate("page.json", body)
    assert set(body) >= {"total_items", "total_pages", "page_number", "size", "contents"}
    for item in body["contents"]:
        validate(item_schema, item)


def validate_full_service(record: dict) -> None:
    """A nested service: its own fields, then each related list against its table's schema."""
    nested = {"languages", "service_areas", "service_at_locations", "attributes"}
    validate("compiled/service_list.json", {k: v for k, v in record.items() if k not in nested})
    for item in record["languages"]:
        validate("language.json", item)
    for item in record["service_areas"]:
        validate("service_area.json", item)
    for item in record["service_at_locations"]:
        validate("compiled/service_at_location_list.json", item)
    for item in record["attributes"]:
        validate("attribute.json", item)
