"""The pages of leases, deposits, charges, payments and the arrears list."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog, Notification
from core.roles import Role
from customers.models import Occupancy
from records.finance import leases as finance_leases
from records.finance import services as finance
from records.models import Charge, Deposit, Lease, Payment
from tests.customers.factories import moved_in
from tests.factories import user_with_role

from .factories import occupied_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))]

TODAY = datetime.date(2026, 11, 16)


@pytest.fixture
def dossier():
    dossier, _section = occupied_dossier()
    return dossier


@pytest.fixture
def tenant(dossier):
    return moved_in(dossier, role=Occupancy.Role.TENANT).customer


def lease_post(tenant, **extra):
    data = {
        "tenant": tenant.pk,
        "contract_number": "ＨＴ-001",  # full-width, as an input method may type it
        "landlord": "王业主",
        "signed_on": "2026-01-01",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "rent": "¥4,500",
        "payment_cycle": "monthly",
        "deposit_amount": "９０００元",
        "deposit_receipt_number": "YJ-1",
    }
    data.update(extra)
    return data


# --- Leases -----------------------------------------------------------------------------------
def test_front_desk_records_a_lease_with_its_deposit(client, dossier, tenant, front_desk):
    client.force_login(front_desk)
    url = reverse("records:lease_add", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200 and tenant.name in page.content.decode()
    response = client.post(url, lease_post(tenant))
    lease = Lease.objects.get()
    assert response.status_code == 302 and response.url == lease.get_absolute_url()
    assert lease.contract_number == "HT-001" and lease.rent == Decimal("4500")
    assert lease.deposit.amount == Decimal("9000") and lease.deposit.receipt_number == "YJ-1"
    detail = client.get(lease.get_absolute_url()).content.decode()
    assert "YJ-1" in detail and 'data-testid="lease-renew"' in detail
    assert 'data-testid="terminate-form"' in detail and 'data-testid="record-events"' in detail


def test_lease_form_keeps_what_was_typed_and_says_what_is_wrong(
    client, dossier, tenant, front_desk
):
    client.force_login(front_desk)
    response = client.post(
        reverse("records:lease_add", args=[dossier.pk]),
        lease_post(tenant, ends_on="2025-12-31", deposit_receipt_number="", rent="abc"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"ends_on", "deposit_receipt_number", "rent"} <= set(errors)
    assert "王业主" in response.content.decode()
    assert not Lease.objects.exists() and not Deposit.objects.exists()


def test_overlapping_lease_is_refused_on_the_form(client, dossier, tenant, front_desk):
    client.force_login(front_desk)
    url = reverse("records:lease_add", args=[dossier.pk])
    client.post(url, lease_post(tenant))
    response = client.post(
        url,
        lease_post(tenant, contract_number="HT-2", deposit_amount="", deposit_receipt_number=""),
    )
    assert response.status_code == 200
    assert "HT-001" in " ".join(response.context["form"].non_field_errors())
    assert Lease.objects.count() == 1


def test_a_vacant_dossier_says_why_no_lease_can_be_recorded(client, front_desk):
    from tests.customers.factories import dossier_for

    client.force_login(front_desk)
    page = client.get(reverse("records:lease_add", args=[dossier_for().pk]))
    assert 'data-testid="no-tenant"' in page.content.decode()


@pytest.fixture
def lease(dossier, tenant, front_desk):
    return finance_leases.lease_record(
        dossier=dossier,
        data={
            "tenant": tenant,
            "contract_number": "HT-001",
            "signed_on": datetime.date(2026, 1, 1),
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "rent": Decimal("4500"),
            "payment_cycle": Lease.Cycle.MONTHLY,
            "deposit_amount": Decimal("9000"),
            "deposit_receipt_number": "YJ-1",
        },
        actor=front_desk,
    )


def test_renewal_page_starts_from_the_old_term(client, lease, front_desk):
    client.force_login(front_desk)
    url = reverse("records:lease_renew", args=[lease.pk])
    page = client.get(url)
    assert page.context["form"].initial["starts_on"] == datetime.date(2027, 1, 1)
    assert 'data-testid="current-deposit"' in page.content.decode()
    response = client.post(
        url,
        {
            "contract_number": "HT-002",
            "signed_on": "2026-11-10",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "rent": "4800",
            "payment_cycle": "monthly",
        },
    )
    new = Lease.objects.get(renewal_of=lease)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    detail = client.get(new.get_absolute_url()).content.decode()
    assert "YJ-1" in detail  # the deposit carried over
    old = client.get(lease.get_absolute_url())
    assert 'data-testid="renewed-by"' in old.content.decode() and not old.context["can_renew"]
    again = client.get(url)  # renewed: the page sends back with a message
    assert again.status_code == 302


def test_renewal_refused_when_the_term_does_not_follow(client, lease, front_desk):
    client.force_login(front_desk)
    response = client.post(
        reverse("records:lease_renew", args=[lease.pk]),
        {
            "contract_number": "HT-002",
            "signed_on": "2026-11-10",
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "rent": "4800",
            "payment_cycle": "monthly",
        },
    )
    assert response.status_code == 200
    assert {"starts_on", "ends_on"} <= set(response.context["form"].errors)


def test_terminate_from_the_lease_page(client, lease, front_desk):
    client.force_login(front_desk)
    url = reverse("records:lease_terminate", args=[lease.pk])
    bad = client.post(url, {"terminated_on": "2026-10-31", "reason": ""})
    assert bad.status_code == 200 and "reason" in bad.context["form"].errors
    response = client.post(url, {"terminated_on": "2026-10-31", "reason": "提前退租"}, follow=True)
    lease.refresh_from_db()
    assert lease.status == Lease.Status.TERMINATED and lease.locked
    text = response.content.decode()
    assert "YJ-1" in text  # reminded that the deposit is still held
    assert not response.context["can_terminate"]


def test_viewers_see_a_lease_without_buttons_and_cannot_act(client, lease):
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    page = client.get(lease.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_renew"]
    assert 'data-testid="terminate-form"' not in page.content.decode()
    url = reverse("records:lease_terminate", args=[lease.pk])
    assert client.post(url, {"terminated_on": "2026-10-31", "reason": "x"}).status_code == 403


# --- Deposits ---------------------------------------------------------------------------------
def test_deposit_received_from_the_form_with_the_balance(client, dossier, front_desk):
    client.force_login(front_desk)
    url = reverse("records:deposit_add", args=[dossier.pk])
    page = client.get(url + "?kind=keys")
    assert page.context["form"].initial["kind"] == "keys"
    assert 'data-testid="deposits-held"' in page.content.decode()
    data = {
        "kind": "keys",
        "payer": "张伟",
        "amount": "200",
        "received_on": "2026-11-01",
        "receipt_number": "SJ-1",
    }
    response = client.post(url, data)
    deposit = Deposit.objects.get()
    assert response.status_code == 302 and response.url == deposit.get_absolute_url()
    duplicate = client.post(url, data)
    assert "receipt_number" in duplicate.context["form"].errors
    future = client.post(url, {**data, "receipt_number": "SJ-2", "received_on": "2026-12-01"})
    assert "received_on" in future.context["form"].errors
    detail = client.get(deposit.get_absolute_url())
    assert detail.context["deposits_held"] == Decimal("200")
    assert detail.context["can_request"] and 'data-testid="settle-form"' in detail.content.decode()


@pytest.fixture
def deposit(dossier, front_desk):
    return finance.deposit_record(
        dossier=dossier,
        data={
            "kind": Deposit.Kind.LEASE,
            "payer": "张伟",
            "amount": Decimal("5000"),
            "received_on": datetime.date(2026, 1, 1),
            "receipt_number": "SJ-1",
        },
        actor=front_desk,
    )


def test_refund_requested_then_approved_by_another_manager__R5(
    client, deposit, front_desk, manager
):
    client.force_login(front_desk)
    settle = reverse("records:deposit_settle", args=[deposit.pk])
    bad = client.post(settle, {"settlement": "refund", "refund_amount": "6000", "reason": "退租"})
    assert "refund_amount" in bad.context["form"].errors
    response = client.post(
        settle, {"settlement": "refund", "refund_amount": "4000", "reason": "退租"}
    )
    assert response.status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUND_REQUESTED
    assert Notification.objects.filter(recipient=manager, message__contains="SJ-1").exists()
    mine = client.get(deposit.get_absolute_url())
    assert 'data-testid="own-request"' in mine.content.decode()
    client.force_login(user_with_role(Role.FRONT_DESK))
    waiting = client.get(deposit.get_absolute_url())
    assert 'data-testid="awaiting-approval"' in waiting.content.decode()
    assert client.get(reverse("records:deposit_decide", args=[deposit.pk])).status_code == 403

    client.force_login(manager)
    page = client.get(deposit.get_absolute_url())
    assert page.context["can_decide"] and page.context["deducted"] == Decimal("1000")
    decide = reverse("records:deposit_decide", args=[deposit.pk])
    missing = client.post(decide, {"decision": "approve", "settled_on": "2026-11-16"})
    assert "refund_receipt_number" in missing.context["form"].errors
    done = client.post(
        decide,
        {"decision": "approve", "settled_on": "2026-11-16", "refund_receipt_number": "TK-1"},
    )
    assert done.status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUNDED and deposit.approved_by == manager
    closed = client.get(deposit.get_absolute_url())
    assert not closed.context["can_decide"] and 'data-testid="refund-voucher"' in (
        closed.content.decode()
    )


def test_refund_refused_without_manager_approval__R5(client, deposit, manager):
    # the requester, a manager, is sent back: another manager must decide
    finance.deposit_request_settlement(
        deposit=deposit, settlement=finance.FORFEIT, reason="违约", actor=manager
    )
    client.force_login(manager)
    decide = reverse("records:deposit_decide", args=[deposit.pk])
    page = client.get(deposit.get_absolute_url())
    assert page.context["own_request"] and not page.context["can_decide"]
    response = client.post(decide, {"decision": "approve", "settled_on": "2026-11-16"})
    assert response.status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FORFEIT_REQUESTED
    # a front-desk user is refused outright
    client.force_login(user_with_role(Role.FRONT_DESK))
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FORFEIT_REQUESTED


def test_manager_rejects_with_a_note(client, deposit, front_desk, manager):
    finance.deposit_request_settlement(
        deposit=deposit,
        settlement=finance.REFUND,
        refund_amount=Decimal("5000"),
        reason="退租",
        actor=front_desk,
    )
    client.force_login(manager)
    decide = reverse("records:deposit_decide", args=[deposit.pk])
    page = client.get(decide)
    assert page.status_code == 200 and "退租" in page.content.decode()
    assert "note" in client.post(decide, {"decision": "reject"}).context["form"].errors
    assert client.post(decide, {"decision": "reject", "note": "未验房"}).status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD


def test_a_direct_refund_is_impossible__R5(client, deposit, manager):
    client.force_login(manager)
    decide = reverse("records:deposit_decide", args=[deposit.pk])
    response = client.post(decide, {"decision": "approve", "refund_receipt_number": "TK-1"})
    assert response.status_code == 302
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD


# --- Charges and payments ---------------------------------------------------------------------
def test_charge_added_and_duplicate_refused_on_the_form(client, dossier, front_desk):
    client.force_login(front_desk)
    url = reverse("records:charge_add", args=[dossier.pk])
    assert client.get(url).context["form"]["period"].value() == "2026-11"
    data = {"item": "management", "period": "2026年10月", "amount": "320", "due_on": "2026-10-31"}
    response = client.post(url, data)
    charge = Charge.objects.get()
    assert response.status_code == 302 and charge.period == "2026-10"
    duplicate = client.post(url, {**data, "period": "2026-10"})
    assert duplicate.status_code == 200 and "period" in duplicate.context["form"].errors
    bad = client.post(url, {**data, "period": "2026-13"})
    assert "period" in bad.context["form"].errors
    assert Charge.objects.count() == 1


@pytest.fixture
def charge(dossier, front_desk):
    return finance.charge_add(
        dossier=dossier,
        data={
            "item": Charge.Item.MANAGEMENT,
            "period": "2026-10",
            "amount": Decimal("320"),
            "due_on": datetime.date(2026, 10, 31),
        },
        actor=front_desk,
    )


def test_payment_recorded_and_listed_on_the_charge(client, charge, front_desk):
    client.force_login(front_desk)
    page = client.get(charge.get_absolute_url())
    assert page.context["overdue"] and 'data-testid="payment-form"' in page.content.decode()
    url = reverse("records:payment_add", args=[charge.pk])
    data = {"paid_on": "2026-11-16", "amount": "400", "method": "wechat", "receipt_number": "SK-1"}
    too_much = client.post(url, data)
    assert "amount" in too_much.context["form"].errors
    response = client.post(url, {**data, "amount": "320"})
    assert response.status_code == 302 and response.url == charge.get_absolute_url()
    payment = Payment.objects.get()
    detail = client.get(charge.get_absolute_url())
    assert "SK-1" in detail.content.decode() and not detail.context["can_pay"]
    jump = client.get(reverse("records:charge_detail_by_payment", args=[payment.pk]))
    assert jump.status_code == 302
    assert jump.url == f"{charge.get_absolute_url()}#payment-{payment.pk}"
    settled = client.get(url)
    assert settled.status_code == 302  # nothing left to pay


def test_viewers_cannot_record_payments(client, charge):
    client.force_login(user_with_role(Role.EXECUTIVE))
    assert client.get(charge.get_absolute_url()).status_code == 200
    assert client.get(reverse("records:payment_add", args=[charge.pk])).status_code == 403


# --- Arrears ----------------------------------------------------------------------------------
def owing_dossiers(n, actor):
    dossiers = []
    for i in range(n):
        dossier, _section = occupied_dossier()
        finance.charge_add(
            dossier=dossier,
            data={
                "item": Charge.Item.MANAGEMENT,
                "period": "2026-10",
                "amount": Decimal(100 + i),
                "due_on": datetime.date(2026, 10, 31),
            },
            actor=actor,
        )
        dossiers.append(dossier)
    return dossiers


def test_arrears_list_largest_debt_first(client, front_desk):
    dossiers = owing_dossiers(3, front_desk)
    client.force_login(user_with_role(Role.ARCHIVIST))
    page = client.get(reverse("records:arrears_list"))
    rows = list(page.context["page_obj"])
    assert [r["dossier_id"] for r in rows] == [d.pk for d in reversed(dossiers)]
    assert rows[0]["occupants"] and page.context["summary"]["total"] == Decimal("303")
    estate = dossiers[0].unit.building.estate
    one = client.get(reverse("records:arrears_list"), {"estate": estate.pk, "on": "2026-11-16"})
    assert [r["dossier_id"] for r in one.context["page_obj"]] == [dossiers[0].pk]
    before = client.get(reverse("records:arrears_list"), {"on": "2026-10-31"})
    assert not list(before.context["page_obj"])
    bad = client.get(reverse("records:arrears_list"), {"on": "not a date"})
    assert bad.status_code == 200 and "on" in bad.context["form"].errors


def test_arrears_list_pages_count_the_dossiers(client, front_desk):
    owing_dossiers(27, front_desk)
    client.force_login(front_desk)
    first = client.get(reverse("records:arrears_list"))
    assert first.context["page_obj"].paginator.num_pages == 2
    last = client.get(reverse("records:arrears_list"), {"page": 2})
    assert len(last.context["page_obj"]) == 2
    assert last.context["summary"]["dossiers"] == 27


def test_an_arrears_page_reads_its_rows_and_totals_in_one_query__R5(client, front_desk):
    owing_dossiers(27, front_desk)
    client.force_login(front_desk)
    url = reverse("records:arrears_list")
    client.get(url)  # warm the caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, {"page": 2})
    owed = [q["sql"] for q in queries if "SUM(" in q["sql"]]
    assert len(owed) == 1 and "OVER ()" in owed[0]  # no separate count or sum of the charges
    assert second.context["summary"] == {"dossiers": 27, "total": Decimal(27 * 100 + 351)}
    assert [r["total"] for r in second.context["page_obj"]] == [Decimal("101"), Decimal("100")]
    # past the end: the last page, with the totals of them all; not a number: the first
    beyond = client.get(url, {"page": 9})
    assert beyond.context["page_obj"].number == 2 and len(beyond.context["page_obj"]) == 2
    assert beyond.context["summary"]["dossiers"] == 27
    huge = client.get(url, {"page": "9" * 30})
    assert huge.status_code == 200 and huge.context["page_obj"].number == 2
    first = client.get(url, {"page": "x"})
    assert first.context["page_obj"].number == 1 and len(first.context["page_obj"]) == 25
    none = client.get(url, {"on": "2026-10-31", "page": 3})
    assert none.context["summary"] == {"dossiers": 0, "total": 0}
    assert none.context["page_obj"].number == 1 and not list(none.context["page_obj"])


def test_arrears_csv_export_is_logged(client, front_desk):
    owing_dossiers(2, front_desk)
    client.force_login(front_desk)
    response = client.get(reverse("records:arrears_list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3 and lines[1].endswith("101.00")
    assert AccessLog.objects.filter(user=front_desk, action=AccessLog.Action.EXPORT).exists()


def test_arrears_list_is_denied_without_the_permission(client):
    client.force_login(user_with_role(Role.WITNESS))
    assert client.get(reverse("records:arrears_list")).status_code == 403


def test_arrears_list_queries_do_not_grow_with_the_rows(client, front_desk):
    owing_dossiers(2, front_desk)
    client.force_login(front_desk)
    url = reverse("records:arrears_list")
    client.get(url)  # warm the caches (content types, permissions)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["page_obj"])

    few, rows = count()
    assert rows == 2
    owing_dossiers(18, front_desk)
    many, rows = count()
    assert rows == 20
    assert many == few
