"""Correspondence (往来函) held in the dossier (R5): a letter is recorded received or sent,
optionally in reply to another letter of the same dossier; its scan is attached as a document.
A letter does not move once recorded (no status, no workflow)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line, Parts
from records.common import DomainError, Kind, current_section, record_event
from records.models import Correspondence
from records.permissions import require_record

__all__ = ["DomainError", "letter_record"]


def letter_record(*, dossier, data, actor) -> Correspondence:
    """A letter received from or sent to the customer, optionally answering another letter of
    the same dossier. Its scan is attached as a document on the letter's page."""
    require_record(actor, "records.add_correspondence", dossier)
    workflow.not_in_future(data["dated"], _("The date of the letter"))
    answered = data.get("in_reply_to")
    if answered is not None:
        if answered.dossier_id != dossier.pk:
            raise DomainError(_("A letter answers only another letter of the same dossier."))
        if data["dated"] < answered.dated:
            raise DomainError(_("A reply cannot be dated before the letter it answers."))
    with transaction.atomic():
        letter = Correspondence(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            direction=data["direction"],
            dated=data["dated"],
            reference=(data.get("reference") or "").strip(),
            counterpart=data["counterpart"].strip(),
            subject=data["subject"].strip(),
            summary=(data.get("summary") or "").strip(),
            in_reply_to=answered,
        )
        workflow.stamp(letter, actor, Line("Letter recorded"))
        letter.save()
        if letter.direction == Correspondence.Direction.INCOMING:
            title = Line(
                "Letter received from %(who)s: %(subject)s",
                who=letter.counterpart,
                subject=letter.subject,
            )
        else:
            title = Line(
                "Letter sent to %(who)s: %(subject)s",
                who=letter.counterpart,
                subject=letter.subject,
            )
        detail = []
        if letter.reference:
            detail.append(Line("Letter number %(number)s", number=letter.reference))
        if answered is not None:
            detail.append(Line("in reply to “%(subject)s”", subject=answered.subject))
        record_event(
            dossier=dossier,
            kind=Kind.CORRESPONDENCE,
            title=title,
            detail=Parts(detail) if detail else "",
            actor=actor,
            occurred_on=letter.dated,
            record=letter,
        )
    return letter
