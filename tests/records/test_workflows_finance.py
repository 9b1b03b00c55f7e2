"""The moves of deposits and leases (core.workflow): an illegal move is refused, a stale copy
loses the compare-and-set, and the pages offer exactly the moves the services allow."""

import datetime
from decimal import Decimal

import pytest

from core import workflow
from core.roles import Role
from customers.models import Occupancy
from records.common import DomainError
from records.finance import leases as finance_leases
from records.finance import selectors
from records.finance import services as finance
from records.models import Deposit, Lease
from tests.customers.factories import moved_in
from tests.factories import user_with_role

from .factories import occupied_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))]
Status = Deposit.Status


@pytest.fixture
def front():
    return user_with_role(Role.FRONT_DESK)


@pytest.fixture
def boss():
    return user_with_role(Role.MANAGER)


@pytest.fixture
def deposit(front):
    dossier, _section = occupied_dossier()
    return finance.deposit_record(
        dossier=dossier,
        data={
            "kind": Deposit.Kind.KEYS,
            "payer": "张伟",
            "amount": Decimal("500.00"),
            "received_on": datetime.date(2026, 1, 1),
            "receipt_number": "SJ-WF-1",
        },
        actor=front,
    )


def _copy(obj):
    """A second copy of the same row, as another page read it."""
    return type(obj).objects.get(pk=obj.pk)


def _request_refund(deposit, actor):
    return finance.deposit_request_settlement(
        deposit=deposit,
        settlement=finance.REFUND,
        refund_amount=Decimal("300.00"),
        reason="退房",
        actor=actor,
    )


# --- Deposits -------------------------------------------------------------------------------
def test_a_held_deposit_cannot_be_refunded_without_a_request__R5(deposit, front, boss):
    with pytest.raises(DomainError):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=boss
        )
    with pytest.raises(DomainError):
        workflow.transition(deposit, Status.REFUNDED, actor=boss, reason="direct")
    deposit.refresh_from_db()
    assert deposit.status == Status.HELD and deposit.approved_by is None
    assert not deposit.locked


def test_a_settled_deposit_cannot_be_asked_to_settle_again__R5(deposit, front, boss):
    _request_refund(deposit, front)
    finance.deposit_decide(deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=boss)
    with pytest.raises(DomainError):
        finance.deposit_request_settlement(
            deposit=deposit, settlement=finance.FORFEIT, reason="再议", actor=front
        )
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUNDED and deposit.refund_amount == Decimal("300.00")


def test_a_stale_copy_of_a_deposit_loses_the_compare_and_set__R5(deposit, front):
    first, stale = _copy(deposit), _copy(deposit)
    _request_refund(first, front)
    # the stale copy still reads "held": the compare-and-set refuses it, locked or not
    with pytest.raises(DomainError):
        workflow.transition(
            stale, Status.FORFEIT_REQUESTED, actor=front, reason="x", already_locked=True
        )
    with pytest.raises(DomainError):
        workflow.transition(stale, Status.FORFEIT_REQUESTED, actor=front, reason="x")
    # the service decides on the row as it is now: a forfeit of a refund requested is refused
    with pytest.raises(DomainError):
        finance.deposit_request_settlement(
            deposit=stale, settlement=finance.FORFEIT, reason="丢失", actor=front
        )
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUND_REQUESTED
    assert deposit.refund_amount == Decimal("300.00") and deposit.settlement_reason == "退房"


def test_two_managers_deciding_one_deposit_from_stale_pages_settle_it_once__R5(deposit, front):
    _request_refund(deposit, front)
    a_page, b_page = _copy(deposit), _copy(deposit)
    a, b = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    finance.deposit_decide(deposit=a_page, approve=True, refund_receipt_number="TK-A", actor=a)
    with pytest.raises(DomainError):
        finance.deposit_decide(deposit=b_page, approve=False, note="再核实", actor=b)
    deposit.refresh_from_db()
    assert deposit.status == Status.REFUNDED and deposit.approved_by == a
    assert deposit.refund_receipt_number == "TK-A" and deposit.locked


def test_a_manager_deciding_their_own_request_is_refused_and_the_refusal_kept_in_the_log__R5(
    deposit,
):
    from core.models import AccessLog

    manager = user_with_role(Role.MANAGER)
    _request_refund(deposit, manager)
    with pytest.raises(DomainError):
        finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=manager
        )
    assert AccessLog.objects.filter(
        user=manager, action=AccessLog.Action.DENIED, detail__contains="own request"
    ).exists()
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUND_REQUESTED


def test_an_approved_settlement_is_one_history_row_naming_the_manager__R5(deposit, front, boss):
    _request_refund(deposit, front)
    before = deposit.history.count()
    finance.deposit_decide(deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=boss)
    deposit.refresh_from_db()
    assert deposit.locked and deposit.history.count() == before + 1
    row = deposit.history.first()
    assert (row.status, row.locked, row.history_user) == (Status.REFUNDED, True, boss)


def test_the_deposit_page_offers_the_moves_the_service_allows__R5(deposit, front, boss):
    assert workflow.allowed_moves(front, deposit) == {"request_refund", "request_forfeit"}
    assert workflow.allowed_moves(user_with_role(Role.ARCHIVIST), deposit) == set()
    _request_refund(deposit, boss)
    deposit.refresh_from_db()
    # the requester never decides; another manager may refund or reject, the front desk not
    assert workflow.allowed_moves(boss, deposit) == set()
    assert workflow.allowed_moves(user_with_role(Role.MANAGER), deposit) == {"refund", "reject"}
    assert workflow.allowed_moves(front, deposit) == set()
    assert not selectors.can_decide_deposit(boss, deposit)


# --- Leases ---------------------------------------------------------------------------------
@pytest.fixture
def lease(front):
    dossier, _section = occupied_dossier()
    tenant = moved_in(dossier, role=Occupancy.Role.TENANT).customer
    return finance_leases.lease_record(
        dossier=dossier,
        data={
            "tenant": tenant,
            "contract_number": "HT-WF-1",
            "landlord": "王业主",
            "signed_on": datetime.date(2026, 1, 1),
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "rent": Decimal("4500.00"),
            "payment_cycle": Lease.Cycle.MONTHLY,
            "note": "",
        },
        actor=front,
    )


def _renewal():
    return {
        "contract_number": "HT-WF-2",
        "landlord": "王业主",
        "signed_on": datetime.date(2026, 11, 1),
        "starts_on": datetime.date(2027, 1, 1),
        "ends_on": datetime.date(2027, 12, 31),
        "rent": Decimal("4600.00"),
        "payment_cycle": Lease.Cycle.MONTHLY,
        "note": "",
    }


def test_a_terminated_lease_is_neither_renewed_nor_terminated_again__R10(lease, front):
    finance_leases.lease_terminate(
        lease=lease, terminated_on=datetime.date(2026, 11, 1), reason="提前退租", actor=front
    )
    with pytest.raises(DomainError):
        finance_leases.lease_renew(lease=lease, data=_renewal(), actor=front)
    with pytest.raises(DomainError):
        finance_leases.lease_terminate(
            lease=lease, terminated_on=datetime.date(2026, 11, 2), reason="再次", actor=front
        )
    lease.refresh_from_db()
    assert lease.status == Lease.Status.TERMINATED and lease.locked
    assert lease.terminated_on == datetime.date(2026, 11, 1)
    assert not Lease.objects.filter(renewal_of=lease).exists()


def test_a_stale_copy_of_a_lease_loses_the_compare_and_set__R10(lease, front):
    first, stale = _copy(lease), _copy(lease)
    finance_leases.lease_renew(lease=first, data=_renewal(), actor=front)
    with pytest.raises(DomainError):
        workflow.transition(
            stale, Lease.Status.TERMINATED, actor=front, reason="x", already_locked=True
        )
    with pytest.raises(DomainError):
        finance_leases.lease_terminate(
            lease=stale, terminated_on=datetime.date(2026, 11, 2), reason="退租", actor=front
        )
    lease.refresh_from_db()
    assert lease.status == Lease.Status.RENEWED and lease.locked
    assert lease.terminated_on is None and lease.termination_reason == ""


def test_the_lease_page_offers_the_moves_the_service_allows__R10(lease, front):
    assert workflow.allowed_moves(front, lease) == {"renew", "terminate"}
    assert workflow.allowed_moves(user_with_role(Role.ARCHIVIST), lease) == set()
    finance_leases.lease_terminate(
        lease=lease, terminated_on=datetime.date(2026, 11, 1), reason="退租", actor=front
    )
    lease.refresh_from_db()
    assert workflow.allowed_moves(front, lease) == set()
