"""The appraisal (鉴定) of a destruction batch (R33–R35, R39): one function per action, each with
the ``actor`` it acts for, checking that actor's rights itself (``destruction.moves``), so the
pages, the admin, the shell and Celery are held to the same rules.

- ``batch_open``: the archive room opens a batch from documents that are due; every one that
  may not enter is refused with its reason (permanent, held, on loan, in a handover, copies
  out, in another batch, not due).
- ``item_engineering_opinion``: the engineering department's opinion on a technical record,
  needed before its decision (R35).
- ``item_decide``: destroy, keep (for some years or permanently) or undecided (R34: appraised
  again next year).
- ``batch_submit`` → ``batch_approve`` by a manager who neither opened it nor sat in it (R33),
  or ``batch_send_back``; ``batch_withdraw`` with a reason, up to the execution. At approval
  the kept and undecided items leave the batch with their next appraisal day set; the
  destroy items wait the policy's waiting days (``Batch.executable_from``).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.choices import Retention
from core.lines import Line
from core.permissions import holders_of
from core.roles import Role
from core.workflow import DomainError
from customers.permissions import who_is_told
from documents.common import record_history
from documents.models import Document
from documents.permissions import require_documents

from ..checks import blockers
from ..models import Batch, BatchItem, Decision, Policy, RetentionState
from ..moves import BATCHES  # noqa: F401  (the declaration the moves check)
from ..permissions import APPRAISE, APPROVE, ENGINEERING, EXECUTE, require_items
from ..retention import add_years, refresh

S = Batch.Status

__all__ = [
    "batch_open",
    "batch_add_documents",
    "batch_remove_item",
    "item_engineering_opinion",
    "item_decide",
    "batch_submit",
    "batch_approve",
    "batch_send_back",
    "batch_withdraw",
    "batch_link",
    "UNDECIDED_YEARS",
]

UNDECIDED_YEARS = 1  # R34: kept and appraised again next year


def batch_link(batch) -> str:
    return reverse("destruction:batch_detail", args=[batch.pk])


def _refusal(reasons, documents) -> str:
    by_pk = {d.pk: d for d in documents}
    return "；".join(
        f"{by_pk[pk].reference or by_pk[pk].title}: {reason}" for pk, reason in reasons.items()
    )


def _stricter(*levels) -> str:
    """The stricter secrecy level: a document is as secret as its dossier at least."""
    order = {"": 0, "C": 1, "B": 2, "A": 3}
    return max((level or "" for level in levels), key=lambda level: order.get(level, 0))


def _tombstone(document) -> dict:
    """What the catalog of destroyed files keeps of a document (R38), copied at appraisal."""
    return {
        "dossier_id": document.dossier_id,
        "reference": document.reference,
        "archive_number": document.dossier.archive_number,
        "title": document.title,
        "category_name": str(document.category),
        "document_date": document.document_date,
        "carrier": document.carrier,
        "secrecy_level": _stricter(document.secrecy_level, document.dossier.secrecy_level),
        "pages": document.pages,
        "copies": document.copies,
        "file_name": document.file_name,
        "file_sha256": document.file_sha256,
    }


def _documents(documents):
    ids = {getattr(d, "pk", d) for d in documents}
    found = list(
        Document.objects.filter(pk__in=ids).select_related("dossier", "category").order_by("pk")
    )
    if len(found) != len(ids):
        raise DomainError(_("Some of the chosen documents do not exist."))
    return found


def _add(batch, documents, *, actor) -> list[BatchItem]:
    documents = _documents(documents)
    if not documents:
        raise DomainError(_("Choose at least one document."))
    require_documents(actor, APPRAISE, documents)
    refused = blockers(documents, batch=batch)
    if refused:
        raise DomainError(
            _("These documents cannot enter the batch: %(list)s")
            % {"list": _refusal(refused, documents)}
        )
    technical = set(
        RetentionState.objects.filter(
            document_id__in=[d.pk for d in documents], technical=True
        ).values_list("document_id", flat=True)
    )
    items = [
        BatchItem(batch=batch, document=d, technical=d.pk in technical, **_tombstone(d))
        for d in documents
    ]
    try:
        with transaction.atomic():
            items = BatchItem.objects.bulk_create(items)
    except IntegrityError:
        # the partial unique index: another batch took one of them at the same moment
        raise DomainError(
            _("Another batch has just taken one of these documents; reload the page.")
        ) from None
    record_history(BatchItem, items, actor=actor, reason=Line("Added to the batch"), created=True)
    return items


def batch_open(*, title, documents, actor, members=(), members_note="", note="") -> Batch:
    """Open a batch (being appraised) with ``documents``, all due for appraisal; ``members``:
    the appraisal's members (the actor is one)."""
    from core.permissions import require

    require(actor, APPRAISE)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the batch a title."))
    # the sight of every document is asked before the transaction, so a refusal's log row stays
    require_documents(actor, APPRAISE, _documents(documents))
    with transaction.atomic():
        batch = Batch(
            title=title[:200],
            created_by=actor,
            members_note=(members_note or "").strip()[:300],
            appraisal_note=(note or "").strip(),
        )
        # its first history row names the opener too
        workflow.save_with_history(batch, actor=actor, reason=Line("Batch opened"))
        batch.number = f"XH{timezone.localdate():%Y}-{batch.pk:04d}"
        Batch.objects.filter(pk=batch.pk).update(number=batch.number)
        batch.members.set({actor.pk, *(getattr(m, "pk", m) for m in members)})
        _add(batch, documents, actor=actor)
        workflow.save_with_history(batch, actor=actor, reason=Line("Batch opened"))
    return batch


def batch_add_documents(*, batch, documents, actor) -> list[BatchItem]:
    workflow.require_move(actor, batch, "edit")
    require_documents(actor, APPRAISE, _documents(documents))  # before: its refusal is kept
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "edit")
        return _add(batch, documents, actor=actor)


def _item_for(item, actor, move="edit"):
    """The item and its batch locked, the move asked again of the batch as it is now."""
    stored = BatchItem.objects.select_related("batch", "document", "document__dossier").get(
        pk=item.pk
    )
    workflow.require_move(actor, stored.batch, move)
    return stored


def batch_remove_item(*, item, actor) -> None:
    item = _item_for(item, actor)
    require_documents(actor, APPRAISE, [item.document])
    with transaction.atomic():
        workflow.lock_for_move(actor, item.batch, "edit")
        BatchItem.objects.filter(pk=item.pk).update(
            open=False, state=BatchItem.State.BLOCKED, blocked_reason=_("Taken out at appraisal")
        )
        item.refresh_from_db()
        record_history(BatchItem, [item], actor=actor, reason=Line("Taken out at appraisal"))


def item_engineering_opinion(*, item, opinion, actor) -> BatchItem:
    """R35: the engineering department's opinion on a technical record of a batch being
    appraised."""
    stored = BatchItem.objects.select_related("batch", "document", "document__dossier").get(
        pk=item.pk
    )
    require_items(actor, ENGINEERING, [stored])
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError(_("Write the opinion."))
    with transaction.atomic():
        batch = workflow.lock(Batch, stored.batch_id)
        if batch.status != S.DRAFT:
            raise DomainError(_("The batch is no longer being appraised."))
        stored.engineering_opinion = opinion
        stored.engineering_by = actor
        stored.engineering_at = timezone.now()
        workflow.save_with_history(
            stored,
            actor=actor,
            reason=Line("Engineering opinion"),
            update_fields=["engineering_opinion", "engineering_by", "engineering_at"],
        )
    return stored


def item_decide(
    *, item, decision, actor, keep_years=None, keep_permanently=False, note=""
) -> BatchItem:
    """The appraisal's decision on one item."""
    stored = _item_for(item, actor)
    require_documents(actor, APPRAISE, [stored.document])
    decision = Decision(decision)
    if decision == Decision.PENDING:
        raise DomainError(_("Choose a decision."))
    if stored.state != BatchItem.State.IN:
        raise DomainError(_("This item has left the batch."))
    if stored.technical and not stored.engineering_opinion:
        raise DomainError(_("A technical record needs the engineering department's opinion first."))
    keep_years = int(keep_years) if keep_years not in (None, "") else None
    if decision == Decision.KEEP and not keep_permanently and not keep_years:
        raise DomainError(_("Say for how many years it is kept, or keep it permanently."))
    if keep_years is not None and not 1 <= keep_years <= 100:
        raise DomainError(_("Keep it for 1 to 100 years."))
    if decision == Decision.DESTROY:
        refused = blockers([stored.document], batch=stored.batch)
        if refused:
            raise DomainError(refused[stored.document_id])
    with transaction.atomic():
        workflow.lock_for_move(actor, stored.batch, "edit")
        stored.decision = decision
        stored.keep_years = keep_years if decision == Decision.KEEP else None
        stored.keep_permanently = bool(keep_permanently) and decision == Decision.KEEP
        stored.decision_note = (note or "").strip()[:300]
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        workflow.save_with_history(
            stored,
            actor=actor,
            reason=Line("Decision: %(decision)s", decision=decision.label),
            update_fields=[
                "decision",
                "keep_years",
                "keep_permanently",
                "decision_note",
                "decided_by",
                "decided_at",
            ],
        )
    return stored


def _items_in(batch):
    return list(
        batch.items.filter(state=BatchItem.State.IN).select_related("document", "document__dossier")
    )


def _managers(batch, *, exclude=None):
    users = who_is_told(None, roles=(Role.MANAGER,), perm=APPROVE, exclude=exclude)
    return [u for u in users if u.pk != batch.created_by_id]


def batch_submit(*, batch, actor) -> Batch:
    workflow.require_move(actor, batch, "submit")
    require_documents(actor, APPRAISE, [i.document for i in _items_in(batch)])  # logged, kept
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "submit")
        items = _items_in(batch)
        if not items:
            raise DomainError(_("The batch holds no items."))
        pending = [i for i in items if i.decision == Decision.PENDING]
        if pending:
            raise DomainError(
                _("Decide every item first: %(n)s are not decided.") % {"n": len(pending)}
            )
        missing = [i for i in items if i.technical and not i.engineering_opinion]
        if missing:
            raise DomainError(
                _("%(n)s technical records still need the engineering opinion.")
                % {"n": len(missing)}
            )
        require_documents(actor, APPRAISE, [i.document for i in items])
        message = Line("Destruction batch %(number)s awaits your approval", number=batch.number)
        return workflow.transition(
            batch,
            S.SUBMITTED,
            actor=actor,
            reason=Line("Submitted for approval"),
            already_locked=True,
            submitted_at=timezone.now(),
            tell=[(_managers(batch), message, batch_link(batch))],
        )


def _apply_decisions(batch, items, *, actor, today) -> None:
    """The kept and the undecided items leave the batch with their next appraisal day; kept
    permanently, the document becomes permanent."""
    leaving = [i for i in items if i.decision in (Decision.KEEP, Decision.UNDECIDED)]
    if not leaving:
        return
    permanent_ids = [i.document_id for i in leaving if i.keep_permanently]
    if permanent_ids:
        documents = list(Document.objects.filter(pk__in=permanent_ids))
        Document.objects.filter(pk__in=permanent_ids).update(retention=Retention.PERMANENT)
        for d in documents:
            d.retention = Retention.PERMANENT
        record_history(
            Document,
            documents,
            actor=actor,
            reason=Line("Kept permanently at appraisal %(number)s", number=batch.number),
        )
    for item in leaving:
        years = UNDECIDED_YEARS if item.decision == Decision.UNDECIDED else item.keep_years
        review = add_years(today, years) if years else None
        RetentionState.objects.filter(document_id=item.document_id).update(
            review_on=review, review_batch=batch
        )
    BatchItem.objects.filter(pk__in=[i.pk for i in leaving]).update(open=False)
    refresh([i.document_id for i in leaving])


def batch_approve(*, batch, actor, note="") -> Batch:
    """R33: a manager approves the appraisal. Every destroy item is checked again (a document
    that has since been put on hold, lent or made permanent is refused with its reason)."""
    workflow.require_move(actor, batch, "approve")
    require_documents(actor, APPROVE, [i.document for i in _items_in(batch)])  # logged, kept
    today = timezone.localdate()
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "approve")
        items = _items_in(batch)
        require_documents(actor, APPROVE, [i.document for i in items])
        destroy = [i for i in items if i.decision == Decision.DESTROY]
        refused = blockers([i.document for i in destroy], batch=batch, due=False)
        if refused:
            raise DomainError(
                _("These items cannot be approved for destruction: %(list)s")
                % {"list": _refusal(refused, [i.document for i in destroy])}
            )
        _apply_decisions(batch, items, actor=actor, today=today)
        now = timezone.now()
        waiting = datetime.timedelta(days=Policy.current().waiting_days)
        link = batch_link(batch)
        heads = list(holders_of(EXECUTE))
        told = [
            (
                [batch.created_by, *heads],
                Line(
                    "Destruction batch %(number)s is approved: %(n)s items to destroy after "
                    "%(day)s",
                    number=batch.number,
                    n=len(destroy),
                    day=timezone.localdate(now + waiting),
                ),
                link,
            )
        ]
        batch = workflow.transition(
            batch,
            S.APPROVED,
            actor=actor,
            reason=Line("Approved"),
            already_locked=True,
            tell=told,
            approved_by=actor,
            approved_at=now,
            approval_note=(note or "").strip()[:300],
            executable_from=now + waiting,
        )
        if not destroy:
            batch = workflow.transition(
                batch,
                S.COMPLETED,
                actor=actor,
                reason=Line("Nothing to destroy: every item kept or undecided"),
                already_locked=True,
                completed_at=now,
            )
        return batch


def batch_send_back(*, batch, actor, reason) -> Batch:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the batch goes back."))
    workflow.require_move(actor, batch, "send_back")
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "send_back")
        return workflow.transition(
            batch,
            S.DRAFT,
            actor=actor,
            reason=Line("Sent back: %(reason)s", reason=reason),
            already_locked=True,
            tell=[
                (
                    [batch.created_by],
                    Line(
                        "Destruction batch %(number)s was sent back: %(reason)s",
                        number=batch.number,
                        reason=reason,
                    ),
                    batch_link(batch),
                )
            ],
        )


def batch_withdraw(*, batch, actor, reason) -> Batch:
    """Withdraw a batch, up to its execution, with a reason: its items are free again and
    nothing is destroyed."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the batch is withdrawn."))
    workflow.require_move(actor, batch, "withdraw")
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "withdraw")
        items = list(batch.items.filter(open=True))
        BatchItem.objects.filter(pk__in=[i.pk for i in items]).update(open=False)
        record_history(BatchItem, items, actor=actor, reason=Line("Batch withdrawn"))
        people = {batch.created_by, *(w.user for w in batch.witnesses.select_related("user"))}
        if batch.approved_by:
            people.add(batch.approved_by)
        people.discard(actor)
        return workflow.transition(
            batch,
            S.WITHDRAWN,
            actor=actor,
            reason=Line("Withdrawn: %(reason)s", reason=reason),
            already_locked=True,
            withdrawn_by=actor,
            withdrawn_at=timezone.now(),
            withdraw_reason=reason[:300],
            tell=[
                (
                    list(people),
                    Line(
                        "Destruction batch %(number)s was withdrawn: %(reason)s",
                        number=batch.number,
                        reason=reason,
                    ),
                    batch_link(batch),
                )
            ],
        )
