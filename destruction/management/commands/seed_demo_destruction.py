"""Demo appraisal and destruction for the dossiers and documents of ``seed_demo_documents``:
a batch being appraised with its decisions, one awaiting a manager's approval, one completed
(its papers destroyed, the register made), and a legal hold.

``manage.py seed_demo_destruction [--if-empty]``

The policy of keeping customer files permanently stays on (R39): a few dossiers with papers
and no loan get their occupants' move-out recorded long ago (their move-in dated back first),
the short-term retention (10 years), and some of their documents dated back, so that they
fall due once ``retention.refresh`` has run. Everything else goes through the services as
the demo users of ``create_demo_users`` would do it; for the completed batch the policy's
waiting days are set to 0 while it is approved, then restored. Refused unless DEBUG is on.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.choices import Retention
from core.workflow import DomainError
from customers.models import Dossier, Occupancy
from destruction import retention
from destruction.batches import services as batches
from destruction.execution import services as execution
from destruction.holds.services import hold_place
from destruction.models import Batch, Decision, Method, Policy, RetentionState
from documents.models import Document

PER_BATCH = 3
TECHNICAL = ("renovation", "renovation_approval")  # R35: left to the engineers, not the demo
MOVED_IN = datetime.date(2005, 1, 1)
MOVED_OUT = datetime.date(2012, 6, 30)
DOCUMENT_DAY = datetime.date(2009, 3, 1)


class Command(BaseCommand):
    help = "Make demo destruction batches in each state and a legal hold (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if destruction batches exist."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        if options["if_empty"] and Batch.objects.exists():
            self.stdout.write("Destruction batches exist; nothing made.")
            return
        users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        need = ("frontdesk", "manager", "archivist", "witness")
        if any(n not in users for n in need):
            raise CommandError("Run create_demo_users first.")
        self.users = users
        groups = self._due_groups()
        if len(groups) < 4:
            raise CommandError(
                "Not enough demo dossiers with papers: run seed_demo_documents first."
            )
        draft_docs, submitted_docs, completed_docs, held_docs = groups[:4]
        with transaction.atomic():
            self._draft(draft_docs)
            self._submitted(submitted_docs)
            completed = self._approved_at_once(completed_docs)
            hold_place(
                dossier=held_docs[0].dossier,
                reason="业主与物业装修纠纷诉讼中，法院调取证据",
                actor=users["manager"],
            )
            completed = self._executed(completed)
        completed.refresh_from_db()
        if completed.status == Batch.Status.EXECUTING:  # no in-process Celery: finish it here
            execution.execution_run(batch_id=completed.pk)
        self.stdout.write(f"Made 3 demo destruction batches and a legal hold ({completed}).")

    # --- What falls due ---------------------------------------------------------------------
    def _due_groups(self):
        """Dossiers of level C with demo documents and no loan: their occupants' move-in
        dated back and their move-out recorded long ago (through the service), the dossier
        made short-term and a few documents dated back, refreshed. Lists of documents due for
        appraisal, one per dossier."""
        from customers.occupancy import occupancy_move_out
        from lending.models import Loan

        papers = Document.objects.filter(
            dossier=OuterRef("pk"),
            status__in=(Document.Status.RECEIVED, Document.Status.FILED),
            carrier="paper",
        )
        dossiers = list(
            Dossier.objects.filter(secrecy_level="C")
            .filter(Exists(papers))
            .exclude(Exists(Loan.objects.filter(dossier=OuterRef("pk"))))
            .order_by("-pk")[:5]
        )
        groups = []
        for dossier in dossiers:
            documents = list(
                Document.objects.filter(
                    dossier=dossier,
                    status__in=(Document.Status.RECEIVED, Document.Status.FILED),
                    secrecy_level__in=("", "C"),
                    carrier="paper",
                )
                .exclude(category__code__in=TECHNICAL)
                .exclude(destruction_items__open=True)
                .order_by("pk")[:PER_BATCH]
            )
            if documents:
                groups.append(documents)
        ids = [g[0].dossier_id for g in groups]
        Occupancy.objects.filter(dossier_id__in=ids).update(moved_in=MOVED_IN)
        clerk = self.users["frontdesk"]
        for occupancy in Occupancy.objects.filter(dossier_id__in=ids, moved_out__isnull=True):
            try:
                occupancy_move_out(
                    occupancy=occupancy, moved_out=MOVED_OUT, actor=clerk, note="合同到期迁出"
                )
            except DomainError as exc:
                self.stderr.write(f"a demo move-out was refused: {exc}")
        Dossier.objects.filter(pk__in=ids).update(retention=Retention.SHORT)
        documents = [d.pk for g in groups for d in g]
        Document.objects.filter(pk__in=documents).update(
            document_date=DOCUMENT_DAY, retention=Retention.SHORT
        )
        retention.refresh(dossiers=ids)
        due = set(
            RetentionState.objects.filter(
                document_id__in=documents, permanent=False, due_on__lte=timezone.localdate()
            ).values_list("document_id", flat=True)
        )
        return [[d for d in g if d.pk in due] for g in groups if any(d.pk in due for d in g)]

    # --- The batches ------------------------------------------------------------------------
    def _open(self, documents, title):
        return batches.batch_open(
            title=title,
            documents=documents,
            actor=self.users["archivist"],
            members_note="客服部经理助理、工程部代表",
            note="按保管期限表鉴定，已到期的短期资料。",
        )

    def _decide_all(self, batch, decisions):
        archivist = self.users["archivist"]
        for item, decision in zip(batch.items.order_by("pk"), decisions, strict=False):
            keep = {"keep_years": 5} if decision == Decision.KEEP else {}
            batches.item_decide(
                item=item, decision=decision, actor=archivist, note="鉴定意见", **keep
            )

    def _draft(self, documents):
        """Being appraised: some items decided, the last not yet."""
        batch = self._open(documents, f"{timezone.localdate():%Y}年度第一批鉴定")
        decisions = [Decision.DESTROY, Decision.KEEP][: max(0, len(documents) - 1)]
        self._decide_all(batch, decisions)
        return batch

    def _submitted(self, documents):
        batch = self._open(documents, f"{timezone.localdate():%Y}年度第二批鉴定")
        decisions = [Decision.DESTROY] * len(documents)
        if len(documents) > 1:
            decisions[-1] = Decision.UNDECIDED  # R34: appraised again next year
        self._decide_all(batch, decisions)
        return batches.batch_submit(batch=batch, actor=self.users["archivist"])

    def _approved_at_once(self, documents):
        """Approved with the waiting days at 0 (restored at once), so it may be destroyed."""
        batch = self._open(documents, f"{timezone.localdate():%Y}年度第三批鉴定（已销毁）")
        self._decide_all(batch, [Decision.DESTROY] * len(documents))
        batch = batches.batch_submit(batch=batch, actor=self.users["archivist"])
        policy = Policy.current()
        waiting = policy.waiting_days
        Policy.objects.filter(pk=policy.pk).update(waiting_days=0)
        try:
            batch = batches.batch_approve(batch=batch, actor=self.users["manager"], note="同意销毁")
        finally:
            Policy.objects.filter(pk=policy.pk).update(waiting_days=waiting)
        # the approval a moment ago: its waiting period is over
        Batch.objects.filter(pk=batch.pk).update(
            executable_from=timezone.now() - datetime.timedelta(minutes=1)
        )
        batch.refresh_from_db()
        return batch

    def _executed(self, batch):
        """The head (the demo archivist, R36) destroys it before two witnesses (R37)."""
        from core.management.commands.create_demo_users import DEMO_PASSWORD

        head, witnesses = self.users["archivist"], [self.users["witness"], self.users["manager"]]
        batch = execution.batch_schedule(
            batch=batch,
            actor=head,
            planned_on=timezone.localdate(),
            method=Method.SHRED,
            place="公司档案室碎纸间",
            witnesses=witnesses,
        )
        try:
            return execution.batch_execute(
                batch=batch, actor=head, passwords={w.pk: DEMO_PASSWORD for w in witnesses}
            )
        except DomainError as exc:
            self.stderr.write(f"the demo batch was not destroyed: {exc}")
            return batch
