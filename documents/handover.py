"""R30: the half-yearly handover (移交) of a service centre's files to the company archive room.

The centre prepares the handover list (移交清单) dossier by dossier, submits it; the archive
room checks every item against the papers; both sides sign (re-entering their password), and
the accepted documents pass into the archive room's custody. Two copies are printed, one each.

One function per move of ``Handover.TRANSITIONS``. Each one checks the permission, locks the
handover, refuses an illegal move with ``DomainError`` and makes the move a compare-and-set on
the status (SQLite ignores ``select_for_update``).
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core.roles import Role
from core.services import notify
from customers.permissions import require_on_dossier
from customers.services import DomainError

from .models import Document, Handover, HandoverItem
from .permissions import require_documents
from .selectors import dossier_gaps

__all__ = [
    "DomainError",
    "WrongPassword",
    "OPEN",
    "PERIOD_PATTERN",
    "SIDES",
    "current_period",
    "previous_period",
    "handover_create",
    "handover_add_dossier",
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

# A document sits in at most one of these at a time.
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.CHECKED)
PERIOD_PATTERN = re.compile(r"^(\d{4})H([12])$")
CENTRE, ARCHIVE = "centre", "archive"
SIDES = (CENTRE, ARCHIVE)
# Only these may be handed over: at the centre, neither destroyed, on loan nor in a handover.
HANDABLE = (Document.Status.RECEIVED, Document.Status.FILED)


class WrongPassword(DomainError):
    """The signer's password did not match (shown beside the password field)."""


# --- Periods --------------------------------------------------------------------------------
def current_period(today) -> str:
    """The half-year ``today`` falls in: 2026H1 (January–June) or 2026H2 (July–December)."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def previous_period(today) -> str:
    """The half-year before the one ``today`` falls in: the one due for handover."""
    return f"{today.year}H1" if today.month > 6 else f"{today.year - 1}H2"


# --- Helpers --------------------------------------------------------------------------------
def _users_with_role(*roles):
    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def _link(handover):
    return reverse("documents:handover_detail", args=[handover.pk])


def _lock(handover) -> Handover:
    return Handover.objects.select_for_update(no_key=True).get(pk=handover.pk)


def _refuse_move(handover, target):
    """Refuse a move that ``Handover.TRANSITIONS`` does not allow."""
    if target not in Handover.TRANSITIONS[Status(handover.status)]:
        raise DomainError(
            _("A handover that is “%(status)s” cannot become “%(target)s”.")
            % {"status": handover.get_status_display(), "target": Status(target).label}
        )


def _require_status(handover, status, message):
    """Refuse a step that is taken only in ``status``; ``message`` names the current status."""
    if handover.status != status:
        raise DomainError(message % {"status": handover.get_status_display()})


def _move(handover, target, **changes):
    """Compare-and-set ``handover`` from its current status to ``target``."""
    _refuse_move(handover, target)
    updated = Handover.objects.filter(pk=handover.pk, status=handover.status).update(
        status=target, **changes
    )
    if updated != 1:
        raise DomainError(_("Someone else has just changed this handover; reload the page."))
    handover.status = target
    for name, value in changes.items():
        setattr(handover, name, value)


def _record_history(model, objects, *, actor, reason, created=False):
    """History rows for rows written with ``update()``/``bulk_create()`` (which write none)."""
    if objects:
        model.history.bulk_history_create(
            objects, update=not created, default_user=actor, default_change_reason=reason
        )


def _history(handover, *, actor, reason):
    _record_history(Handover, [handover], actor=actor, reason=reason)


def _documents_back(handover, *, actor, reason, document_ids=None):
    """Documents of the handover that were marked in handover return to where they were: filed
    when they are still in a box, otherwise received."""
    qs = Document.objects.filter(
        handover_items__handover=handover, status=Document.Status.IN_HANDOVER
    )
    if document_ids is not None:
        qs = qs.filter(pk__in=document_ids)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    Document.objects.filter(pk__in=ids, box__isnull=False).update(status=Document.Status.FILED)
    Document.objects.filter(pk__in=ids, box__isnull=True).update(status=Document.Status.RECEIVED)
    _record_history(Document, list(Document.objects.filter(pk__in=ids)), actor=actor, reason=reason)
    return len(ids)


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


# --- Moves ----------------------------------------------------------------------------------
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
        handover._change_reason = _("Handover list opened")
        handover._history_user = actor
        handover.save()
    return handover


def handover_add_dossier(*, handover, dossier, actor, override_reason="") -> list[HandoverItem]:
    """Put every document of ``dossier`` still held by the centre on the list (R30).

    An incomplete dossier (one that lacks a required document) is refused, unless a manager
    accepts it with a reason, which is recorded on the handover and printed on the list."""
    require_on_dossier(actor, "documents.change_handover", dossier)
    override_reason = (override_reason or "").strip()
    if override_reason:  # accepting an incomplete dossier is a manager's; checked before the
        gate.require(actor, "documents.override_handover")  # transaction: the refusal is kept
    dossier_centre = dossier.unit.building.estate.service_centre_id
    with transaction.atomic():
        handover = _lock(handover)
        _require_status(
            handover,
            Status.DRAFT,
            _("Dossiers are added only while the list is being prepared; it is “%(status)s”."),
        )
        if dossier_centre != handover.service_centre_id:
            raise DomainError(
                _("%(number)s is not looked after by %(centre)s.")
                % {"number": dossier.archive_number, "centre": handover.service_centre}
            )
        gaps = dossier_gaps(dossier)
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
        in_open_handover = HandoverItem.objects.filter(handover__status__in=OPEN).values(
            "document_id"
        )
        documents = list(
            Document.objects.filter(
                dossier=dossier, custody=Document.Custody.SERVICE_CENTRE, status__in=HANDABLE
            )
            .exclude(pk__in=in_open_handover)
            .order_by("document_date", "pk")
        )
        if not documents:
            raise DomainError(
                _(
                    "%(number)s has no document to hand over: those held by the centre are "
                    "already in a handover, on loan or destroyed."
                )
                % {"number": dossier.archive_number}
            )
        items = HandoverItem.objects.bulk_create(
            [HandoverItem(handover=handover, document=d) for d in documents]
        )
        _record_history(
            HandoverItem, items, actor=actor, reason=_("Added to the handover"), created=True
        )
        if gaps:
            entry = f"{dossier.archive_number}: {override_reason}"
            text = f"{handover.override_reason}；{entry}" if handover.override_reason else entry
            if len(text) > Handover._meta.get_field("override_reason").max_length:
                raise DomainError(_("The reason is too long for the handover list; shorten it."))
            handover.override_reason, handover.override_by = text, actor
            handover._change_reason = _("Incomplete dossier %(number)s accepted") % {
                "number": dossier.archive_number
            }
            handover._history_user = actor
            handover.save(update_fields=["override_reason", "override_by"])
    return items


def handover_remove_item(*, item, actor) -> None:
    require_documents(actor, "documents.change_handover", [item.document])
    with transaction.atomic():
        handover = _lock(item.handover)
        _require_status(
            handover,
            Status.DRAFT,
            _("Items are removed only while the list is being prepared; it is “%(status)s”."),
        )
        deleted, _detail = HandoverItem.objects.filter(
            pk=item.pk, handover__status=Status.DRAFT
        ).delete()
        if not deleted:
            raise DomainError(_("Someone else has just changed this handover; reload the page."))


def handover_submit(*, handover, actor) -> Handover:
    """DRAFT → SUBMITTED: the documents are marked in handover; the archivists are told."""
    gate.require(actor, "documents.change_handover")
    with transaction.atomic():
        handover = _lock(handover)
        _refuse_move(handover, Status.SUBMITTED)
        ids = list(handover.items.values_list("document_id", flat=True))
        if not ids:
            raise DomainError(_("The handover list is empty: add dossiers before submitting."))
        # the documents may have moved since they were listed (a loan, a destruction)
        marked = Document.objects.filter(
            pk__in=ids, custody=Document.Custody.SERVICE_CENTRE, status__in=HANDABLE
        ).update(status=Document.Status.IN_HANDOVER)
        if marked != len(ids):
            gone = (
                Document.objects.filter(pk__in=ids)
                .exclude(status=Document.Status.IN_HANDOVER)
                .select_related("dossier")
            )
            raise DomainError(
                _("These documents can no longer be handed over; remove them first: %(list)s.")
                % {"list": "、".join(str(d) for d in gone)}
            )
        reason = _("In handover %(period)s") % {"period": handover.period}
        _record_history(
            Document, list(Document.objects.filter(pk__in=ids)), actor=actor, reason=reason
        )
        _move(handover, Status.SUBMITTED, submitted_at=timezone.now())
        _history(handover, actor=actor, reason=_("Submitted for checking"))
        notify(
            _users_with_role(Role.ARCHIVIST).exclude(pk=actor.pk),
            _("%(centre)s has submitted its handover of %(period)s (%(n)d items) for checking.")
            % {"centre": handover.service_centre, "period": handover.period, "n": len(ids)},
            _link(handover),
        )
    return handover


def handover_check_item(*, item, result, note, actor) -> HandoverItem:
    """The archive room checks one item against the papers: accepted, missing or differs."""
    require_documents(actor, "documents.check_handover", [item.document])
    note = (note or "").strip()
    if result not in (Result.ACCEPTED, Result.MISSING, Result.DIFFERS):
        raise DomainError(_("Choose accepted, missing or differs."))
    if result != Result.ACCEPTED and not note:
        raise DomainError(
            _("Say in the note what is wrong when an item is “%(result)s”.")
            % {"result": Result(result).label}
        )
    with transaction.atomic():
        handover = _lock(item.handover)
        _require_status(
            handover,
            Status.SUBMITTED,
            _("Items are checked only while the handover is submitted; it is “%(status)s”."),
        )
        updated = HandoverItem.objects.filter(
            pk=item.pk, handover=handover, handover__status=Status.SUBMITTED
        ).update(result=result, note=note)
        if updated != 1:
            raise DomainError(_("Someone else has just changed this handover; reload the page."))
        item.result, item.note, item.handover = result, note, handover
        _record_history(HandoverItem, [item], actor=actor, reason=_("Checked"))
    return item


def handover_mark_checked(*, handover, actor) -> Handover:
    """SUBMITTED → CHECKED once every item has a result; the centre is asked to sign."""
    gate.require(actor, "documents.check_handover")
    with transaction.atomic():
        handover = _lock(handover)
        _refuse_move(handover, Status.CHECKED)
        pending = handover.items.filter(result=Result.PENDING).count()
        if pending:
            raise DomainError(_("%(n)d item(s) are not checked yet.") % {"n": pending})
        _move(handover, Status.CHECKED, checked_by_id=actor.pk, checked_at=timezone.now())
        _history(handover, actor=actor, reason=_("Checked"))
        notify(
            [u for u in [handover.prepared_by] if u.pk != actor.pk],
            _("The archive room has checked the handover of %(period)s; it awaits both signatures.")
            % {"period": handover.period},
            _link(handover),
        )
    return handover


def handover_sign(*, handover, side, actor, password) -> Handover:
    """Sign for the service centre or for the archive room; the signer re-enters their password.
    The two signers are different people. The second signature completes the handover: the
    accepted documents pass to the archive room, the others stay at the centre."""
    if side not in SIDES:
        raise DomainError(_("Sign for the service centre or for the archive room."))
    gate.require(
        actor, "documents.change_handover" if side == CENTRE else "documents.check_handover"
    )
    # Checked before the transaction: the refusal must stay in the log when the move fails.
    if not password or not actor.check_password(password):
        gate.record_refusal(actor, f"sign handover ({side}): wrong password", handover)
        raise WrongPassword(_("The password is wrong."))
    now = timezone.now()
    with transaction.atomic():
        handover = _lock(handover)
        _require_status(
            handover,
            Status.CHECKED,
            _("The handover is signed once the archive room has checked it; it is “%(status)s”."),
        )
        mine, other = (
            ("centre_signed_by_id", "archive_signed_by_id")
            if side == CENTRE
            else ("archive_signed_by_id", "centre_signed_by_id")
        )
        if getattr(handover, mine):
            raise DomainError(_("This side has already signed."))
        if getattr(handover, other) == actor.pk:
            raise DomainError(
                _("You have signed for the other side: the two signers must be different people.")
            )
        stamp = {mine: actor.pk, mine.replace("_by_id", "_at"): now}
        updated = Handover.objects.filter(
            pk=handover.pk, status=Status.CHECKED, **{mine: None}
        ).update(**stamp)
        if updated != 1:
            raise DomainError(_("Someone else has just changed this handover; reload the page."))
        for name, value in stamp.items():
            setattr(handover, name, value)
        signed = (
            _("Signed for the service centre")
            if side == CENTRE
            else _("Signed for the archive room")
        )
        completed = bool(handover.centre_signed_by_id and handover.archive_signed_by_id)
        if completed:
            _complete(handover, actor=actor)
        _history(handover, actor=actor, reason=_("Completed") if completed else signed)
        if side == CENTRE:
            others = [handover.checked_by, handover.archive_signed_by]
        else:
            others = [handover.prepared_by, handover.centre_signed_by]
        others = [u for u in others if u is not None and u.pk != actor.pk]
        if completed:
            message = _("The handover of %(period)s is signed by both sides and completed.")
        else:
            message = _(
                "%(name)s has signed the handover of %(period)s; your signature is awaited."
            )
        notify(others, message % {"period": handover.period, "name": _name(actor)}, _link(handover))
    return handover


def _complete(handover, *, actor):
    """CHECKED → COMPLETED: accepted documents pass to the archive room, to be filed there."""
    _move(handover, Status.COMPLETED)
    items = handover.items.all()
    accepted = list(items.filter(result=Result.ACCEPTED).values_list("document_id", flat=True))
    Document.objects.filter(pk__in=accepted, status=Document.Status.IN_HANDOVER).update(
        custody=Document.Custody.ARCHIVE,
        box=None,
        item_number=None,
        status=Document.Status.RECEIVED,
    )
    _record_history(
        Document,
        list(Document.objects.filter(pk__in=accepted)),
        actor=actor,
        reason=_("Handed over to the archive room (%(period)s)") % {"period": handover.period},
    )
    kept = list(items.exclude(result=Result.ACCEPTED).values_list("document_id", flat=True))
    _documents_back(
        handover,
        actor=actor,
        document_ids=kept,
        reason=_("Not accepted in handover %(period)s; stays at the centre")
        % {"period": handover.period},
    )


def handover_send_back(*, handover, actor, reason="") -> Handover:
    """Corrections: CHECKED → SUBMITTED (signatures are cleared, checking resumes) or
    SUBMITTED → DRAFT (the centre corrects its list; the documents are released).
    Either side may send a list back."""
    if not gate.can(actor, "documents.check_handover"):
        gate.require(actor, "documents.change_handover")
    reason = (reason or "").strip()
    with transaction.atomic():
        handover = _lock(handover)
        if handover.status == Status.CHECKED:
            checker = handover.checked_by
            _move(
                handover,
                Status.SUBMITTED,
                checked_by=None,
                checked_at=None,
                centre_signed_by=None,
                centre_signed_at=None,
                archive_signed_by=None,
                archive_signed_at=None,
            )
            people = [checker] if checker else list(_users_with_role(Role.ARCHIVIST))
        elif handover.status == Status.SUBMITTED:
            _move(handover, Status.DRAFT, submitted_at=None)
            _documents_back(handover, actor=actor, reason=_("Handover sent back for corrections"))
            people = [handover.prepared_by]
        else:
            raise DomainError(
                _("Only a submitted or checked handover can be sent back; this one is “%(s)s”.")
                % {"s": handover.get_status_display()}
            )
        note = _("Sent back for corrections")
        _history(handover, actor=actor, reason=f"{note}: {reason}" if reason else note)
        message = _("The handover of %(period)s was sent back for corrections by %(name)s.") % {
            "period": handover.period,
            "name": _name(actor),
        }
        notify(
            [u for u in people if u.pk != actor.pk],
            f"{message} {reason}".strip(),
            _link(handover),
        )
    return handover


def handover_cancel(*, handover, actor) -> Handover:
    """DRAFT → CANCELLED; nothing was handed over and the documents stay where they are."""
    gate.require(actor, "documents.change_handover")
    with transaction.atomic():
        handover = _lock(handover)
        _move(handover, Status.CANCELLED)
        _documents_back(handover, actor=actor, reason=_("Handover cancelled"))
        _history(handover, actor=actor, reason=_("Cancelled"))
    return handover


def handover_remind(*, today=None) -> int:
    """R30: remind the front desks, managers and archivists that the half-yearly handover is
    due (run on 1 January and 1 July). Returns how many people were told."""
    today = today or timezone.localdate()
    people = _users_with_role(Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST)
    with transaction.atomic():
        notes = notify(
            people,
            _("The half-yearly handover of %(period)s is due.")
            % {"period": previous_period(today)},
            reverse("documents:handover_list"),
        )
    return len(notes)


def can_sign(user, handover, side) -> bool:
    """For the views' buttons: may ``user`` sign ``handover`` for ``side`` now?"""
    if handover.status != Status.CHECKED or side not in SIDES:
        return False
    if side == CENTRE:
        return (
            gate.can(user, "documents.change_handover")
            and not handover.centre_signed_by_id
            and handover.archive_signed_by_id != user.pk
        )
    return (
        gate.can(user, "documents.check_handover")
        and not handover.archive_signed_by_id
        and handover.centre_signed_by_id != user.pk
    )
