"""Security-matrix expectations of this group of records pages (merged in matrix.py):
leases, deposits, charges, payments and the arrears list. Records are made on demand in the
dossier of the fixture objects (a level-C one for the roles, a confidential one for
"ungranted" and "granted")."""

import datetime
from decimal import Decimal

from .matrix import FRONT, VIEWERS, Expect, Role, dossier_page, only

DAY = datetime.date(2026, 1, 1)


def _dossier_pk(o):
    return {"dossier_pk": o["dossier"].pk}


def _base(o):
    return {
        "dossier": o["dossier"],
        "section": o["occupancy"],
        "recorded_by": o["dossier"].opened_by,
    }


def _lease(o):
    from records.models import Lease

    lease = Lease.objects.create(
        **_base(o),
        tenant=o["customer"],
        contract_number="HT-M1",
        signed_on=DAY,
        starts_on=DAY,
        ends_on=DAY.replace(year=2027),
        rent=Decimal("3000"),
    )
    return {"pk": lease.pk}


def _deposit(status="held"):
    """A deposit of the dossier; a requested settlement is asked by someone else than the
    matrix's users, so a manager may decide it."""

    def kwargs(o):
        from records.models import Deposit
        from tests.factories import user_with_role

        requested = status != "held"
        deposit = Deposit.objects.create(
            **_base(o),
            kind=Deposit.Kind.LEASE,
            payer="张伟",
            amount=Decimal("5000"),
            received_on=DAY,
            receipt_number=f"SJ-M-{o['dossier'].pk}",
            status=status,
            refund_amount=Decimal("5000") if requested else None,
            settlement_reason="退租" if requested else "",
            settlement_requested_by=user_with_role(Role.FRONT_DESK) if requested else None,
        )
        return {"pk": deposit.pk}

    return kwargs


def _new_charge(o):
    from records.models import Charge

    return Charge.objects.create(
        **_base(o),
        item=Charge.Item.MANAGEMENT,
        period="2026-01",
        amount=Decimal("300"),
        due_on=DAY,
    )


def _charge(o):
    return {"pk": _new_charge(o).pk}


def _payment(o):
    from records.models import Payment

    charge = _new_charge(o)
    payment = Payment.objects.create(
        **_base(o),
        charge=charge,
        paid_on=DAY,
        amount=Decimal("100"),
        method=Payment.Method.CASH,
        receipt_number=f"SK-M-{o['dossier'].pk}",
    )
    return {"pk": payment.pk}


def _redirect_for_viewers(kwargs):
    """A page that sends whoever may see the record on to another page."""
    users = {r.value: 302 for r in VIEWERS}
    users.update({Role.WITNESS.value: 404, "norole": 404, "ungranted": 404, "granted": 302})
    return Expect(default=404, users=users, kwargs=kwargs)


EXPECTATIONS: dict[str, Expect] = {
    "records:lease_add": dossier_page(*FRONT, kwargs=_dossier_pk),
    "records:lease_detail": dossier_page(*VIEWERS, kwargs=_lease),
    "records:lease_renew": dossier_page(*FRONT, kwargs=_lease),
    "records:lease_terminate": dossier_page(*FRONT, kwargs=_lease),
    "records:deposit_add": dossier_page(*FRONT, kwargs=_dossier_pk),
    "records:deposit_detail": dossier_page(*VIEWERS, kwargs=_deposit()),
    "records:deposit_settle": dossier_page(*FRONT, kwargs=_deposit()),
    # R5: only a manager decides a requested refund or forfeit (no longer the administrator:
    # segregation of duties)
    "records:deposit_decide": dossier_page(Role.MANAGER, kwargs=_deposit("refund_requested")),
    "records:charge_add": dossier_page(*FRONT, kwargs=_dossier_pk),
    "records:charge_detail": dossier_page(*VIEWERS, kwargs=_charge),
    "records:payment_add": dossier_page(*FRONT, kwargs=_charge),
    "records:charge_detail_by_payment": _redirect_for_viewers(_payment),
    "records:arrears_list": only(*VIEWERS, users={"ungranted": 200, "granted": 200}),
}
