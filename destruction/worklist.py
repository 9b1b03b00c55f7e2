"""The home page's sections of destruction (``core.worklist``): the batches waiting for a
manager's approval (R33) and those this person is named to witness (R37)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import worklist
from core.permissions import can

from .batches import selectors
from .permissions import APPROVE, WITNESS


def _batch_item(batch, when):
    return worklist.Item(
        label=str(batch),
        url=reverse("destruction:batch_detail", args=[batch.pk]),
        detail=batch.get_status_display(),
        when=when,
    )


def batches_to_approve(user, limit):
    if not can(user, APPROVE):
        return None
    count, rows = worklist.first(selectors.approval_rows(), limit)
    return worklist.Section(
        title=_("Destruction batches to approve"),
        count=count,
        items=[_batch_item(b, b.submitted_at) for b in rows],
        icon="trash3",
        url=reverse("destruction:approval_queue"),
    )


def batches_to_witness(user, limit):
    if not can(user, WITNESS):
        return None
    count, rows = worklist.first(selectors.witness_rows(user=user), limit)
    return worklist.Section(
        title=_("Destructions to witness"),
        count=count,
        items=[_batch_item(b, b.planned_on) for b in rows],
        icon="eye",
        url=reverse("destruction:witness_queue"),
    )


def register():
    worklist.register("batches_to_approve", batches_to_approve, order=70)
    worklist.register("batches_to_witness", batches_to_witness, order=72)
