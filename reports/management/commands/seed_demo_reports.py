"""Demo statistics for the demo data of the other seeds: the yearly statistics of this year
counted by the schedule and, later, on demand by the archivist (two snapshots, the latest
shown), last year's, and the complaint summary of each month of this year that is over and
had complaints.

``manage.py seed_demo_reports [--if-empty]``

Everything goes through the services, as the schedule and the demo ``archivist`` and
``manager`` of ``create_demo_users`` would do it. Refused unless DEBUG is on.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from records.models import Complaint
from reports.complaints.services import summary_compile
from reports.models import ComplaintSummary, YearlyStatistics
from reports.statistics.services import statistics_compile


class Command(BaseCommand):
    help = "Make demo yearly statistics and monthly complaint summaries (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if statistics exist."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        if options["if_empty"] and (
            YearlyStatistics.objects.exists() or ComplaintSummary.objects.exists()
        ):
            self.stdout.write("Statistics exist; nothing made.")
            return
        users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        if "archivist" not in users or "manager" not in users:
            raise CommandError("Run create_demo_users first.")
        today = timezone.localdate()
        start = datetime.datetime(today.year, 1, 1, tzinfo=timezone.get_default_timezone())
        with transaction.atomic():
            statistics_compile(year=today.year - 1)
            statistics_compile(year=today.year)
            statistics_compile(year=today.year, actor=users["archivist"])
            this_month = datetime.datetime.combine(
                today.replace(day=1), datetime.time(), tzinfo=start.tzinfo
            )
            months = Complaint.objects.filter(
                received_at__gte=start, received_at__lt=this_month
            ).dates("received_at", "month")
            for month in months:  # the months that are over
                summary_compile(month=month, actor=users["manager"] if month.month % 2 else None)
        self.stdout.write(
            f"Made {YearlyStatistics.objects.count()} yearly statistics and "
            f"{ComplaintSummary.objects.count()} complaint summaries."
        )
