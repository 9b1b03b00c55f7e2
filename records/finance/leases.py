"""Leases (租赁合同) of a dossier (R5): the tenant, the term, the rent and the deposit.

A lease belongs to a tenant holding a current section of the dossier. A renewal is a new lease
(``renewal_of``) for a later term and locks the old one; a termination locks the lease. Two
leases in force of the same tenant in the same dossier never overlap. The deposit is a
``Deposit`` of kind "lease": one already held in the dossier, or one recorded with the lease
(``finance.deposit_record``); a renewal keeps the deposit of the lease it renews.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.lines import Line, choice
from core.templatetags.core_tags import yuan
from customers.models import Dossier, Occupancy
from records.common import DomainError, Kind, move, record_event
from records.finance.services import deposit_record
from records.models import Deposit, Lease
from records.permissions import can, on_dossier, require_record

__all__ = [
    "WORKFLOW",
    "lease_record",
    "lease_renew",
    "lease_terminate",
]


def _may_add_leases(user, lease):
    # a renewal is a new lease: whoever renews also records leases
    return None if can(user, "records.add_lease") else False


# a lease in force is renewed (a new lease for a later term) or terminated; either locks it
WORKFLOW = workflow.declare(
    Lease,
    workflow.Move(
        "renew", Lease.Status.RENEWED, perm="records.change_lease", guard=_may_add_leases
    ),
    workflow.Move("terminate", Lease.Status.TERMINATED, perm="records.change_lease"),
    gate=on_dossier,
)


def _tenant_section(dossier, tenant):
    sections = Occupancy.objects.current().filter(dossier=dossier, customer=tenant)
    section = sections.order_by(
        # a tenant's section before an owner's, the newest first
        F("role").desc(),
        "-section_number",
    ).first()
    if section is None:
        raise ValidationError(
            {
                "tenant": _("%(name)s holds no current section of this dossier.")
                % {"name": tenant.name}
            }
        )
    return section


def _check_term(data):
    errors = {}
    if data["ends_on"] <= data["starts_on"]:
        errors["ends_on"] = _("The lease must end after it starts.")
    if data["signed_on"] > data["ends_on"]:
        errors["signed_on"] = _("The lease cannot be signed after its term has ended.")
    if data["rent"] < 0:
        errors["rent"] = _("The rent cannot be negative.")
    if errors:
        raise ValidationError(errors)


def _refuse_overlap(dossier, tenant, starts_on, ends_on):
    clash = (
        Lease.objects.filter(
            dossier=dossier,
            tenant=tenant,
            status=Lease.Status.ACTIVE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .order_by("starts_on")
        .first()
    )
    if clash:
        raise DomainError(
            _(
                "%(name)s already has lease %(number)s in force from %(start)s to %(end)s; "
                "renew or terminate it instead of recording an overlapping one."
            )
            % {
                "name": tenant.name,
                "number": clash.contract_number,
                "start": date_format(clash.starts_on),
                "end": date_format(clash.ends_on),
            }
        )


def _lease_deposit(*, dossier, data, tenant, section, actor):
    """The deposit a lease holds: an existing held lease deposit of the dossier, a new one
    recorded with the lease, or none."""
    existing = data.get("deposit")
    amount = data.get("deposit_amount")
    if existing and amount:
        raise ValidationError(
            {"deposit": _("Choose a deposit on file or record a new one, not both.")}
        )
    if existing:
        deposit = Deposit.objects.select_for_update(no_key=True).get(pk=existing.pk)
        if deposit.dossier_id != dossier.pk or deposit.kind != Deposit.Kind.LEASE:
            raise ValidationError({"deposit": _("Choose a lease deposit of this dossier.")})
        if deposit.status != Deposit.Status.HELD:
            raise ValidationError(
                {
                    "deposit": _("This deposit is no longer held (%(status)s).")
                    % {"status": deposit.get_status_display()}
                }
            )
        if Lease.objects.filter(deposit=deposit).exists():
            raise ValidationError({"deposit": _("This deposit already belongs to another lease.")})
        return deposit
    if amount:
        if not data.get("deposit_receipt_number"):
            raise ValidationError(
                {"deposit_receipt_number": _("Enter the receipt number of the deposit.")}
            )
        return deposit_record(
            dossier=dossier,
            section=section,
            actor=actor,
            data={
                "kind": Deposit.Kind.LEASE,
                "payer": data.get("deposit_payer") or tenant.name,
                "amount": amount,
                "received_on": data.get("deposit_received_on") or data["signed_on"],
                "receipt_number": data["deposit_receipt_number"],
                "note": _("Deposit of lease %(number)s") % {"number": data["contract_number"]},
            },
            field_prefix="deposit_",
        )
    return None


def _new_lease(*, dossier, tenant, section, data, deposit, actor, renewal_of=None, reason):
    lease = Lease(
        dossier=dossier,
        section=section,
        recorded_by=actor,
        tenant=tenant,
        landlord=data.get("landlord", ""),
        contract_number=data["contract_number"].strip(),
        signed_on=data["signed_on"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        rent=data["rent"],
        payment_cycle=data["payment_cycle"],
        deposit=deposit,
        renewal_of=renewal_of,
        note=data.get("note", ""),
    )
    return workflow.save_with_history(lease, actor=actor, reason=reason)


def lease_record(*, dossier, data, actor) -> Lease:
    """Record a lease of a tenant of the dossier, with its deposit (on file or new)."""
    require_record(actor, "records.add_lease", dossier)
    tenant = data["tenant"]
    _check_term(data)
    with transaction.atomic():
        # one lease at a time per dossier: the overlap check cannot race
        Dossier.objects.select_for_update(no_key=True).filter(pk=dossier.pk).first()
        section = _tenant_section(dossier, tenant)
        _refuse_overlap(dossier, tenant, data["starts_on"], data["ends_on"])
        deposit = _lease_deposit(
            dossier=dossier, data=data, tenant=tenant, section=section, actor=actor
        )
        lease = _new_lease(
            dossier=dossier,
            tenant=tenant,
            section=section,
            data=data,
            deposit=deposit,
            actor=actor,
            reason=Line("Lease recorded"),
        )
        record_event(
            dossier=dossier,
            kind=Kind.LEASE,
            title=Line(
                "Lease %(number)s of %(name)s recorded, %(start)s to %(end)s",
                number=lease.contract_number,
                name=tenant.name,
                start=lease.starts_on,
                end=lease.ends_on,
            ),
            detail=Line(
                "Rent %(rent)s a month, paid %(cycle)s",
                rent=yuan(lease.rent),
                cycle=choice(lease, "payment_cycle"),
            ),
            actor=actor,
            occurred_on=lease.signed_on,
            record=lease,
        )
    return lease


def lease_renew(*, lease, data, actor) -> Lease:
    """Renew a lease in force: a new lease for the new term; the old one is kept, locked."""
    require_record(actor, "records.change_lease", lease.dossier)
    gate.require(actor, "records.add_lease")
    _check_term(data)
    with transaction.atomic():
        # decided on the row as it is now, whatever the caller read
        old = workflow.lock_for_move(actor, lease, "renew", related=("dossier",))
        errors = {}
        if data["starts_on"] <= old.starts_on:
            errors["starts_on"] = _(
                "The new term must start after the current one started (%(date)s)."
            ) % {"date": date_format(old.starts_on)}
        if data["ends_on"] <= old.ends_on:
            errors["ends_on"] = _(
                "The new term must end after the current one ends (%(date)s)."
            ) % {"date": date_format(old.ends_on)}
        if errors:
            raise ValidationError(errors)
        section = _tenant_section(old.dossier, old.tenant)
        move(old, Lease.Status.RENEWED, actor=actor, reason=Line("Renewed"), close=True)
        _refuse_overlap(old.dossier, old.tenant, data["starts_on"], data["ends_on"])
        deposit = _lease_deposit(
            dossier=old.dossier, data=data, tenant=old.tenant, section=section, actor=actor
        )
        new = _new_lease(
            dossier=old.dossier,
            tenant=old.tenant,
            section=section,
            data=data,
            deposit=deposit,
            actor=actor,
            renewal_of=old,
            reason=Line("Renewal of lease %(number)s", number=old.contract_number),
        )
        record_event(
            dossier=old.dossier,
            kind=Kind.LEASE,
            title=Line(
                "Lease %(old)s renewed until %(end)s (%(new)s)",
                old=old.contract_number,
                end=new.ends_on,
                new=new.contract_number,
            ),
            detail=Line(
                "Rent %(rent)s a month, paid %(cycle)s",
                rent=yuan(new.rent),
                cycle=choice(new, "payment_cycle"),
            ),
            actor=actor,
            occurred_on=new.signed_on,
            record=new,
        )
    return new


def lease_terminate(*, lease, terminated_on, reason, actor) -> Lease:
    """End a lease in force before its term (or close it at its end); it is then locked."""
    require_record(actor, "records.change_lease", lease.dossier)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the lease is terminated.")})
    with transaction.atomic():
        # decided on the row as it is now, whatever the caller read
        lease = workflow.lock_for_move(actor, lease, "terminate", related=("dossier",))
        if terminated_on < lease.signed_on:
            raise ValidationError(
                {
                    "terminated_on": _("A lease cannot end before it was signed (%(date)s).")
                    % {"date": date_format(lease.signed_on)}
                }
            )
        move(
            lease,
            Lease.Status.TERMINATED,
            actor=actor,
            reason=Line("Terminated"),
            close=True,
            terminated_on=terminated_on,
            termination_reason=reason,
        )
        record_event(
            dossier=lease.dossier,
            kind=Kind.LEASE,
            title=Line(
                "Lease %(number)s terminated on %(date)s",
                number=lease.contract_number,
                date=terminated_on,
            ),
            detail=reason,
            actor=actor,
            occurred_on=terminated_on,
            record=lease,
        )
    return lease
