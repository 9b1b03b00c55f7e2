"""The shared writes every app uses: notify people, log sensitive reads.

One way to do each (docs/core.md). Apps never create Notification or AccessLog rows directly.
"""

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import AccessLog, Notification

security_log = logging.getLogger("archive.security")


def notify(users: Iterable, message: str, link: str = "") -> list[Notification]:
    """Tell ``users`` something in the app now, and by e-mail once the transaction commits."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return []
    notes = Notification.objects.bulk_create(
        [Notification(recipient_id=pk, message=message[:500], link=link) for pk in recipients]
    )
    ids = [n.pk for n in notes]

    def queue():
        from .tasks import send_notification_emails

        send_notification_emails.delay(ids)

    transaction.on_commit(queue)
    return notes


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(user, obj, action: str, *, reason: str = "", detail: str = "", request=None):
    """Record a sensitive read (view, reveal, download, export, print) or a refusal."""
    entry = AccessLog(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        reason=reason[:500],
        detail=detail[:300],
        ip_address=_client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    security_log.info(
        "access action=%s user=%s object=%s:%s detail=%s",
        action,
        getattr(user, "pk", None),
        entry.content_type_id,
        entry.object_id,
        detail,
    )
    return entry
