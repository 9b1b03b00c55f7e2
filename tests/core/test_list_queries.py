"""The lists of the shared app cost the same queries at 10 and 100 rows, and no template loads
a related object lazily (docs/PERFORMANCE.md, "Query counts")."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from core.services import notify

from ..customers.factories import dossier_for
from ..factories import UserFactory, user_with_role
from ..queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_the_notifications_cost_the_same_queries_at_10_and_100(client):
    user = user_with_role(Role.FRONT_DESK)
    client.force_login(user)
    dossier = dossier_for()

    def grow(n):
        for i in range(n):  # half about a dossier, checked against what the user may see
            notify([user], f"消息 {i}", link="/", about=dossier if i % 2 else None)

    few, many = assert_constant_queries(client, reverse("core:notifications"), grow)
    assert len(few.context["page_obj"]) == 10
    assert many.context["page_obj"].paginator.count == 100
    assert many.content.decode().count('name="id"') == 25  # a form per unread one shown


def test_the_access_log_costs_the_same_queries_at_10_and_100_entries(client):
    client.force_login(user_with_role(Role.MANAGER))
    dossier_type = ContentType.objects.get(app_label="customers", model="dossier")

    def grow(n):
        AccessLog.objects.bulk_create(
            AccessLog(
                user=UserFactory(first_name=f"读者{i}"),
                action=AccessLog.Action.VIEW,
                content_type=dossier_type,
                object_id=str(i),
                object_repr=f"档案 {i}",
            )
            for i in range(n)
        )

    few, many = assert_constant_queries(client, reverse("core:access_log"), grow)
    assert len(many.context["page_obj"]) == 50
    assert many.context["page_obj"].paginator.count >= 100
    assert "档案" in many.content.decode()


def test_the_home_page_costs_the_same_queries_at_10_and_100_notifications_and_entries(client):
    user = user_with_role(Role.MANAGER)
    client.force_login(user)
    dossier = dossier_for()

    def grow(n):
        for i in range(n):
            notify([user], f"首页消息 {i}", link="/", about=dossier if i % 2 else None)
        AccessLog.objects.bulk_create(
            AccessLog(user=UserFactory(), action=AccessLog.Action.VIEW, object_repr=f"记录 {i}")
            for i in range(n)
        )

    few, many = assert_constant_queries(client, reverse("core:home"), grow)
    assert len(many.context["recent_notifications"]) == 5
    assert many.content.decode().count("首页消息") == 5
