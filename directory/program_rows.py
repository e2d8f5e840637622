"""The rows of the state's list of licensed programs: which column holds what (`ColumnMap`,
docs/program-import.md) and how one row becomes a program's fields, or the reasons it cannot.
directory.program_import reads the file with these and writes the programs."""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from directory import geo
from directory.models import County, single_line
from directory.vocabularies import AgeGroup, ProgramLicenseType, SettingType

# What each field of the import is called in the state's file (Wisconsin DCF's export, as
# the sample in samples/ lays it out). Override with a JSON file: see docs/program-import.md.
DEFAULT_COLUMNS = {
    "license_number": "License Number",
    "name": "Program Name",
    "street": "Street Address",
    "city": "City",
    "zip": "Zip Code",
    "county": "County",
    "license_type": "License Type",
    "capacity": "Licensed Capacity",
    "age_min_months": "Minimum Age (Months)",
    "age_max_months": "Maximum Age (Months)",
    "accepts_subsidy": "Accepts Subsidy",
    "quality_rating": "Quality Rating",
}
REQUIRED_FIELDS = ("license_number", "name", "zip")
# The state's license type labels, lower-cased, and what they are here.
DEFAULT_LICENSE_TYPES = {
    "licensed group": ProgramLicenseType.GROUP_CENTER,
    "group": ProgramLicenseType.GROUP_CENTER,
    "licensed family": ProgramLicenseType.FAMILY,
    "family": ProgramLicenseType.FAMILY,
    "certified family": ProgramLicenseType.CERTIFIED_FAMILY,
    "certified": ProgramLicenseType.CERTIFIED_FAMILY,
    "licensed day camp": ProgramLicenseType.DAY_CAMP,
    "day camp": ProgramLicenseType.DAY_CAMP,
    "school age": ProgramLicenseType.SCHOOL_AGE,
    "other": ProgramLicenseType.OTHER,
}
# A new program's setting type follows from its license type (a program may change it later).
SETTING_FOR_LICENSE = {
    ProgramLicenseType.GROUP_CENTER: SettingType.CHILD_CARE_CENTER,
    ProgramLicenseType.FAMILY: SettingType.FAMILY_CHILD_CARE,
    ProgramLicenseType.CERTIFIED_FAMILY: SettingType.FAMILY_CHILD_CARE,
}
# The ages (months, from inclusive, to exclusive) each age group covers.
AGE_GROUP_MONTHS = {
    AgeGroup.INFANT: (0, 12),
    AgeGroup.TODDLER: (12, 36),
    AgeGroup.PRESCHOOL: (36, 72),
    AgeGroup.SCHOOL_AGE: (72, 301),
}
YES = {"y", "yes", "true", "1", "x"}
NO = {"n", "no", "false", "0"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (no header, a required column missing)."""


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the state's file holds each field, the state the list covers, and
    what its license type labels mean."""

    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    state: str = "WI"
    license_types: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LICENSE_TYPES))

    @classmethod
    def from_json(cls, path: str | Path) -> "ColumnMap":
        """A map from a JSON file: {"columns": {...}, "state": "WI", "license_types": {...}};
        keys it leaves out keep their defaults."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ImportFileError(f"Cannot read the column map {path}: {exc}") from None
        if not isinstance(data, dict):
            raise ImportFileError("The column map must be a JSON object.")
        unknown = set(data.get("columns", {})) - set(DEFAULT_COLUMNS)
        if unknown:
            raise ImportFileError(f"Unknown fields in the column map: {', '.join(sorted(unknown))}")
        types = {k.lower(): v for k, v in data.get("license_types", {}).items()}
        bad = {v for v in types.values() if v not in ProgramLicenseType.values}
        if bad:
            raise ImportFileError(f"Unknown license types in the column map: {sorted(bad)}")
        return cls(
            columns={**DEFAULT_COLUMNS, **data.get("columns", {})},
            state=str(data.get("state", "WI")).upper(),
            license_types={**DEFAULT_LICENSE_TYPES, **types},
        )


def _text(raw: dict, columns: dict, key: str) -> str | None:
    """The stripped cell of `key`'s column, or None when the file has no such column."""
    column = columns.get(key)
    if column is None or column not in raw:
        return None
    value = raw[column]
    return (value or "").strip() if isinstance(value, str) else ""


def _int(text: str, *, label: str, low: int, high: int, errors: list[str]) -> int | None:
    if not text:
        return None
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        errors.append(f"{label} must be a whole number, not {text[:30]!r}.")
        return None
    if not low <= value <= high:
        errors.append(f"{label} must be between {low} and {high}, not {value}.")
        return None
    return value


def ages_served_for(min_months: int | None, max_months: int | None) -> list[str]:
    """The age groups a licensed age range overlaps (all of them when the range is unknown)."""
    low = 0 if min_months is None else min_months
    high = 300 if max_months is None else max_months
    # Sorted, as CodeListField stores them, so that an unchanged row compares equal.
    return sorted(
        code for code, (start, end) in AGE_GROUP_MONTHS.items() if low < end and high >= start
    )


class Counties:
    """The counties of the list's state, by spelling-insensitive name (loaded once)."""

    def __init__(self, state: str):
        self.by_key = {geo.county_key(c.name): c for c in County.objects.filter(state=state)}
        self.by_fips = {c.fips: c for c in self.by_key.values()}

    def named(self, name: str) -> County | None:
        return self.by_key.get(geo.county_key(name))

    def for_place(self, place: geo.ZipPlace) -> County | None:
        fips = geo.county_fips(place.state, place.county_name)
        return self.by_fips.get(fips) or self.named(place.county_name)


def parse_row(raw: dict, *, config: ColumnMap, counties: Counties) -> tuple[dict, list[str]]:
    """The fields of one row, checked, and the list of what is wrong with it."""
    cols, errors = config.columns, []
    values: dict = {}

    def text(key: str) -> str | None:
        return _text(raw, cols, key)

    def checked(label: str, value: str, max_length: int) -> str:
        if len(value) > max_length:
            errors.append(f"{label} is longer than {max_length} characters.")
        try:
            single_line(value)
        except ValidationError:
            errors.append(f"{label} must be a single line.")
        return value[:max_length]

    license_number = text("license_number") or ""
    if not license_number:
        errors.append("License number is missing.")
    values["license_number"] = checked("License number", license_number, 40)
    name = text("name") or ""
    if not name:
        errors.append("Program name is missing.")
    values["name"] = checked("Program name", name, 200)
    street = text("street")
    if street is not None:
        values["street"] = checked("Street address", street, 200)

    zip_code = geo.normalize_zip(text("zip") or "")
    place = geo.zip_lookup(zip_code)
    if place is None:
        errors.append(f"{zip_code or 'The ZIP code'!s} is not a known US ZIP code.")
    elif place.state != config.state:
        errors.append(f"ZIP code {zip_code} is in {place.state}, not {config.state}.")
        place = None
    if place is not None:
        values.update(
            zip=zip_code, state=place.state, latitude=place.latitude, longitude=place.longitude
        )
        city = text("city")
        values["city"] = checked("City", city or place.city, 100)
        county_name = text("county")
        county = counties.named(county_name) if county_name else counties.for_place(place)
        if county is None:
            errors.append(
                f"No county {county_name!r} in {config.state}."
                if county_name
                else f"The county of ZIP code {zip_code} is not loaded."
            )
        else:
            values["county_id"] = county.pk

    license_type = text("license_type")
    if license_type is not None:
        code = config.license_types.get(license_type.lower()) if license_type else ""
        if code is None:
            errors.append(f"Unknown license type {license_type[:40]!r}.")
        else:
            values["license_type"] = code
    capacity = text("capacity")
    if capacity is not None:
        values["licensed_capacity"] = _int(
            capacity, label="Licensed capacity", low=0, high=10000, errors=errors
        )
    age_min, age_max = text("age_min_months"), text("age_max_months")
    if age_min is not None or age_max is not None:
        low = _int(age_min or "", label="Minimum age", low=0, high=300, errors=errors)
        high = _int(age_max or "", label="Maximum age", low=0, high=300, errors=errors)
        if low is not None and high is not None and low > high:
            errors.append(f"Minimum age ({low} months) is above maximum age ({high} months).")
        values.update(
            licensed_age_min_months=low,
            licensed_age_max_months=high,
            ages_served=ages_served_for(low, high),
        )
    subsidy = text("accepts_subsidy")
    if subsidy is not None:
        flag = subsidy.lower()
        if flag and flag not in YES | NO:
            errors.append(f"Accepts subsidy must be yes or no, not {subsidy[:20]!r}.")
        values["accepts_subsidy"] = True if flag in YES else False if flag in NO else None
    rating = text("quality_rating")
    if rating is not None:
        values["quality_rating"] = _int(
            rating, label="Quality rating", low=1, high=5, errors=errors
        )
    values["is_active"] = True
    return values, errors


def data_rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    """Each data row with the line it starts on (quoted cells may span lines)."""
    while True:
        line = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        yield line, raw


def check_header(reader: csv.DictReader, config: ColumnMap) -> None:
    header = reader.fieldnames
    if not header:
        raise ImportFileError("The file is empty: it has no header row.")
    missing = [config.columns[k] for k in REQUIRED_FIELDS if config.columns[k] not in header]
    if missing:
        raise ImportFileError(
            f"The file has no column {', '.join(repr(m) for m in missing)}. "
            f"Its columns are: {', '.join(header[:30])}."
        )
