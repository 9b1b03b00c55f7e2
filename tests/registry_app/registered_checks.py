"""Run in a process of its own with tests.registry_app.settings (tests/core/test_registries.py):
what the registry app registered is used by the floors below it, none of which names it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import DUTIES, ROLE_PERMISSIONS, Role
from customers import event_kinds, timeline
from tests.customers.factories import dossier_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_timeline_kind_is_stored_offered_and_filtered():
    dossier = dossier_for()
    timeline.record_event(dossier=dossier, kind="stamp", title="盖章")
    assert ("stamp", "Stamp") in event_kinds.choices()
    assert [e.title for e in timeline.dossier_timeline(dossier=dossier, kind="stamp")] == ["盖章"]


def test_the_role_permission_reaches_the_group_and_is_a_duty():
    assert "registry_app.put_stamp" in ROLE_PERMISSIONS[Role.ARCHIVIST]
    assert DUTIES["registry_app.put_stamp"] == (Role.ARCHIVIST,)
    assert "!registry_app.put_stamp" in ROLE_PERMISSIONS[Role.ADMIN]
    archivists = Group.objects.get(name=Role.ARCHIVIST)
    assert archivists.permissions.filter(codename="put_stamp").exists()
    assert user_with_role(Role.ARCHIVIST).has_perm("registry_app.put_stamp")
    assert not user_with_role(Role.ADMIN).has_perm("registry_app.put_stamp")


def test_the_dossier_page_shows_the_panel(client):
    dossier = dossier_for()
    manager = user_with_role(Role.MANAGER)
    from customers.permissions import grant_dossier

    grant_dossier(manager, dossier)
    client.force_login(manager)
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert f"Stamp panel of {dossier.archive_number}" in page.content.decode()
