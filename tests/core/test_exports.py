"""Spreadsheet exports neutralise formulas (OWASP "CSV injection").

A cell whose text begins with =, +, -, @, a tab or a carriage return is run as a formula by
Excel, LibreOffice and WPS when the file is opened: ``=HYPERLINK("http://x", "点此")`` typed
as a customer's name becomes a link in the accountant's spreadsheet. Such text is written
with a leading single quote; numbers the product writes itself stay numbers."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib import admin

from core.exports import csv_response, safe_cell, xlsx_response

ROOT = Path(__file__).resolve().parents[2]
FORMULA = '=HYPERLINK("http://x","点此")'


@pytest.mark.parametrize(
    "text",
    [FORMULA, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=1+1", "-", "+86 138"],
)
def test_text_that_a_spreadsheet_would_run_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["王秀英", "1201", "CH1-3-1-1201", "", "a=b", " =1", "'=1"])
def test_other_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_numbers_dates_and_empty_values_are_not_quoted():
    assert safe_cell(Decimal("-12.00")) == Decimal("-12.00")
    assert safe_cell(-3) == -3
    assert safe_cell(-1.5) == -1.5
    assert safe_cell(datetime.date(2026, 10, 31)) == "2026-10-31"
    assert safe_cell(None) == ""
    assert safe_cell(True) is True


def test_lazy_translations_are_text():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("en"):
        assert safe_cell(gettext_lazy("Unit")) == "Unit"


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_writer_quotes_text_and_keeps_numbers():
    response = csv_response(
        "t.csv", ["name", "owed"], [[FORMULA, Decimal("-12.00")], ["王", Decimal("5.5")]]
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 with the BOM
    assert 'attachment; filename="t.csv"' in response["Content-Disposition"]
    assert _csv_rows(response) == [["name", "owed"], ["'" + FORMULA, "-12.00"], ["王", "5.5"]]


def test_the_xlsx_writer_stores_text_as_text_and_numbers_as_numbers():
    response = xlsx_response(
        "t.xlsx",
        ["name", "owed", "day"],
        [[FORMULA, Decimal("-12.00"), datetime.date(2026, 10, 31)], ["=1+1", 3, None]],
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    name, owed, day = sheet[2]
    assert name.data_type == "s" and name.value == "'" + FORMULA  # never a formula ("f")
    assert owed.data_type == "n" and owed.value == -12
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "'=1+1"
    assert day.value == "2026-10-31"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Every writer goes through core.exports ---------------------------------------------
_WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|openpyxl|xlsxwriter|tablib\.Dataset\(")


def test_no_spreadsheet_is_written_outside_core_exports():
    """A CSV or XLSX written elsewhere would skip the neutralisation: one writer serves all."""
    offenders = []
    for app in ("core", "customers", "records", "documents", "archive_project"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "core" / "exports.py":
                continue
            if _WRITERS.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_admin_offers_an_export():
    """django-import-export is used for the unit import only: no admin has an export action
    or page, which would write model fields unneutralised (and unmasked)."""
    from import_export.admin import ExportMixin

    exporting = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ExportMixin)
        or any("export" in str(action) for action in (model_admin.actions or []))
    ]
    assert exporting == []
