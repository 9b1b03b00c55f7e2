"""Why a document may not be destroyed now: the one list of reasons that opening a batch,
adding to it, deciding, approving and executing all ask (R33, R39, and what the archive holds
elsewhere: a loan, a handover, a hold, copies still out).

``blockers(documents)`` answers for many documents in a few queries, whatever their number.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents.handover.models import HandoverItem
from documents.models import Document
from lending.models import CopyRecord, LoanItem

from .models import BatchItem, Hold, RetentionState
from .retention import refresh

OPEN_HANDOVER = ("draft", "submitted", "checked")


def _held(documents) -> dict[int, str]:
    dossiers = {d.dossier_id for d in documents}
    ids = {d.pk for d in documents}
    holds = Hold.objects.filter(lifted_at__isnull=True, dossier_id__in=dossiers).filter(
        Q(document__isnull=True) | Q(document_id__in=ids)
    )
    on_dossier, on_document = {}, {}
    for hold in holds:
        if hold.document_id:
            on_document[hold.document_id] = hold.reason
        else:
            on_dossier[hold.dossier_id] = hold.reason
    found = {}
    for d in documents:
        reason = on_document.get(d.pk) or on_dossier.get(d.dossier_id)
        if reason is not None:
            found[d.pk] = reason
    return found


def blockers(documents, *, batch=None, today=None, due=True) -> dict[int, str]:
    """{document id: the first reason it may not be destroyed} for ``documents``; the others
    are free. ``batch``: the batch asking (its own items do not block). ``due``: the document
    must be due for appraisal (opening and adding); execution asks with ``due=False`` since
    the appraisal has decided, but permanence is asked again."""
    documents = list(documents)
    if not documents:
        return {}
    today = today or timezone.localdate()
    ids = [d.pk for d in documents]
    reasons: dict[int, str] = {}

    def add(pk, reason):
        reasons.setdefault(pk, reason)

    for d in documents:
        if d.status == Document.Status.DESTROYED:
            add(d.pk, _("already destroyed"))
        elif d.status == Document.Status.LOST:
            add(d.pk, _("lost"))
        elif d.status == Document.Status.ON_LOAN:
            add(d.pk, _("on loan"))
        elif d.status == Document.Status.IN_HANDOVER:
            add(d.pk, _("in a handover"))
    for pk, number in LoanItem.objects.filter(document_id__in=ids, out=True).values_list(
        "document_id", "loan__number"
    ):
        add(pk, _("on loan %(number)s") % {"number": number})
    for pk in HandoverItem.objects.filter(
        document_id__in=ids, handover__status__in=OPEN_HANDOVER
    ).values_list("document_id", flat=True):
        add(pk, _("in a handover"))
    for pk, reason in _held(documents).items():
        add(pk, _("under a legal hold: %(reason)s") % {"reason": reason})
    for pk in CopyRecord.objects.filter(
        document_id__in=ids, status=CopyRecord.Status.HELD
    ).values_list("document_id", flat=True):
        add(pk, _("copies of it are still out"))
    other = BatchItem.objects.filter(document_id__in=ids, open=True)
    if batch is not None:
        other = other.exclude(batch=batch)
    for pk, number in other.values_list("document_id", "batch__number"):
        add(pk, _("already in batch %(number)s") % {"number": number})
    refresh(ids)  # the schedule, the policy and the holds as they are now
    states = {s.document_id: s for s in RetentionState.objects.filter(document_id__in=ids)}
    for d in documents:
        state = states.get(d.pk)
        if d.pk in reasons or state is None:
            continue
        if state.permanent:
            add(d.pk, _("kept permanently"))
        elif due and (state.due_on is None or state.due_on > today):
            if state.due_on:
                add(d.pk, _("not due until %(day)s") % {"day": date_format(state.due_on)})
            else:
                add(d.pk, _("not due: %(why)s") % {"why": state.basis})
    return reasons
