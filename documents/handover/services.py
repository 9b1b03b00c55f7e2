"""R30: the half-yearly handover (移交) of a service centre's files to the company archive room.

The centre prepares the handover list (移交清单) dossier by dossier, submits it; the archive
room checks every item against the papers; both sides sign (re-entering their password), and
the accepted documents pass into the archive room's custody. Two copies are printed, one each.

The moves are declared once (``WORKFLOW``, core.workflow): the pages offer what
``allowed_moves`` answers, and each service asks ``require_move`` of the stored row before its
transaction (so a refusal's log row is kept), then locks the handover and asks again of the
row it holds (the decision is taken on the current row, not on the caller's copy), and moves
the status with ``transition`` (a compare-and-set: SQLite ignores ``select_for_update``).
The documents' own status moves through ``documents_move``.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.lines import Line
from core.roles import Role
from core.services import notify
from core.workflow import DomainError
from customers.permissions import require_on_dossier, who_is_told

from ..common import documents_move, record_history
from ..models import Document, Handover, HandoverItem
from ..permissions import require_documents
from .selectors import (
    HANDABLE,
    OPEN,
    PERIOD_PATTERN,
    current_period,
    eligibility_for,
    handable_documents,
    previous_period,
)

__all__ = [
    "DomainError",
    "WrongPassword",
    "WORKFLOW",
    "OPEN",
    "PERIOD_PATTERN",
    "CENTRE",
    "ARCHIVE",
    "SIDES",
    "SIGN_MOVES",
    "current_period",
    "previous_period",
    "handover_create",
    "handover_add_dossier",
    "handover_start",
    "handover_remove_item",
    "handover_submit",
    "handover_check_item",
    "handover_mark_checked",
    "handover_sign",
    "handover_send_back",
    "handover_cancel",
    "handover_remind",
    "can_sign",
]

Status = Handover.Status
Result = HandoverItem.Result

CENTRE, ARCHIVE = "centre", "archive"
SIDES = (CENTRE, ARCHIVE)
# the service centre prepares its list and signs its side; the archive room checks and signs
CENTRE_PERM, ARCHIVE_PERM = "documents.change_handover", "documents.check_handover"
SIGN_MOVES = {CENTRE: "sign_centre", ARCHIVE: "sign_archive"}


class WrongPassword(DomainError):
    """The signer's password did not match (shown beside the password field)."""


# --- The moves ------------------------------------------------------------------------------
def _either_side(user, handover, perm):
    """A handover has no object-level right of its own (whoever may view handovers sees them
    all). A move declared without a permission is one either side may make (sending a list
    back): it needs the right of one of the two sides."""
    if perm is None:
        return gate.can(user, CENTRE_PERM) or gate.can(user, ARCHIVE_PERM)
    return True


def _not_empty(user, handover):
    if not handover.items.exists():
        return _("The handover list is empty: add dossiers before submitting.")
    return None


def _may_sign(mine, other):
    """Each side signs once, and the two signers are different people."""

    def guard(user, handover):
        if getattr(handover, mine):
            return _("This side has already signed.")
        if getattr(handover, other) == user.pk:
            return _(
                "You have signed for the other side: the two signers must be different people."
            )
        return None

    return guard


WORKFLOW = workflow.declare(
    Handover,
    workflow.Move("add", None, perm=CENTRE_PERM, source=(Status.DRAFT,)),
    workflow.Move("remove", None, perm=CENTRE_PERM, source=(Status.DRAFT,)),
    workflow.Move(
        "submit", Status.SUBMITTED, perm=CENTRE_PERM, source=(Status.DRAFT,), guard=_not_empty
    ),
    workflow.Move("cancel", Status.CANCELLED, perm=CENTRE_PERM, source=(Status.DRAFT,)),
    workflow.Move("check", None, perm=ARCHIVE_PERM, source=(Status.SUBMITTED,)),
    # offered while checking; refused until every item has a result
    workflow.Move("mark_checked", Status.CHECKED, perm=ARCHIVE_PERM, source=(Status.SUBMITTED,)),
    workflow.Move(
        "sign_centre",
        None,
        perm=CENTRE_PERM,
        source=(Status.CHECKED,),
        guard=_may_sign("centre_signed_by_id", "archive_signed_by_id"),
    ),
    workflow.Move(
        "sign_archive",
        None,
        perm=ARCHIVE_PERM,
        source=(Status.CHECKED,),
        guard=_may_sign("archive_signed_by_id", "centre_signed_by_id"),
    ),
    # corrections, by either side: checking resumes, or the centre corrects its list
    workflow.Move("send_back", Status.SUBMITTED, source=(Status.CHECKED,)),
    workflow.Move("send_back_to_draft", Status.DRAFT, source=(Status.SUBMITTED,)),
    gate=_either_side,
)
SEND_BACK = {Status.CHECKED: "send_back", Status.SUBMITTED: "send_back_to_draft"}


def _require(actor, handover, move) -> None:
    """Before the transaction (a refusal's log row is kept): ``move`` asked of the handover as
    it is stored now, since the services decide on the current row, not on the caller's copy."""
    workflow.require_move(actor, Handover.objects.get(pk=handover.pk), move)


# --- Helpers --------------------------------------------------------------------------------
def _link(handover):
    return reverse("documents:handover_detail", args=[handover.pk])


def _archivists(*, exclude=None):
    return who_is_told(None, roles=(Role.ARCHIVIST,), exclude=exclude)


def _documents_back(handover, *, actor, reason, document_ids=None):
    """Documents of the handover that were marked in handover return to where they were: filed
    when they are still in a box, otherwise received."""
    qs = Document.objects.filter(
        handover_items__handover=handover, status=Document.Status.IN_HANDOVER
    )
    if document_ids is not None:
        qs = qs.filter(pk__in=document_ids)
    documents = list(qs)
    boxed = [d for d in documents if d.box_id]
    documents_move(boxed, Document.Status.FILED, actor=actor, reason=reason)
    loose = [d for d in documents if not d.box_id]
    documents_move(loose, Document.Status.RECEIVED, actor=actor, reason=reason)
    return len(documents)


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


# --- Moves ---------------------------------------------------------------------------------
def handover_create(*, service_centre, period, actor) -> Handover:
    """Open a handover list of ``service_centre`` for ``period`` ("2026H1"/"2026H2")."""
    gate.require(actor, "documents.add_handover")
    period = (period or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise DomainError(
            _("The period is written as the year and the half, for example 2026H1 or 2026H2.")
        )
    with transaction.atomic():
        open_one = Handover.objects.filter(
            service_centre=service_centre, period=period, status__in=OPEN
        ).exists()
        if open_one:
            raise DomainError(
                _("%(centre)s already has an open handover for %(period)s; continue that one.")
                % {"centre": service_centre, "period": period}
            )
        handover = Handover(service_centre=service_centre, period=period, prepared_by=actor)
        workflow.save_with_history(handover, actor=actor, reason=Line("Handover list opened"))
    return handover


def handover_add_dossier(
    *, handover, dossier, actor, override_reason="", until=None, documents=None
) -> list[HandoverItem]:
    """Put every document of ``dossier`` still held by the centre on the list (R30), those
    dated on or before ``until`` when it is given. A dossier with none is refused with the
    real reason of its documents (awaiting filing at the archive room, in another open
    handover, on loan, destroyed …). ``documents``: the ids of the papers picked; only those
    of the dossier's that can go are listed.

    An incomplete dossier (one that lacks a required document) is refused, unless a manager
    accepts it with a reason, which is recorded on the handover and printed on the list."""
    require_on_dossier(actor, CENTRE_PERM, dossier)
    override_reason = (override_reason or "").strip()
    if override_reason:  # accepting an incomplete dossier is a manager's; checked before the
        gate.require(actor, "documents.override_handover")  # transaction: the refusal is kept
    _require(actor, handover, "add")
    dossier_centre = dossier.unit.building.estate.service_centre_id
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, handover, "add")
        if dossier_centre != handover.service_centre_id:
            raise DomainError(
                _("%(number)s is not looked after by %(centre)s.")
                % {"number": dossier.archive_number, "centre": handover.service_centre}
            )
        eligibility = eligibility_for(dossier, until=until)
        gaps = eligibility.gaps
        if not eligibility.ready:  # the real reason of each document that cannot go
            raise DomainError(
                _("%(number)s cannot be handed over: %(reasons)s.")
                % {"number": dossier.archive_number, "reasons": eligibility.refusal}
            )
        if gaps:
            missing = sorted({c.name for gap in gaps for c in gap.missing})
            if not override_reason:
                raise DomainError(
                    _(
                        "%(number)s is incomplete, it lacks: %(missing)s. Add the documents first, "
                        "or ask a manager to accept it with a reason."
                    )
                    % {"number": dossier.archive_number, "missing": "、".join(missing)}
                )
        picked = documents
        documents = handable_documents(dossier, until=until)
        if picked is not None:
            documents = documents.filter(pk__in=picked)
        documents = list(documents)
        if not documents:
            raise DomainError(
                _("No paper of %(number)s that can be handed over was picked.")
                % {"number": dossier.archive_number}
            )
        items = HandoverItem.objects.bulk_create(
            [HandoverItem(handover=handover, document=d) for d in documents]
        )
        record_history(
            HandoverItem, items, actor=actor, reason=Line("Added to the handover"), created=True
        )
        if gaps:
            entry = f"{dossier.archive_number}: {override_reason}"
            text = f"{handover.override_reason}；{entry}" if handover.override_reason else entry
            if len(text) > Handover._meta.get_field("override_reason").max_length:
                raise DomainError(_("The reason is too long for the handover list; shorten it."))
            handover.override_reason, handover.override_by = text, actor
            workflow.save_with_history(
                handover,
                actor=actor,
                reason=Line(
                    "Incomplete dossier %(number)s accepted", number=dossier.archive_number
                ),
                update_fields=["override_reason", "override_by"],
            )
    return items


def handover_start(*, service_centre, period, dossiers, actor, until=None, documents=None):
    """Open the handover list of ``service_centre`` for ``period`` with ``dossiers`` picked
    from the list of its dossiers (of their papers, only those in ``documents`` when given).
    Returns the handover and the refused dossiers with their reasons; when none can be added,
    nothing is opened (DomainError naming each reason)."""
    gate.require(actor, "documents.add_handover")
    dossiers = list(dossiers)
    if not dossiers:
        raise DomainError(_("Choose the dossiers to hand over."))
    for dossier in dossiers:  # before the transaction: a refusal's log row is kept
        require_on_dossier(actor, CENTRE_PERM, dossier)
    refused = []
    with transaction.atomic():
        handover = handover_create(service_centre=service_centre, period=period, actor=actor)
        added = 0
        for dossier in dossiers:
            try:
                added += len(
                    handover_add_dossier(
                        handover=handover,
                        dossier=dossier,
                        actor=actor,
                        until=until,
                        documents=documents,
                    )
                )
            except DomainError as exc:
                refused.append((dossier, str(exc)))
        if not added:
            raise DomainError(" ".join(reason for _dossier, reason in refused))
    return handover, refused


def handover_remove_item(*, item, actor) -> None:
    require_documents(actor, CENTRE_PERM, [item.document])
    _require(actor, item.handover, "remove")
    with transaction.atomic():
        workflow.lock_for_move(actor, item.handover, "remove")
        deleted, _detail = HandoverItem.objects.filter(
            pk=item.pk, handover__status=Status.DRAFT
        ).delete()
        if not deleted:
            raise DomainError(workflow.stale_message(item.handover))


def handover_submit(*, handover, actor) -> Handover:
    """DRAFT → SUBMITTED: the documents are marked in handover; the archivists are told."""
    _require(actor, handover, "submit")
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, handover, "submit")
        # the documents may have moved since they were listed (a loan, a destruction)
        documents = list(
            Document.objects.filter(handover_items__handover=handover).select_related("dossier")
        )
        gone = [
            d
            for d in documents
            if d.custody != Document.Custody.SERVICE_CENTRE or d.status not in HANDABLE
        ]
        if gone:
            raise DomainError(
                _("These documents can no longer be handed over; remove them first: %(list)s.")
                % {"list": "、".join(str(d) for d in gone)}
            )
        documents_move(
            documents,
            Document.Status.IN_HANDOVER,
            actor=actor,
            reason=Line("In handover %(period)s", period=handover.period),
        )
        message = Line(
            "%(centre)s has submitted its handover of %(period)s (%(n)d items) for checking.",
            centre=handover.service_centre,
            period=handover.period,
            n=len(documents),
        )
        workflow.transition(
            handover,
            Status.SUBMITTED,
            actor=actor,
            reason=Line("Submitted for checking"),
            already_locked=True,
            tell=[(_archivists(exclude=actor), message, _link(handover))],
            submitted_at=timezone.now(),
        )
    return handover


def handover_check_item(*, item, result, note, actor) -> HandoverItem:
    """The archive room checks one item against the papers: accepted, missing or differs."""
    require_documents(actor, ARCHIVE_PERM, [item.document])
    note = (note or "").strip()
    if result not in (Result.ACCEPTED, Result.MISSING, Result.DIFFERS):
        raise DomainError(_("Choose accepted, missing or differs."))
    if result != Result.ACCEPTED and not note:
        raise DomainError(
            _("Say in the note what is wrong when an item is “%(result)s”.")
            % {"result": Result(result).label}
        )
    _require(actor, item.handover, "check")
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, item.handover, "check")
        updated = HandoverItem.objects.filter(
            pk=item.pk, handover=handover, handover__status=Status.SUBMITTED
        ).update(result=result, note=note)
        if updated != 1:
            raise DomainError(workflow.stale_message(handover))
        item.result, item.note, item.handover = result, note, handover
        record_history(HandoverItem, [item], actor=actor, reason=Line("Checked"))
    return item


def handover_mark_checked(*, handover, actor) -> Handover:
    """SUBMITTED → CHECKED once every item has a result; the centre is asked to sign."""
    _require(actor, handover, "mark_checked")
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, handover, "mark_checked")
        pending = handover.items.filter(result=Result.PENDING).count()
        if pending:
            raise DomainError(_("%(n)d item(s) are not checked yet.") % {"n": pending})
        message = Line(
            "The archive room has checked the handover of %(period)s; it awaits both signatures.",
            period=handover.period,
        )
        workflow.transition(
            handover,
            Status.CHECKED,
            actor=actor,
            reason=Line("Checked"),
            already_locked=True,
            tell=[
                (
                    [u for u in [handover.prepared_by] if u.pk != actor.pk],
                    message,
                    _link(handover),
                )
            ],
            checked_by=actor,
            checked_at=timezone.now(),
        )
    return handover


SIGN_WRONG_PASSWORD = "sign handover: wrong password"  # noqa: S105 - a log line


def handover_sign(*, handover, side, actor, password) -> Handover:
    """Sign for the service centre or for the archive room; the signer re-enters their password.
    Five wrong passwords for a handover in 15 minutes stop its signing for a while (the
    password is not a log-in, so django-axes does not count it). The two signers are different
    people. The second signature completes the handover: the
    accepted documents pass to the archive room, the others stay at the centre."""
    if side not in SIDES:
        raise DomainError(_("Sign for the service centre or for the archive room."))
    move = SIGN_MOVES[side]
    stored = Handover.objects.get(pk=handover.pk)
    if not WORKFLOW.permitted(actor, stored, WORKFLOW.moves[move]):
        workflow.require_move(actor, stored, move)  # the missing right, refused and logged
    # Checked before the transaction: the refusal must stay in the log when the move fails;
    # and before the state, so that every wrong password is logged, signable or not.
    if gate.too_many_refusals(stored, SIGN_WRONG_PASSWORD):
        gate.record_refusal(actor, "sign handover: too many wrong passwords", stored)
        raise WrongPassword(
            _("The password was wrong %(n)s times: try again in %(minutes)s minutes.")
            % {"n": gate.WRONG_PASSWORDS, "minutes": gate.WRONG_PASSWORD_MINUTES}
        )
    if not password or not actor.check_password(password):
        gate.record_refusal(actor, f"{SIGN_WRONG_PASSWORD} ({side})", handover)
        raise WrongPassword(_("The password is wrong."))
    _require(actor, handover, move)
    now = timezone.now()
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, handover, move)
        mine = "centre_signed_by_id" if side == CENTRE else "archive_signed_by_id"
        signature = {mine: actor.pk, mine.replace("_by_id", "_at"): now}
        updated = Handover.objects.filter(
            pk=handover.pk, status=Status.CHECKED, **{mine: None}
        ).update(**signature)
        if updated != 1:
            raise DomainError(workflow.stale_message(handover))
        for name, value in signature.items():
            setattr(handover, name, value)
        completed = bool(handover.centre_signed_by_id and handover.archive_signed_by_id)
        if completed:
            _complete(handover, actor=actor)
        else:
            signed = (
                _("Signed for the service centre")
                if side == CENTRE
                else _("Signed for the archive room")
            )
            record_history(Handover, [handover], actor=actor, reason=signed)
        if side == CENTRE:
            others = [handover.checked_by, handover.archive_signed_by]
        else:
            others = [handover.prepared_by, handover.centre_signed_by]
        others = [u for u in others if u is not None and u.pk != actor.pk]
        if completed:
            message = Line(
                "The handover of %(period)s is signed by both sides and completed.",
                period=handover.period,
            )
        else:
            message = Line(
                "%(name)s has signed the handover of %(period)s; your signature is awaited.",
                period=handover.period,
                name=_name(actor),
            )
        notify(others, message, _link(handover))
    return handover


def _complete(handover, *, actor):
    """CHECKED → COMPLETED: accepted documents pass to the archive room, to be filed there."""
    workflow.transition(
        handover, Status.COMPLETED, actor=actor, reason=Line("Completed"), already_locked=True
    )
    items = handover.items.all()
    accepted = list(items.filter(result=Result.ACCEPTED).values_list("document_id", flat=True))
    documents_move(
        Document.objects.filter(pk__in=accepted, status=Document.Status.IN_HANDOVER),
        Document.Status.RECEIVED,
        actor=actor,
        reason=Line("Handed over to the archive room (%(period)s)", period=handover.period),
        custody=Document.Custody.ARCHIVE,
        box=None,
        item_number=None,
    )
    kept = list(items.exclude(result=Result.ACCEPTED).values_list("document_id", flat=True))
    _documents_back(
        handover,
        actor=actor,
        document_ids=kept,
        reason=Line(
            "Not accepted in handover %(period)s; stays at the centre", period=handover.period
        ),
    )


def _require_send_back(actor, handover) -> str:
    """The send-back step of ``handover``'s status, refused like any move (a missing right
    first); a send-back step has no guard, so what else refuses it is the status."""
    move = SEND_BACK.get(handover.status, "send_back")
    try:
        workflow.require_move(actor, handover, move)
    except DomainError:
        raise DomainError(
            _("Only a submitted or checked handover can be sent back; this one is “%(s)s”.")
            % {"s": handover.get_status_display()}
        ) from None
    return move


def handover_send_back(*, handover, actor, reason="", seen=None) -> Handover:
    """Corrections: CHECKED → SUBMITTED (signatures are cleared, checking resumes) or
    SUBMITTED → DRAFT (the centre corrects its list; the documents are released).
    Either side may send a list back; the step is the one of the status the sender saw
    (``seen``, posted by the page; else the status of ``handover`` as read), and a list that
    has moved since is refused: two people sending the same list back move it one step."""
    seen = seen if seen in Status.values else handover.status
    _require_send_back(actor, handover)
    reason = (reason or "").strip()
    note = Line("Sent back for corrections")
    with transaction.atomic():
        handover = workflow.lock(Handover, handover.pk)
        if handover.status != seen:
            raise DomainError(workflow.stale_message(handover))
        move = _require_send_back(actor, handover)
        history = {
            "actor": actor,
            "reason": Line("%(what)s: %(note)s", what=note, note=reason) if reason else note,
        }
        if move == "send_back":
            checker = handover.checked_by
            workflow.transition(
                handover,
                Status.SUBMITTED,
                already_locked=True,
                checked_by=None,
                checked_at=None,
                centre_signed_by=None,
                centre_signed_at=None,
                archive_signed_by=None,
                archive_signed_at=None,
                **history,
            )
            people = [checker] if checker else _archivists()
        else:
            workflow.transition(
                handover, Status.DRAFT, already_locked=True, submitted_at=None, **history
            )
            _documents_back(
                handover, actor=actor, reason=Line("Handover sent back for corrections")
            )
            people = [handover.prepared_by]
        message = Line(
            "The handover of %(period)s was sent back for corrections by %(name)s.",
            period=handover.period,
            name=_name(actor),
        )
        notify(
            [u for u in people if u.pk != actor.pk],
            Line("%(message)s %(reason)s", message=message, reason=reason) if reason else message,
            _link(handover),
        )
    return handover


def handover_cancel(*, handover, actor) -> Handover:
    """DRAFT → CANCELLED; nothing was handed over and the documents stay where they are."""
    _require(actor, handover, "cancel")
    with transaction.atomic():
        handover = workflow.lock_for_move(actor, handover, "cancel")
        workflow.transition(
            handover, Status.CANCELLED, actor=actor, reason=Line("Cancelled"), already_locked=True
        )
        _documents_back(handover, actor=actor, reason=Line("Handover cancelled"))
    return handover


def handover_remind(*, today=None) -> int:
    """R30: remind the front desks, managers and archivists that the half-yearly handover is
    due (run on 1 January and 1 July). Returns how many people were told."""
    today = today or timezone.localdate()
    people = who_is_told(None, roles=(Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST))
    with transaction.atomic():
        notes = notify(
            people,
            Line("The half-yearly handover of %(period)s is due.", period=previous_period(today)),
            reverse("documents:handover_list"),
        )
    return len(notes)


def can_sign(user, handover, side) -> bool:
    """For the views' buttons: may ``user`` sign ``handover`` for ``side`` now?"""
    return side in SIDES and SIGN_MOVES[side] in workflow.allowed_moves(user, handover)
