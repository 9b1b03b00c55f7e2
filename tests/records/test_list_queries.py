"""The lists of the records app cost the same queries at 10 and 100 rows, and no template loads
a related object lazily (docs/PERFORMANCE.md, "Query counts"). The approvals inbox is held in
test_service_views.py."""

import datetime

import pytest
from django.urls import reverse

from ..queries import assert_constant_queries
from .factories import (
    COMPLAINTS_NOW,
    COMPLAINTS_TODAY,
    front_desk,
    manager,
    occupied_dossier,
    record_complaint,
    return_visit,
)
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
