"""A backup (备份, R44, R45): one archive of the database and the stored files, proven
restorable by a drill right after it is made (docs/operations.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupQuerySet(models.QuerySet):
    def good(self):
        return self.filter(status=Backup.Status.GOOD)

    def usable(self, *, since=None):
        """Good backups whose restore drill passed (made since ``since``): what a risky
        operation may rely on."""
        qs = self.good().filter(drill_status=Backup.Drill.PASSED)
        if since is not None:
            qs = qs.filter(finished_at__gte=since)
        return qs

    def newest_first(self):
        return self.order_by("-started_at", "-pk")


class Backup(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        GOOD = "good", _("Good")
        FAILED = "failed", _("Failed")
        PRUNED = "pruned", _("Pruned")

    class Reason(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        ON_DEMAND = "on_demand", _("On demand")
        BEFORE_DESTRUCTION = "before_destruction", _("Before a destruction's execution")
        BEFORE_IMPORT = "before_import", _("Before a bulk import")

    class Drill(models.TextChoices):
        NOT_RUN = "not_run", _("Not run")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the archive"), max_length=64, blank=True)
    encrypted = models.BooleanField(_("encrypted"), default=False)
    recipients = models.TextField(_("encrypted to"), blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    drill_status = models.CharField(
        _("restore drill"), max_length=10, choices=Drill.choices, default=Drill.NOT_RUN
    )
    drill_result = models.JSONField(_("restore drill result"), default=dict, blank=True)
    drill_at = models.DateTimeField(_("restore drill at"), null=True, blank=True)
    pruned_at = models.DateTimeField(_("pruned"), null=True, blank=True)

    objects = BackupQuerySet.as_manager()

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-started_at"], name="backup_status_newest_idx"),
        ]
        permissions = [("run_backup", _("Can make a backup now"))]

    def __str__(self):
        return self.file_name or f"#{self.pk} {self.get_status_display()}"

    @property
    def duration(self):
        if self.finished_at and self.started_at:
            return self.finished_at - self.started_at
        return None

    @property
    def differences(self) -> list:
        return list((self.drill_result or {}).get("differences", []))
