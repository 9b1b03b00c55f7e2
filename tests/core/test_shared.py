"""notify(), log_access() and the permission gate: the pieces every app uses."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import permissions
from core.models import AccessLog, Notification
from core.roles import Role
from core.services import log_access, notify

from ..factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_notify_writes_inbox_rows_and_emails_after_commit(django_capture_on_commit_callbacks):
    alice = user_with_role(Role.MANAGER, email="alice@example.com")
    bob = user_with_role(Role.MANAGER, email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notes = notify([alice, bob, None], "重大投诉：3号楼电梯困人", "/complaints/7/")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert {n.recipient_id for n in notes} == {alice.pk, bob.pk}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert "电梯困人" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/complaints/7/" in mail.outbox[0].body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_notification_email_is_sent_once_even_if_the_task_runs_twice():
    from core.tasks import send_notification_emails

    user = user_with_role(Role.ARCHIVIST)
    note = Notification.objects.create(recipient=user, message="移交清单待签字")
    assert send_notification_emails([note.pk]) == 1
    assert send_notification_emails([note.pk]) == 0
    assert len(mail.outbox) == 1


def test_bell_counts_unread_and_mark_read(client):
    user = user_with_role(Role.FRONT_DESK)
    other = user_with_role(Role.FRONT_DESK)
    notify([user], "第一条")
    notify([user], "第二条")
    notify([other], "别人的")
    client.force_login(user)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "第一条" in page and "第二条" in page and "别人的" not in page
    assert client.get(reverse("core:home")).context["unread_notifications"] == 2
    client.post(reverse("core:notifications_read"))
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_log_access_records_who_what_why(rf):
    user = user_with_role(Role.MANAGER)
    target = user_with_role(Role.FRONT_DESK)
    request = rf.get("/somewhere/", REMOTE_ADDR="10.1.2.3")
    entry = log_access(user, target, AccessLog.Action.REVEAL, reason="核对身份", request=request)
    entry.refresh_from_db()
    assert entry.user == user
    assert entry.object_id == str(target.pk)
    assert entry.content_type.model == "user"
    assert entry.reason == "核对身份"
    assert entry.ip_address == "10.1.2.3"


def test_require_refuses_and_logs_the_refusal():
    user = UserFactory(username="nobody")
    with pytest.raises(PermissionDenied):
        permissions.require(user, "core.view_accesslog")
    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.DENIED
    assert entry.detail == "core.view_accesslog"


def test_get_or_404_hides_existence_and_logs():
    from django.contrib.auth import get_user_model
    from django.http import Http404

    user = UserFactory(username="someone")
    hidden = UserFactory(username="hidden")
    visible = get_user_model().objects.filter(pk=user.pk)
    assert permissions.get_or_404(user, visible, pk=user.pk) == user
    with pytest.raises(Http404):
        permissions.get_or_404(user, visible, pk=hidden.pk)
    with pytest.raises(Http404):
        permissions.get_or_404(user, visible, pk=10**9)
    # only the existing-but-hidden object is a refusal worth logging
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == 1


def test_access_log_page_for_managers_with_filters(client, django_assert_max_num_queries):
    manager = user_with_role(Role.MANAGER)
    front = user_with_role(Role.FRONT_DESK)
    for i in range(30):
        log_access(front, manager, AccessLog.Action.VIEW, detail=f"read {i}")
    log_access(manager, front, AccessLog.Action.REVEAL, reason="业主报修回访")
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:access_log"), {"action": "reveal"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "业主报修回访" in html
    assert "read 3" not in html
    client.force_login(front)
    assert client.get(reverse("core:access_log")).status_code == 403
