"""The backups' pages (R44, R45): "back up now" for administrators, and one backup with its
manifest and its restore drill."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import can, require

from . import selectors, services
from .models import Backup


@require_POST
def backup_run(request):
    """Queue a backup (never made inside the request)."""
    if services.backup_request(actor=request.user):
        messages.success(
            request, _("A backup has been queued; this page shows its progress while it runs.")
        )
    else:
        messages.info(request, _("A backup is being made already: nothing more was queued."))
    return redirect("reports:jobs")


def backup_detail(request, pk):
    require(request.user, services.WATCH, request=request)
    backup = get_object_or_404(Backup.objects.select_related("requested_by"), pk=pk)
    return render(
        request,
        "reports/backups/backup_detail.html",
        {
            "backup": backup,
            "summary": selectors.backup_summary(backup),
            "can_run_backup": can(request.user, services.RUN),
        },
    )
