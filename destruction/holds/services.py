"""Legal holds: placed and lifted by those who may (managers, the legal department), each with
its reason. A held dossier's or document's items never enter a batch, and leave one at
approval or execution; lifting a hold destroys nothing by itself."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line
from core.permissions import holders_of
from core.services import notify
from core.workflow import DomainError
from customers.permissions import require_on_dossier
from customers.timeline import record_event
from documents.permissions import require_documents

from ..models import BatchItem, Hold
from ..permissions import EXECUTE, PLACE_HOLD
from ..timeline import Kind

__all__ = ["hold_place", "hold_lift"]


def _link(hold):
    return reverse("customers:dossier_detail", args=[hold.dossier_id])


def _concerned(hold, *, exclude=None):
    """The archive-room heads and whoever opened an open batch holding the items."""
    items = BatchItem.objects.filter(open=True, dossier_id=hold.dossier_id)
    if hold.document_id:
        items = items.filter(document_id=hold.document_id)
    people = {u.pk: u for u in holders_of(EXECUTE)}
    for item in items.select_related("batch__created_by"):
        people[item.batch.created_by_id] = item.batch.created_by
    if exclude is not None:
        people.pop(exclude.pk, None)
    return list(people.values())


def hold_place(*, dossier, reason, actor, document=None) -> Hold:
    require_on_dossier(actor, PLACE_HOLD, dossier)
    if document is not None:
        if document.dossier_id != dossier.pk:
            raise DomainError(_("The document is not in this dossier."))
        require_documents(actor, PLACE_HOLD, [document])
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the hold is placed."))
    with transaction.atomic():
        workflow.lock(type(dossier), dossier.pk)  # one active hold per target, whatever two do
        same = Hold.objects.filter(dossier=dossier, document=document, lifted_at__isnull=True)
        if same.exists():
            raise DomainError(_("A hold is already placed on it."))
        hold = Hold(dossier=dossier, document=document, reason=reason[:300], placed_by=actor)
        workflow.save_with_history(hold, actor=actor, reason=Line("Hold placed"))
        what = document.title if document else Line("the whole dossier")
        record_event(
            dossier=dossier,
            kind=Kind.HOLD_PLACED,
            title=Line("Legal hold placed on %(what)s", what=what),
            detail=reason,
            actor=actor,
            record=hold,
        )
        notify(
            _concerned(hold, exclude=actor),
            Line(
                "A legal hold was placed on %(what)s of dossier %(number)s: %(reason)s",
                what=what,
                number=dossier.archive_number,
                reason=reason,
            ),
            _link(hold),
            about=dossier,
        )
    return hold


def hold_lift(*, hold, reason, actor) -> Hold:
    stored = Hold.objects.select_related("dossier", "document", "placed_by").get(pk=hold.pk)
    require_on_dossier(actor, PLACE_HOLD, stored.dossier)
    if stored.document is not None:
        require_documents(actor, PLACE_HOLD, [stored.document])
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the hold is lifted."))
    with transaction.atomic():
        locked = workflow.lock(Hold, stored.pk)
        if locked.lifted_at is not None:
            raise DomainError(_("This hold has already been lifted."))
        stored.lifted_by, stored.lifted_at = actor, timezone.now()
        stored.lift_reason = reason[:300]
        workflow.save_with_history(
            stored,
            actor=actor,
            reason=Line("Hold lifted"),
            update_fields=["lifted_by", "lifted_at", "lift_reason"],
        )
        what = stored.document.title if stored.document else Line("the whole dossier")
        record_event(
            dossier=stored.dossier,
            kind=Kind.HOLD_LIFTED,
            title=Line("Legal hold lifted from %(what)s", what=what),
            detail=reason,
            actor=actor,
            record=stored,
        )
        told = _concerned(stored, exclude=actor)
        if stored.placed_by_id != actor.pk:
            told.append(stored.placed_by)
        notify(
            told,
            Line(
                "The legal hold on %(what)s of dossier %(number)s was lifted: %(reason)s",
                what=what,
                number=stored.dossier.archive_number,
                reason=reason,
            ),
            _link(stored),
            about=stored.dossier,
        )
    return stored
