"""The dossier as of a chosen day, rebuilt from the history tables (issue item 10, R10)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from customers import services
from customers.permissions import grant_dossier
from records.asof.selectors import deposits_on, dossier_as_of, end_of_day, leases_on, occupants_on
from records.models import Deposit, Lease
from tests.customers.factories import CustomerFactory, dossier_for, moved_in
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY_1 = datetime.date(2024, 3, 1)


def day(n):
    return DAY_1 + datetime.timedelta(days=n - 1)


def at(n, hour=10):
    """Travel to ``hour`` o'clock of day ``n`` in Shanghai: history rows are dated then."""
    moment = datetime.datetime.combine(day(n), datetime.time(hour), tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def story():
    """Day 1 move-in (with a contact and a household member), day 10 contact change,
    day 12 lease and its deposit, day 20 name change (a change request, approved), day 25 a
    member leaves, day 30 refund requested, day 35 refunded, day 40 lease terminated, day 45
    the lease's rent corrected, day 50 a contact entered late (valid from day 5), day 60
    move-out."""
    front, boss = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)
    with at(1):
        dossier = dossier_for(actor=front)
        customer = CustomerFactory(name="王芳", mobile="13812345678")
        section = moved_in(dossier, customer, day=day(1), recorder=front, verifier=boss)
        contact = services.contact_add(
            customer=customer,
            data={"kind": "emergency", "name": "李娜", "mobile": "13900001111"},
            actor=front,
        )
        member = services.household_member_add(
            customer=customer, data={"name": "王小明", "relation": "儿子"}, actor=front
        )
    with at(10):
        services.contact_replace(
            contact=contact, data={"name": "赵强", "mobile": "13900002222"}, actor=front
        )
    with at(12):
        deposit = Deposit.objects.create(
            dossier=dossier,
            section=section,
            recorded_by=front,
            kind=Deposit.Kind.LEASE,
            payer="王芳",
            amount=Decimal("6000.00"),
            received_on=day(12),
            receipt_number="YJ-0001",
        )
        lease = Lease.objects.create(
            dossier=dossier,
            section=section,
            recorded_by=front,
            tenant=customer,
            contract_number="HT-0001",
            signed_on=day(11),
            starts_on=day(12),
            ends_on=day(12) + datetime.timedelta(days=364),
            rent=Decimal("3000.00"),
            deposit=deposit,
        )
    with at(20):
        customer.refresh_from_db()  # locked at verification (R9): the change needs approval
        request = services.customer_update(
            customer=customer, data={"name": "王芳芳"}, actor=front, dossier=dossier, reason="改名"
        )
        services.change_request_approve(change_request=request, actor=boss)
    with at(25):
        services.household_member_leave(member=member, left_on=day(25), actor=front)
    with at(30):
        deposit.status = Deposit.Status.REFUND_REQUESTED
        deposit.save()
    with at(35):
        deposit.status = Deposit.Status.REFUNDED
        deposit.settled_on = day(35)
        deposit.save()
    with at(40):
        lease.status = Lease.Status.TERMINATED
        lease.terminated_on = day(40)
        lease.save()
    with at(45):
        lease.rent = Decimal("3300.00")  # a correction: earlier days keep showing 3000
        lease.save()
    with at(50):
        services.contact_add(
            customer=customer,
            data={"kind": "daily", "name": "陈静", "mobile": "13700003333", "valid_from": day(5)},
            actor=front,
        )
    with at(60):
        services.occupancy_move_out(occupancy=section, moved_out=day(60), actor=front)
    return {"dossier": dossier, "customer": customer, "section": section, "front": front}


def _names(snapshot):
    return [o.customer.name for o in snapshot.occupants]


def test_end_of_day_is_midnight_in_shanghai():
    assert end_of_day(DAY_1) == datetime.datetime(2024, 3, 2, tzinfo=SHANGHAI)


def test_dynamic_updates_are_kept_as_history__R10(story):
    dossier = story["dossier"]

    early = dossier_as_of(dossier, day(5))
    assert _names(early) == ["王芳"]  # the name changed on day 20
    [occupant] = early.occupants
    assert [c.name for c in occupant.contacts] == ["李娜"]  # changed on day 10
    assert [m.name for m in occupant.members] == ["王小明"]
    assert early.leases == [] and early.deposits == []

    after_contact = dossier_as_of(dossier, day(15))
    assert [c.name for c in after_contact.occupants[0].contacts] == ["赵强"]
    assert [lease.contract_number for lease in after_contact.leases] == ["HT-0001"]
    # the rent as it was then: the correction of day 45 does not reach back
    assert after_contact.leases[0].rent == Decimal("3000.00")
    assert after_contact.leases[0].tenant_name == "王芳"
    assert after_contact.deposit_total == Decimal("6000.00")

    renamed = dossier_as_of(dossier, day(22))
    assert _names(renamed) == ["王芳芳"]
    assert renamed.leases[0].tenant_name == "王芳芳"
    assert [m.name for m in renamed.occupants[0].members] == ["王小明"]

    assert dossier_as_of(dossier, day(26)).occupants[0].members == []  # left on day 25

    today = dossier_as_of(dossier, day(70))
    assert today.occupants == [] and today.leases == [] and today.deposits == []


def test_deposits_held_follow_the_status_of_each_day(story):
    dossier = story["dossier"]
    assert deposits_on(dossier, day(11))[1] == 0
    rows, total, _late = deposits_on(dossier, day(12))
    assert [r.status for r in rows] == [Deposit.Status.HELD] and total == Decimal("6000.00")
    rows, total, _late = deposits_on(dossier, day(32))  # refund asked, not yet approved
    assert [r.status for r in rows] == [Deposit.Status.REFUND_REQUESTED]
    assert total == Decimal("6000.00")
    assert deposits_on(dossier, day(35)) == ([], Decimal("0"), 0)  # refunded that day


def test_a_lease_is_in_force_until_the_day_it_is_terminated(story):
    dossier = story["dossier"]
    assert leases_on(dossier, day(11))[0] == []
    [lease], _late = leases_on(dossier, day(40))
    assert lease.status == Lease.Status.TERMINATED and lease.rent == Decimal("3000.00")
    assert leases_on(dossier, day(41))[0] == []


def test_the_occupant_leaves_on_the_move_out_day(story):
    dossier = story["dossier"]
    occupants, _late = occupants_on(dossier, day(59))
    assert [o.customer.name for o in occupants] == ["王芳芳"]
    assert occupants[0].section.status == "active"
    assert occupants_on(dossier, day(60))[0] == []


def test_a_section_entered_with_its_move_out_is_occupied_before_it__R10():
    """Old papers entered at once: every history row already says "moved out"."""
    with at(1):
        dossier = dossier_for()
        section = moved_in(dossier, day=day(1))
    section.history.update(status="moved_out", moved_out=day(60))
    occupants, late = occupants_on(dossier, day(30))
    assert late == 0 and len(occupants) == 1
    assert occupants[0].section.status == "active"
    assert occupants[0].section.moved_out is None  # not known on day 30
    assert occupants_on(dossier, day(60))[0] == []


def test_records_entered_later_are_counted_and_shown_when_asked(story):
    dossier = story["dossier"]
    # the daily contact valid from day 5 was entered on day 50
    snapshot = dossier_as_of(dossier, day(15))
    assert snapshot.late == 1
    assert [c.name for c in snapshot.occupants[0].contacts] == ["赵强"]

    with_late = dossier_as_of(dossier, day(15), include_late=True)
    assert with_late.late == 0
    contacts = {c.name: c for c in with_late.occupants[0].contacts}
    assert set(contacts) == {"赵强", "陈静"}
    assert contacts["陈静"].recorded_later == day(50)
    assert contacts["赵强"].recorded_later is None

    # on day 55 it was in the dossier already
    assert dossier_as_of(dossier, day(55)).late == 0


def test_before_the_dossier_was_opened(story):
    snapshot = dossier_as_of(story["dossier"], day(0))
    assert snapshot.before_opening and snapshot.is_empty


def test_personal_data_leaves_masked(story):
    [occupant], _late = occupants_on(story["dossier"], day(15))
    customer = occupant.customer
    raw = story["customer"]
    assert customer.id_number != raw.id_number and "*" in customer.id_number
    assert customer.mobile == "138****5678"
    assert occupant.contacts[0].mobile == "139****2222"
    assert not hasattr(customer, "birth_date")


def _busy_dossier(n):
    """A dossier with ``n`` of everything the page reads, each with a few history rows."""
    front = user_with_role(Role.FRONT_DESK)
    dossier = dossier_for(actor=front)
    for i in range(n):
        customer = CustomerFactory()
        role = "owner" if i == 0 else "tenant"
        section = moved_in(dossier, customer, role=role, day=DAY_1, recorder=front)
        services.contact_add(
            customer=customer,
            data={"kind": "emergency", "name": f"联系人{i}", "mobile": f"1390000{i:04d}"},
            actor=front,
        )
        services.household_member_add(
            customer=customer, data={"name": f"成员{i}", "relation": "配偶"}, actor=front
        )
        deposit = Deposit.objects.create(
            dossier=dossier,
            section=section,
            recorded_by=front,
            kind=Deposit.Kind.KEYS,
            payer=customer.name,
            amount=Decimal("100.00"),
            received_on=DAY_1,
            receipt_number=f"YJ-{dossier.pk}-{i}",
        )
        Lease.objects.create(
            dossier=dossier,
            section=section,
            recorded_by=front,
            tenant=customer,
            contract_number=f"HT-{i}",
            signed_on=DAY_1,
            starts_on=DAY_1,
            ends_on=DAY_1 + datetime.timedelta(days=3650),
            rent=Decimal("2000.00"),
            deposit=deposit,
        )
    return dossier


def _queries(dossier, on):
    with CaptureQueriesContext(connection) as ctx:
        snapshot = dossier_as_of(dossier, on)
    return len(ctx.captured_queries), snapshot


def test_a_constant_number_of_queries():
    on = datetime.date.today()
    small, snapshot = _queries(_busy_dossier(2), on)
    assert len(snapshot.occupants) == 2 and len(snapshot.leases) == 2
    large, snapshot = _queries(_busy_dossier(12), on)
    assert len(snapshot.occupants) == 12 and len(snapshot.deposits) == 12
    assert all(o.contacts and o.members for o in snapshot.occupants)
    assert small == large == 6  # one per history table


# --- The page ------------------------------------------------------------------------------


def _url(dossier, **params):
    from urllib.parse import urlencode

    url = reverse("records:dossier_as_of", args=[dossier.pk])
    return f"{url}?{urlencode(params)}" if params else url


def _client(client, user):
    client.force_login(user)
    return client


def test_page_shows_the_day_asked_for(client, story):
    archivist = user_with_role(Role.ARCHIVIST)
    response = _client(client, archivist).get(_url(story["dossier"], date=day(15).isoformat()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "王芳" in page and "王芳芳" not in page
    assert "赵强" in page and "李娜" not in page
    assert "HT-0001" in page and "¥6,000.00" in page
    assert 'data-testid="late-records"' in page
    # never the raw personal data
    assert story["customer"].id_number not in page
    assert "13812345678" not in page and "13900002222" not in page


def test_page_shows_records_entered_later_when_asked(client, story):
    user = story["front"]
    response = _client(client, user).get(
        _url(story["dossier"], date=day(15).isoformat(), late="on")
    )
    page = response.content.decode()
    assert "陈静" in page and 'data-testid="late-records"' not in page


def test_page_defaults_to_today(client, story):
    response = _client(client, story["front"]).get(_url(story["dossier"]))
    assert response.status_code == 200
    assert response.context["snapshot"].day == datetime.date.today()
    assert 'data-testid="vacant"' in response.content.decode()  # moved out on day 60


@pytest.mark.parametrize("value", ["2024-02-30", "yesterday", "3000-01-01"])
def test_a_bad_date_is_a_form_error(client, story, value):
    response = _client(client, story["front"]).get(_url(story["dossier"], date=value))
    assert response.status_code == 200
    assert response.context["snapshot"] is None
    assert response.context["form"].errors["date"]
    page = response.content.decode()
    assert 'class="invalid-feedback d-block"' in page
    if value != "3000-01-01":
        assert f"“{value}”" in page  # what was typed is repeated: a date input cannot show it


def test_page_before_the_dossier_was_opened(client, story):
    response = _client(client, story["front"]).get(
        _url(story["dossier"], date=day(-30).isoformat())
    )
    assert 'data-testid="before-opening"' in response.content.decode()


def test_page_is_404_to_whoever_cannot_see_the_dossier(client, story):
    witness = user_with_role(Role.WITNESS)
    assert _client(client, witness).get(_url(story["dossier"])).status_code == 404


def test_viewing_a_confidential_dossier_is_logged(client):
    dossier = dossier_for(secrecy="B")
    user = user_with_role(Role.FRONT_DESK)
    assert _client(client, user).get(_url(dossier)).status_code == 404
    grant_dossier(user, dossier)
    assert client.get(_url(dossier)).status_code == 200
    assert AccessLog.objects.filter(
        user=user, action=AccessLog.Action.VIEW, object_id=str(dossier.pk)
    ).exists()
