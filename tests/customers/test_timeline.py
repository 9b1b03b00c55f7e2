"""The dossier's timeline: dynamic updates are events (R10), newest first and paged with a
constant number of queries (R6)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from customers import services, timeline
from customers.models import DossierEvent
from records.timeline import Kind as RecordKind

from ..factories import user_with_role
from .factories import EnterpriseFactory, UnitFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db
Kind = DossierEvent.Kind
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _titles(dossier, kind=None):
    return [e.title for e in timeline.dossier_timeline(dossier=dossier, kind=kind)]


def test_move_in_verification_and_move_out_are_events__R10():
    dossier = dossier_for()
    with time_machine.travel(datetime.datetime(2024, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        section = moved_in(dossier, day=datetime.date(2024, 3, 1))
    services.occupancy_move_out(
        occupancy=section,
        moved_out=datetime.date(2025, 1, 31),
        actor=user_with_role(Role.FRONT_DESK),
    )
    events = list(timeline.dossier_timeline(dossier=dossier, kind=Kind.OCCUPANCY))
    assert len(events) == 3
    assert events[0].occurred_on == datetime.date(2025, 1, 31)
    assert "moved out" in events[0].title or "迁出" in events[0].title
    assert {e.section_id for e in events} == {section.pk}


def test_household_and_contact_changes_are_kept_as_events__R10():
    dossier = dossier_for()
    section = moved_in(dossier)
    customer, actor = section.customer, user_with_role(Role.FRONT_DESK)
    member = services.household_member_add(
        customer=customer, data={"name": "张小明", "relation": "子"}, actor=actor
    )
    services.household_member_leave(member=member, left_on=datetime.date(2026, 9, 1), actor=actor)
    contact = services.contact_add(
        customer=customer,
        data={"kind": "emergency", "name": "李娜", "mobile": "13912345678"},
        actor=actor,
    )
    services.contact_replace(
        contact=contact, data={"name": "王芳", "mobile": "13812345678"}, actor=actor
    )
    household = _titles(dossier, Kind.HOUSEHOLD)
    assert len(household) == 2 and all("张小明" in t for t in household)
    contacts = _titles(dossier, Kind.CONTACT)
    assert len(contacts) == 2
    assert "李娜" in contacts[0] and "王芳" in contacts[0]  # the change names old and new


def test_an_enterprise_change_is_an_event_in_each_of_its_dossiers__R10__R11():
    company = EnterpriseFactory()
    first, second = dossier_for(), dossier_for(UnitFactory())
    moved_in(first, company)
    moved_in(second, company)
    company.refresh_from_db()  # locked at verification
    change = services.customer_update(
        customer=company,
        data={"tax_number": "91440300TAX0001"},
        actor=user_with_role(Role.FRONT_DESK),
        dossier=first,
        reason="税务登记变更",
    )
    assert _titles(first, Kind.CUSTOMER) == []  # a locked record: nothing until approved
    services.change_request_approve(change_request=change, actor=user_with_role(Role.MANAGER))
    for dossier in (first, second):
        events = list(timeline.dossier_timeline(dossier=dossier, kind=Kind.CUSTOMER))
        assert len(events) == 1
        assert "91440300TAX0001" not in events[0].title  # field names, never the values
        assert "税务登记变更" in events[0].detail


def test_timeline_is_newest_first_and_filtered_by_kind__R6(client):
    dossier = dossier_for()
    section = moved_in(dossier, day=datetime.date(2024, 3, 1))
    actor = user_with_role(Role.FRONT_DESK)
    for day in (datetime.date(2025, 5, 1), datetime.date(2024, 8, 1), datetime.date(2026, 1, 1)):
        timeline.record_event(
            dossier=dossier,
            kind=RecordKind.REPAIR,
            title=f"报修 {day}",
            actor=actor,
            occurred_on=day,
        )
    dates = [
        e.occurred_on for e in timeline.dossier_timeline(dossier=dossier, kind=RecordKind.REPAIR)
    ]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == datetime.date(2026, 1, 1)

    client.force_login(user_with_role(Role.ARCHIVIST))
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]), {"kind": "repair"})
    body = page.content.decode()
    assert (
        body.index("报修 2026-01-01")
        < body.index("报修 2025-05-01")
        < body.index("报修 2024-08-01")
    )
    assert section.customer.name not in body.split('data-testid="timeline"')[1].split("</ul>")[0]
    # an unknown kind shows everything rather than failing
    assert (
        client.get(
            reverse("customers:dossier_detail", args=[dossier.pk]), {"kind": "nonsense"}
        ).status_code
        == 200
    )


def test_timeline_pages_with_a_constant_number_of_queries__R6(client):
    dossier = dossier_for()
    moved_in(dossier)
    actor = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("customers:dossier_detail", args=[dossier.pk])

    def count(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
            assert response.status_code == 200
        return len(ctx), response

    def add(n, start):
        for i in range(n):
            timeline.record_event(
                dossier=dossier,
                kind=RecordKind.VISIT,
                title=f"拜访 {start + i}",
                actor=actor,
                occurred_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=start + i),
            )

    add(2, 0)
    count()  # warms per-process caches (content types)
    few, _ = count()
    add(150, 2)
    many, response = count()
    assert many == few
    assert response.context["timeline_page"].paginator.count == 154
    second, response = count(page=2)
    assert second == few
    assert len(response.context["timeline_page"]) == 20


def test_whoever_cannot_see_the_dossier_sees_none_of_its_timeline(client):
    dossier = dossier_for(secrecy="B")
    moved_in(dossier)
    client.force_login(user_with_role(Role.FRONT_DESK))
    assert client.get(reverse("customers:dossier_detail", args=[dossier.pk])).status_code == 404
