"""The destruction register as a spreadsheet, through ``core.exports.xlsx_response`` (the one
writer: text a spreadsheet would run as a formula is quoted). One row per item of the batch,
the destroyed ones and those that left it with their reason; the titles of documents the reader
may not see are left out (the reference stays). Dates in Asia/Shanghai. No queries here."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.exports import xlsx_response
from documents.models import Carrier

from ..models import BatchItem
from .pdf import choice_label, left_reason, local_day, opinion

COLUMNS = (
    ("index", _("No.")),
    ("reference", _("Archive reference")),
    ("archive_number", _("Archive number")),
    ("title", _("Title")),
    ("category", _("Category")),
    ("document_date", _("Document date")),
    ("pages", _("Pages")),
    ("copies", _("Copies")),
    ("carrier", _("Carrier")),
    ("secrecy_level", _("Secrecy level")),
    ("opinion", _("Appraisal opinion")),
    ("state", _("State")),
    ("destroyed_on", _("Destroyed on")),
    ("not_destroyed", _("Why it was not destroyed")),
)
KEYS = [key for key, _label in COLUMNS]


def header() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def values(index: int, item: BatchItem, seen: set[int]) -> list:
    destroyed = item.state == BatchItem.State.DESTROYED
    shown = {
        "index": index,
        "reference": item.reference,
        "archive_number": item.archive_number,
        "title": item.title if item.document_id in seen else "",
        "category": item.category_name,
        "document_date": item.document_date,
        "pages": item.pages,
        "copies": item.copies,
        "carrier": choice_label(Carrier, item.carrier),
        "secrecy_level": item.secrecy_level,
        "opinion": opinion(item),
        "state": item.get_state_display(),
        "destroyed_on": local_day(item.destroyed_at),
        "not_destroyed": "" if destroyed else left_reason(item),
    }
    return [shown[key] for key in KEYS]


def register_xlsx_response(batch, items: Iterable[BatchItem], *, seen: set[int]):
    return xlsx_response(
        f"destruction-register-{batch.number}.xlsx",
        header(),
        (values(n, item, seen) for n, item in enumerate(items, start=1)),
        title=str(batch.number),
    )
