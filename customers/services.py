"""Every write of the customers app: one function per move, in a transaction, with its audit.

Views, admin actions, commands and tasks call these; nothing else saves these models.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core.models import AccessLog
from core.services import log_access, notify
from core.workflow import DomainError

from . import permissions
from .models import (
    ArchiveNumber,
    ChangeRequest,
    Contact,
    Customer,
    Dossier,
    DossierEvent,
    HouseholdMember,
    MoveInReferral,
    Occupancy,
    Unit,
)


def _event(**kwargs):
    from .timeline import record_event

    return record_event(**kwargs)


def _customer_events(customer, *, kind, title, actor, detail="", occurred_on=None):
    """R10: a change of a customer is an event in every dossier where they hold an open
    section (an owner of three units has three dossiers, R11)."""
    sections = Occupancy.objects.current().filter(customer=customer).select_related("dossier")
    for section in sections:
        _event(
            dossier=section.dossier,
            section=section,
            kind=kind,
            title=title,
            detail=detail,
            actor=actor,
            occurred_on=occurred_on,
            record=customer,
        )


# --- Dossiers --------------------------------------------------------------------------
def format_archive_number(unit: Unit) -> str:
    building = unit.building
    parts = {
        "estate": building.estate.code,
        "building": building.number,
        "entrance": unit.entrance,
        "room": unit.room,
        "floor": unit.floor,
    }
    number = settings.ARCHIVE_NUMBER_FORMAT.format(**parts)
    # drop the separators around empty parts: "A-3--1201" -> "A-3-1201"
    return re.sub(r"([-/_.])\1+", r"\1", number).strip("-/_.")


def _issue_archive_number(unit: Unit) -> str:
    """R2: derived from the unit, unique, never reused: a number issued before (to a dossier
    since removed, or a unit renamed back) gets a suffix instead."""
    base = format_archive_number(unit)
    candidate, n = base, 1
    while ArchiveNumber.objects.filter(number=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def dossier_open(*, unit: Unit, actor, opened_on=None) -> Dossier:
    """Open the unit's dossier (R1); an existing one is returned unchanged."""
    gate.require(actor, "customers.add_dossier")
    existing = Dossier.objects.filter(unit=unit).first()
    if existing:  # refused outside the transaction, so that the refusal is kept in the log
        permissions.require_on_dossier(actor, "customers.add_dossier", existing)
    with transaction.atomic():
        existing = Dossier.objects.filter(unit=unit).first()
        if existing:
            return existing
        number = _issue_archive_number(unit)
        try:
            with transaction.atomic():
                dossier = Dossier.objects.create(
                    unit=unit,
                    archive_number=number,
                    opened_on=opened_on or timezone.localdate(),
                    opened_by=actor,
                )
        except IntegrityError:  # somebody opened it at the same moment
            return Dossier.objects.get(unit=unit)
        ArchiveNumber.objects.create(number=number, dossier=dossier)
        return dossier


def dossier_set_secrecy(
    *, dossier: Dossier, secrecy_level: str, retention: str, reason: str, actor
):
    permissions.require_on_dossier(actor, "customers.change_dossier", dossier)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier.secrecy_level, dossier.retention = secrecy_level, retention
        dossier._change_reason = reason
        dossier.save(update_fields=["secrecy_level", "retention"])
    return dossier


def _refresh_status(dossier: Dossier):
    statuses = set(dossier.occupancies.current().values_list("status", flat=True))
    if Occupancy.Status.ACTIVE in statuses:
        status = Dossier.Status.OCCUPIED
    elif Occupancy.Status.PENDING in statuses:
        status = Dossier.Status.PENDING
    else:
        status = Dossier.Status.VACANT
    if dossier.status != status:
        dossier.status = status
        dossier.save(update_fields=["status"])


# --- Customers and move-in --------------------------------------------------------------
def customer_register(*, data: dict, actor) -> Customer:
    """A new customer from validated form data (R3, R4: checked by the model's validation)."""
    gate.require(actor, "customers.add_customer")
    customer = Customer(**data, created_by=actor)
    customer.full_clean()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        # Registered by someone else at the same moment (customer_unique_id_number or
        # customer_unique_credit_code): say so, in words that name nobody (R17).
        raise DomainError(
            _(
                "This ID number or credit code has just been registered by someone else. "
                "Submit the form again to use that record."
            )
        ) from exc
    return customer


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
        _refresh_status(dossier)
        _event(
            dossier=dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=_("Move-in of %(customer)s recorded (%(role)s)")
            % {"customer": customer.name, "role": occupancy.get_role_display()},
            detail=note,
            actor=actor,
            occurred_on=moved_in,
            record=occupancy,
        )
        link = reverse("customers:dossier_detail", args=[dossier.pk])
        verifiers = permissions.who_is_told(
            dossier, perm="customers.verify_occupancy", exclude=recorder or actor
        )
        notify(
            verifiers,
            _("Move-in of %(customer)s into %(number)s awaits verification.")
            % {"customer": customer.name, "number": dossier.archive_number},
            link,
            about=dossier,
        )
    return occupancy


def _transition(occupancy, target):
    if target not in Occupancy.TRANSITIONS[occupancy.status]:
        raise DomainError(
            _("A section that is “%(status)s” cannot become “%(target)s”.")
            % {"status": occupancy.get_status_display(), "target": Occupancy.Status(target).label}
        )


def occupancy_verify(*, occupancy: Occupancy, actor, approve=True, note="") -> Occupancy:
    """信息核实 (R4): a second person confirms the data; the records are then locked (R9)."""
    permissions.require_on_dossier(actor, "customers.verify_occupancy", occupancy.dossier)
    with transaction.atomic():
        occupancy = Occupancy.objects.select_for_update().get(pk=occupancy.pk)
        if occupancy.recorded_by_id == actor.pk:
            raise DomainError(_("The move-in must be verified by someone other than its recorder."))
        target = Occupancy.Status.ACTIVE if approve else Occupancy.Status.REJECTED
        _transition(occupancy, target)
        updated = Occupancy.objects.filter(pk=occupancy.pk, status=occupancy.status).update(
            status=target
        )
        if updated != 1:
            raise DomainError(_("Someone else has just changed this section."))
        occupancy.status = target
        occupancy.verified_by, occupancy.verified_at = actor, timezone.now()
        if note:
            occupancy.note = note
        occupancy._change_reason = _("Verified") if approve else _("Rejected at verification")
        occupancy.save(update_fields=["status", "verified_by", "verified_at", "note"])
        if approve:
            customer = Customer.objects.select_for_update().get(pk=occupancy.customer_id)
            if not customer.locked:
                customer.locked = True
                customer._change_reason = _("Locked at verification")
                customer.save(update_fields=["locked"])
        _refresh_status(occupancy.dossier)
        _event(
            dossier=occupancy.dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=(
                _("Move-in of %(customer)s verified")
                if approve
                else _("Move-in of %(customer)s rejected")
            )
            % {"customer": occupancy.customer.name},
            detail=note,
            actor=actor,
            record=occupancy,
        )
        notify(
            [occupancy.recorded_by],
            (
                _("Move-in of %(customer)s verified.")
                if approve
                else _("Move-in of %(customer)s rejected.")
            )
            % {"customer": occupancy.customer.name},
            reverse("customers:dossier_detail", args=[occupancy.dossier_id]),
            about=occupancy.dossier,
        )
    return occupancy


def occupancy_move_out(*, occupancy: Occupancy, moved_out, actor, note="") -> Occupancy:
    """R8: close the leaving customer's section; it is kept apart, read-only."""
    permissions.require_on_dossier(actor, "customers.change_occupancy", occupancy.dossier)
    with transaction.atomic():
        occupancy = Occupancy.objects.select_for_update().get(pk=occupancy.pk)
        _transition(occupancy, Occupancy.Status.MOVED_OUT)
        if moved_out < occupancy.moved_in:
            raise DomainError(_("The move-out date is before the move-in date."))
        if moved_out > timezone.localdate():
            raise DomainError(_("The move-out date is in the future."))
        occupancy.status = Occupancy.Status.MOVED_OUT
        occupancy.moved_out, occupancy.closed_by = moved_out, actor
        if note:
            occupancy.note = note
        occupancy._change_reason = _("Moved out")
        occupancy.save(update_fields=["status", "moved_out", "closed_by", "note"])
        _refresh_status(occupancy.dossier)
        _event(
            dossier=occupancy.dossier,
            section=occupancy,
            kind=DossierEvent.Kind.OCCUPANCY,
            title=_("%(customer)s moved out; section %(n)s closed")
            % {"customer": occupancy.customer.name, "n": occupancy.section_number},
            detail=note,
            actor=actor,
            occurred_on=moved_out,
            record=occupancy,
        )
    return occupancy


# --- Dynamic updates (R10) ---------------------------------------------------------------
def _require_customer(actor, perm, customer):
    """Services about a customer (contacts, household): the model permission and the sight
    of the customer, through a dossier the actor may see (R17)."""
    gate.require(actor, perm)
    if not permissions.can_see_customer(actor, customer):
        gate.record_refusal(actor, perm, customer)
        raise PermissionDenied(_("You may not work on this customer's records."))


def contact_add(*, customer: Customer, data: dict, actor) -> Contact:
    _require_customer(actor, "customers.add_contact", customer)
    contact = Contact(customer=customer, recorded_by=actor, **data)
    contact.valid_from = contact.valid_from or timezone.localdate()
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        _customer_events(
            customer,
            kind=DossierEvent.Kind.CONTACT,
            title=_("Contact added: %(name)s (%(kind)s)")
            % {"name": contact.name, "kind": contact.get_kind_display()},
            actor=actor,
            occurred_on=contact.valid_from,
        )
    return contact


def contact_replace(*, contact: Contact, data: dict, actor) -> Contact:
    """A changed contact is a new row; the old one is closed and points to it (R10)."""
    _require_customer(actor, "customers.add_contact", contact.customer)
    with transaction.atomic():
        old = Contact.objects.select_for_update().get(pk=contact.pk)
        if old.valid_until is not None:
            raise DomainError(_("This contact has already been replaced."))
        new = Contact(customer=old.customer, kind=old.kind, recorded_by=actor, **data)
        new.valid_from = new.valid_from or timezone.localdate()
        new.full_clean()
        new.save()
        old.valid_until, old.replaced_by = new.valid_from, new
        old._change_reason = _("Replaced by %(name)s") % {"name": new.name}
        old.save(update_fields=["valid_until", "replaced_by"])
        _customer_events(
            old.customer,
            kind=DossierEvent.Kind.CONTACT,
            title=_("Contact changed: %(old)s → %(new)s (%(kind)s)")
            % {"old": old.name, "new": new.name, "kind": new.get_kind_display()},
            actor=actor,
            occurred_on=new.valid_from,
        )
    return new


def household_member_add(*, customer: Customer, data: dict, actor) -> HouseholdMember:
    _require_customer(actor, "customers.add_householdmember", customer)
    member = HouseholdMember(customer=customer, **data)
    member.joined_on = member.joined_on or timezone.localdate()
    member.full_clean()
    with transaction.atomic():
        member.save()
        _customer_events(
            customer,
            kind=DossierEvent.Kind.HOUSEHOLD,
            title=_("%(name)s joined the household (%(relation)s)")
            % {"name": member.name, "relation": member.relation},
            actor=actor,
            occurred_on=member.joined_on,
        )
    return member


def household_member_leave(*, member: HouseholdMember, left_on, actor) -> HouseholdMember:
    _require_customer(actor, "customers.change_householdmember", member.customer)
    if member.left_on:
        raise DomainError(_("This member has already left the household."))
    member.left_on = left_on
    member._change_reason = _("Left the household")
    with transaction.atomic():
        member.save(update_fields=["left_on"])
        _customer_events(
            member.customer,
            kind=DossierEvent.Kind.HOUSEHOLD,
            title=_("%(name)s left the household") % {"name": member.name},
            actor=actor,
            occurred_on=left_on,
        )
    return member


# --- Locked originals and change requests (R9) -------------------------------------------
def _change_title(customer, changes):
    """“Enterprise data changed: tax registration number, address” — names, never values."""
    names = ", ".join(str(Customer._meta.get_field(f).verbose_name) for f in changes)
    if customer.kind == Customer.Kind.ENTERPRISE:
        return _("Enterprise data changed: %(fields)s") % {"fields": names}
    return _("Customer data changed: %(fields)s") % {"fields": names}


def _serialise(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def customer_update(*, customer: Customer, data: dict, actor, dossier: Dossier, reason=""):
    """Edit a customer. Before confirmation it is saved at once; once locked, the edit becomes
    a change request for a manager (R9). Returns the customer or the change request."""
    if dossier is not None:
        permissions.require_on_dossier(actor, "customers.change_customer", dossier)
    _require_customer(actor, "customers.change_customer", customer)
    changes = {
        field: [_serialise(getattr(customer, field)), _serialise(value)]
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
            _customer_events(
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
        managers = permissions.who_is_told(
            dossier, perm="customers.approve_changerequest", exclude=actor
        )
        notify(
            managers,
            _("Change of %(customer)s in %(number)s awaits approval.")
            % {"customer": customer.name, "number": dossier.archive_number},
            reverse("customers:change_request_detail", args=[request.pk]),
            about=dossier,
        )
    return request


def _require_decide_change(actor, change_request):
    permissions.require_on_dossier(actor, "customers.approve_changerequest", change_request.dossier)


def _decide(change_request, actor, target, note):
    _require_decide_change(actor, change_request)
    cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if target not in ChangeRequest.TRANSITIONS[cr.status]:
        raise DomainError(_("This change request has already been decided."))
    if cr.requested_by_id == actor.pk and target != ChangeRequest.Status.WITHDRAWN:
        raise DomainError(_("A change request is decided by someone other than its requester."))
    updated = ChangeRequest.objects.filter(pk=cr.pk, status=cr.status).update(status=target)
    if updated != 1:
        raise DomainError(_("This change request has already been decided."))
    cr.status, cr.decided_by, cr.decided_at, cr.decision_note = target, actor, timezone.now(), note
    cr.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return cr


def change_request_approve(*, change_request: ChangeRequest, actor, note="") -> ChangeRequest:
    """Apply the proposed values; the history row carries the request's reason (R9)."""
    _require_decide_change(actor, change_request)  # outside the transaction: the refusal stays
    with transaction.atomic():
        cr = _decide(change_request, actor, ChangeRequest.Status.APPROVED, note)
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
        _customer_events(
            customer,
            kind=DossierEvent.Kind.CUSTOMER,
            title=_change_title(customer, cr.changes),
            detail=_("Change request #%(id)s: %(reason)s") % {"id": cr.pk, "reason": cr.reason},
            actor=actor,
        )
        notify(
            [cr.requested_by],
            _("Your change of %(customer)s was approved.") % {"customer": customer.name},
            reverse("customers:dossier_detail", args=[cr.dossier_id]),
            about=cr.dossier,
        )
    return cr


def change_request_reject(*, change_request: ChangeRequest, actor, note) -> ChangeRequest:
    if not note.strip():
        raise DomainError(_("Say why the change is rejected."))
    _require_decide_change(actor, change_request)
    with transaction.atomic():
        cr = _decide(change_request, actor, ChangeRequest.Status.REJECTED, note)
        notify(
            [cr.requested_by],
            _("Your change of %(customer)s was rejected: %(note)s")
            % {"customer": cr.customer.name, "note": note},
            reverse("customers:change_request_detail", args=[cr.pk]),
            about=cr.dossier,
        )
    return cr


# --- Personal data (R16, R21) -----------------------------------------------------------
def personal_data_reveal(*, dossier: Dossier, reason: str, actor, request=None):
    """A deliberate, logged reveal of the dossier's unmasked personal data."""
    from .reveal import reason_problem

    if problem := reason_problem(reason):
        raise DomainError(problem)
    permissions.require_reveal(actor, dossier, request=request)
    log_access(actor, dossier, AccessLog.Action.REVEAL, reason=reason, request=request)


# --- Move-ins of customers on file elsewhere (R17) -------------------------------------------
def _referral_deciders(referral):
    """The managers who may decide ``referral``: they hold the permission and may see the
    customer on file and the unit's dossier, when it has one."""
    return permissions.who_is_told(
        Dossier.objects.filter(unit=referral.unit).first(),
        perm="customers.decide_moveinreferral",
        exclude=referral.requested_by,
        customer=referral.customer,
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
        status=MoveInReferral.Status.REQUESTED,
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
            typed={k: _serialise(v) for k, v in typed.items() if v not in (None, "")},
            requested_by=actor,
        )
        link = reverse("customers:referral_detail", args=[referral.pk])
        deciders = _referral_deciders(referral)
        if deciders:
            notify(
                deciders,
                _(
                    "A move-in into %(unit)s awaits your decision: the customer is on file in "
                    "another dossier."
                )
                % {"unit": unit},
                link,
            )
        else:  # nobody may see the customer: managers learn that a decision waits, not whom
            notify(
                permissions.who_is_told(None, perm="customers.decide_moveinreferral"),
                _(
                    "A move-in into %(unit)s awaits a manager who may see the customer on file: "
                    "ask the administrator for access."
                )
                % {"unit": unit},
                link,
            )
    return referral


def _require_decider(actor, referral):
    """Before the transaction, so that a refusal stays in the log: the permission, the sight
    of the customer on file and of the unit's dossier (the move-in is recorded there)."""
    gate.require(actor, "customers.decide_moveinreferral")
    if not permissions.can_see_customer(actor, referral.customer):
        gate.record_refusal(actor, "customers.decide_moveinreferral", referral)
        raise PermissionDenied(_("You may not see the customer on file; ask for access."))
    dossier = Dossier.objects.filter(unit=referral.unit).first()
    if dossier is not None:
        permissions.require_on_dossier(actor, "customers.add_occupancy", dossier)


def _decide_referral(referral, actor, target, note):
    referral = MoveInReferral.objects.select_for_update().get(pk=referral.pk)
    if target not in MoveInReferral.TRANSITIONS[referral.status]:
        raise DomainError(_("This move-in has already been decided."))
    if referral.requested_by_id == actor.pk:
        raise DomainError(_("A referred move-in is decided by someone other than its recorder."))
    updated = MoveInReferral.objects.filter(pk=referral.pk, status=referral.status).update(
        status=target
    )
    if updated != 1:
        raise DomainError(_("This move-in has already been decided."))
    referral.status = target
    referral.decided_by, referral.decided_at, referral.decision_note = (
        actor,
        timezone.now(),
        note,
    )
    return referral


def referral_accept(*, referral: MoveInReferral, actor, note="") -> MoveInReferral:
    """Record the move-in with the customer on file; it is then verified as usual (R4)."""
    _require_decider(actor, referral)
    with transaction.atomic():
        referral = _decide_referral(referral, actor, MoveInReferral.Status.ACCEPTED, note)
        occupancy = move_in_record(
            unit=referral.unit,
            customer=referral.customer,
            role=referral.role,
            moved_in=referral.moved_in,
            note=referral.note,
            actor=actor,
            recorder=referral.requested_by,  # who typed it may not verify it (R4)
        )
        referral.occupancy = occupancy
        referral._change_reason = note or _("Accepted")
        referral.save(update_fields=["decided_by", "decided_at", "decision_note", "occupancy"])
        notify(
            [referral.requested_by],
            _(
                "Your move-in into %(unit)s was accepted with the customer on file; it awaits "
                "verification."
            )
            % {"unit": referral.unit},
            reverse("customers:dossier_detail", args=[occupancy.dossier_id]),
            about=occupancy.dossier,
        )
    return referral


def referral_reject(*, referral: MoveInReferral, actor, note) -> MoveInReferral:
    if not (note or "").strip():
        raise DomainError(_("Say why the move-in is rejected."))
    _require_decider(actor, referral)
    with transaction.atomic():
        referral = _decide_referral(referral, actor, MoveInReferral.Status.REJECTED, note)
        referral._change_reason = note
        referral.save(update_fields=["decided_by", "decided_at", "decision_note"])
        notify(
            [referral.requested_by],
            _("Your move-in into %(unit)s was not accepted: %(note)s")
            % {"unit": referral.unit, "note": note},
            reverse("customers:referral_detail", args=[referral.pk]),
        )
    return referral
