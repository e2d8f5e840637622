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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import is_alliance_admin
from directory.models import Program
from directory.program_rows import (
    SETTING_FOR_LICENSE,
    ColumnMap,
    Counties,
    ImportFileError,
    ages_served_for,
    check_header,
    data_rows,
    parse_row,
)
from directory.vocabularies import SettingType

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
        check_header(reader, config)
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV: {exc}") from None
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text.") from None
    report = ImportReport(dry_run=dry_run)
    started = timezone.now()
    counties = Counties(config.state)
    # A preview does everything inside one transaction and rolls it back. A real run commits
    # batch by batch (a row is written whole or not at all); programs missing from the file
    # are marked inactive only once the whole file has been read.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        batch: list[_Row] = []
        try:
            for line, raw in data_rows(reader):
                report.rows_read += 1
                if None in raw:  # more cells than the header has columns
                    report.add_error(line, "", ["The row has more cells than the header."])
                    continue
                values, errors = parse_row(raw, config=config, counties=counties)
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
