"""Two people acting on the same money at once: exactly one wins (PostgreSQL)."""

import datetime
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.roles import Role
from records.common import DomainError
from records.finance import services as finance
from records.models import Charge, Deposit, Payment
from tests.factories import user_with_role
from tests.races import race

from .factories import occupied_dossier

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_payments_at_once_never_pay_more_than_is_owed():
    dossier, _section = occupied_dossier()
    a, b = user_with_role(Role.FRONT_DESK), user_with_role(Role.FRONT_DESK)
    charge = finance.charge_add(
        dossier=dossier,
        data={
            "item": Charge.Item.MANAGEMENT,
            "period": "2026-10",
            "amount": Decimal("320"),
            "due_on": datetime.date(2026, 10, 31),
        },
        actor=a,
    )

    def pay(actor, number):
        return lambda: finance.payment_record(
            charge=charge,
            data={
                "paid_on": datetime.date(2026, 11, 2),
                "amount": Decimal("200"),
                "method": Payment.Method.CASH,
                "receipt_number": number,
            },
            actor=actor,
        )

    results = race(pay(a, "SK-A"), pay(b, "SK-B"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError | DomainError)
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal("200.00") and charge.payments.count() == 1


def test_two_managers_deciding_one_deposit__R5():
    dossier, _section = occupied_dossier()
    front = user_with_role(Role.FRONT_DESK)
    deposit = finance.deposit_record(
        dossier=dossier,
        data={
            "kind": Deposit.Kind.KEYS,
            "payer": "张伟",
            "amount": Decimal("200"),
            "received_on": datetime.date(2026, 1, 1),
            "receipt_number": "SJ-R",
        },
        actor=front,
    )
    finance.deposit_request_settlement(
        deposit=deposit, settlement=finance.FORFEIT, reason="钥匙丢失", actor=front
    )
    a, b = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    results = race(
        lambda: finance.deposit_decide(deposit=deposit, approve=True, actor=a),
        lambda: finance.deposit_decide(deposit=deposit, approve=False, note="再核实", actor=b),
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    deposit.refresh_from_db()
    assert deposit.status in (Deposit.Status.FORFEITED, Deposit.Status.HELD)
