"""The moves of a destruction batch, declared once (docs/ARCHITECTURE.md, "The move"): who may
make each move, from which status, under which guard. ``destruction.batches.services`` and
``destruction.execution.services`` make them; the batch page offers them (``allowed_moves``)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import workflow
from core.permissions import can
from core.workflow import Move

from .models import Batch
from .permissions import APPRAISE, APPROVE, EXECUTE, VIEW

S = Batch.Status


def _not_own(user, batch):
    # R33: the appraisal is approved by a manager who did not open it nor sit in it
    if user.pk == batch.created_by_id:
        return _("You cannot approve a batch you opened.")
    if batch.members.filter(pk=user.pk).exists():
        return _("You cannot approve a batch whose appraisal you sat in.")
    return None


def _withdraw_guard(user, batch):
    # the archive room while it appraises; the manager and the head up to the execution
    if can(user, APPROVE) or can(user, EXECUTE):
        return None
    if can(user, APPRAISE) and batch.status in (S.DRAFT, S.SUBMITTED):
        return None
    return False


def _execute_guard(user, batch):
    if not batch.planned_on or not batch.method:
        return _("Plan the destruction first: its method, place and witnesses.")
    if batch.executable_from and timezone.now() < batch.executable_from:
        return _("The waiting period runs until %(when)s: the batch can still be withdrawn.") % {
            "when": date_format(timezone.localtime(batch.executable_from), "DATETIME_FORMAT")
        }
    return None


BATCHES = workflow.declare(
    Batch,
    Move("edit", None, perm=APPRAISE, source=(S.DRAFT,)),
    Move("submit", S.SUBMITTED, perm=APPRAISE),
    Move("approve", S.APPROVED, perm=APPROVE, guard=_not_own),
    Move("send_back", S.DRAFT, perm=APPROVE, guard=_not_own),
    # the batches' viewers only (someone without any right of destruction is refused and
    # logged); the guard says which of them, when
    Move("withdraw", S.WITHDRAWN, perm=VIEW, guard=_withdraw_guard),
    Move("schedule", None, perm=EXECUTE, source=(S.APPROVED,)),
    Move("execute", S.EXECUTING, perm=EXECUTE, guard=_execute_guard),
)
