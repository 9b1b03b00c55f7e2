"""Spreadsheet exports: the one CSV and XLSX writer (formula injection).

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and WPS when the file is opened (OWASP "CSV injection"): a
customer named ``=HYPERLINK("http://…")`` would become a link in the accountant's sheet. Such
text is written with a leading single quote, so it is shown as the text it is.

Only text is quoted. Numbers the product writes itself (``Decimal``, ``int``, ``float``) are
written as numbers, so an amount of ``-12.00`` stays a number that sums; pass amounts as
``Decimal``, never formatted into strings. Dates are written as ``YYYY-MM-DD``.

Every export goes through ``csv_response`` / ``xlsx_response`` (a test fails on a
``csv.writer`` or ``openpyxl`` anywhere else). Personal data is masked before it gets here
(``core.masking``), and the caller logs the export (``core.services.log_access``).
"""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

__all__ = ["FORMULA_TRIGGERS", "csv_response", "safe_cell", "safe_row", "xlsx_response"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """``value`` as a spreadsheet cell: numbers as they are, dates as ISO text, None as "",
    and text that a spreadsheet would run as a formula prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    text = str(value)  # lazy translations included
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def pdf_response(content: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """A PDF, shown in the browser (``download``: saved as a file), under a name that may hold
    Chinese (RFC 6266, ``content_disposition_header``)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(download, filename)
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download, UTF-8 with the byte-order mark Excel needs to read it as UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return _attachment(response, filename)


def xlsx_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], *, title: str = ""
) -> HttpResponse:
    """An XLSX download. Text cells are typed as text (``t="s"``), so nothing in them is ever
    stored as a formula, and they are quoted like the CSV's for whoever edits the cell."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31] or None)

    def cells(values):
        out = []
        for value in safe_row(values):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            out.append(cell)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
