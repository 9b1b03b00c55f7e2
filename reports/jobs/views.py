"""The jobs page (定时任务, R44) for administrators: every scheduled job, its schedule in
words, paused or not, its last runs; "back up now"; the backups and their restore drills. A
running job's progress is a fragment the page polls (htmx) until the run ends."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from core.permissions import can, require

from ..backups import selectors as backup_selectors
from ..backups import services as backup_services
from ..backups.forms import BackupFilterForm
from . import selectors
from .models import JobRun


def jobs(request):
    require(request.user, backup_services.WATCH, request=request)
    form = BackupFilterForm(request.GET)
    return render(
        request,
        "reports/jobs/job_list.html",
        {
            "jobs": selectors.jobs_overview(),
            "backups": backup_selectors.backups_recent(status=form.chosen_status()),
            "filter_form": form,
            "can_run_backup": can(request.user, backup_services.RUN),
        },
    )


@never_cache
def job_progress(request, pk):
    """The progress of one run: polled by the page while the run is running."""
    require(request.user, backup_services.WATCH, request=request)
    run = get_object_or_404(JobRun, pk=pk)
    return render(request, "reports/jobs/partials/run_progress.html", {"run": run})
