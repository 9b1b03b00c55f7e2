"""Sections of a dossier (R4, R8): a move-in is recorded, verified by a second person, and
closed at the move-out. One declaration of the section's moves answers both the page's
buttons (``workflow.allowed_moves``) and the services (``workflow.require_move``)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import lines, workflow
from core import permissions as gate
from core.lines import Line, choice
from core.services import notify
from core.workflow import DomainError

from . import permissions
from .common import locked_for_move
from .dossiers import dossier_open, refresh_dossier_status
from .models import Customer, Dossier, DossierEvent, Occupancy, Unit
from .timeline import record_event

Status = Occupancy.Status
VERIFY = "customers.verify_occupancy"


_not_the_recorder = workflow.not_requested_by(
    "recorded_by_id",
    gettext_lazy("The move-in must be verified by someone other than its recorder."),
)


WORKFLOW = workflow.declare(
    Occupancy,
    workflow.Move("approve", Status.ACTIVE, perm=VERIFY, guard=_not_the_recorder),
    workflow.Move("reject", Status.REJECTED, perm=VERIFY, guard=_not_the_recorder),
    workflow.Move("move_out", Status.MOVED_OUT, perm="customers.change_occupancy"),
    gate=permissions.on_dossier,
)


def move_in_record(
    *, unit: Unit, customer: Customer, role: str, moved_in, actor, note="", recorder=None
) -> Occupancy:
    """Record a move-in; it takes effect when a second person verifies it (R4). ``recorder``:
    who typed the data, when that is not the actor (a referred move-in accepted by a manager),
    so that they cannot verify it themselves."""
    gate.require(actor, "customers.add_occupancy")
    existing = Dossier.objects.filter(unit=unit).first()
    if existing is not None:  # R17: not into a dossier the actor may not see
        permissions.require_on_dossier(actor, "customers.add_occupancy", existing)
    if not permissions.can_see_customer(actor, customer):
        # a customer on file whom the actor may not see is linked by a manager's decision
        gate.record_refusal(actor, "customers.add_occupancy", customer)
        raise PermissionDenied(_("You may not record a move-in of this customer."))
    with transaction.atomic():
        dossier = dossier_open(unit=unit, actor=actor, opened_on=moved_in)
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.occupancies.current().filter(customer=customer, role=role).exists():
            raise DomainError(_("This customer already has an open section in this dossier."))
        if (
            role == Occupancy.Role.OWNER
            and dossier.occupancies.current()
            .filter(role=Occupancy.Role.OWNER)
            .exclude(customer=customer)
            .exists()
        ):
            raise DomainError(
                _("The unit already has an owner; record the previous owner's move-out first.")
            )
        number = (dossier.occupancies.aggregate(n=Max("section_number"))["n"] or 0) + 1
        occupancy = Occupancy.objects.create(
            dossier=dossier,
            customer=customer,
            role=role,
            section_number=number,
            moved_in=moved_in,
            recorded_by=recorder or actor,
            note=note,
        )
        refresh_dossier_status(dossier)
        record_event(
            dossier=dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=Line(
                "Move-in of %(customer)s recorded (%(role)s)",
                customer=customer.name,
                role=choice(occupancy, "role"),
            ),
            detail=note,
            actor=actor,
            occurred_on=moved_in,
            record=occupancy,
        )
        link = reverse("customers:dossier_detail", args=[dossier.pk])
        verifiers = permissions.who_is_told(dossier, perm=VERIFY, exclude=recorder or actor)
        notify(
            verifiers,
            Line(
                "Move-in of %(customer)s into %(number)s awaits verification.",
                customer=customer.name,
                number=dossier.archive_number,
            ),
            link,
            about=dossier,
        )
    return occupancy


def occupancy_verify(*, occupancy: Occupancy, actor, approve=True, note="") -> Occupancy:
    """信息核实 (R4): a second person confirms the data; the records are then locked (R9)."""
    permissions.require_on_dossier(actor, VERIFY, occupancy.dossier)
    workflow.require_move(actor, occupancy, "approve" if approve else "reject")
    with transaction.atomic():
        occupancy = locked_for_move(occupancy)
        occupancy = workflow.transition(
            occupancy,
            Status.ACTIVE if approve else Status.REJECTED,
            actor=actor,
            reason=Line("Verified") if approve else Line("Rejected at verification"),
            already_locked=True,
            verified_by=actor,
            verified_at=timezone.now(),
            note=note or occupancy.note,
        )
        if approve:
            customer = Customer.objects.select_for_update().get(pk=occupancy.customer_id)
            if not customer.locked:
                customer.locked = True
                customer._change_reason = lines.as_text(Line("Locked at verification"), 100)
                customer.save(update_fields=["locked"])
        refresh_dossier_status(occupancy.dossier)
        record_event(
            dossier=occupancy.dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=(
                Line("Move-in of %(customer)s verified", customer=occupancy.customer.name)
                if approve
                else Line("Move-in of %(customer)s rejected", customer=occupancy.customer.name)
            ),
            detail=note,
            actor=actor,
            record=occupancy,
        )
        notify(
            [occupancy.recorded_by],
            (
                Line("Move-in of %(customer)s verified.", customer=occupancy.customer.name)
                if approve
                else Line("Move-in of %(customer)s rejected.", customer=occupancy.customer.name)
            ),
            reverse("customers:dossier_detail", args=[occupancy.dossier_id]),
            about=occupancy.dossier,
        )
    return occupancy


def occupancy_move_out(*, occupancy: Occupancy, moved_out, actor, note="") -> Occupancy:
    """R8: close the leaving customer's section; it is kept apart, read-only. The section is
    locked and moved by compare-and-set: of two move-outs at once, one wins."""
    permissions.require_on_dossier(actor, "customers.change_occupancy", occupancy.dossier)
    workflow.require_move(actor, occupancy, "move_out")
    with transaction.atomic():
        occupancy = locked_for_move(occupancy)
        if moved_out < occupancy.moved_in:
            raise DomainError(_("The move-out date is before the move-in date."))
        workflow.not_in_future(moved_out, _("The move-out date"))
        occupancy = workflow.transition(
            occupancy,
            Status.MOVED_OUT,
            actor=actor,
            reason=Line("Moved out"),
            already_locked=True,
            moved_out=moved_out,
            closed_by=actor,
            note=note or occupancy.note,
        )
        refresh_dossier_status(occupancy.dossier)
        record_event(
            dossier=occupancy.dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=Line(
                "%(customer)s moved out; section %(n)s closed",
                customer=occupancy.customer.name,
                n=occupancy.section_number,
            ),
            detail=note,
            actor=actor,
            occurred_on=moved_out,
            record=occupancy,
        )
    return occupancy
