"""Visits and return visits, and the visit schedule (R43): managers visit every household once
or twice a year, staff every area each quarter, and every complaint gets a return visit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from customers import permissions as customer_permissions
from customers.models import DossierEvent
from records.complaints import selectors
from records.complaints import services as complaints
from records.models import Repair, Visit
from records.timeline import Kind as RecordKind
from tests.customers.factories import UnitFactory, dossier_for, moved_in

from ..factories import user_with_role
from .factories import COMPLAINTS_NOW as NOW
from .factories import COMPLAINTS_TODAY as TODAY
from .factories import front_desk, manager, occupied_dossier, record_complaint, return_visit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def visit(dossier, visitor, *, day=TODAY, actor=None, **overrides):
    data = {
        "kind": Visit.Kind.VISIT,
        "method": Visit.Method.IN_PERSON,
        "visited_on": day,
        "visitor": visitor,
        "visited_person": "王先生",
        "purpose": "年度走访",
        "notes": "",
        "satisfaction": None,
        "complaint": None,
        "repair": None,
        **overrides,
    }
    return complaints.visit_record(dossier=dossier, data=data, actor=actor or front_desk())


def repair_of(dossier, actor):
    return Repair.objects.create(
        dossier=dossier,
        recorded_by=actor,
        reported_by_name="王先生",
        reported_at=NOW,
        location="厨房",
        description="水管漏水",
    )


@pytest.fixture
def desk():
    return front_desk()


@pytest.fixture
def dossier():
    return occupied_dossier()[0]


# --- Recording ------------------------------------------------------------------------------
def test_visit_is_recorded_with_its_timeline_line(dossier, desk):
    boss = manager()
    v = visit(dossier, boss, actor=desk, purpose="经理年度拜访")

    assert (v.visitor, v.recorded_by, v.kind) == (boss, desk, Visit.Kind.VISIT)
    assert v.section is not None and v.section.dossier_id == dossier.pk
    event = DossierEvent.objects.get(dossier=dossier, kind=RecordKind.VISIT)
    assert event.record_id == v.pk and "经理年度拜访" in event.title
    assert event.occurred_on == TODAY


def test_visitor_defaults_to_the_recorder(dossier, desk):
    assert visit(dossier, None, actor=desk).visitor == desk


def test_return_visit_answers_a_complaint_of_the_dossier__R43(dossier, desk):
    complaint = record_complaint(dossier, desk)
    v = return_visit(complaint, desk)
    assert v.complaint == complaint and complaint.return_visits.get() == v


def test_return_visit_in_another_household_of_a_collective_complaint__R43(dossier, desk):
    others = [occupied_dossier()[0], occupied_dossier()[0]]
    complaint = record_complaint(dossier, desk, households=3, other_dossiers=others)
    v = return_visit(complaint, desk, dossier=others[1])
    assert v.dossier == others[1] and v.complaint == complaint


def test_return_visit_refuses_a_complaint_of_another_dossier(dossier, desk):
    stranger = record_complaint(occupied_dossier()[0], desk)
    with pytest.raises(complaints.DomainError):
        return_visit(stranger, desk, dossier=dossier)
    assert not Visit.objects.exists()


def test_only_a_return_visit_answers_a_complaint_or_a_repair(dossier, desk):
    complaint = record_complaint(dossier, desk)
    with pytest.raises(complaints.DomainError):
        visit(dossier, desk, actor=desk, complaint=complaint)
    with pytest.raises(complaints.DomainError):
        visit(dossier, desk, actor=desk, repair=repair_of(dossier, desk))


def test_return_visit_after_a_repair_of_this_dossier_only(dossier, desk):
    own = repair_of(dossier, desk)
    v = visit(dossier, desk, actor=desk, kind=Visit.Kind.RETURN_VISIT, repair=own)
    assert v.repair == own
    other = repair_of(occupied_dossier()[0], desk)
    with pytest.raises(complaints.DomainError):
        visit(dossier, desk, actor=desk, kind=Visit.Kind.RETURN_VISIT, repair=other)


def test_visit_cannot_be_in_the_future(dossier, desk):
    with pytest.raises(complaints.DomainError):
        visit(dossier, desk, actor=desk, day=TODAY + datetime.timedelta(days=1))


def test_visit_denied_to_readers_and_to_whoever_cannot_see_the_dossier(dossier):
    with pytest.raises(PermissionDenied):
        visit(dossier, None, actor=user_with_role(Role.EXECUTIVE))
    hidden = occupied_dossier(secrecy="B")[0]
    with pytest.raises(PermissionDenied):
        visit(hidden, None, actor=front_desk())
    assert not Visit.objects.exists()


# --- The schedule (R43) ---------------------------------------------------------------------
def test_manager_visits_due_this_year__R43(desk):
    boss = manager()
    visited, forgotten = occupied_dossier()[0], occupied_dossier()[0]
    dossier_for()  # vacant: nobody to visit
    visit(visited, boss, day=datetime.date(2026, 1, 8))
    visit(visited, boss, day=datetime.date(2026, 2, 8))
    visit(forgotten, boss, day=datetime.date(2025, 11, 3))  # last year's
    visit(forgotten, desk, day=datetime.date(2026, 2, 1))  # not a manager's

    due, summary = selectors.manager_visits_due(user=desk, year=2026)

    assert [d.pk for d in due] == [forgotten.pk]
    assert due[0].last_manager_visit == datetime.date(2025, 11, 3)
    assert summary == {"total": 2, "visited": 1, "twice": 1, "due": 1, "rate": 50.0}
    due_2025, summary_2025 = selectors.manager_visits_due(user=desk, year=2025)
    assert [d.pk for d in due_2025] == [visited.pk] and summary_2025["visited"] == 1


def test_manager_visits_due_only_in_the_dossiers_one_may_see__R43(desk):
    occupied_dossier()
    occupied_dossier(secrecy="B")
    due, summary = selectors.manager_visits_due(user=desk, year=2026)
    assert summary["total"] == 1 and len(due) == 1


def test_manager_visits_due_by_estate__R43(desk):
    first, second = occupied_dossier()[0], occupied_dossier()[0]
    estate = first.unit.building.estate
    due, summary = selectors.manager_visits_due(user=desk, year=2026, estate=estate)
    assert [d.pk for d in due] == [first.pk] and summary["total"] == 1
    assert second.pk not in {d.pk for d in due}


def test_staff_visit_per_building_each_quarter__R43(desk):
    boss = manager()
    dossier = occupied_dossier()[0]
    building = dossier.unit.building
    neighbour = dossier_for(UnitFactory(building=building))
    moved_in(neighbour)
    elsewhere = occupied_dossier()[0]
    visit(neighbour, desk, day=datetime.date(2026, 2, 10))  # staff, this quarter: the building
    visit(elsewhere, boss, day=datetime.date(2026, 2, 10))  # a manager's does not count
    visit(elsewhere, desk, day=datetime.date(2025, 12, 30))  # last quarter

    rows, summary = selectors.staff_visits_by_building(user=desk, year=2026, quarter=1)

    by_pk = {b.pk: b for b in rows}
    assert by_pk[building.pk].staff_visited is True
    assert by_pk[building.pk].households == 2
    assert by_pk[building.pk].last_staff_visit == datetime.date(2026, 2, 10)
    assert by_pk[elsewhere.unit.building_id].staff_visited is False
    assert rows[0].pk == elsewhere.unit.building_id  # those due first
    assert summary == {"total": 2, "visited": 1, "due": 1, "rate": 50.0}
    rows_q4, _summary = selectors.staff_visits_by_building(user=desk, year=2025, quarter=4)
    assert {b.pk for b in rows_q4 if b.staff_visited} == {elsewhere.unit.building_id}


def test_complaints_without_return_visit_and_the_rate__R43(dossier, desk):
    answered = record_complaint(dossier, desk, subject="已回访")
    waiting = record_complaint(dossier, desk, subject="待回访")
    return_visit(answered, desk)

    rows, summary = selectors.complaints_without_return_visit(user=desk, year=2026)

    assert [c.pk for c in rows] == [waiting.pk]
    assert summary == {"total": 2, "visited": 1, "due": 1, "rate": 50.0}
    rows, summary = selectors.complaints_without_return_visit(user=desk, year=2025)
    assert rows == [] and summary["rate"] == 100  # nothing to answer: on target


def test_quarter_ranges():
    assert selectors.quarter_range(2026, 1) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 1),
    )
    assert selectors.quarter_range(2026, 4) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 1, 1),
    )


# --- Pages ----------------------------------------------------------------------------------
def test_schedule_page_shows_the_three_lists__R43(client, desk):
    dossier = occupied_dossier()[0]
    complaint = record_complaint(dossier, desk, subject="电梯异响")
    client.force_login(desk)

    response = client.get(reverse("records:visit_schedule"))

    assert response.status_code == 200
    page = response.content.decode()
    assert dossier.archive_number in page and "电梯异响" in page
    assert response.context["year"] == 2026 and response.context["quarter"] == 1
    assert response.context["complaint_summary"]["rate"] == 0
    return_visit(complaint, desk)
    response = client.get(reverse("records:visit_schedule"), {"year": "2026", "quarter": "2"})
    assert response.context["quarter"] == 2
    assert response.context["complaint_summary"]["rate"] == 100


def test_schedule_page_falls_back_on_a_wrong_query(client, desk):
    client.force_login(desk)
    response = client.get(reverse("records:visit_schedule"), {"year": "abc", "quarter": "9"})
    assert response.status_code == 200
    assert (response.context["year"], response.context["quarter"]) == (2026, 1)


def test_schedule_page_filters_by_estate(client, desk):
    first, second = occupied_dossier()[0], occupied_dossier()[0]
    client.force_login(desk)
    response = client.get(
        reverse("records:visit_schedule"), {"estate": first.unit.building.estate_id}
    )
    page = response.content.decode()
    assert first.archive_number in page and second.archive_number not in page


def _schedule_queries(client, user):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("records:visit_schedule")).status_code == 200
    return len(ctx.captured_queries)


def test_schedule_page_uses_a_constant_number_of_queries__R43(client, desk):
    boss = manager()
    client.force_login(desk)

    def add(n):
        for _i in range(n):
            dossier = occupied_dossier()[0]
            complaint = record_complaint(dossier, desk)
            if _i % 2:
                return_visit(complaint, desk)
            visit(dossier, boss if _i % 3 else desk, day=datetime.date(2026, 1, 20))

    add(2)
    few = _schedule_queries(client, desk)
    add(18)
    many = _schedule_queries(client, desk)
    assert few == many


def test_visit_detail_page(client, desk):
    dossier = occupied_dossier()[0]
    complaint = record_complaint(dossier, desk, subject="垃圾清运不及时")
    v = return_visit(complaint, desk, notes="已改为每日两次")
    client.force_login(user_with_role(Role.ARCHIVIST))

    response = client.get(reverse("records:visit_detail", args=[v.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "已改为每日两次" in page and "垃圾清运不及时" in page
    assert reverse("records:complaint_detail", args=[complaint.pk]) in page


def test_visit_add_page_prefills_the_return_visit_of_a_complaint(client, desk):
    dossier = occupied_dossier()[0]
    complaint = record_complaint(dossier, desk)
    client.force_login(desk)
    url = reverse("records:visit_add", args=[dossier.pk])

    form = client.get(url, {"complaint": complaint.pk}).context["form"]

    assert form.initial["kind"] == Visit.Kind.RETURN_VISIT
    assert form.initial["complaint"] == complaint.pk
    assert form.fields["visitor"].initial == desk.pk
    assert list(form.fields["complaint"].queryset) == [complaint]


def test_visit_add_page_records_and_redirects(client, desk):
    dossier = occupied_dossier()[0]
    complaint = record_complaint(dossier, desk)
    client.force_login(desk)

    response = client.post(
        reverse("records:visit_add", args=[dossier.pk]),
        {
            "kind": Visit.Kind.RETURN_VISIT,
            "method": Visit.Method.PHONE,
            "visited_on": "2026-03-09",
            "visitor": desk.pk,
            "visited_person": "王先生",
            "purpose": "投诉回访",
            "satisfaction": "4",
            "complaint": complaint.pk,
        },
    )

    v = Visit.objects.get()
    # a return visit is saved back to the complaint it answers
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert (v.complaint, v.satisfaction, v.visitor) == (complaint, 4, desk)


def test_visit_add_page_shows_errors_and_keeps_input(client, desk):
    dossier = occupied_dossier()[0]
    complaint = record_complaint(dossier, desk)
    client.force_login(desk)

    response = client.post(
        reverse("records:visit_add", args=[dossier.pk]),
        {
            "kind": Visit.Kind.VISIT,
            "method": Visit.Method.IN_PERSON,
            "visited_on": "2026-03-11",
            "visitor": desk.pk,
            "visited_person": "王先生",
            "purpose": "走访记录",
            "complaint": complaint.pk,
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "visited_on" in form.errors and "complaint" in form.errors
    assert 'value="走访记录"' in response.content.decode()
    assert not Visit.objects.exists()


def test_visit_add_page_offers_a_collective_complaint_filed_elsewhere(client, desk):
    dossier = occupied_dossier()[0]
    hidden = occupied_dossier(secrecy="B")[0]
    granted = front_desk()
    customer_permissions.grant_dossier(granted, hidden)
    record_complaint(hidden, granted, other_dossiers=[dossier])  # concerns both
    client.force_login(desk)

    form = client.get(reverse("records:visit_add", args=[dossier.pk])).context["form"]

    # desk sees the complaint through the dossier it concerns (records.permissions)
    assert form.fields["complaint"].queryset.count() == 1
