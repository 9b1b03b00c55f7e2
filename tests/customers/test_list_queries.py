"""The lists of the customer app cost the same queries at 10 and 100 rows, and no template
loads a related object lazily (docs/PERFORMANCE.md, "Query counts"). The dossier list and the
dossier page are held in test_dossiers.py."""

import datetime

import pytest
from django.urls import reverse

from core.roles import Role
from customers import services
from customers.models import MoveInReferral

from ..factories import user_with_role
from ..queries import assert_constant_queries
from .factories import BuildingFactory, CustomerFactory, UnitFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db


def test_the_verifications_cost_the_same_queries_at_10_and_100(client):
    recorder = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.MANAGER))

    def grow(n):
        for _ in range(n):
            moved_in(verified=False, recorder=recorder)

    few, many = assert_constant_queries(client, reverse("customers:verification_list"), grow)
    assert len(few.context["page_obj"]) == 10
    assert many.context["page_obj"].paginator.count == 100


def test_the_referrals_cost_the_same_queries_at_10_and_100(client):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)

    def grow(n):
        MoveInReferral.objects.bulk_create(
            MoveInReferral(
                unit=UnitFactory(),
                role="tenant",
                moved_in=datetime.date(2026, 11, 1),
                customer=CustomerFactory(),
                typed={"name": "王芳"},
                requested_by=front,
            )
            for _ in range(n)
        )

    few, many = assert_constant_queries(client, reverse("customers:referral_list"), grow)
    assert len(few.context["page_obj"]) == 10
    assert many.context["page_obj"].paginator.count == 100


def test_the_change_requests_cost_the_same_queries_at_10_and_100(client):
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(user_with_role(Role.MANAGER))

    def grow(n):
        for i in range(n):
            occupancy = moved_in(recorder=front)
            services.change_request_create(
                dossier=occupancy.dossier,
                customer=occupancy.customer,
                changes={"notes": ["", f"备注 {i}"]},
                reason="更正",
                actor=front,
            )

    few, many = assert_constant_queries(client, reverse("customers:change_request_list"), grow)
    assert len(few.context["page_obj"]) == 10
    assert many.context["page_obj"].paginator.count == 100


def test_the_dossier_history_costs_the_same_queries_at_10_and_100_changes(client):
    client.force_login(user_with_role(Role.MANAGER))
    front = user_with_role(Role.FRONT_DESK)
    occupancy = moved_in(recorder=front, verified=False)
    dossier, customer = occupancy.dossier, occupancy.customer

    def grow(n):
        for _ in range(n):  # a customer not confirmed yet is edited at once: a history row each
            customer.refresh_from_db()
            services.customer_update(
                customer=customer,
                data={"notes": f"{customer.notes}+"},
                actor=front,
                dossier=dossier,
            )

    url = reverse("customers:dossier_history", args=[dossier.pk])
    few, many = assert_constant_queries(client, url, grow)
    assert many.context["page_obj"].paginator.count > few.context["page_obj"].paginator.count
    assert len(many.context["page_obj"]) == 50


def test_the_unit_options_cost_the_same_queries_at_10_and_100_units(client):
    client.force_login(user_with_role(Role.FRONT_DESK))
    building = BuildingFactory()

    def grow(n):
        for _ in range(n):
            dossier_for(UnitFactory(building=building))

    url = reverse("customers:unit_options")
    few, many = assert_constant_queries(client, url, grow, params={"building": building.pk})
    assert many.content.decode().count("<option") == 101


def test_the_building_options_cost_the_same_queries_at_10_and_100_buildings(client):
    client.force_login(user_with_role(Role.FRONT_DESK))
    estate = BuildingFactory().estate

    def grow(n):
        for _ in range(n):
            BuildingFactory(estate=estate)

    url = reverse("customers:unit_options")
    few, many = assert_constant_queries(client, url, grow, params={"estate": estate.pk})
    assert many.content.decode().count("<option") == 102
