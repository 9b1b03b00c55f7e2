"""What the escalation tests share: the people of a loan, the daily job run on a frozen day,
and what it told."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from core.models import Notification
from core.roles import Role
from customers.permissions import grant_dossier
from lending.escalation.services import escalation_run
from lending.loans.services import loan_approve, loan_hand_out, loan_request
from lending.models import Loan, Mode, Notice

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in

SH = ZoneInfo("Asia/Shanghai")
DAY0 = datetime.date(2026, 3, 2)  # a Monday: the frozen day of the tests
L = Notice.Level
S = Loan.Status


def day(n):
    return DAY0 + datetime.timedelta(days=n)


@pytest.fixture
def people(db):
    """A borrower who reports to their manager, a second manager, the archive-room head (by
    the permission given to the person) and an archivist who is not the head."""

    def person(role, username, name, **fields):
        return user_with_role(
            role,
            username=username,
            email=f"{username}@example.com",
            last_name=name[0],
            first_name=name[1:],
            **fields,
        )

    boss = person(Role.MANAGER, "boss", "张建国")
    head = person(Role.ARCHIVIST, "head", "李秀英")
    head.user_permissions.add(Permission.objects.get(codename="lead_archive_room"))
    return {
        "boss": boss,
        "other_manager": person(Role.MANAGER, "other", "赵强"),
        "head": head,
        "clerk": person(Role.ARCHIVIST, "clerk", "刘洋"),
        "borrower": person(Role.FRONT_DESK, "borrower", "王芳", reports_to=boss),
    }


@pytest.fixture
def run(frozen_clock, django_capture_on_commit_callbacks):
    """The daily job at 07:30 on day ``n`` (the e-mails sent after its commits); returns its
    summary and the notifications and e-mails of that run."""

    def run_on(n, **kwargs):
        frozen_clock.move_to(datetime.datetime.combine(day(n), datetime.time(7, 30), tzinfo=SH))
        before = set(Notification.objects.values_list("pk", flat=True))
        outbox = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            summary = escalation_run(**kwargs)
        notes = Notification.objects.exclude(pk__in=before).select_related("recipient")
        return summary, list(notes), mail.outbox[outbox:]

    return run_on


def told(notes):
    return {n.recipient.username for n in notes}


def mailed(emails):
    return sorted(address for message in emails for address in message.to)


def lent(people, *, frozen_clock, days=None):
    """A loan through the real services: asked by the borrower, approved by their manager,
    handed out by the clerk on day 0."""
    default_rules()
    dossier = dossier_for()
    loan = loan_request(
        dossier=dossier,
        documents=documents_in(dossier, 2),
        mode=Mode.TAKE_OUT,
        purpose="核对产权资料",
        days=days,
        actor=people["borrower"],
    )
    loan = loan_approve(loan=loan, actor=people["boss"])
    loan = loan_hand_out(loan=loan, actor=people["clerk"])
    Notification.objects.all().delete()  # what the request and approval told
    return loan


def secret_documents(*granted):
    """A document of a confidential (level B) dossier that only ``granted`` may see."""
    dossier = dossier_for()
    documents = documents_in(dossier, 1)
    dossier.secrecy_level = "B"
    dossier.save(update_fields=["secrecy_level"])
    for person in granted:
        grant_dossier(person, dossier)
    return documents


def ledger(loan):
    return sorted(Notice.objects.filter(loan=loan).values_list("period", "level", "day"))
