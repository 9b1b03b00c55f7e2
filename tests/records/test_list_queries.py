"""The lists of the records app cost the same queries at 10 and 100 rows, and no template loads
a related object lazily (docs/PERFORMANCE.md, "Query counts"). The approvals inbox is held in
test_service_views.py."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.roles import Role

from ..factories import user_with_role
from ..queries import assert_constant_queries
from .factories import (
    COMPLAINTS_NOW,
    COMPLAINTS_TODAY,
    FOUND,
    front_desk,
    in_progress,
    inspection,
    manager,
    occupied_dossier,
    record_complaint,
    return_visit,
)
from .test_asof import _busy_dossier
from .test_finance_views import owing_dossiers
from .test_visits import visit

pytestmark = pytest.mark.django_db


@pytest.mark.frozen_at(COMPLAINTS_NOW)
def test_the_complaint_list_costs_the_same_queries_at_10_and_100(client):
    desk = front_desk()
    client.force_login(desk)
    dossier, neighbour = occupied_dossier()[0], occupied_dossier()[0]

    def grow(n):
        for i in range(n):  # collective ones too, and some with their return visit
            complaint = record_complaint(
                dossier, desk, other_dossiers=[neighbour] if i % 2 else [], subject=f"投诉{i}"
            )
            if i % 3 == 0:
                return_visit(complaint, desk)

    few, many = assert_constant_queries(client, reverse("records:complaint_list"), grow)
    assert len(few.context["page_obj"]) == 10
    assert many.context["page_obj"].paginator.count == 100


@pytest.mark.frozen_at(COMPLAINTS_NOW)
def test_the_visit_schedule_costs_the_same_queries_at_10_and_100_dossiers__R43(client):
    desk, boss = front_desk(), manager()
    client.force_login(desk)

    def grow(n):
        for i in range(n):
            dossier = occupied_dossier()[0]
            complaint = record_complaint(dossier, desk, subject=f"回访{i}")
            if i % 2:
                return_visit(complaint, desk)
            visit(dossier, boss if i % 3 else desk, day=COMPLAINTS_TODAY)

    few, many = assert_constant_queries(client, reverse("records:visit_schedule"), grow)
    assert many.context["complaint_summary"]["total"] == 100
    assert many.context["complaint_summary"]["visited"] == 50


@pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))
@pytest.mark.parametrize("params", [{}, {"format": "csv"}], ids=["page", "csv"])
def test_the_arrears_cost_the_same_queries_at_10_and_100_dossiers(client, params):
    desk = front_desk()
    client.force_login(desk)
    url = reverse("records:arrears_list")
    few, many = assert_constant_queries(
        client, url, lambda n: owing_dossiers(n, desk), params=params
    )
    if params:
        assert len(many.content.decode("utf-8-sig").strip().splitlines()) == 101
    else:
        assert many.context["summary"]["dossiers"] == 100


@pytest.mark.frozen_at(COMPLAINTS_NOW)
def test_a_complaint_costs_the_same_queries_at_10_and_100_return_visits__R43(client):
    desk = front_desk()
    client.force_login(desk)
    dossier, neighbour = occupied_dossier()[0], occupied_dossier()[0]
    complaint = record_complaint(dossier, desk, other_dossiers=[neighbour])

    def grow(n):
        for i in range(n):
            return_visit(complaint, desk, visited_person=f"业主{i}")

    few, many = assert_constant_queries(client, complaint.get_absolute_url(), grow)
    assert len(many.context["return_visits"]) == 100


@pytest.mark.frozen_at(datetime.datetime(2026, 5, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_a_renovation_costs_the_same_queries_at_10_and_100_inspections(client):
    renovation = in_progress()
    client.force_login(front_desk())

    def grow(n):
        for i in range(n):
            if i % 2:
                inspection(renovation, result="issues", violation=FOUND)
            else:
                inspection(renovation)

    few, many = assert_constant_queries(client, renovation.get_absolute_url(), grow)
    assert len(many.context["inspections"]) == 100


def test_the_dossier_as_of_a_day_costs_the_same_queries_at_2_and_20_sections(client):
    # 2 and 20: each section is moved into with its contact, household member, deposit and
    # lease, every one of them with its history rows.
    client.force_login(user_with_role(Role.MANAGER))
    made = []

    def grow(n):  # the second dossier is the bigger one
        made.append(_busy_dossier(n + sum(d.occupancies.count() for d in made[-1:])))

    url = lambda: reverse("records:dossier_as_of", args=[made[-1].pk])  # noqa: E731
    few, many = assert_constant_queries(client, url, grow, sizes=(2, 20))
    assert made[-1].occupancies.count() == 20
