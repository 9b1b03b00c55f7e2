"""The dossiers' kept balances (records.finance.balances): written with every charge and
payment, recounted when a charge falls due, and today's arrears page read from them only while
they are right; otherwise from the charges (R5)."""

import datetime
import os
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from customers.permissions import grant_dossier
from records.finance import balances, selectors
from records.finance import services as finance
from records.models import Charge, DossierBalance
from records.tasks import refresh_balances
from tests.factories import user_with_role

from ..races import race
from .factories import occupied_dossier
from .test_finance import pay

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 2, 0))]

TODAY = datetime.date(2026, 11, 16)
KEYS = ("dossier_id", "total", "periods", "oldest_period", "oldest_due")


def charge(dossier, actor, period, due_on, amount="320.00", item=Charge.Item.MANAGEMENT):
    return finance.charge_add(
        dossier=dossier,
        data={
            "item": item,
            "period": period,
            "amount": Decimal(amount),
            "due_on": due_on,
            "note": "",
        },
        actor=actor,
    )


def row(dossier):
    return DossierBalance.objects.filter(dossier=dossier).values(*KEYS[1:], "next_due").first()


def from_charges(user, on=TODAY, estate=None):
    return [{k: r[k] for k in KEYS} for r in selectors.arrears(user=user, on=on, estate=estate)]


def from_page(user, on=TODAY, estate=None):
    page, summary = selectors.arrears_page(user=user, on=on, estate=estate, per_page=100)
    return [{k: r[k] for k in KEYS} for r in page.object_list], summary


def test_a_dossier_balance_follows_its_charges_and_payments__R5(front_desk):
    dossier, _s = occupied_dossier()
    september = charge(dossier, front_desk, "2026-09", datetime.date(2026, 9, 30))
    assert row(dossier) == {
        "total": Decimal("320.00"),
        "periods": 1,
        "oldest_period": "2026-09",
        "oldest_due": datetime.date(2026, 9, 30),
        "next_due": None,
    }
    charge(dossier, front_desk, "2026-10", datetime.date(2026, 10, 31), amount="100.50")
    charge(dossier, front_desk, "2026-11", datetime.date(2026, 11, 30))  # not due yet
    stored = row(dossier)
    assert (stored["total"], stored["periods"]) == (Decimal("420.50"), 2)
    assert stored["next_due"] == datetime.date(2026, 11, 30)
    pay(september, front_desk, "20.00", "SK-1")
    assert row(dossier)["total"] == Decimal("400.50")
    pay(september, front_desk, "300.00", "SK-2")  # settled: October is the oldest owed now
    stored = row(dossier)
    assert (stored["total"], stored["periods"], stored["oldest_period"]) == (
        Decimal("100.50"),
        1,
        "2026-10",
    )
    assert DossierBalance.objects.get(dossier=dossier).as_of == TODAY


def test_a_dossier_with_nothing_owed_keeps_no_balance__R5(front_desk):
    dossier, _s = occupied_dossier()
    due = charge(dossier, front_desk, "2026-10", datetime.date(2026, 10, 31))
    pay(due, front_desk, "320.00", "SK-1")
    assert not DossierBalance.objects.filter(dossier=dossier).exists()
    # a charge not yet due keeps a row of nothing owed, which names the day it falls due
    charge(dossier, front_desk, "2026-12", datetime.date(2026, 12, 31))
    assert row(dossier)["total"] == 0 and row(dossier)["next_due"] == datetime.date(2026, 12, 31)
    assert selectors.arrears_page(user=front_desk, on=TODAY)[1]["dossiers"] == 0


def test_a_charge_saved_or_deleted_outside_the_services_counts_too__R5(front_desk):
    dossier, section = occupied_dossier()
    made = Charge.objects.create(
        dossier=dossier,
        section=section,
        recorded_by=front_desk,
        item=Charge.Item.WATER,
        period="2026-10",
        amount=Decimal("55.00"),
        due_on=datetime.date(2026, 10, 20),
    )
    assert row(dossier)["total"] == Decimal("55.00")
    made.delete()
    assert row(dossier) is None


def mixed_archive(actor):
    """Three dossiers owing different sums, one settled, one owing only later, one secret."""
    owing = []
    for amounts in (["320.00", "320.00"], ["50.00"], ["900.00"]):
        dossier, _s = occupied_dossier()
        for i, amount in enumerate(amounts):
            charge(dossier, actor, f"2026-0{i + 7}", datetime.date(2026, i + 7, 28), amount)
        owing.append(dossier)
    part = Charge.objects.filter(dossier=owing[0]).order_by("period").first()
    pay(part, actor, "120.00", "SK-P")
    settled, _s = occupied_dossier()
    pay(charge(settled, actor, "2026-09", datetime.date(2026, 9, 30)), actor, "320.00", "SK-S")
    later, _s = occupied_dossier()
    charge(later, actor, "2026-12", datetime.date(2026, 12, 20))
    secret, _s = occupied_dossier(secrecy="B")
    return owing, secret


def test_todays_arrears_page_reads_the_balances_and_matches_the_charges__R5(front_desk):
    granted = user_with_role(Role.FRONT_DESK)
    owing, secret = mixed_archive(granted)
    grant_dossier(granted, secret)
    charge(secret, granted, "2026-08", datetime.date(2026, 8, 31), "5000.00")
    assert balances.current(TODAY)
    for user in (front_desk, granted):
        rows, summary = from_page(user)
        assert rows == from_charges(user)
        assert summary == selectors.arrears_summary(user=user, on=TODAY)
    # the front desk without the grant sees neither the secret dossier nor its sum
    rows, summary = from_page(front_desk)
    assert [r["dossier_id"] for r in rows] == [owing[2].pk, owing[0].pk, owing[1].pk]
    assert summary == {"dossiers": 3, "total": Decimal("900.00") + 520 + 50}
    assert from_page(granted)[0][0]["dossier_id"] == secret.pk
    estate = owing[1].unit.building.estate
    assert from_page(front_desk, estate=estate)[0] == from_charges(front_desk, estate=estate)
    assert [r["dossier_id"] for r in from_page(front_desk, estate=estate)[0]] == [owing[1].pk]


def test_the_page_reads_one_row_per_owing_dossier_not_the_charges__R5(front_desk):
    mixed_archive(front_desk)
    with CaptureQueriesContext(connection) as queries:
        from_page(front_desk)
    page_sql = [q["sql"] for q in queries if "records_charge" in q["sql"]]
    assert not page_sql, page_sql  # neither the page nor its count read a charge
    assert any("records_dossierbalance" in q["sql"] for q in queries)


def test_a_charge_fallen_due_makes_the_page_count_from_the_charges_until_the_job__R5(
    front_desk, frozen_clock
):
    owing, _secret = mixed_archive(front_desk)
    later = DossierBalance.objects.get(next_due=datetime.date(2026, 12, 20)).dossier
    before = from_page(front_desk)[1]
    frozen_clock.move_to(datetime.datetime(2026, 12, 21, 2, 0))  # 21 December, Shanghai
    today = datetime.date(2026, 12, 21)
    assert not balances.current(today)
    rows, summary = from_page(front_desk, on=today)  # right, from the charges
    assert rows == from_charges(front_desk, on=today)
    assert summary["dossiers"] == before["dossiers"] + 1
    assert later.pk in [r["dossier_id"] for r in rows]
    assert refresh_balances() >= 1  # the nightly job: every balance, the stale one among them
    assert balances.current(today)
    assert row(later)["total"] == Decimal("320.00") and row(later)["next_due"] is None
    assert from_page(front_desk, on=today) == (rows, summary)


def test_an_earlier_days_arrears_come_from_the_charges__R5(front_desk):
    dossier, _s = occupied_dossier()
    due = charge(dossier, front_desk, "2026-10", datetime.date(2026, 10, 31))
    pay(due, front_desk, "320.00", "SK-1", paid_on=datetime.date(2026, 11, 10))
    assert from_page(front_desk)[1]["dossiers"] == 0
    then = datetime.date(2026, 11, 5)
    rows, summary = from_page(front_desk, on=then)
    assert summary == {"dossiers": 1, "total": Decimal("320.00")}


def test_refresh_all_gives_what_each_write_kept__R5(front_desk):
    mixed_archive(front_desk)
    kept = list(DossierBalance.objects.order_by("pk").values())
    DossierBalance.objects.all().delete()
    balances.refresh_all()
    assert list(DossierBalance.objects.order_by("pk").values()) == kept


def test_the_arrears_page_and_its_csv_agree__R5(client, front_desk):
    owing, _secret = mixed_archive(front_desk)
    client.force_login(front_desk)
    page = client.get(reverse("records:arrears_list"))
    assert page.status_code == 200
    for dossier in owing:
        assert dossier.archive_number in page.content.decode()
    assert "¥1,470.00" in page.content.decode()  # 900 + (640 - 120) + 50
    csv = client.get(reverse("records:arrears_list"), {"format": "csv"}).content.decode()
    assert all(d.archive_number in csv for d in owing)


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_dossier_at_once_keep_its_balance_right__R5():
    """Each payment locks only its charge; the balance is recounted with the dossier's row
    locked, so the second recount waits for the first payment and sees it."""
    actor = user_with_role(Role.FRONT_DESK)
    dossier, _s = occupied_dossier()
    first = charge(dossier, actor, "2026-09", datetime.date(2026, 9, 30))
    second = charge(dossier, actor, "2026-10", datetime.date(2026, 10, 31))
    for n in range(3):
        results = race(
            lambda n=n: pay(first, actor, "10.00", f"SK-A{n}"),
            lambda n=n: pay(second, actor, "10.00", f"SK-B{n}"),
        )
        assert not any(isinstance(r, Exception) for r in results), results
    assert row(dossier)["total"] == Decimal("640.00") - 60


def test_equal_debts_are_listed_the_one_owed_longest_first_both_ways__R5(front_desk):
    """The same order from the kept balances (today) and from the charges (an earlier day):
    the largest debt, then the oldest due, then the dossier opened first; each row labelled
    with its archive number."""
    newer, _a = occupied_dossier()
    older, _b = occupied_dossier()
    twin, _c = occupied_dossier()
    charge(newer, front_desk, "2026-10", datetime.date(2026, 10, 28), "300.00")
    charge(older, front_desk, "2026-08", datetime.date(2026, 8, 28), "300.00")
    charge(twin, front_desk, "2026-08", datetime.date(2026, 8, 28), "300.00")
    expected = [older.pk, twin.pk, newer.pk]
    for on in (TODAY, datetime.date(2026, 11, 15)):
        page, _summary = selectors.arrears_page(user=front_desk, on=on)
        assert [r["dossier_id"] for r in page.object_list] == expected, on
        numbers = {d.pk: d.archive_number for d in (newer, older, twin)}
        assert [r["archive_number"] for r in page.object_list] == [numbers[i] for i in expected]


def test_the_nightly_job_mends_a_balance_a_write_left_wrong__R5(front_desk):
    """A charge written past the services (a queryset's update, a bulk insert) leaves its
    balance wrong and not stale; the nightly recount puts it right."""
    owing, _secret = mixed_archive(front_desk)
    right = list(DossierBalance.objects.order_by("pk").values())
    Charge.objects.filter(dossier=owing[1]).update(amount=Decimal("5000.00"))
    DossierBalance.objects.filter(dossier=owing[2]).delete()
    assert balances.current(TODAY)  # nothing says so
    refresh_balances()
    mended = {r["dossier_id"]: r for r in DossierBalance.objects.values()}
    assert mended[owing[1].pk]["total"] == Decimal("5000.00")
    assert mended[owing[2].pk] == next(r for r in right if r["dossier_id"] == owing[2].pk)
    assert from_page(front_desk)[0] == from_charges(front_desk)
