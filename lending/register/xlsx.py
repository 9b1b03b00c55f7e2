"""The loan register as a spreadsheet, through ``core.exports.xlsx_response`` (the one writer:
text that a spreadsheet would run as a formula is quoted). One row per loan, the columns of
the printed register with the borrower's parts apart; times in Asia/Shanghai; the
credential number comes masked from the selector (R16). No queries here."""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.exports import xlsx_response
from core.pdf import PRINT_ZONE

# (key, header) of each column, in their order
COLUMNS = (
    ("number", _("Loan number")),
    ("archive_number", _("Archive number")),
    ("item_count", _("Items")),
    ("titles", _("Titles")),
    ("hidden_items", _("Items not shown to you")),
    ("borrower_kind", _("Borrower kind")),
    ("borrower", _("Borrower")),
    ("party", _("Outside party")),
    ("party_organisation", _("Organisation")),
    ("party_person", _("Person")),
    ("party_credential", _("Credential number")),
    ("mode", _("Mode")),
    ("purpose", pgettext_lazy("loan", "Purpose")),
    ("requested_by", _("Registered by")),
    ("requested_at", _("Requested at")),
    ("approved_by", _("Approved by")),
    ("approved_at", _("Approved at")),
    ("handed_out_at", _("Handed out at")),
    ("due_on", _("Due on")),
    ("renewals", _("Renewals")),
    ("returned_at", _("Returned at")),
    ("status", _("Status")),
    ("escalated", _("Escalated")),
)
KEYS = [key for key, _label in COLUMNS]


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _moment(value):
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value, PRINT_ZONE):%Y-%m-%d %H:%M}"
    return value  # a date is written as YYYY-MM-DD by core.exports; None as ""


def values(row) -> list:
    shown = {
        **row,
        "titles": "、".join(row["titles"]),
        "borrower_kind": str(row["borrower_kind_label"]),
        "party": str(row["party"]),
        "mode": str(row["mode"]),
        "status": str(row["status"]),
        "escalated": str(_("yes")) if row["escalated"] else "",
        **{k: _moment(row[k]) for k in ("requested_at", "approved_at", "handed_out_at")},
        "returned_at": _moment(row["returned_at"]),
    }
    return [shown[key] for key in KEYS]


def loan_register_xlsx_response(rows: Iterable[dict], *, date_from, date_to):
    """The download of the register of ``date_from``–``date_to`` (rows of ``register_rows``)."""
    filename = f"loan-register-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    return xlsx_response(
        filename,
        header(),
        (values(row) for row in rows),
        title=f"{date_from:%Y%m%d}-{date_to:%Y%m%d}",
    )
