"""A report as a CSV download, streamed: rows are written as they are produced, so a large
export never sits whole in memory."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula to a spreadsheet: it is prefixed with a quote
# so that it is read as text (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer."""

    def write(self, value):
        return value


def safe_cell(value):
    """`value`, or, when a spreadsheet would run it as a formula, the same text quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable], *, bom: bool = True):
    """A streamed CSV download of `header` then `rows` (any iterable, consumed lazily), opened
    by a byte-order mark unless `bom` is false."""
    writer = csv.writer(_Echo())

    def lines():
        if bom:
            yield "\ufeff"  # a byte-order mark, so spreadsheet programs read UTF-8
        yield writer.writerow([safe_cell(v) for v in header])
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
