"""Tables as downloads, CSV or XLSX, streamed: a CSV row is written as it is read, an XLSX is
built row by row in openpyxl's write-only mode into a temporary file that is then streamed, so a
national-scale export never holds the whole table in memory. The view that offers an export
checks the same rights as the page it belongs to."""

import tempfile
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook

from iecmhc import streamed_csv
from iecmhc.streamed_csv import safe_cell

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    """A cell as a spreadsheet should read it: empty for None, a translated label as its text
    in the reader's language, a formula-like text as text."""
    if isinstance(value, Promise):
        value = str(value)
    return "" if value is None else safe_cell(value)


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    return streamed_csv.csv_response(f"{filename}.csv", [str(h) for h in header], rows, bom=False)


def xlsx_response(filename: str, header: list[str], rows: Iterable[list]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append([safe_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def export_response(fmt: str, filename: str, header: list[str], rows: Iterable[list]):
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows)
    return csv_response(filename, header, rows)


def funder_rows(report: dict) -> tuple[list[str], list[list]]:
    """The funder report's tables as one: each breakdown's rows then its totals, and last the
    count of tribal programs not shown (docs/domain.md, "Tribal nations")."""
    keys = [key for key, _ in report["columns"]]
    header = [str(_("Breakdown")), str(_("Row")), *[str(label) for _, label in report["columns"]]]
    rows = []
    for table in report["tables"]:
        by = str(table["by_label"])
        rows += [[by, row["label"], *[row[k] for k in keys]] for row in table["rows"]]
        rows.append([by, str(report["totals"]["label"]), *[report["totals"][k] for k in keys]])
    programs = [report["tribal_programs_not_shown"] if k == "programs" else None for k in keys]
    rows.append([str(_("Tribal programs not shown")), "", *programs])
    return header, rows
