"""Helpers the customers services share (a timeline line, the sight of a customer, a stamp of
serialised values). Not services: they write nothing of their own."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.workflow import DomainError

from . import permissions
from .models import Occupancy
from .timeline import record_event


def customer_events(customer, *, kind, title, actor, detail="", occurred_on=None):
    """R10: a change of a customer is an event in every dossier where they hold an open
    section (an owner of three units has three dossiers, R11)."""
    sections = Occupancy.objects.current().filter(customer=customer).select_related("dossier")
    for section in sections:
        record_event(
            dossier=section.dossier,
            section=section,
            kind=kind,
            title=title,
            detail=detail,
            actor=actor,
            occurred_on=occurred_on,
            record=customer,
        )


def require_customer(actor, perm, customer):
    """Services about a customer (contacts, household): the model permission and the sight
    of the customer, through a dossier the actor may see (R17)."""
    gate.require(actor, perm)
    if not permissions.can_see_customer(actor, customer):
        gate.record_refusal(actor, perm, customer)
        raise PermissionDenied(_("You may not work on this customer's records."))


def serialise(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def locked_for_move(obj):
    """The row of ``obj`` locked for a move, read again: refused when someone changed its
    status since ``obj`` was read (the page's copy is stale). Call it inside the transaction;
    the move is then ``workflow.transition(locked_row, ..., already_locked=True)``, whose
    compare-and-set still holds where there are no row locks (SQLite)."""
    current = workflow.lock(type(obj), obj.pk)
    if current.status != obj.status:
        raise DomainError(workflow.stale_message(obj))
    return current
