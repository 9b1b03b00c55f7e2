"""The batch pages' reads: what is due for appraisal, the lists of batches (all, waiting for
approval, to witness), the items waiting for the engineering opinion, one batch's items and
history, and the people a form offers. Every list runs a constant number of queries whatever
its length, in an order an index serves (``retention_due_idx`` for the due list)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.permissions import holders_of
from customers.models import ServiceCentre
from documents.models import Document, DocumentCategory
from documents.permissions import document_visible_to

from ..models import Batch, BatchItem, Hold, RetentionState, Witness
from ..permissions import EXECUTE, WITNESS

S = Batch.Status
DUE_STATUSES = (Document.Status.RECEIVED, Document.Status.FILED)


# --- Due for appraisal ----------------------------------------------------------------------
def due_states(*, user, centre=None, category=None, before=None, today=None):
    """The retention states of the documents due for appraisal that ``user`` may see: not
    permanent, due on or before today (or ``before``), received or filed, under no active
    hold and in no open batch; by due day, then document (``retention_due_idx``)."""
    today = today or timezone.localdate()
    limit = min(before, today) if before else today
    held = Hold.objects.filter(lifted_at__isnull=True, dossier_id=OuterRef("dossier_id")).filter(
        Q(document__isnull=True) | Q(document_id=OuterRef("document_id"))
    )
    in_batch = BatchItem.objects.filter(document_id=OuterRef("document_id"), open=True)
    states = RetentionState.objects.filter(
        permanent=False,
        due_on__lte=limit,
        document__status__in=DUE_STATUSES,
        document__in=document_visible_to(user).values("pk"),
    )
    if centre is not None:
        states = states.filter(dossier__unit__building__estate__service_centre=centre)
    if category is not None:
        states = states.filter(document__category=category)
    return (
        states.filter(~Exists(held), ~Exists(in_batch))
        .select_related("document", "document__category", "document__dossier")
        .order_by("due_on", "document_id")
    )


def centre_choices():
    return ServiceCentre.objects.order_by("code")


def category_choices():
    return DocumentCategory.objects.order_by("order", "code")


def staff_choices():
    """The active staff who may sit in an appraisal (users with a role)."""
    users = get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
    return users.order_by("last_name", "first_name", "username")


def witness_choices(*, head):
    """Who may be named a witness (R37): active users holding the witness permission, not the
    head who destroys (``head``, or anyone holding the execution right)."""
    heads = holders_of(EXECUTE).values("pk")
    users = get_user_model().objects.filter(pk__in=holders_of(WITNESS).values("pk"))
    return (
        users.exclude(pk__in=heads)
        .exclude(pk=head.pk)
        .order_by("last_name", "first_name", "username")
    )


# --- Lists of batches -----------------------------------------------------------------------
def _with_counts(qs):
    def count(**filters):
        sub = (
            BatchItem.objects.filter(batch=OuterRef("pk"), **filters)
            .order_by()
            .values("batch")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(sub, output_field=IntegerField()), 0)

    return qs.select_related("created_by", "approved_by").annotate(
        item_count=count(),
        destroy_count=count(decision="destroy", state__in=("in", "destroyed")),
    )


def batch_rows(*, status=None):
    """Every batch (the archive room's register), newest first, optionally of one status."""
    qs = Batch.objects.all()
    if status:
        qs = qs.filter(status=status)
    return _with_counts(qs).order_by("-created_at", "-pk")


def approval_rows():
    """Batches waiting for a manager's approval (R33), oldest first."""
    return _with_counts(Batch.objects.filter(status=S.SUBMITTED)).order_by("submitted_at", "pk")


def witness_rows(*, user):
    """Approved batches, and those being destroyed, in which ``user`` is a named witness."""
    named = Witness.objects.filter(batch=OuterRef("pk"), user=user, released=False)
    qs = Batch.objects.filter(Exists(named), status__in=(S.APPROVED, S.EXECUTING))
    return _with_counts(qs).order_by("planned_on", "pk")


def engineering_rows():
    """Technical items (R35) of batches being appraised that still wait for the opinion."""
    return (
        BatchItem.objects.filter(
            batch__status=S.DRAFT,
            state=BatchItem.State.IN,
            technical=True,
            engineering_opinion="",
        )
        .select_related("batch")
        .order_by("batch_id", "archive_number", "pk")
    )


# --- One batch ------------------------------------------------------------------------------
def batch_items(batch):
    return batch.items.select_related("decided_by", "engineering_by").order_by(
        "archive_number", "document_date", "pk"
    )


def batch_witnesses(batch):
    return list(batch.witnesses.filter(released=False).select_related("user").order_by("pk"))


def batch_members(batch):
    return list(batch.members.order_by("last_name", "first_name", "username"))


HISTORY_ROWS = 100


def batch_history(batch):
    """The batch's history rows and its items', newest first (the latest ``HISTORY_ROWS``)."""
    own = list(
        batch.history.select_related("history_user").order_by("-history_date", "-pk")[:HISTORY_ROWS]
    )
    items = list(
        BatchItem.history.filter(batch_id=batch.pk)
        .select_related("history_user")
        .order_by("-history_date", "-pk")[:HISTORY_ROWS]
    )
    for row in items:
        row.item_label = row.reference or row.archive_number
    rows = sorted([*own, *items], key=lambda h: h.history_date, reverse=True)
    return rows[:HISTORY_ROWS]
