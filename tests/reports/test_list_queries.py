"""The lists of the reports app cost the same queries at 10 and 100 rows, and no template loads
a related object lazily (docs/PERFORMANCE.md, "Query counts")."""

import datetime
import re

import pytest
from django.urls import reverse

from core.roles import Role
from reports.complaints import services as complaint_services
from reports.statistics import services

from ..factories import user_with_role
from ..queries import assert_constant_queries
from . import factories as f
from .factories import admin_user, at
from .test_jobs import _runs

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(at(2026, 6, 3, 10, 0))]
MAY = datetime.date(2026, 5, 1)


@pytest.fixture
def dossier():
    _centre, estate = f.centre_with_estate("A")
    return f.dossier_in(estate)


def test_the_statistics_cost_the_same_queries_at_10_and_100_counts__R40(client, dossier):
    client.force_login(user_with_role(Role.EXECUTIVE))

    def grow(n):
        for _ in range(n):
            services.statistics_compile(year=2026)

    few, many = assert_constant_queries(client, reverse("reports:statistics"), grow)
    assert len(many.context["earlier"]) == 20  # the latest, and the 20 before it


def test_the_complaint_summary_costs_the_same_queries_at_10_and_100_complaints__R41(
    client, dossier
):
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)

    def grow(n):  # complaints still owed their return visit, and a summary counted each time
        for i in range(n):
            f.complaint(dossier, at(2026, 5, 1 + i % 28, 9, 0), category="fire")
        complaint_services.summary_compile(month=MAY, actor=manager)

    few, many = assert_constant_queries(client, reverse("reports:complaint_summary"), grow)
    assert len(re.findall(r'data-testid="waiting-(\d+)"', many.content.decode())) >= 25


def test_the_jobs_page_costs_the_same_queries_at_10_and_100_runs_and_backups(client):
    client.force_login(admin_user())
    few, many = assert_constant_queries(client, reverse("reports:jobs"), _runs)
    assert "lending-escalate-loans" in many.content.decode()


def test_the_dashboard_costs_the_same_queries_at_10_and_100_complaints_and_loans__R40__R41(
    client, dossier
):
    client.force_login(user_with_role(Role.EXECUTIVE))
    _centre, estate = f.centre_with_estate("B")

    def grow(n):
        for i in range(n):
            other = f.dossier_in(estate)
            f.complaint(other, at(2026, 4, 1 + i % 28, 9, 0))
            f.lent(other, at(2026, 4, 1 + i % 28, 9, 0))

    assert_constant_queries(client, reverse("reports:dashboard"), grow)
