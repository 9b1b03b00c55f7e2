"""R23: send the loans' reminders, overdue notices and escalations due today (what the daily
task ``lending.escalate_loans`` does), here and now; ``--today`` replays a missed day. Safe to
run twice: the ledger sends each notice once."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.workflow import DomainError
from lending.escalation.services import escalation_run


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a day (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Send the loan reminders, overdue notices and escalations due today (R23); "
        "each is sent once, whatever runs before or at the same time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", help="the day to run for (default: today)"
        )

    def handle(self, *args, today=None, **options):
        day = _day(today) if today else None
        resume, total, failed = None, {}, 0
        while True:
            try:
                summary = escalation_run(today=day, after=resume)
            except DomainError as exc:
                raise CommandError(str(exc)) from None
            for level, count in summary.sent.items():
                total[level] = total.get(level, 0) + count
            failed += summary.failed
            if summary.complete:
                break
            resume = summary.resume_after
        sent = ", ".join(f"{count} {level}" for level, count in total.items())
        self.stdout.write(f"{summary.day:%Y-%m-%d}: sent {sent}.")
        if failed:
            raise CommandError(f"{failed} loans failed (see the log); run the command again.")
