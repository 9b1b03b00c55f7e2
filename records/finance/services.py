"""Deposits (押金), charges and payments (欠费) of a dossier (R5), and the arrears list.
Leases live in ``finance_leases`` and record their deposit through ``deposit_record``.

One function per write, ``<entity>_<verb>(*, …, actor)``. Each one checks the model permission
and the sight of the dossier (``require_record``), locks the row it changes, refuses an illegal
move (``DomainError``, or a ``ValidationError`` naming the field to correct), stamps who and
when, writes the dossier's timeline line in the same transaction and notifies whoever must act.

- A deposit of any kind is held until a manager other than the requester approves its refund
  or forfeit (R5: deposits are kept in the dossier, and nothing is paid back without approval).
- A charge is unique per dossier, item and billing period; payments settle it up to what is
  outstanding. The arrears list is computed in SQL, one row per dossier.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import permissions as gate
from core.services import notify
from core.templatetags.core_tags import yuan
from customers.models import Occupancy
from customers.permissions import who_is_told
from records.common import (
    DomainError,
    Kind,
    check_move,
    current_section,
    lock,
    record_event,
    save_with_history,
    set_status,
)
from records.models import Charge, Deposit, Payment
from records.permissions import can_approve, record_visible_to, require_record

__all__ = [
    "DomainError",
    "REFUND",
    "FORFEIT",
    "parse_period",
    "yuan",
    "deposit_record",
    "deposit_request_settlement",
    "deposit_decide",
    "can_decide_deposit",
    "deposits_awaiting_decision",
    "charge_add",
    "payment_record",
    "arrears",
    "attach_occupants",
    "arrears_summary",
]

REFUND, FORFEIT = "refund", "forfeit"
MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
# 2026-10, 2026/10, 2026.10, 202610, 2026年10月
PERIOD_PATTERN = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$")


# --- Helpers ----------------------------------------------------------------------------------
def parse_period(text) -> str:
    """A billing period as YYYY-MM; what people type (2026/10, 2026年10月, 202610) is accepted."""
    match = PERIOD_PATTERN.match((text or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    raise ValidationError(
        _("Write the billing period as year and month, for example 2026-10."), code="period"
    )


def _unique_receipt(model, number, field="receipt_number"):
    if model.objects.filter(receipt_number=number).exists():
        raise ValidationError(
            {field: _("Receipt number %(number)s is already on file.") % {"number": number}}
        )


# --- Deposits ---------------------------------------------------------------------------------
def deposit_record(*, dossier, data, actor, section=None, field_prefix="") -> Deposit:
    """Receive a deposit (押金) of any kind; it is held in the dossier until settled (R5)."""
    require_record(actor, "records.add_deposit", dossier)
    amount = data["amount"]
    number = (data["receipt_number"] or "").strip()
    if amount is None or amount <= 0:
        raise ValidationError({f"{field_prefix}amount": _("The amount must be more than zero.")})
    with transaction.atomic():
        _unique_receipt(Deposit, number, field=f"{field_prefix}receipt_number")
        deposit = Deposit(
            dossier=dossier,
            section=section or current_section(dossier),
            recorded_by=actor,
            kind=data["kind"],
            payer=data["payer"].strip(),
            amount=amount,
            received_on=data["received_on"],
            receipt_number=number,
            note=data.get("note", ""),
        )
        try:
            with transaction.atomic():
                save_with_history(deposit, actor=actor, reason=_("Deposit received"))
        except IntegrityError:
            _unique_receipt(Deposit, number, field=f"{field_prefix}receipt_number")
            raise
        record_event(
            dossier=dossier,
            kind=Kind.DEPOSIT,
            title=_("%(kind)s of %(amount)s received (receipt %(number)s)")
            % {"kind": deposit.get_kind_display(), "amount": yuan(amount), "number": number},
            detail=_("Paid by %(payer)s") % {"payer": deposit.payer},
            actor=actor,
            occurred_on=deposit.received_on,
            record=deposit,
        )
    return deposit


def deposit_request_settlement(*, deposit, settlement, reason, actor, refund_amount=None):
    """Ask a manager to refund (part of) a held deposit or to forfeit it; nothing is paid
    until another manager approves (R5)."""
    require_record(actor, "records.change_deposit", deposit.dossier)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deposit is settled.")})
    if settlement not in (REFUND, FORFEIT):
        raise ValidationError({"settlement": _("Choose refund or forfeit.")})
    with transaction.atomic():
        deposit = lock(Deposit, deposit.pk)
        target = (
            Deposit.Status.REFUND_REQUESTED
            if settlement == REFUND
            else Deposit.Status.FORFEIT_REQUESTED
        )
        check_move(deposit, target)
        if settlement == REFUND:
            if refund_amount is None or refund_amount <= 0:
                raise ValidationError(
                    {"refund_amount": _("Enter the amount to refund; to keep it all, forfeit.")}
                )
            if refund_amount > deposit.amount:
                raise ValidationError(
                    {
                        "refund_amount": _("At most the deposit, %(amount)s, can be refunded.")
                        % {"amount": yuan(deposit.amount)}
                    }
                )
        else:
            refund_amount = Decimal("0.00")
        deposit._history_user = actor
        deposit._change_reason = _("Settlement requested")
        set_status(
            deposit,
            target,
            refund_amount=refund_amount,
            settlement_reason=reason,
            settlement_requested_by=actor,
        )
        if settlement == REFUND:
            title = _("Refund of %(refund)s of deposit %(number)s requested") % {
                "refund": yuan(refund_amount),
                "number": deposit.receipt_number,
            }
        else:
            title = _("Forfeit of deposit %(number)s (%(amount)s) requested") % {
                "number": deposit.receipt_number,
                "amount": yuan(deposit.amount),
            }
        record_event(
            dossier=deposit.dossier,
            kind=Kind.DEPOSIT,
            title=title,
            detail=reason,
            actor=actor,
            record=deposit,
        )
        notify(
            who_is_told(deposit.dossier, exclude=actor, perm="records.approve_deposit"),
            _("%(dossier)s: %(what)s; your approval is needed.")
            % {"dossier": deposit.dossier.archive_number, "what": title},
            reverse("records:deposit_detail", args=[deposit.pk]),
            about=deposit.dossier,
        )
    return deposit


def can_decide_deposit(user, deposit):
    """A manager other than the requester decides a requested settlement."""
    return deposit.status in (
        Deposit.Status.REFUND_REQUESTED,
        Deposit.Status.FORFEIT_REQUESTED,
    ) and can_approve(
        user,
        "records.approve_deposit",
        deposit,
        requested_by_id=deposit.settlement_requested_by_id,
    )


def deposit_decide(
    *, deposit, approve, actor, note="", refund_receipt_number="", settled_on=None
) -> Deposit:
    """A manager approves the requested refund or forfeit (the deposit is then settled and
    locked) or rejects it with a note (it is held again)."""
    require_record(actor, "records.approve_deposit", deposit.dossier)
    note = (note or "").strip()
    refund_receipt_number = (refund_receipt_number or "").strip()
    with transaction.atomic():
        deposit = lock(Deposit, deposit.pk)
        requested = {
            Deposit.Status.REFUND_REQUESTED: Deposit.Status.REFUNDED,
            Deposit.Status.FORFEIT_REQUESTED: Deposit.Status.FORFEITED,
        }
        if deposit.status not in requested:
            raise DomainError(
                _("Nobody has asked to settle this deposit; it is “%(status)s”.")
                % {"status": deposit.get_status_display()}
            )
        if not can_decide_deposit(actor, deposit):
            gate.record_refusal(actor, "records.approve_deposit (own request)", deposit)
            raise DomainError(
                _("You asked for this settlement yourself; another manager must decide it.")
            )
        requester = deposit.settlement_requested_by
        deposit._history_user = actor
        if approve:
            target = requested[deposit.status]
            settled_on = settled_on or timezone.localdate()
            errors = {}
            if target == Deposit.Status.REFUNDED and not refund_receipt_number:
                errors["refund_receipt_number"] = _("Enter the number of the refund voucher.")
            if settled_on < deposit.received_on:
                errors["settled_on"] = _(
                    "A deposit cannot be settled before it was received (%(date)s)."
                ) % {"date": date_format(deposit.received_on)}
            if errors:
                raise ValidationError(errors)
            deposit._change_reason = _("Settlement approved")
            set_status(
                deposit,
                target,
                approved_by=actor,
                approved_at=timezone.now(),
                settled_on=settled_on,
                refund_receipt_number=refund_receipt_number
                if target == Deposit.Status.REFUNDED
                else "",
                locked=True,
            )
            if target == Deposit.Status.REFUNDED:
                title = _("Deposit %(number)s refunded: %(refund)s paid back, %(kept)s kept") % {
                    "number": deposit.receipt_number,
                    "refund": yuan(deposit.refund_amount),
                    "kept": yuan(deposit.amount - deposit.refund_amount),
                }
            else:
                title = _("Deposit %(number)s forfeited (%(amount)s)") % {
                    "number": deposit.receipt_number,
                    "amount": yuan(deposit.amount),
                }
            detail = deposit.settlement_reason
            occurred_on = settled_on
        else:
            if not note:
                raise ValidationError({"note": _("Say why the request is rejected.")})
            deposit._change_reason = _("Settlement rejected")
            set_status(
                deposit,
                Deposit.Status.HELD,
                refund_amount=None,
                settlement_reason="",
                settlement_requested_by=None,
            )
            title = _("Settlement of deposit %(number)s rejected; the deposit is held") % {
                "number": deposit.receipt_number
            }
            detail = note
            occurred_on = None
        record_event(
            dossier=deposit.dossier,
            kind=Kind.DEPOSIT,
            title=title,
            detail=detail,
            actor=actor,
            occurred_on=occurred_on,
            record=deposit,
        )
        notify(
            [requester],
            _("%(dossier)s: %(what)s") % {"dossier": deposit.dossier.archive_number, "what": title},
            reverse("records:deposit_detail", args=[deposit.pk]),
            about=deposit.dossier,
        )
    return deposit


def deposits_awaiting_decision(*, user):
    """Requested refunds and forfeits the user may see (for the approvals page)."""
    return (
        record_visible_to(user, Deposit)
        .filter(status__in=(Deposit.Status.REFUND_REQUESTED, Deposit.Status.FORFEIT_REQUESTED))
        .select_related("dossier", "settlement_requested_by")
        .order_by("received_on", "pk")
    )


# --- Charges and payments ---------------------------------------------------------------------
def charge_add(*, dossier, data, actor) -> Charge:
    """What the unit owes for one item and billing period (one charge each)."""
    require_record(actor, "records.add_charge", dossier)
    period = parse_period(data["period"])
    amount = data["amount"]
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    item = Charge.Item(data["item"])
    duplicate = ValidationError(
        {
            "period": _("%(item)s for %(period)s is already charged to this dossier.")
            % {"item": item.label, "period": period}
        }
    )
    with transaction.atomic():
        if Charge.objects.filter(dossier=dossier, item=item, period=period).exists():
            raise duplicate
        charge = Charge(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            item=item,
            period=period,
            amount=amount,
            due_on=data["due_on"],
            note=data.get("note", ""),
        )
        try:
            with transaction.atomic():
                save_with_history(charge, actor=actor, reason=_("Charge recorded"))
        except IntegrityError:
            raise duplicate from None
        record_event(
            dossier=dossier,
            kind=Kind.PAYMENT,
            title=_("%(item)s for %(period)s charged: %(amount)s, due %(date)s")
            % {
                "item": item.label,
                "period": period,
                "amount": yuan(amount),
                "date": date_format(charge.due_on),
            },
            actor=actor,
            record=charge,
        )
    return charge


def payment_record(*, charge, data, actor) -> Payment:
    """A payment against a charge, at most what is outstanding; the charge's paid amount is
    raised in the database (F expression), and the charge is locked once settled."""
    require_record(actor, "records.add_payment", charge.dossier)
    amount = data["amount"]
    number = (data["receipt_number"] or "").strip()
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    with transaction.atomic():
        charge = lock(Charge, charge.pk)
        outstanding = charge.amount - charge.paid_amount
        if outstanding <= 0:
            raise DomainError(_("This charge is paid in full already."))
        if amount > outstanding:
            raise ValidationError(
                {
                    "amount": _("Only %(amount)s is outstanding on this charge.")
                    % {"amount": yuan(outstanding)}
                }
            )
        _unique_receipt(Payment, number)
        # compare-and-set: never pay more than is owed, even without row locks (SQLite)
        raised = Charge.objects.filter(pk=charge.pk, paid_amount__lte=F("amount") - amount).update(
            paid_amount=F("paid_amount") + amount
        )
        if raised != 1:
            raise DomainError(_("Someone else has just recorded a payment; reload the page."))
        Charge.objects.filter(pk=charge.pk, paid_amount__gte=F("amount")).update(locked=True)
        charge.refresh_from_db(fields=["paid_amount", "locked"])
        Charge.history.bulk_history_create(
            [charge],
            update=True,
            default_user=actor,
            default_change_reason=_("Payment %(number)s") % {"number": number},
        )
        payment = Payment(
            dossier=charge.dossier,
            section=current_section(charge.dossier) or charge.section,
            recorded_by=actor,
            charge=charge,
            paid_on=data["paid_on"],
            amount=amount,
            method=data["method"],
            receipt_number=number,
        )
        try:
            with transaction.atomic():
                save_with_history(payment, actor=actor, reason=_("Payment received"))
        except IntegrityError:
            _unique_receipt(Payment, number)
            raise
        record_event(
            dossier=charge.dossier,
            kind=Kind.PAYMENT,
            title=_("%(amount)s paid for %(period)s %(item)s (receipt %(number)s)")
            % {
                "amount": yuan(amount),
                "period": charge.period,
                "item": charge.get_item_display(),
                "number": number,
            },
            detail=_("%(method)s; outstanding now %(left)s")
            % {"method": payment.get_method_display(), "left": yuan(charge.outstanding)},
            actor=actor,
            occurred_on=payment.paid_on,
            record=payment,
        )
    return payment


# --- Arrears ----------------------------------------------------------------------------------
def _owed_charges(*, user, on, estate=None):
    """The visible charges due before ``on`` and not paid by then, each with what it owed.

    A charge's ``paid_amount`` is the sum of its payments (``payment_record`` keeps it so, and
    the dossier's records panel counts its arrears from it). When no payment is dated after
    ``on`` (always, for today: payments are never dated ahead), what a charge owed then is
    what it owes now, and the unpaid charges are found by an index (migration 0003). For an
    earlier day, the charges paid since then are added to them and only those have their
    payments up to that day added up, not every charge ever due.
    """
    charges = record_visible_to(user, Charge).filter(due_on__lt=on)
    if estate is not None:
        charges = charges.filter(dossier__unit__building__estate=estate)
    outstanding = F("amount") - F("paid_amount")
    paid_later = Payment.objects.filter(paid_on__gt=on).order_by()
    if not paid_later.exists():
        return (
            charges.alias(outstanding=outstanding)
            .filter(outstanding__gt=0)
            .annotate(owed=outstanding)
        )
    paid_by_then = (
        Payment.objects.filter(charge=OuterRef("pk"), paid_on__lte=on)
        .order_by()
        .values("charge")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    may_owe = (
        Charge.objects.alias(outstanding=outstanding)
        .filter(outstanding__gt=0, due_on__lt=on)
        .order_by()
        .values("pk")
        .union(paid_later.filter(charge__due_on__lt=on).values("charge"), all=True)
    )
    return (
        charges.filter(pk__in=may_owe)
        .annotate(owed=F("amount") - Coalesce(Subquery(paid_by_then, output_field=MONEY), ZERO))
        .filter(owed__gt=0)
    )


def arrears(*, user, on, estate=None):
    """One row per visible dossier owing money on ``on``: charges due before that day, less
    the payments received by then. Rows are dicts, the largest debt first; one query."""
    return (
        _owed_charges(user=user, on=on, estate=estate)
        .order_by()
        .values(
            "dossier_id",
            archive_number=F("dossier__archive_number"),
            estate=F("dossier__unit__building__estate__name"),
            building=F("dossier__unit__building__number"),
            entrance=F("dossier__unit__entrance"),
            room=F("dossier__unit__room"),
        )
        .annotate(
            total=Sum("owed", output_field=MONEY),
            periods=Count("period", distinct=True),
            oldest_period=Min("period"),
            oldest_due=Min("due_on"),
        )
        .order_by("-total", "archive_number")
    )


def arrears_summary(*, user, on, estate=None):
    """How many dossiers owe, and how much in all: one query."""
    return _owed_charges(user=user, on=on, estate=estate).aggregate(
        dossiers=Count("dossier", distinct=True),
        total=Coalesce(Sum("owed", output_field=MONEY), ZERO),
    )


def attach_occupants(rows):
    """Give each arrears row its unit label and current occupants' names: one query."""
    rows = list(rows)
    names = {}
    ids = [row["dossier_id"] for row in rows]
    for start in range(0, len(ids), 500):
        sections = (
            Occupancy.objects.current()
            .filter(dossier_id__in=ids[start : start + 500])
            .select_related("customer")
            .order_by("dossier_id", "section_number")
        )
        for section in sections:
            names.setdefault(section.dossier_id, []).append(section.customer.name)
    for row in rows:
        row["occupants"] = names.get(row["dossier_id"], [])
        parts = [row["estate"], _("Building %(n)s") % {"n": row["building"]}]
        if row["entrance"]:
            parts.append(_("Entrance %(n)s") % {"n": row["entrance"]})
        parts.append(row["room"])
        row["unit"] = " ".join(str(p) for p in parts)
    return rows
