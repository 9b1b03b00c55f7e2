"""Deposits (押金), charges and payments (欠费) of a dossier (R5), and the arrears list.
Leases live in ``leases`` and record their deposit through ``deposit_record``; the reads
(the arrears list, the deposits awaiting a decision) in ``selectors``.

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
from django.db.models import DateField, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import permissions as gate
from core import workflow
from core.lines import Line, choice
from core.services import notify
from core.templatetags.core_tags import yuan
from customers.permissions import who_is_told
from records.common import DomainError, Kind, current_section, move, record_event
from records.finance import balances
from records.models import Charge, Deposit, Payment
from records.permissions import on_dossier, require_record

__all__ = [
    "DomainError",
    "REFUND",
    "FORFEIT",
    "parse_period",
    "yuan",
    "deposit_record",
    "deposit_request_settlement",
    "deposit_decide",
    "WORKFLOW",
    "charge_add",
    "payment_record",
]

REFUND, FORFEIT = "refund", "forfeit"
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


OWN_REQUEST = gettext_lazy(
    "You asked for this settlement yourself; another manager must decide it."
)
_not_own_request = workflow.not_requested_by("settlement_requested_by_id", OWN_REQUEST)
Status = Deposit.Status
APPROVE = "records.approve_deposit"

# R5: a held deposit is refunded or forfeited only once a manager other than the one who asked
# has approved; a rejected request holds it again
WORKFLOW = workflow.declare(
    Deposit,
    workflow.Move("request_refund", Status.REFUND_REQUESTED, perm="records.change_deposit"),
    workflow.Move("request_forfeit", Status.FORFEIT_REQUESTED, perm="records.change_deposit"),
    workflow.Move("refund", Status.REFUNDED, perm=APPROVE, guard=_not_own_request),
    workflow.Move("forfeit", Status.FORFEITED, perm=APPROVE, guard=_not_own_request),
    workflow.Move("reject", Status.HELD, perm=APPROVE, guard=_not_own_request),
    gate=on_dossier,
)
# the move approving each request
APPROVING = {Status.REFUND_REQUESTED: "refund", Status.FORFEIT_REQUESTED: "forfeit"}


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
                workflow.save_with_history(deposit, actor=actor, reason=Line("Deposit received"))
        except IntegrityError:
            _unique_receipt(Deposit, number, field=f"{field_prefix}receipt_number")
            raise
        record_event(
            dossier=dossier,
            kind=Kind.DEPOSIT,
            title=Line(
                "%(kind)s of %(amount)s received (receipt %(number)s)",
                kind=choice(deposit, "kind"),
                amount=yuan(amount),
                number=number,
            ),
            detail=Line("Paid by %(payer)s", payer=deposit.payer),
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
    name = "request_refund" if settlement == REFUND else "request_forfeit"
    with transaction.atomic():
        # decided on the row as it is now, whatever the caller read
        deposit = workflow.lock_for_move(actor, deposit, name, related=("dossier",))
        target = WORKFLOW.moves[name].target
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
        move(
            deposit,
            target,
            actor=actor,
            reason=Line("Settlement requested"),
            refund_amount=refund_amount,
            settlement_reason=reason,
            settlement_requested_by=actor,
        )
        if settlement == REFUND:
            title = Line(
                "Refund of %(refund)s of deposit %(number)s requested",
                refund=yuan(refund_amount),
                number=deposit.receipt_number,
            )
        else:
            title = Line(
                "Forfeit of deposit %(number)s (%(amount)s) requested",
                number=deposit.receipt_number,
                amount=yuan(deposit.amount),
            )
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
            Line(
                "%(dossier)s: %(what)s; your approval is needed.",
                dossier=deposit.dossier.archive_number,
                what=title,
            ),
            reverse("records:deposit_detail", args=[deposit.pk]),
            about=deposit.dossier,
        )
    return deposit


def deposit_decide(
    *, deposit, approve, actor, note="", refund_receipt_number="", settled_on=None
) -> Deposit:
    """A manager approves the requested refund or forfeit (the deposit is then settled and
    locked) or rejects it with a note (it is held again)."""
    require_record(actor, "records.approve_deposit", deposit.dossier)
    # a decision on one's own request is refused (below) and logged here, before the
    # transaction, so that the log row is not rolled back with the refusal
    if _not_own_request(actor, Deposit.objects.get(pk=deposit.pk)):
        gate.record_refusal(actor, "records.approve_deposit (own request)", deposit)
    note = (note or "").strip()
    refund_receipt_number = (refund_receipt_number or "").strip()
    with transaction.atomic():
        # decided on the row as it is now, whatever the caller read
        deposit = workflow.lock(Deposit, deposit.pk, related=("dossier",))
        if deposit.status not in APPROVING:
            raise DomainError(
                _("Nobody has asked to settle this deposit; it is “%(status)s”.")
                % {"status": deposit.get_status_display()}
            )
        name = APPROVING[deposit.status] if approve else "reject"
        workflow.require_move(actor, deposit, name)
        requester = deposit.settlement_requested_by
        if approve:
            target = WORKFLOW.moves[name].target
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
            move(
                deposit,
                target,
                actor=actor,
                reason=Line("Settlement approved"),
                close=True,
                approved_by=actor,
                approved_at=timezone.now(),
                settled_on=settled_on,
                refund_receipt_number=refund_receipt_number
                if target == Deposit.Status.REFUNDED
                else "",
            )
            if target == Deposit.Status.REFUNDED:
                title = Line(
                    "Deposit %(number)s refunded: %(refund)s paid back, %(kept)s kept",
                    number=deposit.receipt_number,
                    refund=yuan(deposit.refund_amount),
                    kept=yuan(deposit.amount - deposit.refund_amount),
                )
            else:
                title = Line(
                    "Deposit %(number)s forfeited (%(amount)s)",
                    number=deposit.receipt_number,
                    amount=yuan(deposit.amount),
                )
            detail = deposit.settlement_reason
            occurred_on = settled_on
        else:
            if not note:
                raise ValidationError({"note": _("Say why the request is rejected.")})
            move(
                deposit,
                Deposit.Status.HELD,
                actor=actor,
                reason=Line("Settlement rejected"),
                refund_amount=None,
                settlement_reason="",
                settlement_requested_by=None,
            )
            title = Line(
                "Settlement of deposit %(number)s rejected; the deposit is held",
                number=deposit.receipt_number,
            )
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
            Line("%(dossier)s: %(what)s", dossier=deposit.dossier.archive_number, what=title),
            reverse("records:deposit_detail", args=[deposit.pk]),
            about=deposit.dossier,
        )
    return deposit


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
                workflow.save_with_history(charge, actor=actor, reason=Line("Charge recorded"))
        except IntegrityError:
            raise duplicate from None
        record_event(
            dossier=dossier,
            kind=Kind.PAYMENT,
            title=Line(
                "%(item)s for %(period)s charged: %(amount)s, due %(date)s",
                item=item.label,
                period=period,
                amount=yuan(amount),
                date=charge.due_on,
            ),
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
        charge = workflow.lock(Charge, charge.pk, related=("dossier",))
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
        # compare-and-set on the paid amount just read, even without row locks (SQLite): the
        # new sum is made here, in decimals, as SQLite would add the two in binary floating
        # point (28.82 + 1.17 > 29.99) and break charge_paid_within_amount
        paid = charge.paid_amount + amount
        paid_on = Value(data["paid_on"], output_field=DateField())
        raised = Charge.objects.filter(pk=charge.pk, paid_amount=charge.paid_amount).update(
            paid_amount=paid,
            last_paid_on=Greatest(Coalesce("last_paid_on", paid_on), paid_on),
        )
        if raised != 1:
            raise DomainError(_("Someone else has just recorded a payment; reload the page."))
        if paid >= charge.amount:
            Charge.objects.filter(pk=charge.pk).update(locked=True)
        charge.refresh_from_db(fields=["paid_amount", "locked"])
        balances.refresh([charge.dossier_id])  # the UPDATE above sends no signal
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
                workflow.save_with_history(payment, actor=actor, reason=Line("Payment received"))
        except IntegrityError:
            _unique_receipt(Payment, number)
            raise
        record_event(
            dossier=charge.dossier,
            kind=Kind.PAYMENT,
            title=Line(
                "%(amount)s paid for %(period)s %(item)s (receipt %(number)s)",
                amount=yuan(amount),
                period=charge.period,
                item=choice(charge, "item"),
                number=number,
            ),
            detail=Line(
                "%(method)s; outstanding now %(left)s",
                method=choice(payment, "method"),
                left=yuan(charge.outstanding),
            ),
            actor=actor,
            occurred_on=payment.paid_on,
            record=payment,
        )
    return payment
