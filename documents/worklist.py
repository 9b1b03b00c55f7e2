"""The home page's sections of documents (``core.worklist``): the papers waiting to be filed
(R15) and the handovers waiting for the archive room's check (R30)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import worklist
from core.permissions import can

from .handover.selectors import handover_rows
from .models import Document, Handover
from .permissions import document_visible_to


def papers_to_file(user, limit):
    """The received papers not filed yet, as the filing page lists them."""
    if not can(user, "documents.file_document"):
        return None
    waiting = (
        document_visible_to(user)
        .filter(status=Document.Status.RECEIVED)
        .select_related("dossier", "category")
        .order_by("dossier__archive_number", "document_date", "pk")
    )
    count, rows = worklist.first(waiting, limit)
    return worklist.Section(
        title=_("Papers to file"),
        count=count,
        icon="archive",
        url=reverse("documents:filing"),
        items=[
            worklist.Item(
                label=f"{d.dossier.archive_number} · {d.title}",
                url=reverse("documents:document_detail", args=[d.pk]),
                detail=d.category.name,
                when=d.document_date,
            )
            for d in rows
        ],
    )


def handovers_to_check(user, limit):
    """The handovers submitted to the archive room, as the handover list filtered on
    "submitted" shows them."""
    if not can(user, "documents.check_handover"):
        return None
    submitted = Handover.Status.SUBMITTED
    count, rows = worklist.first(handover_rows(user=user, status=submitted), limit)
    return worklist.Section(
        title=_("Handovers to check"),
        count=count,
        icon="arrow-left-right",
        url=reverse("documents:handover_list") + f"?status={submitted}",
        items=[
            worklist.Item(
                label=str(h),
                url=reverse("documents:handover_detail", args=[h.pk]),
                detail=_("%(n)d item(s), %(pending)d to check")
                % {"n": h.item_count, "pending": h.pending_count},
                when=h.submitted_at,
            )
            for h in rows
        ],
    )


def register():
    worklist.register("papers_to_file", papers_to_file, order=40)
    worklist.register("handovers_to_check", handovers_to_check, order=45)
