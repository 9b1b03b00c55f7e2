"""Who is told: only managers who can open the dossier (R17), yet a major complaint always
reaches a manager at once (R42)."""

import pytest

from core.models import Notification
from core.roles import Role
from customers import permissions as customer_permissions
from customers.permissions import users_who_see
from records.models import Complaint
from tests.factories import UserFactory, user_with_role

from .factories import front_desk, manager, occupied_dossier, record_complaint

pytestmark = pytest.mark.django_db


def test_users_who_see_a_dossier_follow_its_secrecy__R17():
    open_dossier, _s = occupied_dossier()
    secret, _s = occupied_dossier(secrecy="B")
    plain, granted, nobody = manager(), manager(), UserFactory()
    customer_permissions.grant_dossier(granted, secret)
    managers = type(plain).objects.filter(pk__in=[plain.pk, granted.pk])
    assert set(users_who_see(open_dossier, managers)) == {plain, granted}
    assert set(users_who_see(secret, managers)) == {granted}
    assert nobody not in users_who_see(open_dossier, type(plain).objects.all())


def test_major_complaint_in_a_confidential_dossier_tells_its_grantees_only__R42__R17():
    dossier, _s = occupied_dossier(secrecy="B")
    desk, granted, other = front_desk(), manager(), manager()
    customer_permissions.grant_dossier(desk, dossier)
    customer_permissions.grant_dossier(granted, dossier)
    complaint = record_complaint(
        dossier, desk, category=Complaint.Category.FIRE, subject="厨房起火"
    )
    told = {
        n.recipient_id: n.message
        for n in Notification.objects.filter(link=complaint.get_absolute_url())
    }
    assert set(told) == {granted.pk}
    assert "厨房起火" in told[granted.pk]
    assert other.pk not in told


def test_major_complaint_nobody_may_see_still_reaches_the_managers_without_its_content__R42():
    dossier, _s = occupied_dossier(secrecy="A")
    desk = user_with_role(Role.FRONT_DESK)
    customer_permissions.grant_dossier(desk, dossier)
    boss = manager()
    complaint = record_complaint(
        dossier, desk, category=Complaint.Category.FLOODING, subject="地下室水浸"
    )
    notes = Notification.objects.filter(link=complaint.get_absolute_url())
    assert boss.pk in {n.recipient_id for n in notes}  # every manager, none granted
    assert all(dossier.archive_number in n.message for n in notes)
    assert not any("地下室水浸" in n.message for n in notes)
