from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _


@shared_task
def ping():
    """Proves the task path works: in-process without a broker, through Redis with one."""
    return "pong"


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
)
def send_notification_emails(notification_ids):
    """E-mail the notifications that have not been e-mailed yet (safe to run twice)."""
    from .models import Notification

    pending = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    for note in pending:
        address = note.recipient.email
        if address:
            body = note.message
            if note.link:
                link = note.link
                if link.startswith("/"):
                    link = settings.SITE_URL.rstrip("/") + link
                body = f"{body}\n\n{link}"
            send_mail(
                _("[Customer archive] %(message)s") % {"message": note.message[:60]},
                body,
                None,
                [address],
            )
            sent += 1
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return sent
