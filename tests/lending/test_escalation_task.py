"""The escalation job as it runs (R23): its batches and time budget, a loan that fails, two runs
at once, working days, the Celery task and its schedule, the command, the real broker."""

import datetime
import logging
import os
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from customers.models import Dossier
from lending import tasks
from lending.escalation import services
from lending.escalation.services import escalation_run
from lending.models import Holiday, Loan, Notice

from . import escalation_support as support
from .escalation_support import DAY0, SH, L, S, day, ledger, lent, told
from .factories import loan_in

# the shared fixtures (escalation_support)
people = support.people
run = support.run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH)),
]


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
