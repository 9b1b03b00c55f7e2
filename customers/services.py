"""Every write of the customers app: one function per move, in a transaction, with its audit.

Views, admin actions, commands and tasks call these; nothing else saves these models. This
module holds the customer's own records (registration, contacts, household, the reveal of
personal data) and names, for its callers, the writes each concept keeps in its own module:
dossiers (``dossiers``), sections and their moves (``occupancy``), edits and change requests
(``changes``), referred move-ins (``referrals``).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import lines
from core import permissions as gate
from core.lines import Line, choice
from core.models import AccessLog
from core.services import log_access
from core.workflow import DomainError

from . import permissions
from .changes import (
    change_request_approve,
    change_request_create,
    change_request_reject,
    customer_update,
)
from .common import customer_events, require_customer
from .dossiers import dossier_open, dossier_set_secrecy, format_archive_number
from .models import Contact, Customer, Dossier, DossierEvent, HouseholdMember
from .occupancy import move_in_record, occupancy_move_out, occupancy_verify
from .referrals import move_in_refer, referral_accept, referral_reject

__all__ = [
    "DomainError",
    "change_request_approve",
    "change_request_create",
    "change_request_reject",
    "contact_add",
    "contact_replace",
    "customer_register",
    "customer_update",
    "dossier_open",
    "dossier_set_secrecy",
    "format_archive_number",
    "household_member_add",
    "household_member_leave",
    "move_in_record",
    "move_in_refer",
    "occupancy_move_out",
    "occupancy_verify",
    "personal_data_reveal",
    "referral_accept",
    "referral_reject",
]


# --- Customers ----------------------------------------------------------------------------
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


# --- Dynamic updates (R10) ---------------------------------------------------------------
def contact_add(*, customer: Customer, data: dict, actor) -> Contact:
    require_customer(actor, "customers.add_contact", customer)
    contact = Contact(customer=customer, recorded_by=actor, **data)
    contact.valid_from = contact.valid_from or timezone.localdate()
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        customer_events(
            customer,
            kind=DossierEvent.Kind.CONTACT,
            title=Line(
                "Contact added: %(name)s (%(kind)s)",
                name=contact.name,
                kind=choice(contact, "kind"),
            ),
            actor=actor,
            occurred_on=contact.valid_from,
        )
    return contact


def contact_replace(*, contact: Contact, data: dict, actor) -> Contact:
    """A changed contact is a new row; the old one is closed and points to it (R10)."""
    require_customer(actor, "customers.add_contact", contact.customer)
    with transaction.atomic():
        old = Contact.objects.select_for_update().get(pk=contact.pk)
        if old.valid_until is not None:
            raise DomainError(_("This contact has already been replaced."))
        new = Contact(customer=old.customer, kind=old.kind, recorded_by=actor, **data)
        new.valid_from = new.valid_from or timezone.localdate()
        new.full_clean()
        new.save()
        old.valid_until, old.replaced_by = new.valid_from, new
        old._change_reason = lines.as_text(Line("Replaced by %(name)s", name=new.name), 100)
        old.save(update_fields=["valid_until", "replaced_by"])
        customer_events(
            old.customer,
            kind=DossierEvent.Kind.CONTACT,
            title=Line(
                "Contact changed: %(old)s → %(new)s (%(kind)s)",
                old=old.name,
                new=new.name,
                kind=choice(new, "kind"),
            ),
            actor=actor,
            occurred_on=new.valid_from,
        )
    return new


def household_member_add(*, customer: Customer, data: dict, actor) -> HouseholdMember:
    require_customer(actor, "customers.add_householdmember", customer)
    member = HouseholdMember(customer=customer, **data)
    member.joined_on = member.joined_on or timezone.localdate()
    member.full_clean()
    with transaction.atomic():
        member.save()
        customer_events(
            customer,
            kind=DossierEvent.Kind.HOUSEHOLD,
            title=Line(
                "%(name)s joined the household (%(relation)s)",
                name=member.name,
                relation=member.relation,
            ),
            actor=actor,
            occurred_on=member.joined_on,
        )
    return member


def household_member_leave(*, member: HouseholdMember, left_on, actor) -> HouseholdMember:
    require_customer(actor, "customers.change_householdmember", member.customer)
    if member.left_on:
        raise DomainError(_("This member has already left the household."))
    member.left_on = left_on
    member._change_reason = lines.as_text(Line("Left the household"), 100)
    with transaction.atomic():
        member.save(update_fields=["left_on"])
        customer_events(
            member.customer,
            kind=DossierEvent.Kind.HOUSEHOLD,
            title=Line("%(name)s left the household", name=member.name),
            actor=actor,
            occurred_on=left_on,
        )
    return member


# --- Personal data (R16, R21) -----------------------------------------------------------
def personal_data_reveal(*, dossier: Dossier, reason: str, actor, request=None):
    """A deliberate, logged reveal of the dossier's unmasked personal data."""
    from .reveal import reason_problem

    if problem := reason_problem(reason):
        raise DomainError(problem)
    permissions.require_reveal(actor, dossier, request=request)
    log_access(actor, dossier, AccessLog.Action.REVEAL, reason=reason, request=request)
