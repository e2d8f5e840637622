"""Tables as downloads, CSV or XLSX, streamed: a CSV row is written as it is read, an XLSX is
built row by row in openpyxl's write-only mode into a temporary file that is then streamed, so a
national-scale export never holds the whole table in memory. The view that offers an export
checks the same rights as the page it belongs to."""

import tempfile
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from iecmhc import streamed_csv
from iecmhc.streamed_csv import safe_cell

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    """A cell as a spreadsheet should read it: empty for None, a formula-like text as text."""
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
    """The funder report's main table (rows, then the totals) as a header and rows."""
    keys = [key for key, _ in report["columns"]]
    header = [str(report["by_label"]), *[str(label) for _, label in report["columns"]]]
    rows = [[row["label"], *[row[k] for k in keys]] for row in report["rows"]]
    rows.append([str(report["totals"]["label"]), *[report["totals"][k] for k in keys]])
    return header, rows
