"""Parse → access → service → render, for documents, filing, storage and inspections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import permissions as gate
from core.exports import pdf_response
from core.models import AccessLog
from core.pagination import KeysFirstPaginator
from core.services import log_access
from core.validators import is_pk
from core.workflow import DomainError
from customers.models import Estate, Occupancy, ServiceCentre
from customers.permissions import access_dossier_or_404, dossier_visible_to, sight_key
from customers.selectors import archive_number_of

from . import pdf, permissions, record_links, selectors, services
from .forms import (
    BoxForm,
    DocumentForm,
    FilingForm,
    InspectionForm,
    MovedOutCatalogForm,
    NewBoxForm,
)
from .models import Document, Room, Shelf, StorageInspection

PAGE_SIZE = 25


# --- Documents of a dossier ------------------------------------------------------------------
def document_add(request, dossier_pk):
    gate.require(request.user, "documents.add_document", request=request)
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    token = request.POST.get("record") or request.GET.get("record")
    record = None
    initial = {}
    if token:  # attaching to a record of the dossier (a lease's contract, a letter's scan …)
        record = record_links.resolve_record(token, dossier=dossier)
        if record is None:
            raise Http404
        initial = {"category": record_links.suggested_category(record), "title": str(record)}
    form = DocumentForm(
        request.POST or None, request.FILES or None, dossier=dossier, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "upload"}
        try:
            document = services.document_record(
                dossier=dossier,
                data=data,
                actor=request.user,
                upload=form.cleaned_data.get("upload"),
                record=record,
                tell_archivists=True,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Document recorded."))
            if record is not None:
                return redirect(record.get_absolute_url())
            return redirect("documents:document_detail", pk=document.pk)
    context = {
        "dossier": dossier,
        "form": form,
        "record": record,
        "record_token": record_links.record_token(record) if record else "",
    }
    return render(request, "documents/document_form.html", context)


def document_detail(request, pk):
    document = permissions.access_document_or_404(
        request.user,
        pk,
        perm="documents.view_document",
        request=request,
        queryset=Document.objects.select_related(
            "dossier__unit__building__estate",
            "category",
            "box__shelf__room",
            "section__customer",
            "recorded_by",
            "filed_by",
        ),
    )
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "can_download": bool(document.file)
            and gate.can(request.user, "documents.download_document"),
            "history": document.history.select_related("history_user")[:20],
            "borrow_url": _borrow_url(request.user, document),
            "next_step": selectors.next_step(document),
            "filing_url": _filing_url(request.user, document),
            "can_find": gate.can(request.user, "documents.view_document"),
        },
    )


def _filing_url(user, document):
    """The filing page for this document's dossier, to whoever files (the archivists)."""
    if document.status != Document.Status.RECEIVED or not gate.can(user, "documents.file_document"):
        return ""
    return f"{reverse('documents:filing')}?{urlencode({'q': document.dossier.archive_number})}"


def _borrow_url(user, document):
    """The loan request for this document, when lending is installed and the user may ask for
    loans (documents names lending's page, never imports it)."""
    if not gate.can(user, "lending.add_loan"):
        return ""
    try:
        url = reverse("lending:loan_request", args=[document.dossier_id])
    except NoReverseMatch:
        return ""
    return f"{url}?document={document.pk}"


def document_download(request, pk):
    """The only way to a stored file: permission checked, the read logged (R21, R45)."""
    document = permissions.access_document_or_404(
        request.user, pk, perm="documents.download_document", request=request
    )
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(request.user, document, AccessLog.Action.DOWNLOAD, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.file_name or "document",
        content_type=document.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def dossier_cover_pdf(request, dossier_pk):
    """R12, R6: the dossier's cover with secrecy and retention, and its catalog."""
    gate.require(request.user, "documents.view_document", request=request)
    dossier = access_dossier_or_404(
        request.user,
        dossier_pk,
        request=request,
        queryset=dossier_visible_to(request.user)
        .select_related("unit__building__estate__service_centre")
        .with_current_occupants(),
    )
    unit = dossier.unit
    catalog = list(selectors.dossier_catalog(dossier=dossier, user=request.user))
    content = pdf.render_dossier_cover_pdf(
        {
            "archive_number": dossier.archive_number,
            "label": dossier.label,
            "unit": unit.label,
            "floor": unit.floor,
            "service_centre": str(unit.building.estate.service_centre),
            "opened_on": dossier.opened_on,
            "secrecy": dossier.get_secrecy_level_display(),
            "retention": dossier.get_retention_display(),
            "printed_by": request.user.get_full_name() or request.user.username,
        },
        [_catalog_row(number, d) for number, d in enumerate(catalog, start=1)],
    )
    log_access(request.user, dossier, AccessLog.Action.PRINT, detail="cover", request=request)
    # R21: the catalog prints the titles of the documents; a confidential one is logged too
    permissions.log_documents_shown(
        request.user, catalog, action=AccessLog.Action.PRINT, request=request, dossier_logged=True
    )
    return pdf_response(content, f"cover-{dossier.pk}.pdf")


def _catalog_row(number, d):
    """One line of the catalog: numbered in the catalog's order (R6); a filed item's place is
    its box and its item number in the box."""
    location = d.location or d.get_custody_display()
    if d.item_number is not None:
        location = f"{location} 第{d.item_number}件"
    return {
        "number": number,
        "title": d.title,
        "category": d.category.name,
        "date": d.document_date,
        "pages": d.pages or "",
        "copies": d.copies,
        "original": d.is_original,
        "location": location,
        "secrecy": d.get_secrecy_level_display(),
    }


def moved_out_catalog(request):
    """R8: once a year, the moved-out sections sorted by floor, printed as a catalog."""
    gate.require(request.user, "documents.view_document", request=request)
    form = MovedOutCatalogForm(request.GET or None)
    estates = Estate.objects.order_by("code")
    if not form.is_valid():
        return render(request, "documents/moved_out_form.html", {"form": form, "estates": estates})
    year = form.cleaned_data["year"]
    sections = (
        Occupancy.objects.filter(
            status=Occupancy.Status.MOVED_OUT,
            moved_out__year=year,
            dossier__in=dossier_visible_to(request.user),
        )
        .select_related("dossier__unit__building__estate", "customer")
        .order_by(
            "dossier__unit__building__estate__code",
            "dossier__unit__building__number",
            "dossier__unit__floor",
            "dossier__unit__room",
            "moved_out",
        )
    )
    if estate := request.GET.get("estate"):
        sections = sections.filter(dossier__unit__building__estate_id=estate)
    from django.db.models import Count

    counts = dict(
        Document.objects.filter(section__in=sections)
        .values_list("section_id")
        .annotate(n=Count("pk"))
        .values_list("section_id", "n")
    )
    floors = []
    for s in sections:
        unit = s.dossier.unit
        key = (unit.building.estate.name, unit.building.number, unit.floor)
        if not floors or floors[-1]["key"] != key:
            floors.append(
                {"key": key, "estate": key[0], "building": key[1], "floor": key[2], "rows": []}
            )
        floors[-1]["rows"].append(
            {
                "archive_number": s.dossier.archive_number,
                "room": unit.room,
                "customer": s.customer.name,
                "role": s.get_role_display(),
                "moved_in": s.moved_in,
                "moved_out": s.moved_out,
                "documents": counts.get(s.pk, 0),
            }
        )
    content = pdf.render_moved_out_catalog_pdf(year, floors)
    log_access(
        request.user,
        None,
        AccessLog.Action.PRINT,
        detail=f"moved-out catalog {year}",
        request=request,
    )
    return pdf_response(content, f"moved-out-{year}.pdf")


# --- Filing (R15) ------------------------------------------------------------------------------
FILING_ROW_FIELDS = (
    *("title", "document_date", "pages", "expected_pages", "copies", "expected_copies"),
    *("dossier", "dossier__archive_number", "category", "category__name"),
)


def filing(request):
    """Documents awaiting filing, filed into a box offered from the dossier's own (``q``) or a
    shelf's (``shelf``); a box can be made here for the dossier, and is then chosen."""
    gate.require(request.user, "documents.file_document", request=request)
    q = request.GET.get("q", "").strip()
    shelves = Shelf.objects.select_related("room").order_by("room__code", "number")
    shelf = None
    if is_pk(value := request.GET.get("shelf", "")):
        shelf = shelves.filter(pk=value).first()

    # by the dossier's archive number, read for each waiting document rather than joined:
    # the join hashed every dossier of the archive (100,000) to sort a few thousand documents;
    # the page is then cut by keys (KeysFirstPaginator) and only its rows join their dossier
    def waiting_documents():
        waiting = (
            permissions.document_visible_to(request.user)
            .filter(status=Document.Status.RECEIVED)
            .select_related("dossier", "category")
            .alias(dossier_number=Subquery(archive_number_of()))
            .order_by("dossier_number", "document_date", "pk")
        )
        return waiting.filter(dossier__archive_number__icontains=q) if q else waiting

    # what a posted form may file; a page that is only shown lists its rows from the page
    waiting = waiting_documents() if request.method == "POST" else None
    dossier = dossier_visible_to(request.user).filter(archive_number=q).first() if q else None
    chosen = request.GET.get("box") if is_pk(request.GET.get("box", "")) else None
    offered = selectors.filing_boxes(user=request.user, q=q, shelf=shelf, also=chosen)
    can_add_box = gate.can(request.user, "documents.add_box")
    box_form = NewBoxForm(
        request.POST if "new_box" in request.POST else None, prefix="new", shelves=shelves
    )
    if request.method == "POST" and "new_box" in request.POST:
        gate.require(request.user, "documents.add_box", request=request)
        if dossier is None:
            messages.error(request, _("Filter by the dossier's archive number first."))
        elif box_form.is_valid():
            box = services.box_create(
                shelf=box_form.cleaned_data["shelf"], dossier=dossier, actor=request.user
            )
            messages.success(
                request,
                _("Box %(box)s created for %(number)s.")
                % {
                    "box": box,
                    "number": dossier.archive_number,
                },
            )
            query = urlencode({"q": q, "box": box.pk})
            return redirect(f"{reverse('documents:filing')}?{query}")
        form = FilingForm(documents=waiting, boxes=offered)
    else:
        if not chosen:
            own = [b.pk for b in offered if b.dossier_id and dossier and b.dossier_id == dossier.pk]
            chosen = own[0] if len(own) == 1 else None
        # a posted box is checked against every visible box (the service refuses a box of
        # another dossier); the page offers only the dossier's or the shelf's
        form = FilingForm(
            request.POST or None,
            documents=waiting,
            boxes=selectors.boxes(user=request.user) if request.method == "POST" else offered,
            initial={"box": chosen} if chosen else None,
        )
    if request.method == "POST" and "new_box" not in request.POST and form.is_valid():
        try:
            filed = services.documents_file(
                box=form.cleaned_data["box"],
                documents=form.cleaned_data["documents"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(n)d document(s) filed in box %(box)s.")
                % {"n": len(filed), "box": form.cleaned_data["box"]},
            )
            return redirect("documents:box_detail", pk=form.cleaned_data["box"].pk)
    if request.method == "POST" and is_pk(posted := request.POST.get("box", "")):
        offered = selectors.filing_boxes(user=request.user, q=q, shelf=shelf, also=posted)
    form.fields["box"].queryset = offered
    # the page reads only what its rows show (documents/templatetags/filing_rows.py): a
    # document and its dossier are wide rows, and a hundred of them are built per page;
    # compiled once per sight and search (core.compiled)
    page = KeysFirstPaginator(
        lambda: waiting_documents().only(*FILING_ROW_FIELDS),
        100,
        key=("filing", sight_key(request.user), q),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/filing.html",
        {
            "form": form,
            "page_obj": page,
            "q": q,
            "dossier": dossier,
            "shelves": shelves,
            "shelf": shelf,
            "box_form": box_form,
            "can_add_box": can_add_box,
        },
    )


# --- Storage (R31) -----------------------------------------------------------------------------
def location_index(request):
    gate.require(request.user, "documents.view_box", request=request)
    q = request.GET.get("q", "").strip()
    found = list(selectors.find_documents(user=request.user, q=q)[:50]) if q else []
    permissions.log_documents_shown(request.user, found, request=request)  # R21
    rooms = Room.objects.prefetch_related("shelves").order_by("code")
    boxes = selectors.boxes(user=request.user)
    if room := request.GET.get("room"):
        boxes = boxes.filter(shelf__room_id=room) if is_pk(room) else boxes.none()
    boxes = selectors.with_item_counts(boxes).order_by(
        "shelf__room__code", "shelf__number", "number"
    )
    page = Paginator(boxes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/location_index.html",
        {
            "q": q,
            "found": found,
            "rooms": rooms,
            "page_obj": page,
            "can_add_box": gate.can(request.user, "documents.add_box"),
        },
    )


def location_find(request):
    """R31 for whoever may see documents (the front desk): where a paper is, read-only. Only
    the documents of dossiers the user may see, confidential ones only with their sight (R17);
    each confidential one shown is logged (R21). No box list: the store is the archive room's."""
    gate.require(request.user, "documents.view_document", request=request)
    q = request.GET.get("q", "").strip()
    found = list(selectors.find_documents(user=request.user, q=q)[:50]) if q else []
    permissions.log_documents_shown(request.user, found, request=request)
    return render(
        request,
        "documents/location_find.html",
        {
            "q": q,
            "found": found,
            "can_view_box": gate.can(request.user, "documents.view_box"),
        },
    )


def box_detail(request, pk):
    box = permissions.access_box_or_404(
        request.user,
        pk,
        perm="documents.view_box",
        request=request,
        queryset=selectors.boxes(user=request.user),
    )
    contents = list(selectors.box_contents(box=box, user=request.user))
    # R21: a box holds documents of many dossiers; each confidential one shown is logged
    permissions.log_documents_shown(request.user, contents, request=request)
    return render(request, "documents/box_detail.html", {"box": box, "contents": contents})


def box_create(request):
    gate.require(request.user, "documents.add_box", request=request)
    form = BoxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dossier = None
        if number := form.cleaned_data["archive_number"].strip():
            dossier = dossier_visible_to(request.user).filter(archive_number=number).first()
            if dossier is None:
                form.add_error("archive_number", _("No dossier with this archive number."))
        if not form.errors:
            box = services.box_create(
                shelf=form.cleaned_data["shelf"], dossier=dossier, actor=request.user
            )
            messages.success(request, _("Box %(box)s created.") % {"box": box})
            return redirect("documents:box_detail", pk=box.pk)
    return render(request, "documents/box_form.html", {"form": form})


@require_GET
def box_label_pdf(request, pk):
    box = permissions.access_box_or_404(
        request.user,
        pk,
        perm="documents.view_box",
        request=request,
        queryset=selectors.boxes(user=request.user),
    )
    number = box.dossier.archive_number if box.dossier_id else ""
    label = {
        "code": box.code,
        "room": box.shelf.room.name,
        "shelf": str(box.shelf),
        "archive_number": number,
        "title": "",
        "qr": number or box.code,
    }
    return pdf_response(pdf.render_box_labels_pdf([label]), f"box-{box.pk}.pdf")


@require_GET
def shelf_label_pdf(request, pk):
    gate.require(request.user, "documents.view_shelf", request=request)
    shelf = gate.get_or_404(
        request.user, Shelf.objects.select_related("room"), request=request, pk=pk
    )
    numbers = list(shelf.boxes.order_by("number").values_list("number", flat=True))
    boxes = f"{numbers[0]:03d}–{numbers[-1]:03d}" if numbers else "—"
    label = {"code": shelf.code, "room": shelf.room.name, "boxes": boxes, "qr": shelf.code}
    return pdf_response(pdf.render_shelf_labels_pdf([label]), f"shelf-{shelf.pk}.pdf")


# --- Inspections (R32) ---------------------------------------------------------------------------
def inspection_list(request):
    gate.require(request.user, "documents.view_storageinspection", request=request)
    rows = StorageInspection.objects.select_related("room", "inspector")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/inspection_list.html",
        {"page_obj": page, "can_add": gate.can(request.user, "documents.add_storageinspection")},
    )


def inspection_add(request):
    gate.require(request.user, "documents.add_storageinspection", request=request)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.inspection_record(data=form.cleaned_data, actor=request.user)
        messages.success(request, _("Inspection recorded."))
        return redirect("documents:inspection_list")
    return render(request, "documents/inspection_form.html", {"form": form})


# --- Required documents (the gaps view) -------------------------------------------------------
def gaps(request):
    gate.require(request.user, "documents.view_document", request=request)
    centres = ServiceCentre.objects.order_by("code")
    centre = None
    if is_pk(value := request.GET.get("centre", "")):
        centre = centres.filter(pk=value).first()
    rows = selectors.incomplete_dossiers(user=request.user, service_centre=centre)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "documents/gaps.html", {"page_obj": page, "centres": centres, "centre": centre}
    )
