"""Edits of a customer (R9, R10): saved at once before confirmation; once the record is
locked, a change request that a manager approves or rejects. The change request's moves are
declared once (``WORKFLOW``) for the page's buttons and the services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow
from core.lines import Line
from core.services import notify
from core.workflow import DomainError

from . import permissions
from .common import customer_events, locked_for_move, require_customer, serialise
from .models import ChangeRequest, Customer, Dossier, DossierEvent

Status = ChangeRequest.Status
APPROVE = "customers.approve_changerequest"


_not_the_requester = workflow.not_requested_by(
    "requested_by_id",
    gettext_lazy("A change request is decided by someone other than its requester."),
)


WORKFLOW = workflow.declare(
    ChangeRequest,
    workflow.Move("approve", Status.APPROVED, perm=APPROVE, guard=_not_the_requester),
    workflow.Move("reject", Status.REJECTED, perm=APPROVE, guard=_not_the_requester),
    gate=permissions.on_dossier,
)


def _change_title(customer, changes):
    """“Enterprise data changed: tax registration number, address” — names, never values."""
    names = [Customer._meta.get_field(f).verbose_name for f in changes]
    if customer.kind == Customer.Kind.ENTERPRISE:
        return Line("Enterprise data changed: %(fields)s", fields=names)
    return Line("Customer data changed: %(fields)s", fields=names)


def customer_update(*, customer: Customer, data: dict, actor, dossier: Dossier, reason=""):
    """Edit a customer. Before confirmation it is saved at once; once locked, the edit becomes
    a change request for a manager (R9). Returns the customer or the change request."""
    if dossier is not None:
        permissions.require_on_dossier(actor, "customers.change_customer", dossier)
    require_customer(actor, "customers.change_customer", customer)
    changes = {
        field: [serialise(getattr(customer, field)), serialise(value)]
        for field, value in data.items()
        if field in Customer.EDITABLE_FIELDS and getattr(customer, field) != value
    }
    if not changes:
        raise DomainError(_("Nothing was changed."))
    if not customer.locked:
        with transaction.atomic():
            for field, value in data.items():
                setattr(customer, field, value)
            customer.full_clean()
            customer._change_reason = reason
            customer.save()
            customer_events(
                customer,
                kind=DossierEvent.Kind.CUSTOMER,
                title=_change_title(customer, changes),
                detail=reason,
                actor=actor,
            )
        return customer
    if not reason.strip():
        raise DomainError(_("Give the reason for changing a confirmed record."))
    return change_request_create(
        dossier=dossier, customer=customer, changes=changes, reason=reason, actor=actor
    )


def change_request_create(*, dossier, customer, changes, reason, actor) -> ChangeRequest:
    permissions.require_on_dossier(actor, "customers.add_changerequest", dossier)
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            dossier=dossier, customer=customer, changes=changes, reason=reason, requested_by=actor
        )
        managers = permissions.who_is_told(dossier, perm=APPROVE, exclude=actor)
        notify(
            managers,
            Line(
                "Change of %(customer)s in %(number)s awaits approval.",
                customer=customer.name,
                number=dossier.archive_number,
            ),
            reverse("customers:change_request_detail", args=[request.pk]),
            about=dossier,
        )
    return request


def _require_decision(actor, change_request, move):
    """Before the transaction, so that a refusal stays in the log: the permission and the
    sight of the dossier (logged as every dossier write), then the move itself."""
    permissions.require_on_dossier(actor, APPROVE, change_request.dossier)
    workflow.require_move(actor, change_request, move)


def _decided(change_request, target, *, actor, note):
    cr = locked_for_move(change_request)
    return workflow.transition(
        cr,
        target,
        actor=actor,
        reason=note or Status(target).label,
        already_locked=True,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note,
    )


def change_request_approve(*, change_request: ChangeRequest, actor, note="") -> ChangeRequest:
    """Apply the proposed values; the history row carries the request's reason (R9)."""
    _require_decision(actor, change_request, "approve")
    with transaction.atomic():
        cr = _decided(change_request, Status.APPROVED, actor=actor, note=note)
        customer = Customer.objects.select_for_update().get(pk=cr.customer_id)
        field_objs = {f.name: f for f in Customer._meta.get_fields() if hasattr(f, "to_python")}
        for field, (_old, new) in cr.changes.items():
            setattr(customer, field, field_objs[field].to_python(new))
        try:
            customer.full_clean()
        except ValidationError as exc:
            raise DomainError(
                _("The proposed values are no longer valid: %(errors)s")
                % {"errors": "; ".join(exc.messages)}
            ) from exc
        customer._change_reason = _("Change request #%(id)s: %(reason)s") % {
            "id": cr.pk,
            "reason": cr.reason,
        }
        customer.save()
        customer_events(
            customer,
            kind=DossierEvent.Kind.CUSTOMER,
            title=_change_title(customer, cr.changes),
            detail=Line("Change request #%(id)s: %(reason)s", id=cr.pk, reason=cr.reason),
            actor=actor,
        )
        notify(
            [cr.requested_by],
            Line("Your change of %(customer)s was approved.", customer=customer.name),
            reverse("customers:dossier_detail", args=[cr.dossier_id]),
            about=cr.dossier,
        )
    return cr


def change_request_reject(*, change_request: ChangeRequest, actor, note) -> ChangeRequest:
    if not note.strip():
        raise DomainError(_("Say why the change is rejected."))
    _require_decision(actor, change_request, "reject")
    with transaction.atomic():
        cr = _decided(change_request, Status.REJECTED, actor=actor, note=note)
        notify(
            [cr.requested_by],
            Line(
                "Your change of %(customer)s was rejected: %(note)s",
                customer=cr.customer.name,
                note=note,
            ),
            reverse("customers:change_request_detail", args=[cr.pk]),
            about=cr.dossier,
        )
    return cr
