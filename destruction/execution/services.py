"""The destruction itself (R36, R37): planned by the archive-room head, executed before at
least two witnesses, then carried out item by item by an idempotent task.

- ``batch_schedule``: the day, method, place and the witnesses (监销人), at least two distinct
  people other than the head; confidential material is shredded (R36). The witnesses are told.
- ``batch_execute``: after the waiting period, the head executes; each witness confirms by
  re-entering their password (a wrong one is refused and logged, five in a quarter hour stop
  the batch for the quarter hour). Every item is checked again: one on loan, in a handover,
  held, permanent or with copies out leaves the batch with its reason. The rest is queued.
- ``execution_run`` (the task ``destruction.execute_batch``): in chunks, each in one
  transaction holding the batch's row: the chunk's items are checked once more, the documents
  become DESTROYED through ``documents_move`` with their stored file removed from the storage
  just before the commit (the hash, name and size are kept), and the items are stamped. The
  storage is not transactional: a run that dies between a file's removal and its commit
  leaves the item in the batch with its file gone, and the next run (a redelivery, the
  sweep, or the head's "resume") marks it, since a missing file is removed trivially. An item
  is marked destroyed only in the transaction that has removed its file. When no item is left,
  the register (销毁清册) is made and its SHA-256 recorded, and the batch is completed.
- Before the first chunk (R44): a good backup (``core.safeguards.backup_before``: one of the
  last ``BACKUP_FRESH_MINUTES``, or one made now). When none can be made the execution does
  not start: the batch stays as it is, the head is told (the administrators are told by the
  backup), and the next run (the sweep, the head's "resume") tries again.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import safeguards, workflow
from core.lines import Line
from core.permissions import (
    WRONG_PASSWORD_MINUTES,
    WRONG_PASSWORDS,
    can,
    holders_of,
    record_refusal,
    too_many_refusals,
)
from core.roles import Role
from core.tasks import enqueue_on_commit
from core.workflow import DomainError
from customers.permissions import who_is_told
from customers.timeline import record_event
from documents.common import documents_move, record_history
from documents.models import Document
from documents.permissions import require_documents

from ..batches.services import batch_link
from ..checks import blockers
from ..models import Batch, BatchItem, Decision, Method, Witness
from ..moves import BATCHES  # noqa: F401  (the declaration the moves check)
from ..permissions import APPROVE, EXECUTE, WITNESS
from ..retention import refresh
from ..timeline import Kind

logger = logging.getLogger(__name__)
S = Batch.Status

__all__ = [
    "WrongPassword",
    "MIN_WITNESSES",
    "batch_schedule",
    "batch_execute",
    "batch_resume",
    "execution_run",
    "executions_unfinished",
]

MIN_WITNESSES = 2  # R37
WRONG_PASSWORD_DETAIL = "witness destruction: wrong password"  # noqa: S105 - a log line


class WrongPassword(DomainError):
    """A witness's password did not match (shown beside that witness's field)."""

    def __init__(self, message, witness=None):
        super().__init__(message)
        self.witness = witness


def _chunk_size() -> int:
    return max(1, int(getattr(settings, "DESTRUCTION_CHUNK_SIZE", 100)))


def _confidential(items) -> bool:
    return any(i.secrecy_level in ("A", "B") for i in items)


def _witness_refusal(user, actor) -> str | None:
    if user.pk == actor.pk:
        return _("The head who destroys is not one of the witnesses.")
    if not user.is_active:
        return _("%(who)s has left: name another witness.") % {"who": user}
    if not can(user, WITNESS):
        return _("%(who)s may not witness a destruction.") % {"who": user}
    return None


def batch_schedule(*, batch, actor, planned_on, method, place, witnesses) -> Batch:
    """Plan the destruction of an approved batch: day, method, place and its witnesses."""
    workflow.require_move(actor, batch, "schedule")
    method = Method(method) if method else None
    place = (place or "").strip()
    if method is None:
        raise DomainError(_("Choose how the items are destroyed."))
    if not place:
        raise DomainError(_("Say where the items are destroyed."))
    if planned_on is None:
        raise DomainError(_("Give the day of the destruction."))
    people = list({w.pk: w for w in witnesses}.values())
    if len(people) < MIN_WITNESSES:
        raise DomainError(_("Name at least %(n)s different witnesses.") % {"n": MIN_WITNESSES})
    for person in people:
        refused = _witness_refusal(person, actor)
        if refused:
            raise DomainError(refused)
    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "schedule")
        items = list(batch.items.filter(state=BatchItem.State.IN, decision=Decision.DESTROY))
        paper = [i for i in items if i.carrier != "electronic"]
        if method == Method.ERASE and paper:
            raise DomainError(_("Papers and objects cannot be erased: choose how they go."))
        if _confidential(paper) and method != Method.SHRED:
            raise DomainError(_("Confidential material is shredded."))
        kept = {w.user_id: w for w in batch.witnesses.filter(released=False)}
        for pk, witness in kept.items():
            if pk not in {p.pk for p in people}:
                witness.released = True
                workflow.save_with_history(
                    witness,
                    actor=actor,
                    reason=Line("No longer a witness"),
                    update_fields=["released"],
                )
        for person in people:
            witness, created = Witness.objects.get_or_create(batch=batch, user=person)
            if witness.released:
                witness.released = False
                workflow.save_with_history(
                    witness, actor=actor, reason=Line("Named a witness"), update_fields=["released"]
                )
            elif created:
                record_history(
                    Witness, [witness], actor=actor, reason=Line("Named a witness"), created=True
                )
        batch.planned_on, batch.method, batch.place = planned_on, method, place[:200]
        workflow.save_with_history(
            batch,
            actor=actor,
            reason=Line("Destruction planned"),
            update_fields=["planned_on", "method", "place"],
        )
        from core.services import notify

        notify(
            [p for p in people if p.pk not in kept],
            Line(
                "You are a witness of destruction batch %(number)s on %(day)s at %(place)s",
                number=batch.number,
                day=planned_on,
                place=place,
            ),
            batch_link(batch),
        )
    return batch


def _check_witnesses(batch, actor, passwords) -> list[Witness]:
    """The named witnesses, each with the right password; refused before anything moves and
    outside the transaction, so every wrong password's log row stays."""
    witnesses = list(batch.witnesses.filter(released=False).select_related("user"))
    if len(witnesses) < MIN_WITNESSES:
        raise DomainError(_("At least %(n)s witnesses must confirm.") % {"n": MIN_WITNESSES})
    if too_many_refusals(batch, WRONG_PASSWORD_DETAIL):
        record_refusal(actor, "witness destruction: too many wrong passwords", batch)
        raise WrongPassword(
            _("A password was wrong %(n)s times: try again in %(minutes)s minutes.")
            % {"n": WRONG_PASSWORDS, "minutes": WRONG_PASSWORD_MINUTES}
        )
    for witness in witnesses:
        refused = _witness_refusal(witness.user, actor)
        if refused:
            raise DomainError(refused)
    for witness in witnesses:
        typed = passwords.get(witness.user_id) or passwords.get(str(witness.user_id)) or ""
        if not (typed and witness.user.check_password(typed)):
            record_refusal(actor, f"{WRONG_PASSWORD_DETAIL} ({witness.user.username})", batch)
            raise WrongPassword(
                _("The password of %(who)s is wrong.") % {"who": witness.user},
                witness=witness.user,
            )
    return witnesses


def _leave(items, reasons, *, actor):
    """Items that may not be destroyed leave the batch, each with its reason (never silently)."""
    left = []
    for item in items:
        reason = reasons.get(item.document_id)
        if reason is None:
            continue
        item.state, item.open, item.blocked_reason = BatchItem.State.BLOCKED, False, reason[:300]
        workflow.save_with_history(
            item,
            actor=actor,
            reason=Line("Left the batch: %(reason)s", reason=reason),
            update_fields=["state", "open", "blocked_reason"],
        )
        left.append(item)
    return left


def _told_of(batch, *, exclude=None):
    people = {batch.created_by_id: batch.created_by}
    if batch.approved_by_id:
        people[batch.approved_by_id] = batch.approved_by
    if exclude is not None:
        people.pop(exclude.pk, None)
    return list(people.values())


def batch_execute(*, batch, actor, passwords) -> Batch:
    """The head executes the approved batch before its witnesses (R36, R37): ``passwords``
    {witness user id: password}. Returns the batch, being destroyed (the task does the rest)."""
    workflow.require_move(actor, batch, "execute")
    stored = Batch.objects.get(pk=batch.pk)
    witnesses = _check_witnesses(stored, actor, passwords)
    items = list(
        stored.items.filter(state=BatchItem.State.IN, decision=Decision.DESTROY).select_related(
            "document", "document__dossier"
        )
    )
    require_documents(actor, EXECUTE, [i.document for i in items])
    now = timezone.now()
    from ..tasks import execute_batch

    with transaction.atomic():
        batch = workflow.lock_for_move(actor, batch, "execute", related=("created_by",))
        left = _leave(
            items, blockers([i.document for i in items], batch=batch, due=False), actor=actor
        )
        for witness in witnesses:
            witness.confirmed_at = now
            workflow.save_with_history(
                witness,
                actor=witness.user,
                reason=Line("Witnessed"),
                update_fields=["confirmed_at"],
            )
        tell = [
            (
                _told_of(batch, exclude=actor),
                Line(
                    "Destruction batch %(number)s is being destroyed by %(who)s",
                    number=batch.number,
                    who=actor,
                ),
                batch_link(batch),
            )
        ]
        if left:
            tell.append(
                (
                    _told_of(batch),
                    Line(
                        "%(n)s items left destruction batch %(number)s: %(list)s",
                        n=len(left),
                        number=batch.number,
                        list="；".join(
                            f"{i.reference or i.title}: {i.blocked_reason}" for i in left
                        ),
                    ),
                    batch_link(batch),
                )
            )
        batch = workflow.transition(
            batch,
            S.EXECUTING,
            actor=actor,
            reason=Line(
                "Destruction started before %(names)s",
                names=[str(w.user) for w in witnesses],
            ),
            already_locked=True,
            tell=tell,
            executed_by=actor,
            execution_started_at=now,
        )
        enqueue_on_commit(execute_batch, batch.pk)
    return batch


def batch_resume(*, batch, actor) -> None:
    """Queue the rest of a destruction again (after an outage); idempotent."""
    from core.permissions import require

    from ..tasks import execute_batch

    require(actor, EXECUTE)
    if Batch.objects.filter(pk=batch.pk, status=S.EXECUTING).exists():
        enqueue_on_commit(execute_batch, batch.pk)


def executions_unfinished():
    """Batches being destroyed whose run has not finished (the sweep queues them again)."""
    return Batch.objects.filter(status=S.EXECUTING).order_by("pk")


# --- The run (the task) ---------------------------------------------------------------------
def _remove_file(storage, name) -> None:
    """Remove the stored file ``name`` (nothing when there is none or it is already gone)."""
    if not name:
        return
    storage.delete(name)
    if storage.exists(name):
        raise OSError(f"file {name!r} still there after deletion")


def _destroy_chunk(batch_id, size) -> int | None:
    """Destroy the next ``size`` items of the batch in one transaction: the number destroyed
    (0 when every one of them left the batch blocked), or None when nothing is left to do."""
    with transaction.atomic():
        batch = workflow.lock(Batch, batch_id, related=("executed_by",))
        if batch.status != S.EXECUTING:
            return None
        actor = batch.executed_by
        items = list(
            batch.items.filter(state=BatchItem.State.IN, decision=Decision.DESTROY)
            .select_related("document", "document__dossier")
            .order_by("pk")[:size]
        )
        if not items:
            return None
        _leave(items, blockers([i.document for i in items], batch=batch, due=False), actor=actor)
        items = [i for i in items if i.state == BatchItem.State.IN]
        if items:
            now = timezone.now()
            reason = Line("Destroyed in batch %(number)s", number=batch.number)
            documents = [i.document for i in items]
            files = [(d.file.storage, d.file.name) for d in documents if d.file]
            documents_move(
                documents, Document.Status.DESTROYED, actor=actor, reason=reason, file=""
            )
            ids = [i.pk for i in items]
            BatchItem.objects.filter(pk__in=ids).update(
                state=BatchItem.State.DESTROYED,
                open=False,
                destroyed_at=now,
                file_deleted_at=now,
            )
            record_history(
                BatchItem, list(BatchItem.objects.filter(pk__in=ids)), actor=actor, reason=reason
            )
            # last, just before the commit: a file is gone only with its document marked
            for storage, name in files:
                _remove_file(storage, name)
        return len(items)


def _complete(batch_id) -> Batch | None:
    from ..register.pdf import register_pdf

    with transaction.atomic():
        batch = workflow.lock(Batch, batch_id, related=("executed_by", "created_by", "approved_by"))
        if batch.status != S.EXECUTING:
            return None
        if batch.items.filter(state=BatchItem.State.IN, decision=Decision.DESTROY).exists():
            return None
        destroyed = list(
            batch.items.filter(state=BatchItem.State.DESTROYED).select_related("dossier")
        )
        refresh([i.document_id for i in destroyed])
        now = timezone.now()
        batch.completed_at = now
        content = register_pdf(batch)
        digest = hashlib.sha256(content).hexdigest()
        batch.register_file.save(f"{batch.number}.pdf", ContentFile(content), save=False)
        by_dossier: dict[int, list[BatchItem]] = {}
        for item in destroyed:
            by_dossier.setdefault(item.dossier_id, []).append(item)
        for group in by_dossier.values():
            record_event(
                dossier=group[0].dossier,
                kind=Kind.DESTROYED,
                title=Line(
                    "%(n)s documents destroyed in batch %(number)s",
                    n=len(group),
                    number=batch.number,
                ),
                detail="；".join(i.title for i in group),
                actor=batch.executed_by,
                record=batch,
            )
        witnesses = [w.user for w in batch.witnesses.filter(released=False).select_related("user")]
        people = {u.pk: u for u in [*_told_of(batch), *witnesses, batch.executed_by]}
        managers = who_is_told(None, roles=(Role.MANAGER,), perm=APPROVE)
        people.update({u.pk: u for u in managers})
        people.update({u.pk: u for u in holders_of(EXECUTE)})
        return workflow.transition(
            batch,
            S.COMPLETED,
            actor=batch.executed_by,
            reason=Line("Destroyed: %(n)s items", n=len(destroyed)),
            already_locked=True,
            completed_at=now,
            register_file=batch.register_file.name,
            register_sha256=digest,
            tell=[
                (
                    list(people.values()),
                    Line(
                        "Destruction batch %(number)s is completed: %(n)s items destroyed",
                        number=batch.number,
                        n=len(destroyed),
                    ),
                    batch_link(batch),
                )
            ],
        )


def _backup_first(batch_id) -> str:
    """R44: before the first chunk of a batch, a good backup. Returns "" to go on, or why the
    execution does not start (the head has been told)."""
    batch = Batch.objects.select_related("executed_by").get(pk=batch_id)
    if batch.status != S.EXECUTING:
        return ""
    items = batch.items.filter(decision=Decision.DESTROY)
    if items.filter(state=BatchItem.State.DESTROYED).exists():
        return ""  # begun: the backup was made before its first chunk
    if not items.filter(state=BatchItem.State.IN).exists():
        return ""
    try:
        safeguards.backup_before(safeguards.DESTRUCTION, actor=batch.executed_by, wait=True)
    except Exception as exc:  # a refusal, or a backup that broke: nothing is destroyed
        if not isinstance(exc, safeguards.BackupRefused):
            logger.exception("the backup before batch %s broke", batch.number)
        from core.services import notify

        heads = {u.pk: u for u in [batch.executed_by, *holders_of(EXECUTE)] if u is not None}
        notify(
            list(heads.values()),
            Line(
                "Destruction batch %(number)s has not started: no backup could be made first: "
                "%(error)s It starts when it is resumed.",
                number=batch.number,
                error=str(exc)[:300],
            ),
            batch_link(batch),
        )
        return str(exc) or exc.__class__.__name__
    return ""


def execution_run(*, batch_id, chunk_size=None) -> dict:
    """Carry out the destruction of batch ``batch_id`` from where it stands (idempotent: a
    second run, or one after a crash, destroys nothing twice). A good backup is made before
    the first chunk (R44); without one nothing is destroyed."""
    size = chunk_size or _chunk_size()
    refused = _backup_first(batch_id)
    if refused:
        status = Batch.objects.get(pk=batch_id).status
        return {"batch": batch_id, "chunks_items": 0, "status": str(status), "backup": refused}
    done = 0
    while (count := _destroy_chunk(batch_id, size)) is not None:
        done += count
    batch = _complete(batch_id)
    status = batch.status if batch else Batch.objects.get(pk=batch_id).status
    return {"batch": batch_id, "chunks_items": done, "status": str(status)}
