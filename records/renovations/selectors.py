"""Reads of the secondary renovation and violation pages: no side effects."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from records.common import next_number
from records.models import Renovation, Violation

__all__ = [
    "PERMIT_PREFIX",
    "LINKABLE",
    "next_permit_number",
    "is_overdue",
    "open_violations",
    "inspection_blocker",
    "acceptance_blockers",
    "linkable_renovations",
]

Status = Renovation.Status
PERMIT_PREFIX = "ZX"
# a violation may be linked to a renovation that is not closed yet
LINKABLE = (Status.APPLIED, Status.APPROVED, Status.IN_PROGRESS)


def next_permit_number(day) -> str:
    """The next free permit number of ``day``'s year: ZX-2026-0001, ZX-2026-0002 …"""
    return next_number(Renovation, "permit_number", f"{PERMIT_PREFIX}-{day.year}-", 4)


def is_overdue(violation, today=None) -> bool:
    """Still open after its rectify-by date."""
    today = today or timezone.localdate()
    return (
        violation.status == Violation.Status.OPEN
        and violation.rectify_by is not None
        and violation.rectify_by < today
    )


def open_violations(renovation):
    return renovation.violations.filter(status=Violation.Status.OPEN).order_by("occurred_on", "pk")


def linkable_renovations(dossier):
    """The renovations of ``dossier`` a violation may still be linked to, newest first."""
    return Renovation.objects.filter(dossier=dossier, status__in=LINKABLE).order_by(
        "-applied_on", "-pk"
    )


def inspection_blocker(renovation) -> str:
    """Why no inspection can be recorded now ("" during the works)."""
    if renovation.status == Status.IN_PROGRESS:
        return ""
    return _(
        "Inspections are recorded while the works are in progress; this renovation is “%(status)s”."
    ) % {"status": renovation.get_status_display()}


def works_not_started(renovation) -> str:
    """Why the works cannot be accepted yet because they have not started ("" otherwise)."""
    if renovation.status in (Status.APPLIED, Status.APPROVED):
        return _("The works have not started yet; record their start first.")
    return ""


def acceptance_blockers(renovation) -> str:
    """Why the works cannot be accepted now ("" when they can)."""
    if not_started := works_not_started(renovation):
        return not_started
    if renovation.status != Status.IN_PROGRESS:
        return _("A renovation that is “%(status)s” cannot be accepted.") % {
            "status": renovation.get_status_display()
        }
    pending = list(open_violations(renovation))
    if pending:
        names = "；".join(violation_name(v) for v in pending)
        return _("The works cannot be accepted while violations await rectification: %(list)s.") % {
            "list": names
        }
    return ""


def violation_name(violation):
    day = date_format(violation.occurred_on, "DATE_FORMAT")
    text = f"{day} {violation.get_category_display()}"
    if violation.notice_number:
        text += f" ({violation.notice_number})"
    return text
