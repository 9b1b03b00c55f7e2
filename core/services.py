"""The shared writes every app uses: notify people, log sensitive reads.

One way to do each (docs/core.md). Apps never create Notification or AccessLog rows directly.
"""

import logging
import smtplib
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection, send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import lines
from .models import AccessLog, Notification

security_log = logging.getLogger("archive.security")
logger = logging.getLogger(__name__)


def notify(users: Iterable, message, link: str = "", *, about=None) -> list[Notification]:
    """Tell ``users`` something in the app now, and by e-mail once the transaction commits.
    ``message``: a ``core.lines.Line``, shown to each reader in their language.
    ``about``: the object the message is about (a dossier); only those of ``users`` who may
    see it are told (``core.audience``, R17)."""
    if about is not None:
        from .audience import who_may_see

        users = who_may_see(about, users)
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return []
    about_fields = {}
    if about is not None:
        about_fields = {
            "about_type": ContentType.objects.get_for_model(about),
            "about_id": about.pk,
        }
    text, line = lines.split(message, 500)
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, message=text, message_line=line, link=link, **about_fields
            )
            for pk in recipients
        ]
    )
    from .tasks import enqueue_on_commit, send_notification_emails

    # Never breaks nor slows the caller: a broker that is down is logged, and the periodic
    # sweep (send_unsent_notification_emails) sends what was left.
    enqueue_on_commit(send_notification_emails, [n.pk for n in notes])
    return notes


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


# --- Notification e-mails (the tasks in core/tasks.py call these) ----------------------
# How long a task's claim on one e-mail lasts: far longer than one send may take (the SMTP
# timeout below), so only a claim whose worker died ever runs out.
EMAIL_CLAIM_FOR = timedelta(minutes=10)
# Seconds one SMTP exchange may take unless EMAIL_TIMEOUT says otherwise: a hung mail server
# must not hold a task past the broker's visibility timeout.
EMAIL_SMTP_TIMEOUT = 30
# One run sends for at most this long and leaves the rest to the sweep, so that no task runs
# near BROKER_VISIBILITY_TIMEOUT (after which Redis would hand it to a second worker).
EMAIL_RUN_BUDGET = timedelta(minutes=5)
# The sweep leaves younger notifications to the task queued when they were written.
UNSENT_EMAIL_MIN_AGE = timedelta(minutes=2)
UNSENT_EMAIL_BATCH = 200


def _claim_is_free(now, claim=""):
    free = Q(email_claimed_until__isnull=True) | Q(email_claimed_until__lte=now)
    # A task redelivered after its worker died carries the same id: it takes its claim back.
    return free | Q(email_claimed_by=claim) if claim else free


def notifications_unsent(*, limit: int = UNSENT_EMAIL_BATCH) -> list[int]:
    """Ids of the notifications that should have been e-mailed by now and were not (their task
    was never queued, or it died), oldest first."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            _claim_is_free(now),
            emailed_at__isnull=True,
            email_error="",
            created_at__lte=now - UNSENT_EMAIL_MIN_AGE,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def recipient_language(user) -> str:
    """The language a person's e-mails are written in: the one they last chose in the menu
    (``User.language``, kept by ``core.views.set_language``), else the default one."""
    chosen = getattr(user, "language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _email_subject_and_body(note) -> tuple[str, str]:
    """The e-mail of a notification, in its recipient's language."""
    with translation.override(recipient_language(note.recipient)):
        message = note.display_message
        subject = _("[Customer archive] %(message)s") % {"message": message[:60]}
    if not note.link:
        return subject, message
    link = note.link
    if link.startswith("/"):
        link = settings.SITE_URL.rstrip("/") + link
    return subject, f"{message}\n\n{link}"


def _refused_for_good(exc) -> bool:
    """What a mail server says of one message that will never change by trying again: the
    address or the content refused with a 5xx. Anything else (a connection lost, a 4xx such
    as greylisting) stops the run and is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _not_to_be_emailed(note) -> str:
    """Why ``note`` must not be e-mailed now, or "": its recipient has left, or may no longer
    see what it is about (R17)."""
    if not note.recipient.is_active:
        return "recipient inactive"
    if note.about_type_id and not (
        Notification.objects.visible_to(note.recipient).filter(pk=note.pk).exists()
    ):
        return "no longer visible to the recipient"
    return ""


def notification_emails_send(*, notification_ids, claim: str) -> int:
    """E-mail those of the notifications that have not been e-mailed yet; returns how many
    mails were sent. Safe to run twice, and from two workers at once.

    Each notification is first claimed for ``claim`` (the task's id) by a compare-and-set
    UPDATE, sent, then stamped ``emailed_at``; a notification claimed by another live task is
    skipped. A failed send gives its claim back and raises, for the task's retry. Only a worker
    that dies between the send and the stamp can make an e-mail go out twice.
    """
    pending = (
        Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True, email_error=""
        )
        .select_related("recipient")
        .order_by("pk")
    )
    connection = None
    sent = 0
    deadline = time.monotonic() + EMAIL_RUN_BUDGET.total_seconds()
    try:
        for note in pending:
            if time.monotonic() > deadline:
                logger.warning("notification e-mails: run budget spent, the sweep sends the rest")
                break
            now = timezone.now()
            mine = Notification.objects.filter(pk=note.pk, email_claimed_by=claim)
            claimed = Notification.objects.filter(
                _claim_is_free(now, claim), pk=note.pk, emailed_at__isnull=True
            ).update(email_claimed_by=claim, email_claimed_until=now + EMAIL_CLAIM_FOR)
            if not claimed:
                continue
            address = note.recipient.email
            if reason := _not_to_be_emailed(note):
                # checked again at sending time: a sweep may send hours after the message
                mine.update(email_error=reason, email_claimed_by="", email_claimed_until=None)
                continue
            if address:
                if connection is None:
                    connection = get_connection(
                        timeout=settings.EMAIL_TIMEOUT or EMAIL_SMTP_TIMEOUT
                    )
                subject, body = _email_subject_and_body(note)
                try:
                    send_mail(
                        subject,
                        body,
                        None,
                        [address],
                        connection=connection,
                    )
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    if not _refused_for_good(exc):
                        mine.update(email_claimed_by="", email_claimed_until=None)
                        raise
                    # this address will never take the mail: the others still go out
                    logger.warning(
                        "notification %s: the mail server refused the e-mail for good (%s)",
                        note.pk,
                        exc.__class__.__name__,
                    )
                    mine.update(
                        email_error=f"refused: {exc.__class__.__name__}"[:200],
                        email_claimed_by="",
                        email_claimed_until=None,
                    )
                    continue
                except BaseException:
                    mine.update(email_claimed_by="", email_claimed_until=None)
                    raise
                sent += 1
            # No address: nothing to send, and the sweep must not look at it again.
            mine.update(emailed_at=timezone.now(), email_claimed_by="", email_claimed_until=None)
    finally:
        if connection is not None:
            connection.close()
    return sent


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_label(obj) -> str:
    """How the access log names an object: by archive number and id, never by its text.
    The log is read by every manager and executive, granted or not, so a customer's name or a
    document's title (of a confidential dossier) must not stand in it (R17); the object's
    kind is shown from ``content_type``, in the reader's language."""
    number = getattr(obj, "archive_number", None)
    if number:
        return str(number)
    dossier = getattr(obj, "dossier", None)
    number = getattr(dossier, "archive_number", None)
    return f"{number} #{obj.pk}" if number else f"#{obj.pk}"


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
        entry.object_repr = access_label(obj)[:300]
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
