"""Security-matrix expectations of the jobs page (merged in matrix.py): the scheduled jobs,
their runs and their progress are the administrators' (``reports.watch_jobs``)."""

from core.roles import Role

from .matrix import Expect, only


def _run(o):
    from django.utils import timezone

    from reports.jobs.models import JobRun

    run = JobRun.objects.create(
        task_name="reports.make_backup",
        job_label="reports-backup-monthly",
        started_at=timezone.now(),
    )
    return {"pk": run.pk}


EXPECTATIONS: dict[str, Expect] = {
    "reports:jobs": only(Role.ADMIN),
    "reports:job_progress": only(Role.ADMIN, kwargs=_run),
}
