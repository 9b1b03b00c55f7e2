"""Every write of the documents app except the handover (documents/handover/services.py)."""

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import lines
from core import permissions as gate
from core.lines import Line
from core.roles import Role
from core.services import notify
from core.workflow import DomainError
from customers.permissions import require_on_dossier, who_is_told

from .common import documents_move
from .models import Box, Document, Shelf, StorageInspection
from .permissions import require_documents

__all__ = [
    "DomainError",
    "document_record",
    "document_attach_file",
    "documents_file",
    "box_create",
    "inspection_record",
]


def document_record(
    *, dossier, data: dict, actor, upload=None, record=None, tell_archivists=False
) -> Document:
    """Record a document of a dossier; secrecy and retention default from its category (R12);
    a copy must say where the original is (R13); an electronic document of a category that
    needs paper says its paper counterpart exists (R14). ``tell_archivists``: the archivists
    who may see the dossier are told it awaits filing (an upload at the desk; an import or a
    seed tells nobody)."""
    require_on_dossier(actor, "documents.add_document", dossier)
    category = data["category"]
    document = Document(dossier=dossier, recorded_by=actor, **data)
    if record is not None:  # attached to a lease, a complaint … of the same dossier
        if record.dossier_id != dossier.pk:
            raise DomainError(_("The record belongs to another dossier."))
        document.record = record
    document.secrecy_level = document.secrecy_level or category.default_secrecy
    document.retention = document.retention or category.default_retention
    if document.section_id is None:
        current = dossier.occupancies.current().order_by("-section_number").first()
        document.section = current
    _check(document)
    document.full_clean()  # before the file is written: a refusal leaves nothing on disk
    with transaction.atomic():
        if upload is not None:
            from .uploads import check_upload, store

            store(document, upload, check_upload(upload))
        document.save()
        if tell_archivists:
            notify(
                who_is_told(dossier, roles=(Role.ARCHIVIST,), exclude=actor),
                Line(
                    "%(number)s: %(title)s was recorded and awaits filing.",
                    number=dossier.archive_number,
                    title=document.title,
                ),
                f"{reverse('documents:filing')}?{urlencode({'q': dossier.archive_number})}",
                about=dossier,
            )
    return document


def _check(document):
    if not document.is_original and not document.original_location.strip():
        raise DomainError(_("A copy must say where the original is."))
    if (
        document.carrier == "electronic"
        and document.category.needs_paper
        and not document.has_paper_counterpart
    ):
        raise DomainError(
            _("%(category)s needs a paper counterpart: file the paper original as well.")
            % {"category": document.category.name}
        )


def document_attach_file(*, document, upload, actor) -> Document:
    require_documents(actor, "documents.change_document", [document])
    from .uploads import check_upload, store

    checked = check_upload(upload)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.file:
            raise DomainError(_("This document already has a file; files are never replaced."))
        store(document, upload, checked)
        document._change_reason = lines.as_text(Line("File attached"), 100)
        document.save()
    return document


def documents_file(*, box: Box, documents, actor) -> list[Document]:
    """归档 (R15): put documents into a box with item numbers in order. Refused, as a whole,
    while a document's pages or copies are missing or fewer than expected."""
    documents = list(documents)
    require_documents(actor, "documents.file_document", documents)
    if not documents:
        raise DomainError(_("Choose the documents to file."))
    problems = []
    for d in documents:
        if not d.pages:
            problems.append(_("%(title)s: the pages are not counted") % {"title": d.title})
        elif d.expected_pages and d.pages < d.expected_pages:
            problems.append(
                _("%(title)s: %(pages)s of %(expected)s pages")
                % {"title": d.title, "pages": d.pages, "expected": d.expected_pages}
            )
        if d.expected_copies and d.copies < d.expected_copies:
            problems.append(
                _("%(title)s: %(copies)s of %(expected)s copies")
                % {"title": d.title, "copies": d.copies, "expected": d.expected_copies}
            )
        if d.status not in (Document.Status.RECEIVED,):
            problems.append(
                _("%(title)s is %(status)s") % {"title": d.title, "status": d.get_status_display()}
            )
        if box.dossier_id and d.dossier_id != box.dossier_id:
            problems.append(
                _("%(title)s belongs to another dossier than the box") % {"title": d.title}
            )
    if problems:
        raise DomainError(_("Filing refused: %(problems)s.") % {"problems": "；".join(problems)})
    with transaction.atomic():
        box = Box.objects.select_for_update().get(pk=box.pk)
        last = box.documents.aggregate(n=Max("item_number"))["n"] or 0
        now = timezone.now()
        filed = []
        for offset, d in enumerate(sorted(documents, key=lambda d: (d.document_date, d.pk)), 1):
            documents_move(
                [d],
                Document.Status.FILED,
                actor=actor,
                reason=Line("Filed in box %(box)s", box=box),
                box=box,
                item_number=last + offset,
                filed_at=now,
                filed_by=actor,
            )
            filed.append(d)
    return filed


def box_create(*, shelf: Shelf, actor, dossier=None, number=None) -> Box:
    gate.require(actor, "documents.add_box")
    with transaction.atomic():
        shelf = Shelf.objects.select_for_update().get(pk=shelf.pk)
        if number is None:
            number = (shelf.boxes.aggregate(n=Max("number"))["n"] or 0) + 1
        return Box.objects.create(shelf=shelf, number=number, dossier=dossier)


def inspection_record(*, data: dict, actor) -> StorageInspection:
    """R32: a storage inspection; problems found notify the archivists and managers."""
    gate.require(actor, "documents.add_storageinspection")
    inspection = StorageInspection(inspector=actor, **data)
    inspection.full_clean()
    with transaction.atomic():
        inspection.save()
        if inspection.has_problems:
            notify(
                who_is_told(None, roles=(Role.ARCHIVIST, Role.MANAGER), exclude=actor),
                Line(
                    "Storage inspection of %(room)s found problems: %(findings)s",
                    room=inspection.room,
                    findings=inspection.findings[:100],
                ),
                reverse("documents:inspection_list"),
            )
    return inspection
