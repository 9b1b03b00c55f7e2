"""Move-ins of customers on file elsewhere (R17): the front desk typed the ID number or credit
code of a customer on file whom they may not see; a manager who may see them decides. The
referral's moves are declared once (``WORKFLOW``) for the page's buttons and the services."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import permissions as gate
from core import workflow
from core.lines import Line
from core.services import notify
from core.workflow import DomainError

from . import permissions
from .common import locked_for_move, serialise
from .models import Customer, Dossier, MoveInReferral, Unit
from .occupancy import move_in_record

Status = MoveInReferral.Status
DECIDE = "customers.decide_moveinreferral"


_not_the_recorder = workflow.not_requested_by(
    "requested_by_id",
    gettext_lazy("A referred move-in is decided by someone other than its recorder."),
)


WORKFLOW = workflow.declare(
    MoveInReferral,
    workflow.Move("accept", Status.ACCEPTED, perm=DECIDE, guard=_not_the_recorder),
    workflow.Move("reject", Status.REJECTED, perm=DECIDE, guard=_not_the_recorder),
    gate=permissions.on_referral,
)


def move_in_refer(
    *, unit: Unit, customer: Customer, role: str, moved_in, typed: dict, actor, note=""
) -> MoveInReferral:
    """The front desk typed the ID number or credit code of a customer on file whom they may
    not see. Nothing about that customer is shown to them or recorded in the unit: a manager
    who may see the customer decides (``referral_accept`` / ``referral_reject``)."""
    gate.require(actor, "customers.add_occupancy")
    existing = Dossier.objects.filter(unit=unit).first()
    if existing is not None:
        permissions.require_on_dossier(actor, "customers.add_occupancy", existing)
    open_one = MoveInReferral.objects.filter(
        unit=unit,
        customer=customer,
        requested_by=actor,
        status=Status.REQUESTED,
    ).first()
    if open_one is not None:  # typed again: the same request, managers are not told twice
        return open_one
    with transaction.atomic():
        referral = MoveInReferral.objects.create(
            unit=unit,
            role=role,
            moved_in=moved_in,
            note=note,
            customer=customer,
            typed={k: serialise(v) for k, v in typed.items() if v not in (None, "")},
            requested_by=actor,
        )
        link = reverse("customers:referral_detail", args=[referral.pk])
        # the managers who may decide: they hold the permission and may see the customer on
        # file and the unit's dossier, when it has one
        deciders = permissions.who_is_told(existing, perm=DECIDE, exclude=actor, customer=customer)
        if deciders:
            notify(
                deciders,
                Line(
                    "A move-in into %(unit)s awaits your decision: the customer is on file in "
                    "another dossier.",
                    unit=unit,
                ),
                link,
            )
        else:  # nobody may see the customer: managers learn that a decision waits, not whom
            notify(
                permissions.who_is_told(None, perm=DECIDE),
                Line(
                    "A move-in into %(unit)s awaits a manager who may see the customer on file: "
                    "ask the administrator for access.",
                    unit=unit,
                ),
                link,
            )
    return referral


def _require_decider(actor, referral, move):
    """Before the transaction, so that a refusal stays in the log: the permission, the sight
    of the customer on file and of the unit's dossier (the move-in is recorded there), then
    the move itself."""
    gate.require(actor, DECIDE)
    if not permissions.can_see_customer(actor, referral.customer):
        gate.record_refusal(actor, DECIDE, referral)
        raise PermissionDenied(_("You may not see the customer on file; ask for access."))
    dossier = Dossier.objects.filter(unit=referral.unit).first()
    if dossier is not None:
        permissions.require_on_dossier(actor, "customers.add_occupancy", dossier)
    workflow.require_move(actor, referral, move)


def referral_accept(*, referral: MoveInReferral, actor, note="") -> MoveInReferral:
    """Record the move-in with the customer on file; it is then verified as usual (R4)."""
    _require_decider(actor, referral, "accept")
    with transaction.atomic():
        referral = locked_for_move(referral)
        occupancy = move_in_record(
            unit=referral.unit,
            customer=referral.customer,
            role=referral.role,
            moved_in=referral.moved_in,
            note=referral.note,
            actor=actor,
            recorder=referral.requested_by,  # who typed it may not verify it (R4)
        )
        referral = workflow.transition(
            referral,
            Status.ACCEPTED,
            actor=actor,
            reason=note or Line("Accepted"),
            already_locked=True,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
            occupancy=occupancy,
        )
        notify(
            [referral.requested_by],
            Line(
                "Your move-in into %(unit)s was accepted with the customer on file; it awaits "
                "verification.",
                unit=referral.unit,
            ),
            reverse("customers:dossier_detail", args=[occupancy.dossier_id]),
            about=occupancy.dossier,
        )
    return referral


def referral_reject(*, referral: MoveInReferral, actor, note) -> MoveInReferral:
    if not (note or "").strip():
        raise DomainError(_("Say why the move-in is rejected."))
    _require_decider(actor, referral, "reject")
    with transaction.atomic():
        referral = locked_for_move(referral)
        referral = workflow.transition(
            referral,
            Status.REJECTED,
            actor=actor,
            reason=note,
            already_locked=True,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        notify(
            [referral.requested_by],
            Line(
                "Your move-in into %(unit)s was not accepted: %(note)s",
                unit=referral.unit,
                note=note,
            ),
            reverse("customers:referral_detail", args=[referral.pk]),
        )
    return referral
