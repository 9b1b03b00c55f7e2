"""Parse → access → service → render, for leases, deposits, charges, payments and arrears.

Pages of one dossier check the sight of the dossier first (404 to whoever may not see it),
then the model permission (403); record pages do the same through ``access_record_or_404``.
Templates get the moves the user may make (``core.workflow.allowed_moves``) and ``can_*``
flags made from them, and never decide permissions.
"""

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.exports import csv_response
from core.models import AccessLog
from core.services import log_access
from customers.models import Occupancy
from customers.permissions import access_dossier_or_404
from records.finance import leases as finance_leases
from records.finance import selectors
from records.finance import services as finance
from records.finance.forms import (
    ArrearsFilterForm,
    ChargeForm,
    DepositDecideForm,
    DepositForm,
    DepositSettleForm,
    LeaseForm,
    LeaseRenewForm,
    LeaseTerminateForm,
    PaymentForm,
)
from records.models import Charge, Deposit, Lease, Payment, Renovation
from records.panels import dossier_balances
from records.permissions import access_record_or_404, can
from records.views_common import detail_context, form_page

PAGE_SIZE = 25
REQUESTED = (Deposit.Status.REFUND_REQUESTED, Deposit.Status.FORFEIT_REQUESTED)


def _dossier(request, pk, perm):
    dossier = access_dossier_or_404(request.user, pk, request=request)
    gate.require(request.user, perm, request=request)
    return dossier


def _record(request, model, pk, perm, *related):
    queryset = model.objects.select_related("dossier", "section", "recorded_by", *related)
    return access_record_or_404(
        request.user, model, pk, perm=perm, request=request, queryset=queryset
    )


def _deducted(deposit):
    """What a refund keeps back (the part of the deposit not paid back)."""
    if deposit.refund_amount is None or deposit.status not in (
        Deposit.Status.REFUND_REQUESTED,
        Deposit.Status.REFUNDED,
    ):
        return None
    return deposit.amount - deposit.refund_amount


def _balances(dossier):
    held, arrears = dossier_balances(dossier)
    return {"deposits_held": held, "arrears": arrears}


# --- Leases -----------------------------------------------------------------------------------
LEASE_RELATED = ("tenant", "deposit", "renewal_of")


def lease_add(request, dossier_pk):
    dossier = _dossier(request, dossier_pk, "records.add_lease")
    form = LeaseForm(request.POST or None, dossier=dossier)
    return form_page(
        request,
        form=form,
        template="records/finance/lease_form.html",
        context={
            "dossier": dossier,
            "title": _("Record a lease"),
            "cancel_url": reverse("customers:dossier_detail", args=[dossier.pk]),
            "no_tenant": not form.fields["tenant"].queryset.exists(),
        },
        save=lambda data: finance_leases.lease_record(
            dossier=dossier, data=data, actor=request.user
        ),
        success_message=_("Lease recorded."),
    )


def lease_detail(request, pk):
    lease = _record(request, Lease, pk, "records.view_lease", *LEASE_RELATED)
    moves = workflow.allowed_moves(request.user, lease)
    can_terminate = "terminate" in moves
    deposit = selectors.lease_deposit_in_force(lease)
    context = detail_context(
        request,
        lease,
        lease=lease,
        renewed_by=Lease.objects.filter(renewal_of=lease).first(),
        deposit=deposit,
        deposit_carried_over=deposit is not None and deposit.pk != lease.deposit_id,
        moves=moves,
        can_renew="renew" in moves,
        can_terminate=can_terminate,
        terminate_form=LeaseTerminateForm(lease=lease) if can_terminate else None,
        today=timezone.localdate(),
    )
    return render(request, "records/finance/lease_detail.html", context)


def lease_renew(request, pk):
    lease = _record(request, Lease, pk, "records.change_lease", *LEASE_RELATED)
    gate.require(request.user, "records.add_lease", request=request)
    if "renew" not in workflow.allowed_moves(request.user, lease):
        messages.warning(
            request,
            _("Only a lease in force can be renewed; this one is “%(status)s”.")
            % {"status": lease.get_status_display()},
        )
        return redirect(lease)
    form = LeaseRenewForm(request.POST or None, lease=lease)
    return form_page(
        request,
        form=form,
        template="records/finance/lease_form.html",
        context={
            "dossier": lease.dossier,
            "lease": lease,
            "title": _("Renew lease %(number)s") % {"number": lease.contract_number},
            "cancel_url": lease.get_absolute_url(),
            "current_deposit": selectors.lease_deposit_in_force(lease),
        },
        save=lambda data: finance_leases.lease_renew(lease=lease, data=data, actor=request.user),
        success_message=_("Lease renewed; the old lease is kept, locked."),
    )


def lease_terminate(request, pk):
    lease = _record(request, Lease, pk, "records.change_lease", *LEASE_RELATED)
    if "terminate" not in workflow.allowed_moves(request.user, lease):
        messages.warning(
            request,
            _("Only a lease in force can be terminated; this one is “%(status)s”.")
            % {"status": lease.get_status_display()},
        )
        return redirect(lease)
    form = LeaseTerminateForm(request.POST or None, lease=lease)

    def save(data):
        done = finance_leases.lease_terminate(
            lease=lease,
            terminated_on=data["terminated_on"],
            reason=data["reason"],
            actor=request.user,
        )
        deposit = selectors.lease_deposit_in_force(done)
        if deposit is not None and deposit.status == Deposit.Status.HELD:
            messages.info(
                request,
                _("Deposit %(number)s is still held; request its refund or forfeit.")
                % {"number": deposit.receipt_number},
            )
        return done

    return form_page(
        request,
        form=form,
        template="records/finance/action_form.html",
        context={
            "dossier": lease.dossier,
            "record": lease,
            "title": _("Terminate lease %(number)s") % {"number": lease.contract_number},
            "submit_label": _("Terminate the lease"),
            "danger": True,
        },
        save=save,
        success_message=_("Lease terminated."),
    )


# --- Deposits ---------------------------------------------------------------------------------
def deposit_add(request, dossier_pk):
    dossier = _dossier(request, dossier_pk, "records.add_deposit")
    initial = {}
    if request.GET.get("kind") in Deposit.Kind.values:
        initial["kind"] = request.GET["kind"]
    occupant = (
        Occupancy.objects.current()
        .filter(dossier=dossier)
        .select_related("customer")
        .order_by("-section_number")
        .first()
    )
    if occupant:
        initial["payer"] = occupant.customer.name
    form = DepositForm(request.POST or None, dossier=dossier, initial=initial)
    return form_page(
        request,
        form=form,
        template="records/finance/deposit_form.html",
        context={"dossier": dossier, "title": _("Receive a deposit"), **_balances(dossier)},
        save=lambda data: finance.deposit_record(dossier=dossier, data=data, actor=request.user),
        success_message=_("Deposit recorded; it is held until a manager approves its settlement."),
    )


def deposit_detail(request, pk):
    deposit = _record(
        request,
        Deposit,
        pk,
        "records.view_deposit",
        "settlement_requested_by",
        "approved_by",
    )
    user = request.user
    moves = workflow.allowed_moves(user, deposit)
    can_request = bool({"request_refund", "request_forfeit"} & moves)
    can_decide = bool(selectors.DECIDE & moves)
    context = detail_context(
        request,
        deposit,
        deposit=deposit,
        lease=Lease.objects.filter(deposit=deposit).first(),
        renovation=Renovation.objects.filter(deposit=deposit).first(),
        others=list(Deposit.objects.filter(dossier=deposit.dossier).exclude(pk=deposit.pk)[:20]),
        moves=moves,
        can_request=can_request,
        can_decide=can_decide,
        own_request=deposit.status in REQUESTED and deposit.settlement_requested_by_id == user.pk,
        deducted=_deducted(deposit),
        settle_form=DepositSettleForm(deposit=deposit) if can_request else None,
        decide_form=DepositDecideForm(deposit=deposit) if can_decide else None,
        **_balances(deposit.dossier),
    )
    return render(request, "records/finance/deposit_detail.html", context)


def deposit_settle(request, pk):
    deposit = _record(request, Deposit, pk, "records.change_deposit")
    if not {"request_refund", "request_forfeit"} & workflow.allowed_moves(request.user, deposit):
        messages.warning(
            request,
            _("Only a held deposit can be settled; this one is “%(status)s”.")
            % {"status": deposit.get_status_display()},
        )
        return redirect(deposit)
    form = DepositSettleForm(request.POST or None, deposit=deposit)
    return form_page(
        request,
        form=form,
        template="records/finance/action_form.html",
        context={
            "dossier": deposit.dossier,
            "record": deposit,
            "title": _("Refund or forfeit deposit %(number)s") % {"number": deposit.receipt_number},
            "submit_label": _("Ask a manager to approve"),
            "intro": _("Nothing is paid back until a manager other than you approves the request."),
            **_balances(deposit.dossier),
        },
        save=lambda data: finance.deposit_request_settlement(
            deposit=deposit,
            settlement=data["settlement"],
            refund_amount=data["refund_amount"],
            reason=data["reason"],
            actor=request.user,
        ),
        success_message=_("Settlement requested; the managers have been told."),
    )


def deposit_decide(request, pk):
    deposit = _record(request, Deposit, pk, "records.approve_deposit", "settlement_requested_by")
    if not selectors.can_decide_deposit(request.user, deposit):
        if deposit.status in REQUESTED:
            messages.warning(
                request,
                _("You asked for this settlement yourself; another manager must decide it."),
            )
        else:
            messages.warning(
                request,
                _("Nobody has asked to settle this deposit; it is “%(status)s”.")
                % {"status": deposit.get_status_display()},
            )
        return redirect(deposit)
    form = DepositDecideForm(request.POST or None, deposit=deposit)
    approve = request.POST.get("decision") == "approve"
    return form_page(
        request,
        form=form,
        template="records/finance/deposit_decide.html",
        context={
            "dossier": deposit.dossier,
            "deposit": deposit,
            "record": deposit,
            "title": _("Decide on deposit %(number)s") % {"number": deposit.receipt_number},
            "deducted": _deducted(deposit),
            **_balances(deposit.dossier),
        },
        save=lambda data: finance.deposit_decide(
            deposit=deposit,
            approve=data["decision"] == "approve",
            note=data["note"],
            refund_receipt_number=data.get("refund_receipt_number", ""),
            settled_on=data["settled_on"],
            actor=request.user,
        ),
        success_message=_("Settlement approved; the deposit is closed.")
        if approve
        else _("Request rejected; the deposit is held again."),
    )


# --- Charges and payments ---------------------------------------------------------------------
def charge_add(request, dossier_pk):
    dossier = _dossier(request, dossier_pk, "records.add_charge")
    form = ChargeForm(request.POST or None, dossier=dossier)
    return form_page(
        request,
        form=form,
        template="records/finance/charge_form.html",
        context={"dossier": dossier, "title": _("Add a charge"), **_balances(dossier)},
        save=lambda data: finance.charge_add(dossier=dossier, data=data, actor=request.user),
        success_message=_("Charge recorded."),
    )


def charge_detail(request, pk):
    charge = _record(request, Charge, pk, "records.view_charge")
    can_pay = charge.outstanding > 0 and can(request.user, "records.add_payment")
    payments = list(charge.payments.select_related("recorded_by").order_by("-paid_on", "-pk"))
    context = detail_context(
        request,
        charge,
        parts=(Payment, [p.pk for p in payments]),
        charge=charge,
        payments=payments,
        overdue=charge.outstanding > 0 and charge.due_on < timezone.localdate(),
        can_pay=can_pay,
        payment_form=PaymentForm(charge=charge) if can_pay else None,
        **_balances(charge.dossier),
    )
    return render(request, "records/finance/charge_detail.html", context)


def payment_add(request, pk):
    charge = _record(request, Charge, pk, "records.add_payment")
    if charge.outstanding <= 0:
        messages.info(request, _("This charge is paid in full already."))
        return redirect(charge)
    form = PaymentForm(request.POST or None, charge=charge)
    return form_page(
        request,
        form=form,
        template="records/finance/payment_form.html",
        context={
            "dossier": charge.dossier,
            "charge": charge,
            "title": _("Record a payment"),
        },
        save=lambda data: finance.payment_record(charge=charge, data=data, actor=request.user),
        success_message=_("Payment recorded."),
        redirect_to=lambda payment: reverse("records:charge_detail", args=[charge.pk]),
    )


def charge_detail_by_payment(request, pk):
    """A payment's page is its charge's (the timeline links payments here)."""
    payment = _record(request, Payment, pk, "records.view_payment")
    url = reverse("records:charge_detail", args=[payment.charge_id])
    return redirect(f"{url}#payment-{payment.pk}")


# --- Arrears ----------------------------------------------------------------------------------
def arrears_list(request):
    """欠费: the dossiers owing money on a day, in one estate or all, largest debt first."""
    gate.require(request.user, "records.view_charge", request=request)
    form = ArrearsFilterForm(request.GET or None)
    estate, on = None, timezone.localdate()
    if form.is_valid():
        estate = form.cleaned_data["estate"]
        on = form.cleaned_data["on"] or on
    if request.GET.get("format") == "csv":
        rows = selectors.arrears(user=request.user, on=on, estate=estate)
        return _arrears_csv(request, rows, on=on, estate=estate)
    page, summary = selectors.arrears_page(
        user=request.user, on=on, estate=estate, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    context = {
        "form": form,
        "page_obj": page,
        "on": on,
        "estate": estate,
        "summary": summary,
    }
    return render(request, "records/finance/arrears_list.html", context)


def _arrears_csv(request, rows, *, on, estate):
    log_access(
        request.user,
        None,
        AccessLog.Action.EXPORT,
        detail=f"arrears {on.isoformat()} {estate or ''}".strip(),
        request=request,
    )
    header = [
        _("Archive number"),
        _("Unit"),
        _("Current occupants"),
        _("Periods owed"),
        _("Oldest period"),
        _("Oldest due date"),
        _("Total owed (yuan)"),
    ]
    # core.exports quotes text a spreadsheet would run as a formula (a name typed as
    # "=HYPERLINK(…)"); the amounts go as Decimal and stay numbers, negative ones too.
    lines = (
        [
            row["archive_number"],
            row["unit"],
            "、".join(row["occupants"]),
            row["periods"],
            row["oldest_period"],
            row["oldest_due"],
            row["total"].quantize(Decimal("0.01")),
        ]
        for row in selectors.attach_occupants(rows)
    )
    return csv_response(f"arrears-{on.isoformat()}.csv", header, lines)
