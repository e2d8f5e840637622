"""Import the state's list of licensed child care programs (a CSV file) into `Program`.

The list is the universe of programs that could ask for consultation: reach is measured
against it. The import

- is keyed by license number: a program already known by that number is updated (only the
  fields the list carries; never its members, languages or requests), a new number creates a
  program, and a listed program missing from the file is marked inactive, never deleted;
- streams: rows are read one at a time and written in batches, so memory does not grow with
  the file (only the first errors and changes are kept for the report);
- checks every row before writing it: a bad row is reported (line, license number, what is
  wrong) and skipped; a row is written whole or not at all;
- can run as a preview (`dry_run`): everything is done inside a transaction that is rolled
  back, so the report says exactly what a real run would change.

The file's column names differ between states and years: `ColumnMap` says which column holds
what (docs/program-import.md). Why plain `csv` and bulk writes rather than django-import-export:
its admin import previews nicely, but it loads the whole file into memory (tablib) and saves
row by row, which does not fit a 200,000-row list.
"""

import contextlib
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import is_alliance_admin
from directory import geo
from directory.models import County, Program, single_line
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
# The fields an import writes (and compares, to tell an update from an unchanged row).
IMPORTED_FIELDS = (
    "name",
    "street",
    "city",
    "state",
    "zip",
    "county_id",
    "latitude",
    "longitude",
    "license_type",
    "licensed_capacity",
    "licensed_age_min_months",
    "licensed_age_max_months",
    "ages_served",
    "accepts_subsidy",
    "quality_rating",
    "is_active",
)
MAX_ERRORS_KEPT = 1000
MAX_CHANGES_KEPT = 200
BATCH_SIZE = 1000


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


@dataclass
class RowError:
    line: int
    license_number: str
    messages: list[str]


@dataclass
class RowChange:
    line: int
    license_number: str
    action: str  # "create", "update", "reactivate"
    fields: list[str]


@dataclass
class ImportReport:
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.errors_total

    def add_error(self, line: int, license_number: str, messages: list[str]) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(line, license_number, messages))

    def add_change(self, line: int, license_number: str, action: str, fields: list[str]):
        if len(self.changes) < MAX_CHANGES_KEPT:
            self.changes.append(RowChange(line, license_number, action, fields))


@dataclass
class _Row:
    line: int
    values: dict


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


class _Counties:
    """The counties of the list's state, by spelling-insensitive name (loaded once)."""

    def __init__(self, state: str):
        self.by_key = {geo.county_key(c.name): c for c in County.objects.filter(state=state)}
        self.by_fips = {c.fips: c for c in self.by_key.values()}

    def named(self, name: str) -> County | None:
        return self.by_key.get(geo.county_key(name))

    def for_place(self, place: geo.ZipPlace) -> County | None:
        fips = geo.county_fips(place.state, place.county_name)
        return self.by_fips.get(fips) or self.named(place.county_name)


def _parse(raw: dict, *, config: ColumnMap, counties: _Counties) -> tuple[dict, list[str]]:
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


def _rows(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    """Each data row with the line it starts on (quoted cells may span lines)."""
    while True:
        line = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        yield line, raw


def _check_header(reader: csv.DictReader, config: ColumnMap) -> None:
    header = reader.fieldnames
    if not header:
        raise ImportFileError("The file is empty: it has no header row.")
    missing = [config.columns[k] for k in REQUIRED_FIELDS if config.columns[k] not in header]
    if missing:
        raise ImportFileError(
            f"The file has no column {', '.join(repr(m) for m in missing)}. "
            f"Its columns are: {', '.join(header[:30])}."
        )


def program_import(
    *,
    actor,
    lines: Iterable[str],
    config: ColumnMap | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import the state's list of licensed programs from CSV `lines` (a text file object).

    The actor must be an Alliance admin (the command runs as one). With `dry_run`, the
    report tells what would change and nothing is saved. Raises ImportFileError when the file
    cannot be read at all (nothing is written then).
    """
    if actor is not None and not is_alliance_admin(actor):
        raise PermissionDenied("Only Alliance admins may import the licensing list.")
    config = config or ColumnMap()
    reader = csv.DictReader(lines)
    try:
        _check_header(reader, config)
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV: {exc}") from None
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text.") from None
    report = ImportReport(dry_run=dry_run)
    started = timezone.now()
    counties = _Counties(config.state)
    # A preview does everything inside one transaction and rolls it back. A real run commits
    # batch by batch (a row is written whole or not at all); programs missing from the file
    # are marked inactive only once the whole file has been read.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        batch: list[_Row] = []
        try:
            for line, raw in _rows(reader):
                report.rows_read += 1
                if None in raw:  # more cells than the header has columns
                    report.add_error(line, "", ["The row has more cells than the header."])
                    continue
                values, errors = _parse(raw, config=config, counties=counties)
                if errors:
                    report.add_error(line, values.get("license_number", ""), errors)
                    continue
                batch.append(_Row(line, values))
                if len(batch) >= batch_size:
                    _write_batch(batch, report=report, actor=actor, started=started)
                    batch = []
                    if progress is not None:
                        progress(report)
        except csv.Error as exc:
            raise ImportFileError(
                f"The file is not valid CSV near line {reader.line_num}: {exc}"
            ) from None
        except UnicodeDecodeError:
            raise ImportFileError(
                f"The file is not UTF-8 text (near line {reader.line_num})."
            ) from None
        if batch:
            _write_batch(batch, report=report, actor=actor, started=started)
        with transaction.atomic():
            report.deactivated = _deactivate_missing(started=started, actor=actor)
        if progress is not None:
            progress(report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write_batch(batch: list[_Row], *, report: ImportReport, actor, started) -> None:
    """Create, update or leave each row's program; note every program seen in this run."""
    by_number: dict[str, _Row] = {}
    for row in batch:
        number = row.values["license_number"]
        if number in by_number:
            report.add_error(
                row.line, number, [f"License number repeats line {by_number[number].line}."]
            )
            continue
        by_number[number] = row
    # Whole rows: the history rows copy every field, and a deferred one would cost a query each.
    existing = {
        p.license_number: p for p in Program.objects.filter(license_number__in=list(by_number))
    }
    now = timezone.now()
    to_create, to_update, seen, changed_fields = [], [], [], set()
    for number, row in by_number.items():
        program = existing.get(number)
        if program is None:
            values = dict(row.values)
            setting = SETTING_FOR_LICENSE.get(values.get("license_type"), SettingType.OTHER)
            values.setdefault("ages_served", ages_served_for(None, None))
            to_create.append(
                Program(
                    **values,
                    setting_type=setting,
                    license_list_seen_at=started,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.created += 1
            report.add_change(row.line, number, "create", sorted(row.values))
            continue
        if program.license_list_seen_at is not None and program.license_list_seen_at >= started:
            report.add_error(row.line, number, ["License number appears twice in the file."])
            continue
        fields = [
            name
            for name, value in row.values.items()
            if name != "license_number" and getattr(program, name) != value
        ]
        seen.append(program.pk)
        if not fields:
            report.unchanged += 1
            continue
        action = "reactivate" if "is_active" in fields else "update"
        for name in fields:
            setattr(program, name, row.values[name])
        program.updated_at = now
        changed_fields.update(fields)
        to_update.append(program)
        report.updated += 1
        report.add_change(row.line, number, action, sorted(fields))
    with transaction.atomic():
        if to_create:
            bulk_create_with_history(
                to_create,
                Program,
                batch_size=len(to_create),
                default_user=actor,
                default_change_reason="Licensing list import",
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Program,
                sorted(changed_fields | {"updated_at"}),
                batch_size=len(to_update),
                default_user=actor,
                default_change_reason="Licensing list import",
            )
        if seen:
            Program.objects.filter(pk__in=seen).update(license_list_seen_at=started)


def _deactivate_missing(*, started, actor) -> int:
    """Mark inactive the listed programs this run did not see (they left the state's list)."""
    gone = Program.objects.filter(
        is_active=True, license_list_seen_at__isnull=False, license_list_seen_at__lt=started
    ).exclude(license_number="")
    total, now = 0, timezone.now()
    while True:
        chunk = list(gone[:BATCH_SIZE])
        if not chunk:
            return total
        for program in chunk:
            program.is_active, program.updated_at = False, now
        bulk_update_with_history(
            chunk,
            Program,
            ["is_active", "updated_at"],
            batch_size=len(chunk),
            default_user=actor,
            default_change_reason="Left the licensing list",
        )
        total += len(chunk)
