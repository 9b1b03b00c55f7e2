"""Demo loans for the dossiers and documents of ``seed_demo_documents``: one in each state the
desk shows (waiting for a manager, approved to hand out, out, due today, overdue, escalated,
renewed, returned, returned with an item damaged, an executive's direct loan, copies made).

``manage.py seed_demo_loans [--if-empty]``

Everything goes through the services, as the demo users of ``create_demo_users`` would do it;
the loans that are out are then dated back (their period, due and escalation days) and the daily
escalation job is run once, so the desk shows loans due, overdue and escalated. Refused unless
DEBUG is on.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.workflow import DomainError
from documents.models import Document
from lending import calendar
from lending.copies.services import copies_make
from lending.escalation.services import escalation_run
from lending.loans import services
from lending.models import Loan, Mode
from lending.returns.services import loan_return_check, loan_return_confirm

PURPOSES = ["核对业主资料", "办理过户手续", "装修纠纷取证", "欠费核查", "续签租约核对"]


class Command(BaseCommand):
    help = "Make demo loans in every state (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if loans exist.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        if options["if_empty"] and Loan.objects.exists():
            self.stdout.write("Loans exist; nothing made.")
            return
        users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        need = ("frontdesk", "manager", "archivist", "executive")
        if any(n not in users for n in need):
            raise CommandError("Run create_demo_users first.")
        front, manager, archivist = users["frontdesk"], users["manager"], users["archivist"]
        documents = list(
            Document.objects.filter(
                status__in=(Document.Status.RECEIVED, Document.Status.FILED),
                dossier__secrecy_level="C",
                secrecy_level__in=("", "C"),
                carrier="paper",
            )
            .select_related("dossier")
            .order_by("dossier_id", "pk")[:200]
        )
        by_dossier = {}
        for document in documents:
            by_dossier.setdefault(document.dossier_id, []).append(document)
        groups = [docs[:2] for docs in by_dossier.values()]
        if len(groups) < 11:
            raise CommandError("Not enough demo documents: run seed_demo_documents first.")
        made = 0
        plan = [
            ("requested", 0),
            ("approved", 0),
            ("out", 2),
            ("out", 7),  # due today
            ("out", 9),  # overdue
            ("out", 17),  # escalated when the job runs
            ("renewed", 8),
            ("returned", 3),
            ("damaged", 5),
            ("executive", 1),
            ("copy", 0),
        ]
        today = timezone.localdate()
        with transaction.atomic():
            for (state, days_ago), docs in zip(plan, groups, strict=False):
                borrower = users["executive"] if state == "executive" else front
                try:
                    loan = services.loan_request(
                        dossier=docs[0].dossier,
                        documents=docs,
                        mode=Mode.COPY if state == "copy" else Mode.TAKE_OUT,
                        purpose=PURPOSES[made % len(PURPOSES)],
                        actor=archivist if state == "executive" else front,
                        borrower=borrower,
                    )
                    if state == "requested":
                        made += 1
                        continue
                    if loan.status == Loan.Status.REQUESTED:
                        loan = services.loan_approve(loan=loan, actor=manager)
                    if state == "approved":
                        made += 1
                        continue
                    if state == "copy":
                        copies_make(
                            loan=loan,
                            actor=archivist,
                            copies=[
                                {
                                    "document": d,
                                    "kind": "copy",
                                    "count": 1,
                                    "holder": front,
                                    "holder_name": "",
                                    "purpose": loan.purpose,
                                }
                                for d in docs
                            ],
                        )
                        made += 1
                        continue
                    loan = services.loan_hand_out(loan=loan, actor=archivist)
                    if state == "renewed":
                        renewal = services.renewal_request(
                            loan=loan, reason="仍需核对", actor=front
                        )
                        if renewal.status == renewal.Status.REQUESTED:
                            services.renewal_approve(renewal=renewal, actor=manager)
                    if state in ("returned", "damaged"):
                        self._return(loan, archivist, damaged=state == "damaged")
                    start = today - datetime.timedelta(days=days_ago)
                    due = calendar.due_on(start, loan.days)
                    Loan.objects.filter(pk=loan.pk).update(
                        period_start=start, due_on=due, escalate_on=calendar.escalate_on(start, due)
                    )
                except DomainError as exc:
                    self.stderr.write(f"skipped a demo loan: {exc}")
                    continue
                made += 1
            # the reminders, overdue notices and escalation of the loans dated back (R23)
            escalation_run(today=today)
        self.stdout.write(f"Made {made} demo loans.")

    def _return(self, loan, archivist, *, damaged):
        """The archivist checks the items back, the borrower confirms at the desk; with
        ``damaged``, the first item came back damaged (an incident for a manager, R24)."""
        from core.management.commands.create_demo_users import DEMO_PASSWORD

        results = {}
        for n, item in enumerate(loan.items.select_related("document").order_by("pk")):
            results[item.pk] = {
                "condition": "damaged" if damaged and n == 0 else "intact",
                "pages_back": item.document.pages,
                "copies_back": item.document.copies,
                "note": "封面破损" if damaged and n == 0 else "",
            }
        loan = loan_return_check(loan=loan, actor=archivist, results=results)
        loan_return_confirm(loan=loan, actor=archivist, password=DEMO_PASSWORD, at_desk=True)
