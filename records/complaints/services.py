"""Complaints (R42) and visits / return visits (R43): the moves and the reading queries.

A complaint follows “five clears, one report” (听清 问清 跟清 复清 记清 + 报告): each clear is a
``ComplaintStep`` row whose note is also kept in the complaint's field of the same name. A major
complaint (a major category, or a collective one by three households or more) is reported to
every manager at once; a written complaint gets a written reply; no complaint closes before its
return visit (R43). A collective complaint is a record of every dossier it concerns, so its
timeline lines are written in each of them.

Moves: ``complaint_record`` → ``complaint_step`` / ``complaint_report`` → ``complaint_reply``
(written) or ``complaint_mark_handled`` → ``complaint_close``; ``visit_record``. The moves of a
complaint are declared once (``WORKFLOW``); the reads are in ``selectors``.
"""

import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import workflow
from core.lines import Line, choice
from core.services import notify
from core.workflow import DomainError
from customers.permissions import dossier_visible_to, who_is_told
from records.common import Kind, current_section, move, record_event
from records.complaints.selectors import close_blockers, complaints_concerning
from records.models import Complaint, ComplaintStep, Visit
from records.permissions import on_dossier, require_record

Status = Complaint.Status
Step = ComplaintStep.Step
# archive numbers contain hyphens: a list of them is split on commas, spaces and CJK commas
ARCHIVE_NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")


# --- Rules ---------------------------------------------------------------------------------
def is_major(category, households) -> bool:
    """R42: a major category, or a collective complaint (three households or more)."""
    return category in Complaint.MAJOR_CATEGORIES or (households or 0) >= (
        Complaint.COLLECTIVE_HOUSEHOLDS
    )


def collective_shortfall(households, other_count) -> int:
    """How many dossiers a collective complaint still needs to name (0 when none).

    A collective complaint is filed in the dossier of every household that complains (R5,
    R42), so ``households`` of them need this dossier and ``households - 1`` others: without
    them the complaint would be missing from the dossiers of the other households."""
    if (households or 0) < Complaint.COLLECTIVE_HOUSEHOLDS:
        return 0
    return max(households - 1 - other_count, 0)


# --- The moves -----------------------------------------------------------------------------
CHANGE = "records.change_complaint"


def _not_closed(user, complaint):
    if complaint.status == Status.CLOSED or complaint.locked:
        return _("The complaint is closed; it is kept as it is.")
    return None


def _not_reported(user, complaint):
    if closed := _not_closed(user, complaint):
        return closed
    if complaint.reported_at:
        return _("The complaint was already reported to the managers on %(when)s.") % {
            "when": date_format(timezone.localtime(complaint.reported_at), "DATETIME_FORMAT")
        }
    return None


def _written(user, complaint):
    if closed := _not_closed(user, complaint):
        return closed
    if not complaint.is_written:
        return _("Only a written complaint gets a written reply; mark this one handled.")
    return None


def _spoken(user, complaint):
    if closed := _not_closed(user, complaint):
        return closed
    if complaint.is_written:
        return _("A written complaint is handled by its written reply.")
    return None


WORKFLOW = workflow.declare(
    Complaint,
    workflow.Move("step", None, perm=CHANGE, guard=_not_closed),  # one of the five clears
    workflow.Move("report", None, perm=CHANGE, guard=_not_reported),  # 报告
    workflow.Move("reply", Status.REPLIED, perm=CHANGE, guard=_written),
    workflow.Move("mark_handled", Status.REPLIED, perm=CHANGE, guard=_spoken),
    # offered until it is closed; what is still missing is said on the page (close_blockers)
    # and refused by the service
    workflow.Move(
        "close",
        Status.CLOSED,
        perm=CHANGE,
        source=(Status.OPEN, Status.REPLIED),
        guard=_not_closed,
    ),
    gate=on_dossier,
)


# --- Helpers -------------------------------------------------------------------------------


def _events(complaint, *, title, actor, detail="", occurred_on=None):
    """One timeline line in the complaint's dossier and in each other dossier it concerns."""
    for dossier in [complaint.dossier, *complaint.other_dossiers.all()]:
        own = dossier.pk == complaint.dossier_id
        section = complaint.section if own else current_section(dossier)
        record_event(
            dossier=dossier,
            kind=Kind.COMPLAINT,
            title=title,
            actor=actor,
            occurred_on=occurred_on,
            detail=detail,
            record=complaint,
            section=section,
        )


def _notify_managers(complaint):
    """The report (报告) of R42: every active manager, in the app now and by e-mail."""
    # the subject first: the e-mail's subject line keeps only the start of the message
    about = Line(
        "%(subject)s (%(category)s, %(number)s)",
        subject=complaint.subject,
        category=choice(complaint, "category"),
        number=complaint.dossier.archive_number,
    )
    if complaint.is_major:
        message = Line("Major complaint, act at once: %(complaint)s", complaint=about)
    else:
        message = Line("Complaint reported to you: %(complaint)s", complaint=about)
    link = reverse("records:complaint_detail", args=[complaint.pk])
    managers = who_is_told(complaint.dossier)
    if managers:
        notify(managers, message, link, about=complaint.dossier)
    elif complaint.is_major:
        # R42 wants a manager told at once, R17 keeps a confidential dossier from those not
        # granted on it: they learn that there is one and where, not what it says.
        notify(
            who_is_told(None),
            Line(
                "Major complaint in the confidential dossier %(number)s: ask for access at once.",
                number=complaint.dossier.archive_number,
            ),
            link,
        )


def _visible_others(actor, dossiers, primary):
    """The other dossiers of a complaint, checked: each one visible to ``actor``."""
    ids = {d.pk for d in dossiers} - {primary.pk}
    visible = set(dossier_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = ids - visible
    if unknown:
        raise DomainError(_("A dossier concerned by the complaint was not found."))
    return [d for d in dossiers if d.pk in ids]


# --- Complaints ----------------------------------------------------------------------------
def complaint_record(*, dossier, data, actor) -> Complaint:
    """Take a complaint down (听清 at once). A major one is reported to the managers now."""
    require_record(actor, "records.add_complaint", dossier)
    heard = (data.get("heard") or "").strip()
    if not heard:
        raise DomainError(_("Write down what was heard when taking the complaint."))
    others = _visible_others(actor, list(data.get("other_dossiers") or []), dossier)
    households = data.get("households") or 1
    shortfall = collective_shortfall(households, len(others))
    if shortfall:
        raise DomainError(
            _(
                "A complaint by %(households)s households is collective and is filed in "
                "each household's dossier: name %(missing)s more dossier(s) concerned."
            )
            % {"households": households, "missing": shortfall}
        )
    channel = data["channel"]
    workflow.moment_not_in_future(
        data.get("received_at"), message=_("A complaint cannot be received in the future.")
    )
    now = timezone.now()
    with transaction.atomic():
        complaint = Complaint(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            complainant=data["complainant"],
            channel=channel,
            category=data["category"],
            received_at=data.get("received_at") or now,
            subject=data["subject"],
            heard=heard,
            is_written=bool(data.get("is_written")) or channel == Complaint.Channel.LETTER,
            households=households,
            is_major=is_major(data["category"], households),
            reported_at=None,
        )
        complaint._history_user = actor
        complaint.save()
        complaint.other_dossiers.set(others)
        ComplaintStep.objects.create(complaint=complaint, step=Step.HEARD, note=heard, by=actor)
        received_on = timezone.localdate(complaint.received_at)
        title = (
            Line("Major complaint received: %(subject)s", subject=complaint.subject)
            if complaint.is_major
            else Line("Complaint received: %(subject)s", subject=complaint.subject)
        )
        _events(
            complaint,
            title=title,
            actor=actor,
            occurred_on=received_on,
            detail=choice(complaint, "category"),
        )
        if complaint.is_major:  # R42: reported to the manager at once
            complaint.reported_at = now
            complaint.save(update_fields=["reported_at"])
            _notify_managers(complaint)
            _events(
                complaint,
                title=Line(
                    "Major complaint reported to the managers: %(subject)s",
                    subject=complaint.subject,
                ),
                actor=actor,
            )
    return complaint


def complaint_step(*, complaint, step, note, actor) -> ComplaintStep:
    """Record one of the five clears; its note is added to the complaint's field."""
    workflow.require_move(actor, complaint, "step")
    note = (note or "").strip()
    if step not in Complaint.STEPS:
        raise DomainError(_("Choose one of the five clears."))
    if not note:
        raise DomainError(_("Write what was done for this step."))
    with transaction.atomic():
        complaint = workflow.lock_for_move(actor, complaint, "step", related=("dossier",))
        row = ComplaintStep.objects.create(complaint=complaint, step=step, note=note, by=actor)
        current = getattr(complaint, step).strip()
        setattr(complaint, step, f"{current}\n\n{note}" if current else note)
        workflow.save_with_history(
            complaint, actor=actor, reason=Step(step).label, update_fields=[step]
        )
        _events(
            complaint,
            title=Line(
                "%(step)s recorded for the complaint “%(subject)s”",
                step=Step(step).label,
                subject=complaint.subject,
            ),
            actor=actor,
            detail=note,
        )
    return row


def complaint_report(*, complaint, actor) -> Complaint:
    """Report a complaint to the managers (报告); major ones are reported when taken."""
    workflow.require_move(actor, complaint, "report")
    with transaction.atomic():
        complaint = workflow.lock_for_move(actor, complaint, "report", related=("dossier",))
        complaint.reported_at = timezone.now()
        workflow.save_with_history(
            complaint,
            actor=actor,
            reason=pgettext("complaint", "Reported to the managers"),
            update_fields=["reported_at"],
        )
        _notify_managers(complaint)
        _events(
            complaint,
            title=Line(
                "Complaint reported to the managers: %(subject)s", subject=complaint.subject
            ),
            actor=actor,
        )
    return complaint


def complaint_reply(*, complaint, written_reply, replied_on, reply_reference="", actor):
    """R42: a written complaint gets a written reply; it is then handled."""
    workflow.require_move(actor, complaint, "reply")
    written_reply = (written_reply or "").strip()
    if not written_reply:
        raise DomainError(_("Write the reply."))
    with transaction.atomic():
        complaint = workflow.lock_for_move(actor, complaint, "reply", related=("dossier",))
        workflow.not_in_future(replied_on, message=_("The reply date cannot be in the future."))
        if replied_on < timezone.localdate(complaint.received_at):
            raise DomainError(_("The reply cannot be dated before the complaint was received."))
        workflow.transition(
            complaint,
            Status.REPLIED,
            actor=actor,
            reason=Line("Written reply"),
            already_locked=True,
            written_reply=written_reply,
            replied_on=replied_on,
            reply_reference=(reply_reference or "").strip(),
        )
        _events(
            complaint,
            title=Line(
                "Written reply %(reference)s sent for the complaint “%(subject)s”",
                reference=complaint.reply_reference,
                subject=complaint.subject,
            ),
            actor=actor,
            occurred_on=replied_on,
        )
    return complaint


def complaint_mark_handled(*, complaint, actor) -> Complaint:
    """A complaint that was not written is handled once it was followed up (跟清)."""
    workflow.require_move(actor, complaint, "mark_handled")
    with transaction.atomic():
        complaint = workflow.lock_for_move(actor, complaint, "mark_handled", related=("dossier",))
        if not complaint.followed.strip():
            raise DomainError(_("Record the follow-up before marking it handled."))
        workflow.transition(
            complaint, Status.REPLIED, actor=actor, reason=Line("Handled"), already_locked=True
        )
        _events(
            complaint,
            title=Line("Complaint “%(subject)s” handled", subject=complaint.subject),
            actor=actor,
        )
    return complaint


def complaint_close(*, complaint, actor) -> Complaint:
    """Close: the five clears, the written reply of a written complaint and a return visit
    (R42, R43); the complaint is then locked."""
    workflow.require_move(actor, complaint, "close")
    with transaction.atomic():
        complaint = workflow.lock_for_move(actor, complaint, "close", related=("dossier",))
        missing = close_blockers(complaint)
        if missing:
            raise DomainError(
                _("The complaint cannot be closed yet: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        move(
            complaint,
            Status.CLOSED,
            actor=actor,
            reason=Line("Closed"),
            closed_at=timezone.now(),
            closed_by=actor,
            close=True,
        )
        _events(
            complaint,
            title=Line("Complaint “%(subject)s” closed", subject=complaint.subject),
            actor=actor,
        )
    return complaint


# --- Visits --------------------------------------------------------------------------------
def visit_record(*, dossier, data, actor) -> Visit:
    """Record a visit or a return visit (R43); a return visit may answer a complaint
    concerning the dossier or one of its repairs."""
    require_record(actor, "records.add_visit", dossier)
    kind = data["kind"]
    complaint, repair = data.get("complaint"), data.get("repair")
    if kind != Visit.Kind.RETURN_VISIT and (complaint or repair):
        raise DomainError(_("Only a return visit answers a complaint or a repair."))
    if complaint and not complaints_concerning(dossier).filter(pk=complaint.pk).exists():
        raise DomainError(_("The complaint does not concern this dossier."))
    if repair and repair.dossier_id != dossier.pk:
        raise DomainError(_("The repair is not one of this dossier."))
    workflow.not_in_future(
        data["visited_on"], message=_("A visit cannot be recorded before it happens.")
    )
    with transaction.atomic():
        visit = Visit(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            kind=kind,
            method=data.get("method") or Visit.Method.IN_PERSON,
            visited_on=data["visited_on"],
            visitor=data.get("visitor") or actor,
            visited_person=data["visited_person"],
            complaint=complaint,
            repair=repair,
            purpose=data["purpose"],
            notes=data.get("notes") or "",
            satisfaction=data.get("satisfaction") or None,
        )
        visit._history_user = actor
        visit.save()
        if complaint:
            title = Line("Return visit for the complaint “%(subject)s”", subject=complaint.subject)
        elif repair:
            title = Line("Return visit after the repair %(repair)s", repair=repair)
        else:
            title = Line("%(kind)s: %(purpose)s", kind=choice(visit, "kind"), purpose=visit.purpose)
        record_event(
            dossier=dossier,
            kind=Kind.VISIT,
            title=title,
            actor=actor,
            occurred_on=visit.visited_on,
            detail=Line(
                "by %(visitor)s, met %(person)s",
                visitor=visit.visitor.get_full_name() or visit.visitor.get_username(),
                person=visit.visited_person,
            ),
            record=visit,
        )
    return visit
