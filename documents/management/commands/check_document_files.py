"""R45: hash every stored document file again and report what is missing or changed.

Exits with status 1 when anything is wrong, so that cron or CI notices; the archivists and
administrators are notified in the app as well (``--no-notify`` to only look).
"""

from django.core.management.base import BaseCommand, CommandError

from documents.integrity import check_files, notify_problems
from documents.models import Document


class Command(BaseCommand):
    help = (
        "Check that every stored document file is present and unchanged (R45); "
        "exits with status 1 when one is missing or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-notify",
            action="store_true",
            help="Do not notify the archivists and administrators of problems.",
        )

    def handle(self, *args, **options):
        report = check_files()
        self.stdout.write(
            f"Checked {report.total} stored files: {len(report.ok)} ok, "
            f"{len(report.missing)} missing, {len(report.changed)} changed."
        )
        if not report.has_problems:
            self.stdout.write(self.style.SUCCESS("All document files are intact."))
            return
        problems = report.missing + report.changed
        described = {
            pk: f"{archive_number} {title}"
            for pk, archive_number, title in Document.objects.filter(pk__in=problems)
            .order_by()
            .values_list("pk", "dossier__archive_number", "title")
        }
        for label, ids in (("MISSING", report.missing), ("CHANGED", report.changed)):
            for pk in ids:
                self.stdout.write(
                    self.style.ERROR(f"{label} document {pk}: {described.get(pk, '')}")
                )
        if not options["no_notify"]:
            notify_problems(report)
        raise CommandError(
            f"{len(report.missing)} document files missing, {len(report.changed)} changed."
        )
