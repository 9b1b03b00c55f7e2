"""The daily escalation of loans (R23): due in 7 days, overdue after, escalated (问责) once out
more than 15 days without renewal; the ledger sends each level once per loan and period."""

import datetime
import logging
import os
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from core.roles import Role
from customers.models import Dossier, DossierEvent
from customers.permissions import grant_dossier
from lending import tasks
from lending.escalation import selectors, services
from lending.escalation.services import escalation_run
from lending.loans.services import loan_approve, loan_hand_out, loan_request, renewal_request
from lending.models import BorrowerKind, Holiday, Loan, Mode, Notice
from lending.timeline import Kind

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in

SH = ZoneInfo("Asia/Shanghai")
DAY0 = datetime.date(2026, 3, 2)  # a Monday
L = Notice.Level
S = Loan.Status

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH)),
]


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


# --- The days of one loan -----------------------------------------------------------------
def test_a_loan_is_reminded_on_the_due_day_overdue_after_and_escalated_after_15_days__R23(
    people, run, frozen_clock
):
    loan = lent(people, frozen_clock=frozen_clock)
    assert (loan.period_start, loan.due_on, loan.escalate_on) == (day(0), day(7), day(16))
    borrower = people["borrower"]

    summary, notes, emails = run(6)
    assert notes == [] and emails == [] and ledger(loan) == []
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 0}

    summary, notes, emails = run(7)
    assert summary.sent["reminder"] == 1
    assert told(notes) == {"borrower"} and mailed(emails) == ["borrower@example.com"]
    assert loan.number in notes[0].message and notes[0].link == f"/loans/{loan.pk}/"
    assert loan.number in emails[0].subject + emails[0].body
    notes[0].refresh_from_db()
    assert notes[0].emailed_at is not None
    assert ledger(loan) == [(0, L.REMINDER, day(7))]

    summary, notes, emails = run(8)
    assert summary.sent["overdue"] == 1
    assert told(notes) == {"borrower"}  # the borrower registered the loan themself
    assert mailed(emails) == ["borrower@example.com"]
    assert ledger(loan)[-1] == (0, L.OVERDUE, day(8))

    summary, notes, emails = run(15)
    assert notes == [] and emails == []  # still overdue, told once; not yet escalated
    loan.refresh_from_db()
    assert not loan.escalated and len(ledger(loan)) == 2

    summary, notes, emails = run(16)
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 1}
    # the borrower, their own manager and the archive-room head; in the app and by e-mail
    assert told(notes) == {"borrower", "boss", "head"}
    assert mailed(emails) == ["borrower@example.com", "boss@example.com", "head@example.com"]
    assert all(loan.number in n.message for n in notes)
    assert {n.about_id for n in notes} == {loan.dossier_id}
    notice = Notice.objects.get(loan=loan, level=L.ESCALATION)
    assert (notice.period, notice.day, notice.borrower) == (0, day(16), borrower)
    assert set(notice.recipients.split("、")) == {"王芳", "张建国", "李秀英"}
    loan.refresh_from_db()
    assert loan.escalated and loan.status == S.OUT
    history = loan.history.order_by("-history_id").first()
    assert history.escalated and history.history_user is None
    assert "R23" in history.history_change_reason
    event = DossierEvent.objects.get(dossier=loan.dossier, kind=Kind.LOAN_ESCALATED)
    assert event.actor is None and event.record_id == loan.pk and event.occurred_on == day(16)
    assert loan.number in event.title

    summary, notes, emails = run(17)
    assert notes == [] and emails == [] and len(ledger(loan)) == 3


def test_a_renewal_on_the_due_day_opens_a_new_period_with_its_own_dates__R23(
    people, run, frozen_clock
):
    loan = lent(people, frozen_clock=frozen_clock)
    run(7)  # the reminder of the first period, at 07:30
    frozen_clock.move_to(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=SH))
    renewal_request(loan=loan, reason="核对尚未完成", actor=people["borrower"])
    loan.refresh_from_db()
    assert (loan.status, loan.renewal_count) == (S.RENEWED, 1)
    assert (loan.period_start, loan.due_on, loan.escalate_on) == (day(7), day(14), day(23))

    for n in (8, 13):
        _summary, notes, _emails = run(n)
        assert notes == [], f"day {n}"
    _summary, notes, _emails = run(14)
    assert told(notes) == {"borrower"}
    _summary, notes, _emails = run(15)
    assert told(notes) == {"borrower"}
    for n in (16, 22):  # out 16 days in all, but only 9 since the renewal
        _summary, notes, _emails = run(n)
        assert notes == [], f"day {n}"
    _summary, notes, emails = run(23)
    assert told(notes) == {"borrower", "boss", "head"} and len(emails) == 3
    assert ledger(loan) == [
        (0, L.REMINDER, day(7)),
        (1, L.REMINDER, day(14)),
        (1, L.OVERDUE, day(15)),
        (1, L.ESCALATION, day(23)),
    ]


def test_a_renewal_after_an_escalation_re_arms_the_ledger__R23(people, run, frozen_clock):
    loan = lent(people, frozen_clock=frozen_clock)
    run(16)
    frozen_clock.move_to(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH))
    renewal_request(loan=loan, reason="仍在诉讼中", actor=people["borrower"])
    loan.refresh_from_db()
    assert not loan.escalated and loan.due_on == day(23)
    _summary, notes, _emails = run(23)
    assert told(notes) == {"borrower"}
    assert ledger(loan)[-1] == (1, L.REMINDER, day(23))
    # the first period's escalation stays on the borrower's record
    assert [n.period for n in selectors.escalations_against(people["borrower"])] == [0]


def test_the_job_run_twice_in_a_day_sends_nothing_twice__R23(people, run, frozen_clock):
    loan = lent(people, frozen_clock=frozen_clock)
    run(7)
    summary, notes, emails = run(7)
    assert summary.sent["reminder"] == 0 and notes == [] and emails == []
    run(16)
    summary, notes, emails = run(16)
    assert summary.sent["escalation"] == 0 and notes == [] and emails == []
    assert Notice.objects.filter(loan=loan).count() == 2
    assert Notification.objects.filter(recipient=people["boss"]).count() == 1


def test_after_a_missed_week_only_the_highest_level_due_is_sent__R23(people, run, frozen_clock):
    reminded = lent(people, frozen_clock=frozen_clock)
    run(7)
    never_seen = loan_in(out_on=day(3), borrower=people["borrower"])  # due on day 10
    summary, notes, _emails = run(16)  # nothing ran on days 8 to 15
    assert summary.sent == {"reminder": 0, "overdue": 1, "escalation": 1}
    # one row each: the highest level due, not the levels missed on the way
    assert ledger(reminded) == [(0, L.REMINDER, day(7)), (0, L.ESCALATION, day(16))]
    assert ledger(never_seen) == [(0, L.OVERDUE, day(16))]
    assert len([n for n in notes if n.recipient == people["borrower"]]) == 2


def test_a_loan_sixteen_days_out_that_was_never_told_gets_the_escalation_only__R23(people, run):
    loan = loan_in(out_on=day(-16), borrower=people["borrower"])
    summary, notes, _emails = run(0)
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 1}
    assert ledger(loan) == [(0, L.ESCALATION, day(0))]
    assert told(notes) == {"borrower", "boss", "head"}


def test_a_replayed_earlier_day_never_sends_a_level_lower_than_one_sent__R23(people, run):
    loan = loan_in(out_on=day(-8), borrower=people["borrower"])  # due yesterday
    run(0)
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]
    summary, notes, _emails = run(0, today=day(-1))  # an operator replays yesterday
    assert summary.sent["reminder"] == 0 and notes == []
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]


def test_a_run_that_chose_a_loan_before_another_runs_commit_sends_nothing_under_the_lock__R23(
    people, run
):
    """What the other run sent is read again once the loan is locked: the same level is not
    sent twice, a lower one (a replayed earlier day) not at all."""
    loan = loan_in(out_on=day(-8), borrower=people["borrower"])
    run(0)
    assert services._send_due(loan.pk, day(0), []) is None
    assert services._send_due(loan.pk, day(-1), []) is None
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]
    assert Notification.objects.count() == 1


def test_the_database_holds_one_notice_per_loan_period_and_level__R23(people):
    from django.db import IntegrityError, transaction

    loan = loan_in(out_on=day(-8), borrower=people["borrower"])
    Notice.objects.create(loan=loan, period=0, level=L.OVERDUE, day=day(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(loan=loan, period=0, level=L.OVERDUE, day=day(1))
    Notice.objects.create(loan=loan, period=1, level=L.OVERDUE, day=day(1))  # a new period


@pytest.mark.parametrize(
    "status", [S.RETURNED, S.LOST, S.CANCELLED, S.REQUESTED, S.APPROVED, S.RETURN_CHECKED]
)
def test_a_loan_returned_closed_waiting_or_being_checked_is_never_reminded__R23__R25(
    people, run, status
):
    loan = loan_in(status, out_on=day(-20), borrower=people["borrower"])
    if status not in (S.RETURNED, S.LOST, S.RETURN_CHECKED):
        Loan.objects.filter(pk=loan.pk).update(due_on=day(-13), escalate_on=day(-4))
    for n in (0, 1):
        summary, notes, emails = run(n)
        assert notes == [] and emails == [] and sum(summary.sent.values()) == 0
    assert not Notice.objects.exists()


def test_a_loan_checked_again_after_the_return_check_is_followed_again__R23__R25(people, run):
    loan = loan_in(S.RETURN_CHECKED, out_on=day(-9), borrower=people["borrower"])
    assert run(0)[1] == []
    Loan.objects.filter(pk=loan.pk).update(status=S.OUT)  # the borrower did not confirm
    _summary, notes, _emails = run(1)
    assert told(notes) == {"borrower"} and ledger(loan) == [(0, L.OVERDUE, day(1))]


def test_overdue_notice_goes_to_the_registrant_too__R23(people, run):
    loan = loan_in(out_on=day(-8), borrower=people["borrower"], requested_by=people["clerk"])
    _summary, notes, emails = run(0)
    assert told(notes) == {"borrower", "clerk"}
    assert mailed(emails) == ["borrower@example.com", "clerk@example.com"]
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]


def test_a_loan_lent_longer_than_15_days_is_escalated_only_once_overdue__R23(people, run):
    loan = loan_in(out_on=day(-20), days=30, borrower=people["borrower"])
    assert run(0)[1] == []  # out 20 days, within the 30 it was lent for
    Loan.objects.filter(pk=loan.pk).update(due_on=day(0))
    assert told(run(0)[1]) == {"borrower"}  # due today: the reminder, not the escalation
    assert told(run(1)[1]) == {"borrower", "boss", "head"}


# --- Who is told of an escalation ---------------------------------------------------------
def test_without_a_manager_of_their_own_the_dossiers_managers_are_told__R23__R22(people, run):
    borrower = user_with_role(Role.FRONT_DESK, username="nobody-s", email="n@example.com")
    loan_in(out_on=day(-16), borrower=borrower)
    _summary, notes, _emails = run(0)
    assert told(notes) == {"nobody-s", "boss", "other", "head"}


def test_a_borrower_who_is_a_manager_is_not_told_twice_as_their_own_manager__R23(people, run):
    loan_in(out_on=day(-16), borrower=people["other_manager"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"other", "boss", "head"}
    assert len(notes) == 3


def test_without_an_archive_room_head_every_archivist_is_told__R23(people, run):
    people["head"].user_permissions.clear()
    loan_in(out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"borrower", "boss", "head", "clerk"}


def test_a_head_by_the_groups_permission_counts_and_a_superuser_is_no_head__R23(people, run):
    from django.contrib.auth.models import Group

    people["head"].user_permissions.clear()
    user_with_role(Role.ADMIN, username="root", is_superuser=True)
    heads = Group.objects.create(name="档案室负责人")
    heads.permissions.add(Permission.objects.get(codename="lead_archive_room"))
    people["clerk"].groups.add(heads)
    loan_in(out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"borrower", "boss", "clerk"}


def test_an_escalation_in_a_confidential_dossier_is_told_only_to_who_may_see_it__R23__R17(
    people, run
):
    granted_manager = user_with_role(Role.MANAGER, username="granted-m", email="gm@example.com")
    documents = secret_documents(people["borrower"], granted_manager, people["clerk"])
    loan_in(documents=documents, out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    # the boss and the head may not see the dossier: the granted manager and archivist instead
    assert told(notes) == {"borrower", "granted-m", "clerk"}


def test_an_outside_partys_escalation_is_told_to_its_registrant__R23__R20(people, run):
    legal = user_with_role(Role.LEGAL, username="legal", email="legal@example.com")
    loan = loan_in(
        out_on=day(-16),
        mode=Mode.READ_ARCHIVE,
        borrower=legal,
        requested_by=people["clerk"],
        borrower_kind=BorrowerKind.OUTSIDE,
        party="court",
        party_organisation="南山区人民法院",
        party_person="李法官",
        party_credential="法2026-18",
    )
    Loan.objects.filter(pk=loan.pk).update(borrower=None)
    _summary, notes, _emails = run(0)
    assert told(notes) == {"clerk", "boss", "other", "head"}
    notice = Notice.objects.get(loan=loan)
    assert notice.level == L.ESCALATION and notice.borrower is None
    assert "南山区人民法院" in notes[0].message


# --- The job's scale and its failures -------------------------------------------------------
def _untouched(people, n):
    """Loans that owe nothing today: not yet due, returned, being checked, escalated already."""
    for i in range(n):
        kind = i % 4
        if kind == 0:
            loan_in(out_on=day(-1), borrower=people["borrower"])
        elif kind == 1:
            loan_in(S.RETURNED, out_on=day(-30), borrower=people["borrower"])
        elif kind == 2:
            loan_in(S.RETURN_CHECKED, out_on=day(-30), borrower=people["borrower"])
        else:
            loan_in(out_on=day(-30), borrower=people["borrower"], escalated=True)


def test_the_jobs_queries_do_not_grow_with_the_loans_that_owe_nothing__R23(
    people, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(services, "BATCH", 3)  # the batches are read one query each
    for model in (Dossier, Loan):  # the content types a first run would read, cached
        ContentType.objects.get_for_model(model)

    def due_loans():  # two reminders, an overdue notice and two escalations
        for offset in (-7, -8, -16, -16, -7):
            loan_in(out_on=day(offset), borrower=people["borrower"])

    def counted():
        with CaptureQueriesContext(connection) as queries:
            summary = escalation_run()
        assert summary.sent == {"reminder": 2, "overdue": 1, "escalation": 2}
        return len(queries)

    due_loans()
    _untouched(people, 2)
    few = counted()
    due_loans()
    _untouched(people, 40)  # and the five loans of the first run, told already
    assert counted() == few
    with django_assert_max_num_queries(2):  # nothing owed: the heads and the candidates
        assert sum(escalation_run().sent.values()) == 0


def test_the_batches_reach_every_loan_due__R23(people, run, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    loans = [loan_in(out_on=day(-8), borrower=people["borrower"]) for _ in range(5)]
    summary, _notes, _emails = run(0)
    assert summary.sent["overdue"] == 5 and summary.complete
    assert Notice.objects.filter(loan__in=loans).count() == 5


def test_a_run_out_of_time_says_where_it_stopped_and_the_next_goes_on__R23(people, run):
    loans = [loan_in(out_on=day(-8), borrower=people["borrower"]) for _ in range(3)]
    summary, _notes, _emails = run(0, budget=datetime.timedelta(0))
    assert not summary.complete and summary.sent["overdue"] == 1
    assert summary.resume_after == (loans[0].due_on, loans[0].pk)
    summary, _notes, _emails = run(0, after=summary.resume_after)
    assert summary.complete and summary.sent["overdue"] == 2
    assert Notice.objects.count() == 3


def test_one_loan_that_fails_is_logged_and_the_others_are_sent__R23(people, run, caplog):
    broken = loan_in(out_on=day(-8), borrower=people["borrower"])
    Loan.objects.filter(pk=broken.pk).update(period_start=None)  # a damaged row
    fine = loan_in(out_on=day(-8), borrower=people["borrower"])
    caplog.set_level(logging.ERROR, logger="lending.escalation.services")
    summary, notes, _emails = run(0)
    assert summary.failed == 1 and summary.sent["overdue"] == 1
    assert ledger(fine) == [(0, L.OVERDUE, day(0))] and ledger(broken) == []
    assert len(notes) == 1
    assert any(str(broken.pk) in r.getMessage() for r in caplog.records)


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_notice_once__R23(people):
    from tests.races import race

    loans = [loan_in(out_on=day(-n), borrower=people["borrower"]) for n in (7, 8, 16, 16, 30)]
    results = race(escalation_run, escalation_run)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(sum(r.sent.values()) for r in results) == 5
    assert Notice.objects.filter(loan__in=loans).count() == 5
    # the borrower once per loan; the boss and the head once per escalation
    assert Notification.objects.filter(recipient=people["borrower"]).count() == 5
    assert Notification.objects.filter(recipient=people["boss"]).count() == 3
    assert sorted(m.to[0] for m in mail.outbox).count("head@example.com") == 3


def test_the_job_refuses_a_day_still_to_come__R23(people):
    from core.workflow import DomainError

    with pytest.raises(DomainError):
        escalation_run(today=day(1))


# --- The selectors for the pages ----------------------------------------------------------
def test_escalations_are_those_the_reader_may_see_newest_first__R23__R17(people, run):
    first = loan_in(out_on=day(-17), borrower=people["borrower"])
    run(-1)
    second = loan_in(out_on=day(-16), borrower=people["borrower"])
    hidden = loan_in(
        documents=secret_documents(people["borrower"]), out_on=day(-16), borrower=people["borrower"]
    )
    run(0)
    rows = list(selectors.escalations(user=people["boss"]))
    assert [r.loan for r in rows] == [second, first]  # the confidential one is not the boss's
    assert [r.day for r in rows] == [day(0), day(-1)]
    mine = [r.loan for r in selectors.escalations(user=people["borrower"])]
    assert mine == [hidden, second, first]
    front = user_with_role(Role.FRONT_DESK)
    assert list(selectors.escalations(user=front)) == []  # not their loans
    against = selectors.escalations_against(people["borrower"], user=people["boss"])
    assert [r.loan for r in against] == [second, first]
    assert len(selectors.escalations_against(people["borrower"])) == 3
    assert [n.level for n in selectors.notices_of(first)] == [L.ESCALATION]


def test_current_escalations_leave_out_the_loans_back_or_renewed__R23(people, run):
    kept = loan_in(out_on=day(-16), borrower=people["borrower"])
    back = loan_in(out_on=day(-16), borrower=people["borrower"])
    run(0)
    Loan.objects.filter(pk=back.pk).update(status=S.RETURNED)
    assert [r.loan for r in selectors.escalations(user=people["boss"], current=True)] == [kept]
    assert len(selectors.escalations(user=people["boss"])) == 2


@pytest.mark.parametrize("n", [2, 30])
def test_the_escalations_list_reads_in_constant_queries__R23(
    people, run, n, django_assert_max_num_queries
):
    for _ in range(n):
        loan_in(out_on=day(-16), borrower=people["borrower"])
    run(0)
    with django_assert_max_num_queries(4):
        rows = list(selectors.escalations(user=people["boss"]))
        assert len(rows) == n
        assert all(r.loan.dossier.archive_number and r.borrower.username for r in rows)


# --- The task, its schedule and the command -----------------------------------------------
def test_the_task_is_acked_late_redelivered_on_worker_loss_and_scheduled_daily__R23():
    from celery.schedules import crontab
    from django.conf import settings

    task = tasks.escalate_loans
    assert task.name == "lending.escalate_loans"
    assert task.acks_late and task.reject_on_worker_lost
    entry = settings.CELERY_BEAT_SCHEDULE["lending-escalate-loans"]
    assert entry["task"] == "lending.escalate_loans"
    assert entry["schedule"] == crontab(minute=30, hour=7)


def test_the_task_runs_the_job_and_queues_what_its_time_budget_left__R23(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    loans = [loan_in(out_on=day(-8), borrower=people["borrower"]) for _ in range(3)]
    monkeypatch.setattr(services, "RUN_BUDGET", datetime.timedelta(0))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.escalate_loans.apply().get()  # in-process: it queues the next run
    assert result["day"] == "2026-03-02" and result["sent"]["overdue"] == 1
    assert Notice.objects.filter(loan__in=loans).count() == 3
    assert tasks.escalate_loans.apply(kwargs={"today": "2026-03-02"}).get()["sent"] == {
        "reminder": 0,
        "overdue": 0,
        "escalation": 0,
    }


def test_the_command_runs_the_job_for_a_day_given__R23(people, capsys, frozen_clock):
    loan = loan_in(out_on=day(-9), borrower=people["borrower"])
    call_command("escalate_loans", "--today", "2026-03-01")
    assert ledger(loan) == [(0, L.OVERDUE, day(-1))]
    assert "2026-03-01" in capsys.readouterr().out
    call_command("escalate_loans")
    assert ledger(loan) == [(0, L.OVERDUE, day(-1))]  # nothing twice
    with pytest.raises(CommandError):
        call_command("escalate_loans", "--today", "2026-03-03")  # still to come
    with pytest.raises(CommandError):
        call_command("escalate_loans", "--today", "3/1")


# --- Working days -------------------------------------------------------------------------
def test_working_days_skip_the_holiday_and_count_the_make_up_day__R23(
    people, run, frozen_clock, settings
):
    """Handed out on Thursday 30 April: 1–5 May off, Saturday 9 May worked (调休)."""
    settings.LENDING_DAY_COUNT = "working"
    for n in range(1, 6):
        Holiday.objects.create(day=datetime.date(2026, 5, n), name="劳动节")
    Holiday.objects.create(day=datetime.date(2026, 5, 9), name="劳动节调休", is_working_day=True)
    frozen_clock.move_to(datetime.datetime(2026, 4, 30, 10, 0, tzinfo=SH))
    loan = lent(people, frozen_clock=frozen_clock)
    assert loan.due_on == datetime.date(2026, 5, 13)
    assert loan.escalate_on == datetime.date(2026, 5, 26)

    def on(may):
        return (datetime.date(2026, 5, may) - DAY0).days

    assert run(on(12))[1] == []
    assert told(run(on(13))[1]) == {"borrower"}
    assert told(run(on(14))[1]) == {"borrower"}
    assert run(on(25))[1] == []  # 15 working days out: not yet
    assert told(run(on(26))[1]) == {"borrower", "boss", "head"}


# --- The real broker and worker -----------------------------------------------------------
def _worker_database_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="the worker needs the test database: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # the worker reads the committed rows
@pytest.mark.frozen_at(datetime.datetime.now(tz=SH), tick=True)  # the worker's clock runs
def test_the_task_through_the_broker_and_a_worker_writes_the_ledger__R23(people, tmp_path):
    from archive_project.celery import app as celery_app

    from ..core.broker_support import start_worker, stop_worker, wait_for

    today = datetime.datetime.now(SH).date()
    loans = [
        loan_in(out_on=today - datetime.timedelta(days=d), borrower=people["borrower"])
        for d in (7, 8, 16)
    ]
    queue = f"test-lending-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    # its own queue, and Celery's default one where the job queues the notification e-mails
    worker = start_worker(
        f"{queue},celery",
        DATABASE_URL=_worker_database_url(),
        EMAIL_BACKEND="tests.core.broker_support.FileOutboxBackend",
        TEST_MAIL_DIR=str(tmp_path),
    )
    try:
        tasks.escalate_loans.apply_async(queue=queue)
        assert wait_for(lambda: Notice.objects.count() == 3, timeout=40, step=0.5), (
            "the worker wrote no ledger"
        )
        assert sorted(Notice.objects.values_list("loan_id", "level")) == [
            (loans[0].pk, L.REMINDER),
            (loans[1].pk, L.OVERDUE),
            (loans[2].pk, L.ESCALATION),
        ]
        assert Loan.objects.get(pk=loans[2].pk).escalated
        # the e-mails, sent by the worker after the job's commits: 1 + 1 + 3
        assert wait_for(lambda: len(list(tmp_path.glob("sent-*"))) == 5, timeout=40, step=0.5)
        sent = sorted(p.read_text(encoding="utf-8").split("\n")[0] for p in tmp_path.glob("sent-*"))
        assert sent == [
            "borrower@example.com",
            "borrower@example.com",
            "borrower@example.com",
            "boss@example.com",
            "head@example.com",
        ]
    finally:
        stop_worker(worker)
