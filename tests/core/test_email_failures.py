"""One e-mail that can never be delivered does not hold up the others, and nothing is e-mailed
to someone who has left or may no longer see what it is about (R17)."""

import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from core import services
from core.models import Notification
from core.roles import Role
from customers import permissions

from ..customers.factories import dossier_for
from ..factories import user_with_role

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """The locmem outbox, but the server refuses gone@example.com for good (550) and
    busy@example.com for now (451)."""

    def send_messages(self, messages):
        for message in messages:
            if "gone@example.com" in message.to:
                raise smtplib.SMTPRecipientsRefused({"gone@example.com": (550, b"no such user")})
            if "busy@example.com" in message.to:
                raise smtplib.SMTPRecipientsRefused({"busy@example.com": (451, b"try later")})
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.core.test_email_failures.RefusingBackend"


def _sweep():
    return services.notification_emails_send(
        notification_ids=services.notifications_unsent(), claim="sweep"
    )


def test_an_address_refused_for_good_does_not_hold_up_the_others(refusing):
    gone = user_with_role(Role.MANAGER, email="gone@example.com")
    here = user_with_role(Role.MANAGER, email="here@example.com")
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as clock:
        first = Notification.objects.create(recipient=gone, message="先写的")
        Notification.objects.create(recipient=here, message="后写的")
        clock.shift(10 * 60)
        assert _sweep() == 1
        assert [m.to for m in mail.outbox] == [["here@example.com"]]
        first.refresh_from_db()
        assert first.emailed_at is None and first.email_error.startswith("refused")
        assert _sweep() == 0  # not tried again, and nothing sent twice
        assert len(mail.outbox) == 1


def test_a_server_that_says_try_later_is_tried_again(refusing):
    busy = user_with_role(Role.MANAGER, email="busy@example.com")
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as clock:
        note = Notification.objects.create(recipient=busy, message="稍后再试")
        clock.shift(10 * 60)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            _sweep()
        note.refresh_from_db()
        assert note.email_error == "" and note.email_claimed_by == ""
        assert services.notifications_unsent() == [note.pk]


def test_nothing_is_mailed_to_who_left_or_may_no_longer_see_it__R17():
    left = user_with_role(Role.MANAGER, email="left@example.com")
    moved = user_with_role(Role.MANAGER, email="moved@example.com")
    dossier = dossier_for(secrecy="B")
    permissions.grant_dossier(moved, dossier)
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as clock:
        services.notify([left], "某事")
        services.notify([moved], "某档案的事", about=dossier)
        left.is_active = False
        left.save()
        permissions.revoke_dossier(moved, dossier)  # the grant was taken back meanwhile
        clock.shift(10 * 60)
        assert _sweep() == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email_error", flat=True)) == {
        "recipient inactive",
        "no longer visible to the recipient",
    }
