"""The catalog of destroyed files (销毁文件目录, R38), for holders of the view permission: the
search page and its spreadsheet. Titles of documents the reader may not see are shown by the
reference alone; each confidential title shown is logged (R21), and so is every export."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core import permissions as gate
from core.exports import xlsx_response
from core.models import AccessLog
from core.services import log_access
from documents.models import Carrier

from ..permissions import VIEW, log_items_shown, seen_document_ids
from ..register.pdf import choice_label
from . import selectors
from .forms import CatalogSearchForm

PAGE_SIZE = 50

COLUMNS = (
    _("Destroyed on"),
    _("Batch number"),
    _("Archive reference"),
    _("Archive number"),
    _("Title"),
    _("Category"),
    _("Document date"),
    _("Pages"),
    _("Copies"),
    _("Carrier"),
    _("Secrecy level"),
)


def _search(request):
    form = CatalogSearchForm(request.GET or None)
    return form, selectors.catalog(request.user, **form.filters())


def catalog(request):
    gate.require(request.user, VIEW, request=request)
    form, items = _search(request)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    seen = seen_document_ids(request.user, page.object_list)
    log_items_shown(
        request.user, [i for i in page.object_list if i.document_id in seen], request=request
    )
    rows = [
        {"item": item, "shown": item.document_id in seen, "day": selectors.destroyed_day(item)}
        for item in page.object_list
    ]
    context = {"form": form, "page_obj": page, "rows": rows, "searched": bool(form.filters())}
    return render(request, "destruction/catalog/catalog.html", context)


def _values(item, seen):
    return [
        selectors.destroyed_day(item),
        item.batch.number,
        item.reference,
        item.archive_number,
        item.title if item.document_id in seen else "",
        item.category_name,
        item.document_date,
        item.pages,
        item.copies,
        choice_label(Carrier, item.carrier),
        item.secrecy_level,
    ]


def catalog_xlsx(request):
    gate.require(request.user, VIEW, request=request)
    _form, items = _search(request)
    items = list(items)
    seen = seen_document_ids(request.user, items)
    log_access(
        request.user,
        None,
        AccessLog.Action.EXPORT,
        detail="destruction catalog xlsx",
        request=request,
    )
    log_items_shown(request.user, [i for i in items if i.document_id in seen], request=request)
    return xlsx_response(
        "destruction-catalog.xlsx",
        [str(c) for c in COLUMNS],
        (_values(item, seen) for item in items),
        title="销毁文件目录",
    )
