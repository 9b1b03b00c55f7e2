"""Complaints (R42) and visits / return visits (R43): the moves and the reading queries.

A complaint follows “five clears, one report” (听清 问清 跟清 复清 记清 + 报告): each clear is a
``ComplaintStep`` row whose note is also kept in the complaint's field of the same name. A major
complaint (a major category, or a collective one by three households or more) is reported to
every manager at once; a written complaint gets a written reply; no complaint closes before its
return visit (R43). A collective complaint is a record of every dossier it concerns, so its
timeline lines are written in each of them.

Moves: ``complaint_record`` → ``complaint_step`` / ``complaint_report`` → ``complaint_reply``
(written) or ``complaint_mark_handled`` → ``complaint_close``; ``visit_record``. Reads:
``complaint_list``, ``manager_visits_due``, ``staff_visits_by_building``,
``complaints_without_return_visit``.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role
from core.services import notify
from customers.models import Building, Dossier
from customers.permissions import dossier_visible_to, who_is_told
from records.common import (
    DomainError,
    Kind,
    current_section,
    lock,
    record_event,
    set_status,
)
from records.models import Complaint, ComplaintStep, Visit
from records.permissions import record_visible_to, require_record

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


def close_blockers(complaint) -> list[str]:
    """What is still missing before ``complaint`` may close, one sentence each (R42, R43)."""
    missing = []
    empty = [Step(name).label for name in Complaint.STEPS if not getattr(complaint, name).strip()]
    if empty:
        missing.append(
            _("the five clears are not complete: %(steps)s not recorded")
            % {"steps": "、".join(str(label) for label in empty)}
        )
    if complaint.is_written and not complaint.written_reply.strip():
        missing.append(_("a written complaint needs its written reply (R42)"))
    elif not complaint.is_written and complaint.status == Status.OPEN:
        missing.append(_("the complaint has not been marked as handled"))
    if not complaint.return_visits.filter(kind=Visit.Kind.RETURN_VISIT).exists():
        missing.append(_("no return visit has been recorded (R43)"))
    return missing


# --- Helpers -------------------------------------------------------------------------------
def _refuse_if_closed(complaint):
    if complaint.status == Status.CLOSED or complaint.locked:
        raise DomainError(_("The complaint is closed; it is kept as it is (R9)."))


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
    about = _("%(subject)s (%(category)s, %(number)s)") % {
        "subject": complaint.subject,
        "category": complaint.get_category_display(),
        "number": complaint.dossier.archive_number,
    }
    if complaint.is_major:
        message = _("Major complaint, act at once: %(complaint)s") % {"complaint": about}
    else:
        message = _("Complaint reported to you: %(complaint)s") % {"complaint": about}
    link = reverse("records:complaint_detail", args=[complaint.pk])
    managers = who_is_told(complaint.dossier)
    if managers:
        notify(managers, message, link, about=complaint.dossier)
    elif complaint.is_major:
        # R42 wants a manager told at once, R17 keeps a confidential dossier from those not
        # granted on it: they learn that there is one and where, not what it says.
        notify(
            who_is_told(None),
            _("Major complaint in the confidential dossier %(number)s: ask for access at once.")
            % {"number": complaint.dossier.archive_number},
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
        raise DomainError(_("Write down what was heard (听清) when taking the complaint."))
    others = _visible_others(actor, list(data.get("other_dossiers") or []), dossier)
    households = data.get("households") or 1
    shortfall = collective_shortfall(households, len(others))
    if shortfall:
        raise DomainError(
            _(
                "A complaint by %(households)s households is collective (R42) and is filed in "
                "each household's dossier: name %(missing)s more dossier(s) concerned."
            )
            % {"households": households, "missing": shortfall}
        )
    channel = data["channel"]
    now = timezone.now()
    if data.get("received_at") and data["received_at"] > now + datetime.timedelta(minutes=5):
        raise DomainError(_("A complaint cannot be received in the future."))
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
            _("Major complaint received: %(subject)s")
            if complaint.is_major
            else _("Complaint received: %(subject)s")
        )
        _events(
            complaint,
            title=title % {"subject": complaint.subject},
            actor=actor,
            occurred_on=received_on,
            detail=complaint.get_category_display(),
        )
        if complaint.is_major:  # R42: reported to the manager at once
            complaint.reported_at = now
            complaint.save(update_fields=["reported_at"])
            _notify_managers(complaint)
            _events(
                complaint,
                title=_("Major complaint reported to the managers: %(subject)s")
                % {"subject": complaint.subject},
                actor=actor,
            )
    return complaint


def complaint_step(*, complaint, step, note, actor) -> ComplaintStep:
    """Record one of the five clears; its note is added to the complaint's field."""
    require_record(actor, "records.change_complaint", complaint.dossier)
    note = (note or "").strip()
    if step not in Complaint.STEPS:
        raise DomainError(_("Choose one of the five clears."))
    if not note:
        raise DomainError(_("Write what was done for this step."))
    with transaction.atomic():
        complaint = lock(Complaint, complaint.pk)
        _refuse_if_closed(complaint)
        row = ComplaintStep.objects.create(complaint=complaint, step=step, note=note, by=actor)
        current = getattr(complaint, step).strip()
        setattr(complaint, step, f"{current}\n\n{note}" if current else note)
        complaint._history_user = actor
        complaint.save(update_fields=[step])
        _events(
            complaint,
            title=_("%(step)s recorded for the complaint “%(subject)s”")
            % {"step": Step(step).label, "subject": complaint.subject},
            actor=actor,
            detail=note,
        )
    return row


def complaint_report(*, complaint, actor) -> Complaint:
    """Report a complaint to the managers (报告); major ones are reported when taken."""
    require_record(actor, "records.change_complaint", complaint.dossier)
    with transaction.atomic():
        complaint = lock(Complaint, complaint.pk)
        _refuse_if_closed(complaint)
        if complaint.reported_at:
            raise DomainError(
                _("The complaint was already reported to the managers on %(when)s.")
                % {"when": timezone.localtime(complaint.reported_at).strftime("%Y-%m-%d %H:%M")}
            )
        complaint.reported_at = timezone.now()
        complaint._history_user = actor
        complaint.save(update_fields=["reported_at"])
        _notify_managers(complaint)
        _events(
            complaint,
            title=_("Complaint reported to the managers: %(subject)s")
            % {"subject": complaint.subject},
            actor=actor,
        )
    return complaint


def complaint_reply(*, complaint, written_reply, replied_on, reply_reference="", actor):
    """R42: a written complaint gets a written reply; it is then handled."""
    require_record(actor, "records.change_complaint", complaint.dossier)
    written_reply = (written_reply or "").strip()
    if not written_reply:
        raise DomainError(_("Write the reply."))
    with transaction.atomic():
        complaint = lock(Complaint, complaint.pk)
        _refuse_if_closed(complaint)
        if not complaint.is_written:
            raise DomainError(
                _("Only a written complaint gets a written reply; mark this one handled.")
            )
        if replied_on > timezone.localdate():
            raise DomainError(_("The reply date cannot be in the future."))
        if replied_on < timezone.localdate(complaint.received_at):
            raise DomainError(_("The reply cannot be dated before the complaint was received."))
        complaint._history_user = actor
        set_status(
            complaint,
            Status.REPLIED,
            written_reply=written_reply,
            replied_on=replied_on,
            reply_reference=(reply_reference or "").strip(),
        )
        _events(
            complaint,
            title=_("Written reply %(reference)s sent for the complaint “%(subject)s”")
            % {"reference": complaint.reply_reference, "subject": complaint.subject},
            actor=actor,
            occurred_on=replied_on,
        )
    return complaint


def complaint_mark_handled(*, complaint, actor) -> Complaint:
    """A complaint that was not written is handled once it was followed up (跟清)."""
    require_record(actor, "records.change_complaint", complaint.dossier)
    with transaction.atomic():
        complaint = lock(Complaint, complaint.pk)
        _refuse_if_closed(complaint)
        if complaint.is_written:
            raise DomainError(_("A written complaint is handled by its written reply (R42)."))
        if not complaint.followed.strip():
            raise DomainError(_("Record the follow-up (跟清) before marking it handled."))
        complaint._history_user = actor
        set_status(complaint, Status.REPLIED)
        _events(
            complaint,
            title=_("Complaint “%(subject)s” handled") % {"subject": complaint.subject},
            actor=actor,
        )
    return complaint


def complaint_close(*, complaint, actor) -> Complaint:
    """Close: the five clears, the written reply of a written complaint and a return visit
    (R42, R43); the complaint is then locked."""
    require_record(actor, "records.change_complaint", complaint.dossier)
    with transaction.atomic():
        complaint = lock(Complaint, complaint.pk)
        _refuse_if_closed(complaint)
        missing = close_blockers(complaint)
        if missing:
            raise DomainError(
                _("The complaint cannot be closed yet: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        complaint._history_user = actor
        set_status(complaint, Status.CLOSED, closed_at=timezone.now(), closed_by=actor, locked=True)
        _events(
            complaint,
            title=_("Complaint “%(subject)s” closed") % {"subject": complaint.subject},
            actor=actor,
        )
    return complaint


# --- Visits --------------------------------------------------------------------------------
def complaints_concerning(dossier):
    """The complaints of ``dossier``: filed in it, or collective ones concerning it."""
    ids = Complaint.objects.filter(Q(dossier=dossier) | Q(other_dossiers=dossier)).values("pk")
    return Complaint.objects.filter(pk__in=ids)


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
    if data["visited_on"] > timezone.localdate():
        raise DomainError(_("A visit cannot be recorded before it happens."))
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
            title = _("Return visit for the complaint “%(subject)s”") % {
                "subject": complaint.subject
            }
        elif repair:
            title = _("Return visit after the repair %(repair)s") % {"repair": repair}
        else:
            title = _("%(kind)s: %(purpose)s") % {
                "kind": visit.get_kind_display(),
                "purpose": visit.purpose,
            }
        record_event(
            dossier=dossier,
            kind=Kind.VISIT,
            title=title,
            actor=actor,
            occurred_on=visit.visited_on,
            detail=_("by %(visitor)s, met %(person)s")
            % {
                "visitor": visit.visitor.get_full_name() or visit.visitor.get_username(),
                "person": visit.visited_person,
            },
            record=visit,
        )
    return visit


# --- Reading -------------------------------------------------------------------------------
STEPS_DONE = sum(
    (
        Case(When(~Q(**{name: ""}), then=Value(1)), default=Value(0), output_field=IntegerField())
        for name in Complaint.STEPS
    ),
    Value(0),
)


def _return_visits(outer="pk"):
    return Visit.objects.filter(complaint=OuterRef(outer), kind=Visit.Kind.RETURN_VISIT)


def _month_range(month):
    year, number = (int(part) for part in month.split("-"))
    start = datetime.date(year, number, 1)
    end = datetime.date(year + number // 12, number % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end, datetime.time(), tzinfo=tz),
    )


def complaint_list(*, user, status="", major_only=False, channel="", month="", estate=None):
    """The complaints ``user`` may see, newest first, with their progress: one query."""
    qs = record_visible_to(user, Complaint).select_related("dossier")
    if status:
        qs = qs.filter(status=status)
    if major_only:
        qs = qs.filter(is_major=True)
    if channel:
        qs = qs.filter(channel=channel)
    if month:
        start, end = _month_range(month)
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if estate:
        qs = qs.filter(dossier__unit__building__estate=estate)
    return qs.annotate(
        steps_done=STEPS_DONE,
        has_return_visit=Exists(_return_visits()),
        # a subquery, not a Count over the join: grouping every visible complaint before the
        # page is cut took most of the list's time
        others_count=Coalesce(
            Subquery(
                Complaint.other_dossiers.through.objects.filter(complaint=OuterRef("pk"))
                .order_by()
                .values("complaint")
                .annotate(n=Count("*"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    ).order_by("-received_at", "-pk")


def complaint_return_visits(*, complaint, user):
    return (
        record_visible_to(user, Visit)
        .filter(complaint=complaint, kind=Visit.Kind.RETURN_VISIT)
        .select_related("visitor", "dossier")
        .order_by("-visited_on", "-pk")
    )


def quarter_range(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def _manager_ids():
    return get_user_model().objects.filter(groups__name=Role.MANAGER).values("pk")


def _occupied(user, estate=None):
    qs = dossier_visible_to(user).filter(status=Dossier.Status.OCCUPIED)
    if estate:
        qs = qs.filter(unit__building__estate=estate)
    return qs


def manager_visits_due(*, user, year, estate=None):
    """R43 (managers visit each household 1–2 times a year): the occupied households ``user``
    may see, each with its number of manager visits in ``year``; ``summary`` counts them.
    Returns (households without a manager visit, summary)."""
    by_manager = record_visible_to(user, Visit).filter(
        visitor__in=_manager_ids(), visited_on__year=year
    )
    per_dossier = (
        by_manager.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_ever = (
        record_visible_to(user, Visit)
        .filter(dossier=OuterRef("pk"), visitor__in=_manager_ids())
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    households = _occupied(user, estate).annotate(
        manager_visits=Coalesce(Subquery(per_dossier, output_field=IntegerField()), 0)
    )
    summary = households.aggregate(
        total=Count("pk"),
        visited=Count("pk", filter=Q(manager_visits__gte=1)),
        twice=Count("pk", filter=Q(manager_visits__gte=2)),
    )
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"])
    due = (
        households.filter(manager_visits=0)
        .annotate(last_manager_visit=Subquery(last_ever))
        .select_related("unit__building__estate")
        .with_current_occupants()
        .order_by("archive_number")
    )
    return due, summary


def staff_visits_by_building(*, user, year, quarter, estate=None, limit=200):
    """R43 (staff visit quarterly per area): each building with occupied households ``user``
    may see, and whether a staff member (not a manager) visited any of its dossiers in the
    quarter. Those still due come first. Returns (rows, summary)."""
    start, end = quarter_range(year, quarter)
    occupied = _occupied(user, estate)
    staff = (
        record_visible_to(user, Visit)
        .filter(dossier__unit__building=OuterRef("pk"), visited_on__gte=start, visited_on__lt=end)
        .exclude(visitor__in=_manager_ids())
    )
    households = (
        occupied.filter(unit__building=OuterRef("pk"))
        .order_by()
        .values("unit__building")
        .annotate(n=Count("pk"))
        .values("n")
    )
    buildings = (
        Building.objects.filter(pk__in=occupied.values("unit__building"))
        .annotate(
            staff_visited=Exists(staff),
            last_staff_visit=Subquery(staff.order_by("-visited_on").values("visited_on")[:1]),
            households=Coalesce(Subquery(households, output_field=IntegerField()), 0),
        )
        .select_related("estate")
    )
    summary = buildings.aggregate(
        total=Count("pk"), visited=Count("pk", filter=Q(staff_visited=True))
    )
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"])
    rows = list(buildings.order_by("staff_visited", "estate__code", "number")[:limit])
    return rows, summary


def complaints_without_return_visit(*, user, year, estate=None, limit=50):
    """R43 (every complaint gets a return visit, target 100 %): the complaints received in
    ``year`` that ``user`` may see and that have none yet, oldest first, and the rate."""
    qs = record_visible_to(user, Complaint).filter(received_at__year=year)
    if estate:
        qs = qs.filter(dossier__unit__building__estate=estate)
    qs = qs.annotate(has_return_visit=Exists(_return_visits()))
    summary = qs.aggregate(total=Count("pk"), visited=Count("pk", filter=Q(has_return_visit=True)))
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"], empty=100)
    rows = list(
        qs.filter(has_return_visit=False)
        .select_related("dossier")
        .annotate(steps_done=STEPS_DONE)
        .order_by("received_at", "pk")[:limit]
    )
    return rows, summary


def _rate(part, total, empty=None):
    """A percentage rounded down to one decimal; ``empty`` when there is nothing to count."""
    if not total:
        return empty
    return int(part * 1000 / total) / 10
