"""Leases, deposits (押金), charges and payments (欠费) through the services (R5, R10)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import Notification
from core.roles import Role
from customers.models import DossierEvent, Occupancy
from customers.permissions import grant_dossier
from records.common import DomainError
from records.finance import leases as finance_leases
from records.finance import selectors
from records.finance import services as finance
from records.models import Charge, Deposit, Lease, Payment
from records.panels import dossier_balances
from records.timeline import Kind as RecordKind
from tests.customers.factories import CustomerFactory, UnitFactory, dossier_for, moved_in
from tests.factories import user_with_role

from .factories import occupied_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))]

TODAY = datetime.date(2026, 11, 16)
Status = Deposit.Status


@pytest.fixture
def dossier():
    dossier, _section = occupied_dossier()
    return dossier


@pytest.fixture
def tenant(dossier):
    return moved_in(dossier, role=Occupancy.Role.TENANT).customer


def lease_data(tenant, **extra):
    data = {
        "tenant": tenant,
        "contract_number": "HT-2026-001",
        "landlord": "王业主",
        "signed_on": datetime.date(2026, 1, 1),
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "rent": Decimal("4500.00"),
        "payment_cycle": Lease.Cycle.QUARTERLY,
        "note": "",
    }
    data.update(extra)
    return data


def deposit_data(**extra):
    data = {
        "kind": Deposit.Kind.LEASE,
        "payer": "张伟",
        "amount": Decimal("5000.00"),
        "received_on": datetime.date(2026, 1, 1),
        "receipt_number": "SJ-0001",
        "note": "",
    }
    data.update(extra)
    return data


def events(dossier, kind):
    return list(
        DossierEvent.objects.filter(dossier=dossier, kind=kind).values_list("title", flat=True)
    )


# --- Leases -----------------------------------------------------------------------------------
def test_lease_recorded_with_its_new_deposit__R5(dossier, tenant, front_desk):
    lease = finance_leases.lease_record(
        dossier=dossier,
        data=lease_data(tenant, deposit_amount=Decimal("9000"), deposit_receipt_number="YJ-1"),
        actor=front_desk,
    )
    assert lease.status == Lease.Status.ACTIVE
    assert lease.section.customer == tenant and lease.section.role == Occupancy.Role.TENANT
    deposit = lease.deposit
    assert deposit.kind == Deposit.Kind.LEASE and deposit.status == Status.HELD
    assert deposit.payer == tenant.name and deposit.received_on == lease.signed_on
    assert deposit.section == lease.section
    assert dossier_balances(dossier)[0] == Decimal("9000.00")
    assert any("HT-2026-001" in t for t in events(dossier, RecordKind.LEASE))
    assert any("YJ-1" in t for t in events(dossier, RecordKind.DEPOSIT))
    assert lease.history.first().history_user == front_desk


def test_lease_takes_a_held_lease_deposit_on_file(dossier, tenant, front_desk):
    deposit = finance.deposit_record(dossier=dossier, data=deposit_data(), actor=front_desk)
    assert list(selectors.linkable_lease_deposits(dossier)) == [deposit]
    lease = finance_leases.lease_record(
        dossier=dossier, data=lease_data(tenant, deposit=deposit), actor=front_desk
    )
    assert lease.deposit == deposit
    assert not selectors.linkable_lease_deposits(dossier).exists()


def test_lease_refuses_a_deposit_it_cannot_hold(dossier, tenant, front_desk):
    other = dossier_for()
    foreign = finance.deposit_record(dossier=other, data=deposit_data(), actor=front_desk)
    keys = finance.deposit_record(
        dossier=dossier,
        data=deposit_data(kind=Deposit.Kind.KEYS, receipt_number="SJ-2"),
        actor=front_desk,
    )
    for deposit in (foreign, keys):
        with pytest.raises(ValidationError) as exc:
            finance_leases.lease_record(
                dossier=dossier, data=lease_data(tenant, deposit=deposit), actor=front_desk
            )
        assert "deposit" in exc.value.error_dict
    first = finance.deposit_record(
        dossier=dossier, data=deposit_data(receipt_number="SJ-3"), actor=front_desk
    )
    finance_leases.lease_record(
        dossier=dossier, data=lease_data(tenant, deposit=first), actor=front_desk
    )
    with pytest.raises(ValidationError):  # already another lease's
        finance_leases.lease_record(
            dossier=dossier,
            data=lease_data(
                tenant,
                deposit=first,
                contract_number="HT-2",
                starts_on=datetime.date(2027, 1, 1),
                ends_on=datetime.date(2027, 12, 31),
            ),
            actor=front_desk,
        )
    assert Lease.objects.count() == 1


def test_lease_tenant_must_hold_a_current_section(dossier, front_desk):
    stranger = CustomerFactory()
    with pytest.raises(ValidationError) as exc:
        finance_leases.lease_record(dossier=dossier, data=lease_data(stranger), actor=front_desk)
    assert "tenant" in exc.value.error_dict
    assert stranger not in selectors.tenant_choices(dossier)


def test_tenants_are_offered_first(dossier, tenant):
    choices = list(selectors.tenant_choices(dossier))
    assert choices[0] == tenant and len(choices) == 2


def test_lease_term_must_make_sense(dossier, tenant, front_desk):
    with pytest.raises(ValidationError) as exc:
        finance_leases.lease_record(
            dossier=dossier,
            data=lease_data(tenant, ends_on=datetime.date(2025, 12, 31)),
            actor=front_desk,
        )
    assert "ends_on" in exc.value.error_dict


def test_overlapping_leases_of_one_tenant_are_refused(dossier, tenant, front_desk):
    first = finance_leases.lease_record(dossier=dossier, data=lease_data(tenant), actor=front_desk)
    overlapping = lease_data(
        tenant,
        contract_number="HT-2",
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2027, 5, 31),
    )
    with pytest.raises(DomainError, match="HT-2026-001"):
        finance_leases.lease_record(dossier=dossier, data=overlapping, actor=front_desk)
    later = lease_data(
        tenant,
        contract_number="HT-3",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    assert finance_leases.lease_record(dossier=dossier, data=later, actor=front_desk)
    replacement = {**overlapping, "ends_on": datetime.date(2026, 12, 31)}
    with pytest.raises(DomainError):
        finance_leases.lease_record(dossier=dossier, data=replacement, actor=front_desk)
    finance_leases.lease_terminate(
        lease=first, terminated_on=datetime.date(2026, 5, 31), reason="提前退租", actor=front_desk
    )
    assert finance_leases.lease_record(dossier=dossier, data=replacement, actor=front_desk)


def test_lease_denied_to_viewers_and_to_those_who_cannot_see_the_dossier(tenant, dossier):
    archivist = user_with_role(Role.ARCHIVIST)
    with pytest.raises(PermissionDenied):
        finance_leases.lease_record(dossier=dossier, data=lease_data(tenant), actor=archivist)
    secret, _section = occupied_dossier(secrecy="B")
    secret_tenant = moved_in(secret, role=Occupancy.Role.TENANT).customer
    with pytest.raises(PermissionDenied):
        finance_leases.lease_record(
            dossier=secret, data=lease_data(secret_tenant), actor=user_with_role(Role.FRONT_DESK)
        )
    assert not Lease.objects.exists()


def renewal_data(**extra):
    data = {
        "contract_number": "HT-2027-001",
        "landlord": "王业主",
        "signed_on": datetime.date(2026, 11, 1),
        "starts_on": datetime.date(2027, 1, 1),
        "ends_on": datetime.date(2027, 12, 31),
        "rent": Decimal("4800.00"),
        "payment_cycle": Lease.Cycle.QUARTERLY,
        "note": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def lease(dossier, tenant, front_desk):
    return finance_leases.lease_record(
        dossier=dossier,
        data=lease_data(tenant, deposit_amount=Decimal("9000"), deposit_receipt_number="YJ-1"),
        actor=front_desk,
    )


def test_renewal_is_a_new_lease_and_locks_the_old__R10(lease, front_desk):
    new = finance_leases.lease_renew(lease=lease, data=renewal_data(), actor=front_desk)
    lease.refresh_from_db()
    assert lease.status == Lease.Status.RENEWED and lease.locked
    assert new.renewal_of == lease and new.status == Lease.Status.ACTIVE
    assert new.tenant == lease.tenant and new.rent == Decimal("4800.00")
    assert new.deposit is None
    assert selectors.lease_deposit_in_force(new) == lease.deposit  # carried over
    titles = events(lease.dossier, RecordKind.LEASE)
    assert any("HT-2026-001" in t and "2027年12月31日" in t for t in titles)
    assert lease.history.first().history_change_reason


def test_renewal_term_must_follow_the_old_one(lease, front_desk):
    with pytest.raises(ValidationError) as exc:
        finance_leases.lease_renew(
            lease=lease,
            data=renewal_data(
                starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
            ),
            actor=front_desk,
        )
    assert {"starts_on", "ends_on"} <= set(exc.value.error_dict)
    lease.refresh_from_db()
    assert lease.status == Lease.Status.ACTIVE and not Lease.objects.exclude(pk=lease.pk).exists()


def test_only_a_lease_in_force_is_renewed(lease, front_desk):
    finance_leases.lease_terminate(
        lease=lease, terminated_on=datetime.date(2026, 6, 30), reason="退租", actor=front_desk
    )
    with pytest.raises(DomainError):
        finance_leases.lease_renew(lease=lease, data=renewal_data(), actor=front_desk)


def test_renewal_denied_to_an_archivist(lease):
    with pytest.raises(PermissionDenied):
        finance_leases.lease_renew(
            lease=lease, data=renewal_data(), actor=user_with_role(Role.ARCHIVIST)
        )


def test_termination_locks_the_lease_with_its_reason(lease, front_desk):
    done = finance_leases.lease_terminate(
        lease=lease,
        terminated_on=datetime.date(2026, 9, 30),
        reason="租户提前退租",
        actor=front_desk,
    )
    assert done.status == Lease.Status.TERMINATED and done.locked
    assert done.terminated_on == datetime.date(2026, 9, 30)
    event = DossierEvent.objects.filter(kind=RecordKind.LEASE).order_by("-pk").first()
    assert event.detail == "租户提前退租" and event.occurred_on == datetime.date(2026, 9, 30)
    assert done.deposit.status == Status.HELD  # the deposit waits for its own settlement


def test_termination_refusals(lease, front_desk):
    with pytest.raises(ValidationError) as exc:
        finance_leases.lease_terminate(
            lease=lease, terminated_on=datetime.date(2025, 1, 1), reason="x", actor=front_desk
        )
    assert "terminated_on" in exc.value.error_dict
    with pytest.raises(ValidationError):
        finance_leases.lease_terminate(
            lease=lease, terminated_on=TODAY, reason="  ", actor=front_desk
        )
    with pytest.raises(PermissionDenied):
        finance_leases.lease_terminate(
            lease=lease, terminated_on=TODAY, reason="x", actor=user_with_role(Role.EXECUTIVE)
        )
    finance_leases.lease_renew(lease=lease, data=renewal_data(), actor=front_desk)
    with pytest.raises(DomainError):  # renewed: closed
        finance_leases.lease_terminate(
            lease=lease, terminated_on=TODAY, reason="x", actor=front_desk
        )


# --- Deposits ---------------------------------------------------------------------------------
def test_deposit_received_and_held_in_the_dossier__R5(dossier, front_desk):
    deposit = finance.deposit_record(
        dossier=dossier,
        data=deposit_data(kind=Deposit.Kind.RENOVATION, amount=Decimal("3000")),
        actor=front_desk,
    )
    assert deposit.status == Status.HELD and deposit.section is not None
    assert dossier_balances(dossier)[0] == Decimal("3000.00")
    assert events(dossier, RecordKind.DEPOSIT)


def test_deposit_amount_and_receipt_are_checked(dossier, front_desk):
    with pytest.raises(ValidationError) as exc:
        finance.deposit_record(
            dossier=dossier, data=deposit_data(amount=Decimal("0")), actor=front_desk
        )
    assert "amount" in exc.value.error_dict
    finance.deposit_record(dossier=dossier, data=deposit_data(), actor=front_desk)
    with pytest.raises(ValidationError) as exc:
        finance.deposit_record(dossier=dossier, data=deposit_data(), actor=front_desk)
    assert "receipt_number" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        finance.deposit_record(
            dossier=dossier,
            data=deposit_data(receipt_number="X"),
            actor=user_with_role(Role.ARCHIVIST),
        )


@pytest.fixture
def deposit(dossier, front_desk):
    return finance.deposit_record(dossier=dossier, data=deposit_data(), actor=front_desk)


def request_refund(deposit, actor, amount=Decimal("4000")):
    return finance.deposit_request_settlement(
        deposit=deposit,
        settlement=finance.REFUND,
        refund_amount=amount,
        reason="退租，扣除墙面修复费",
        actor=actor,
    )


def test_refund_request_tells_the_managers(
    deposit, front_desk, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_refund(deposit, front_desk)
    assert requested.status == Status.REFUND_REQUESTED
    assert requested.refund_amount == Decimal("4000")
    assert requested.settlement_requested_by == front_desk
    note = Notification.objects.get(recipient=manager, message__contains=deposit.receipt_number)
    assert deposit.receipt_number in note.message and str(deposit.pk) in note.link
    assert not Notification.objects.filter(recipient=front_desk).exists()
    assert [manager.email] in [m.to for m in mail.outbox]
    # still held: the balance counts it until a manager approves
    assert dossier_balances(deposit.dossier)[0] == Decimal("5000.00")


def test_refund_request_checks_the_amount_and_reason(deposit, front_desk):
    for amount in (Decimal("0"), Decimal("5000.01"), None):
        with pytest.raises(ValidationError) as exc:
            request_refund(deposit, front_desk, amount)
        assert "refund_amount" in exc.value.error_dict
    with pytest.raises(ValidationError):
        finance.deposit_request_settlement(
            deposit=deposit, settlement=finance.FORFEIT, reason="", actor=front_desk
        )
    deposit.refresh_from_db()
    assert deposit.status == Status.HELD


def test_forfeit_request_refunds_nothing(deposit, front_desk):
    requested = finance.deposit_request_settlement(
        deposit=deposit, settlement=finance.FORFEIT, reason="违约", actor=front_desk
    )
    assert requested.status == Status.FORFEIT_REQUESTED and requested.refund_amount == 0


def test_settlement_request_illegal_state_and_denied_user(deposit, front_desk):
    with pytest.raises(PermissionDenied):
        request_refund(deposit, user_with_role(Role.ARCHIVIST))
    request_refund(deposit, front_desk)
    with pytest.raises(DomainError):  # already requested
        request_refund(deposit, front_desk)


def test_manager_approves_a_refund__R5(deposit, front_desk, manager):
    request_refund(deposit, front_desk)
    done = finance.deposit_decide(
        deposit=deposit, approve=True, refund_receipt_number="TK-9", actor=manager
    )
    assert done.status == Status.REFUNDED and done.locked
    assert done.approved_by == manager and done.approved_at is not None
    assert done.settled_on == TODAY and done.refund_receipt_number == "TK-9"
    assert done.forfeited_amount == Decimal("1000.00")
    assert dossier_balances(deposit.dossier)[0] == 0
    assert any("¥4,000.00" in t for t in events(deposit.dossier, RecordKind.DEPOSIT))
    assert Notification.objects.filter(recipient=front_desk).exists()
    with pytest.raises(DomainError):  # settled: nothing more to decide
        finance.deposit_decide(deposit=deposit, approve=False, note="x", actor=manager)


def test_approving_a_refund_needs_the_voucher_and_a_sane_date(deposit, front_desk, manager):
    request_refund(deposit, front_desk)
    with pytest.raises(ValidationError) as exc:
        finance.deposit_decide(
            deposit=deposit,
            approve=True,
            settled_on=datetime.date(2025, 1, 1),
            actor=manager,
        )
    assert {"refund_receipt_number", "settled_on"} <= set(exc.value.error_dict)
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUND_REQUESTED


def test_manager_approves_a_forfeit(deposit, front_desk, manager):
    finance.deposit_request_settlement(
        deposit=deposit, settlement=finance.FORFEIT, reason="违约", actor=front_desk
    )
    done = finance.deposit_decide(deposit=deposit, approve=True, actor=manager)
    assert done.status == Status.FORFEITED and done.refund_receipt_number == ""
    assert done.forfeited_amount == Decimal("5000.00")


def test_rejected_request_holds_the_deposit_again(deposit, front_desk, manager):
    request_refund(deposit, front_desk)
    with pytest.raises(ValidationError):
        finance.deposit_decide(deposit=deposit, approve=False, note="", actor=manager)
    done = finance.deposit_decide(
        deposit=deposit, approve=False, note="墙面损坏未核实", actor=manager
    )
    assert done.status == Status.HELD and not done.locked
    assert done.refund_amount is None and done.settlement_requested_by is None
    event = DossierEvent.objects.filter(kind=RecordKind.DEPOSIT).order_by("-pk").first()
    assert event.detail == "墙面损坏未核实"
    assert done.history.filter(status=Status.REFUND_REQUESTED).exists()  # the request is kept


def test_refund_refused_without_manager_approval__R5(deposit, front_desk, manager):
    # a direct refund, with no request, is impossible
    with pytest.raises(DomainError):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=manager
        )
    # the requester cannot approve their own request, even as a manager
    request_refund(deposit, manager)
    with pytest.raises(DomainError):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=manager
        )
    # a front-desk user cannot approve at all
    with pytest.raises(PermissionDenied):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=front_desk
        )
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUND_REQUESTED and deposit.approved_by is None
    assert not selectors.can_decide_deposit(manager, deposit)
    assert not selectors.can_decide_deposit(front_desk, deposit)
    assert selectors.can_decide_deposit(user_with_role(Role.MANAGER), deposit)


def test_a_manager_who_cannot_see_the_dossier_cannot_decide__R5(front_desk, manager):
    secret, _section = occupied_dossier(secrecy="B")
    granted = user_with_role(Role.FRONT_DESK)
    grant_dossier(granted, secret)
    deposit = finance.deposit_record(dossier=secret, data=deposit_data(), actor=granted)
    request_refund(deposit, granted)
    # a manager who cannot open the dossier is not told about it
    assert not Notification.objects.filter(
        recipient=manager, message__contains=deposit.receipt_number
    ).exists()
    with pytest.raises(PermissionDenied):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=manager
        )


def test_deposits_held_count_every_kind_until_settled__R5(dossier, front_desk, manager):
    kinds = [Deposit.Kind.LEASE, Deposit.Kind.KEYS, Deposit.Kind.PARKING]
    deposits = [
        finance.deposit_record(
            dossier=dossier,
            data=deposit_data(kind=kind, receipt_number=f"SJ-{i}", amount=Decimal("100")),
            actor=front_desk,
        )
        for i, kind in enumerate(kinds)
    ]
    request_refund(deposits[0], front_desk, Decimal("100"))
    finance.deposit_request_settlement(
        deposit=deposits[1], settlement=finance.FORFEIT, reason="丢失钥匙", actor=front_desk
    )
    assert dossier_balances(dossier)[0] == Decimal("300.00")
    finance.deposit_decide(
        deposit=deposits[0], approve=True, refund_receipt_number="TK-1", actor=manager
    )
    finance.deposit_decide(deposit=deposits[1], approve=True, actor=manager)
    assert dossier_balances(dossier)[0] == Decimal("100.00")
    waiting = selectors.deposits_awaiting_decision(user=manager)
    assert not waiting.exists()


# --- Charges and payments ---------------------------------------------------------------------
def charge_data(**extra):
    data = {
        "item": Charge.Item.MANAGEMENT,
        "period": "2026-10",
        "amount": Decimal("320.00"),
        "due_on": datetime.date(2026, 10, 31),
        "note": "",
    }
    data.update(extra)
    return data


def test_charge_added_once_per_item_and_period(dossier, front_desk):
    charge = finance.charge_add(
        dossier=dossier, data=charge_data(period="2026年10月"), actor=front_desk
    )
    assert charge.period == "2026-10" and charge.paid_amount == 0
    assert events(dossier, RecordKind.PAYMENT)
    with pytest.raises(ValidationError) as exc:  # not an IntegrityError
        finance.charge_add(dossier=dossier, data=charge_data(period="2026/10"), actor=front_desk)
    assert "period" in exc.value.error_dict
    finance.charge_add(dossier=dossier, data=charge_data(item=Charge.Item.WATER), actor=front_desk)
    assert Charge.objects.count() == 2


@pytest.mark.parametrize(
    ("typed", "period"),
    [("2026-10", "2026-10"), ("2026/1", "2026-01"), ("202612", "2026-12"), ("2026.07", "2026-07")],
)
def test_billing_periods_are_read_the_way_people_write_them(typed, period):
    assert finance.parse_period(typed) == period


@pytest.mark.parametrize("typed", ["2026-13", "26-10", "October", "", "2026-00"])
def test_bad_billing_periods_are_refused(typed):
    with pytest.raises(ValidationError):
        finance.parse_period(typed)


def test_charge_refusals(dossier, front_desk):
    with pytest.raises(ValidationError):
        finance.charge_add(dossier=dossier, data=charge_data(period="2026-13"), actor=front_desk)
    with pytest.raises(ValidationError):
        finance.charge_add(dossier=dossier, data=charge_data(amount=Decimal("0")), actor=front_desk)
    with pytest.raises(PermissionDenied):
        finance.charge_add(
            dossier=dossier, data=charge_data(), actor=user_with_role(Role.EXECUTIVE)
        )
    assert not Charge.objects.exists()


def pay(charge, actor, amount, number="SK-1", paid_on=datetime.date(2026, 11, 2)):
    return finance.payment_record(
        charge=charge,
        data={
            "paid_on": paid_on,
            "amount": Decimal(amount),
            "method": Payment.Method.WECHAT,
            "receipt_number": number,
        },
        actor=actor,
    )


def test_payments_settle_a_charge(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    pay(charge, front_desk, "120")
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal("120.00") and not charge.locked
    assert dossier_balances(dossier)[1] == Decimal("200.00")
    payment = pay(charge, front_desk, "200", number="SK-2")
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal("320.00") and charge.outstanding == 0 and charge.locked
    assert payment.charge == charge and payment.section is not None
    assert charge.history.count() == 3  # created, and one line per payment
    assert charge.history.first().history_user == front_desk
    titles = events(dossier, RecordKind.PAYMENT)
    assert any("SK-2" in t for t in titles)
    assert dossier_balances(dossier)[1] == 0


def test_payment_refusals(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    with pytest.raises(ValidationError) as exc:
        pay(charge, front_desk, "320.01")
    assert "amount" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        pay(charge, user_with_role(Role.ARCHIVIST), "10")
    pay(charge, front_desk, "10")
    with pytest.raises(ValidationError) as exc:
        pay(charge, front_desk, "10")  # same receipt
    assert "receipt_number" in exc.value.error_dict
    pay(charge, front_desk, "310", number="SK-2")
    with pytest.raises(DomainError):  # settled
        pay(charge, front_desk, "1", number="SK-3")
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal("320.00") and charge.payments.count() == 2


def test_a_stale_charge_cannot_be_overpaid(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    stale = Charge.objects.get(pk=charge.pk)
    pay(charge, front_desk, "300")
    with pytest.raises(ValidationError):  # the service reads the row again, locked
        pay(stale, front_desk, "300", number="SK-2")
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal("300.00")


# --- Arrears ----------------------------------------------------------------------------------
def test_arrears_one_row_per_dossier_largest_first(front_desk):
    small, _s = occupied_dossier()
    big, _b = occupied_dossier()
    settled, _t = occupied_dossier()
    for period, due in (("2026-08", datetime.date(2026, 8, 31)), ("2026-09", (2026, 9, 30))):
        due = due if isinstance(due, datetime.date) else datetime.date(*due)
        finance.charge_add(
            dossier=big, data=charge_data(period=period, due_on=due), actor=front_desk
        )
    finance.charge_add(
        dossier=big,
        data=charge_data(item=Charge.Item.WATER, period="2026-09", amount=Decimal("80")),
        actor=front_desk,
    )
    finance.charge_add(dossier=small, data=charge_data(amount=Decimal("50")), actor=front_desk)
    done = finance.charge_add(dossier=settled, data=charge_data(), actor=front_desk)
    pay(done, front_desk, "320")
    finance.charge_add(  # not due yet
        dossier=small,
        data=charge_data(period="2026-11", due_on=datetime.date(2026, 11, 30)),
        actor=front_desk,
    )
    rows = selectors.attach_occupants(selectors.arrears(user=front_desk, on=TODAY))
    assert [r["dossier_id"] for r in rows] == [big.pk, small.pk]
    top = rows[0]
    assert top["total"] == Decimal("720.00") and top["periods"] == 2
    assert top["oldest_period"] == "2026-08" and top["oldest_due"] == datetime.date(2026, 8, 31)
    assert top["occupants"] == [o.customer.name for o in big.occupancies.all()]
    assert top["unit"].endswith(big.unit.room)
    summary = selectors.arrears_summary(user=front_desk, on=TODAY)
    assert summary == {"dossiers": 2, "total": Decimal("770.00")}


def test_arrears_as_of_a_past_day_count_what_was_unpaid_then(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    pay(charge, front_desk, "320", paid_on=datetime.date(2026, 11, 10))
    assert not selectors.arrears(user=front_desk, on=TODAY).exists()
    then = list(selectors.arrears(user=front_desk, on=datetime.date(2026, 11, 5)))
    assert then[0]["total"] == Decimal("320.00")
    assert not selectors.arrears(user=front_desk, on=datetime.date(2026, 10, 31)).exists()


def test_arrears_of_a_past_day_count_only_the_payments_made_by_then(dossier, front_desk):
    part = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    pay(part, front_desk, "100", "SK-1", paid_on=datetime.date(2026, 11, 1))
    pay(part, front_desk, "100", "SK-2", paid_on=datetime.date(2026, 11, 10))
    settled = finance.charge_add(
        dossier=dossier,
        data=charge_data(period="2026-09", due_on=datetime.date(2026, 9, 30)),
        actor=front_desk,
    )
    pay(settled, front_desk, "320", "SK-3", paid_on=datetime.date(2026, 10, 20))
    # today: the part still unpaid; on 5 November: the second instalment was not in yet
    assert [r["total"] for r in selectors.arrears(user=front_desk, on=TODAY)] == [Decimal("120")]
    then = selectors.arrears(user=front_desk, on=datetime.date(2026, 11, 5))
    assert [(r["total"], r["periods"]) for r in then] == [(Decimal("220"), 1)]
    # 15 October: September was still owed in full, October not yet due
    before = selectors.arrears(user=front_desk, on=datetime.date(2026, 10, 15))
    assert [(r["total"], r["oldest_period"]) for r in before] == [(Decimal("320"), "2026-09")]
    assert selectors.arrears_summary(user=front_desk, on=datetime.date(2026, 11, 5)) == {
        "dossiers": 1,
        "total": Decimal("220"),
    }


def test_arrears_only_of_visible_dossiers_and_of_the_chosen_estate(front_desk):
    shown, _a = occupied_dossier()
    secret, _b = occupied_dossier(secrecy="B")
    elsewhere = dossier_for(UnitFactory())
    granted = user_with_role(Role.FRONT_DESK)
    grant_dossier(granted, secret)
    for dossier in (shown, secret, elsewhere):
        finance.charge_add(dossier=dossier, data=charge_data(), actor=granted)
    assert {r["dossier_id"] for r in selectors.arrears(user=front_desk, on=TODAY)} == {
        shown.pk,
        elsewhere.pk,
    }
    estate = shown.unit.building.estate
    rows = selectors.arrears(user=front_desk, on=TODAY, estate=estate)
    assert [r["dossier_id"] for r in rows] == [shown.pk]


def test_a_charge_keeps_the_latest_day_it_was_paid(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    assert charge.last_paid_on is None
    pay(charge, front_desk, "100", "SK-1", paid_on=datetime.date(2026, 11, 10))
    pay(charge, front_desk, "100", "SK-2", paid_on=datetime.date(2026, 11, 3))  # entered late
    charge.refresh_from_db()
    assert charge.last_paid_on == datetime.date(2026, 11, 10)
    # paid since 5 November: what it owed then counts only the payment made by then
    then = selectors.arrears(user=front_desk, on=datetime.date(2026, 11, 5))
    assert [r["total"] for r in then] == [Decimal("220")]


def test_a_charge_is_never_paid_beyond_its_amount_even_by_sql__R5(dossier, front_desk):
    charge = finance.charge_add(dossier=dossier, data=charge_data(), actor=front_desk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Charge.objects.filter(pk=charge.pk).update(paid_amount=charge.amount + 1)
    charge.refresh_from_db()
    assert charge.paid_amount == 0
    # so a charge paid since a day owed at least that payment on the day: the arrears of that
    # day count it without asking again what it owed
    pay(charge, front_desk, str(charge.amount), paid_on=datetime.date(2026, 11, 10))
    then = selectors.arrears(user=front_desk, on=datetime.date(2026, 11, 5))
    assert [r["total"] for r in then] == [charge.amount]
    assert not selectors.arrears(user=front_desk, on=TODAY).exists()


@pytest.mark.parametrize(
    ("amount", "parts"),
    [
        ("29.99", ["28.82", "1.17"]),
        ("0.30", ["0.10", "0.20"]),
        ("100.03", ["33.01", "33.01", "34.01"]),
    ],
)
def test_paying_a_charge_in_parts_settles_it_to_the_cent__R5(dossier, front_desk, amount, parts):
    """The paid amount is added up in decimals, not by the database: SQLite would add two
    amounts in binary floating point and pay 28.82 + 1.17 past 29.99."""
    charge = finance.charge_add(
        dossier=dossier, data=charge_data(amount=Decimal(amount)), actor=front_desk
    )
    for i, part in enumerate(parts):
        pay(charge, front_desk, part, f"SK-{i}")
    charge.refresh_from_db()
    assert charge.paid_amount == Decimal(amount) == sum(Decimal(p) for p in parts)
    assert charge.locked and charge.outstanding == 0
    assert not selectors.arrears(user=front_desk, on=TODAY).exists()
