"""Import the state's list of licensed child care programs: manage.py import_programs FILE.csv"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.program_import import ImportReport, program_import
from directory.program_rows import ColumnMap, ImportFileError


class Command(BaseCommand):
    help = (
        "Import the state's list of licensed child care programs from a CSV file: "
        "create and update programs by license number, mark those no longer listed inactive."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8)")
        parser.add_argument(
            "--columns", help="a JSON file mapping fields to the file's column names"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, save nothing"
        )
        parser.add_argument(
            "--actor", help="the Alliance admin's username recorded in the programs' history"
        )
        parser.add_argument(
            "--errors", type=int, default=50, help="how many bad rows to list (default 50)"
        )

    def handle(self, *args, file, columns, dry_run, actor, errors, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"No user {actor!r}.")
        try:
            config = ColumnMap.from_json(columns) if columns else ColumnMap()
            with open(file, encoding="utf-8-sig", newline="") as lines:
                report = program_import(
                    actor=user, lines=lines, config=config, dry_run=dry_run, progress=self.progress
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write("")
        for error in report.errors[:errors]:
            self.stdout.write(
                f"line {error.line} ({error.license_number or 'no license number'}): "
                + " ".join(error.messages)
            )
        if report.errors_total > errors:
            self.stdout.write(f"... and {report.errors_total - errors} more bad rows.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.rows_read} rows: {report.created} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.deactivated} no longer listed (inactive), "
            f"{report.errors_total} skipped for errors."
        )

    def progress(self, report: ImportReport) -> None:
        self.stderr.write(
            f"\r{report.rows_read} rows read: {report.created} new, {report.updated} updated, "
            f"{report.errors_total} bad",
            ending="",
        )
        self.stderr.flush()
