"""The jobs page in a real browser (R44): a running backup's progress follows the run by htmx
polling until it ends, under the Content-Security-Policy."""

import pytest
from django.utils import timezone

from core.roles import Role
from reports.jobs.models import JobRun

from ..factories import user_with_role
from .support import log_in
from .test_admin_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_running_backup_shows_its_progress_until_it_ends__R44(page, screenshot):
    admin = user_with_role(Role.ADMIN)
    run = JobRun.objects.create(
        task_name="reports.make_backup",
        job_label="reports-backup-monthly",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress_done=2,
        progress_total=8,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, admin.username)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/reports/jobs/")
    fragment = page.locator(f"#run-{run.pk}")
    fragment.locator("progress").wait_for()
    assert fragment.locator("progress").get_attribute("value") == "2"
    screenshot(page, "jobs-backup-running")

    JobRun.objects.filter(pk=run.pk).update(progress_done=6)
    page.wait_for_selector(f"#run-{run.pk} progress[value='6']", timeout=10000)
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        duration=timezone.timedelta(seconds=42),
        size=3 * 2**20,
    )
    page.wait_for_selector(f"#run-{run.pk}[data-status=succeeded]", timeout=10000)
    assert fragment.locator("progress").count() == 0
    assert page.evaluate("window.__csp") == []
    screenshot(page, "jobs-backup-done")
