"""Both counts through the real broker and a real worker (skipped without REDIS_URL and
PostgreSQL): the page's buttons queue them, the worker counts and tells the head and the
managers."""

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from core.roles import Role
from reports.complaints import services as complaint_services
from reports.complaints.selectors import previous_month
from reports.models import ComplaintSummary, YearlyStatistics
from reports.statistics import services

from ..factories import user_with_role
from . import factories as f


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="the worker needs the test database: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # the worker reads the committed rows
def test_both_counts_through_the_broker_and_a_worker__R40__R41(tmp_path):
    from archive_project.celery import app as celery_app

    from ..core.broker_support import start_worker, stop_worker, wait_for
    from ..lending.test_escalation_task import _worker_database_url

    today = timezone.localdate()
    last_month = previous_month(today)
    _centre, estate = f.centre_with_estate("A")
    dossier = f.dossier_in(estate)
    f.filed(dossier, timezone.now() - datetime.timedelta(minutes=5))
    f.complaint(dossier, f.at(last_month.year, last_month.month, 2, 9, 0))
    archivist = user_with_role(Role.ARCHIVIST)
    manager = user_with_role(Role.MANAGER)
    executive = user_with_role(Role.EXECUTIVE)
    queue = f"test-reports-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = start_worker(
        f"{queue},celery",
        DATABASE_URL=_worker_database_url(),
        EMAIL_BACKEND="tests.core.broker_support.FileOutboxBackend",
        TEST_MAIL_DIR=str(tmp_path),
    )
    try:
        services.statistics_request(year=today.year, actor=archivist)  # queued through Redis
        complaint_services.summary_request(month=last_month, actor=manager)
        assert wait_for(
            lambda: YearlyStatistics.objects.exists() and ComplaintSummary.objects.exists(),
            timeout=60,
            step=0.5,
        ), "the worker counted nothing"
        statistics = YearlyStatistics.objects.get()
        assert (statistics.year, statistics.computed_by_id) == (today.year, archivist.pk)
        assert statistics.figures["total"]["counts"]["filed"] == 1
        summary = ComplaintSummary.objects.get()
        assert (summary.month, summary.computed_by_id) == (last_month, manager.pk)
        assert summary.figures["total"]["complaints"] == 1
        # the e-mails, sent by the worker after the counts' commits: the executive and the
        # archivist (who asked); the manager (told of summaries, and who asked)
        assert wait_for(lambda: len(list(tmp_path.glob("sent-*"))) == 3, timeout=40, step=0.5)
        sent = sorted(p.read_text(encoding="utf-8").split("\n")[0] for p in tmp_path.glob("sent-*"))
        assert sent == sorted([executive.email, archivist.email, manager.email])
    finally:
        stop_worker(worker)
        celery_app.conf.task_always_eager = eager
