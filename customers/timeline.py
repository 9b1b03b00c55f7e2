"""The dossier's timeline (R6, R10): one event per recorded fact, newest first.

``record_event`` is called by the services of every app that records something in a dossier,
inside their transaction. The apps above ``customers`` say which page opens an event of their
kinds with ``register_record`` (``customers`` never imports them). The timeline is one query per
page plus its count, however long the dossier is.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import lines

from .models import DossierEvent

Kind = DossierEvent.Kind  # the customers app's own kinds; see event_kinds for the others

# model label ("records.lease") -> URL name taking the record's pk
_links: dict[str, str] = {}
# model label -> the code of the document category an attachment of it starts with ("" none)
_attachable: dict[str, str] = {}


def register_record(model_label: str, url_name: str, *, category: str = ""):
    """A kind of dossier record, registered by the app that owns it: its page (opened from
    the timeline) and, as a record papers may be attached to, the category they start with."""
    _links[model_label.lower()] = url_name
    _attachable[model_label.lower()] = category


def attachable_records() -> dict[str, str]:
    """``{model label: category code}`` of the records papers may be attached to."""
    return dict(_attachable)


def record_event(
    *, dossier, kind, title, actor=None, occurred_on=None, detail="", record=None, section=None
) -> DossierEvent:
    """Write one line of the dossier's timeline. ``record`` is the object the event is about.
    ``title`` and ``detail`` are ``core.lines.Line``s, shown in the reader's language (a text
    is kept as it is: a note typed by a person)."""
    title, title_line = lines.split(title, 200)
    detail, detail_line = lines.split(detail, 500)
    event = DossierEvent(
        dossier=dossier,
        section=section if section is not None else _section_of(record, dossier),
        kind=kind,
        occurred_on=occurred_on or timezone.localdate(),
        title=title,
        detail=detail,
        title_line=title_line,
        detail_line=detail_line,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if record is not None:
        event.record_type = ContentType.objects.get_for_model(record)
        event.record_id = record.pk
    event.save()
    return event


def _section_of(record, dossier):
    """The record's own section, when the record is of this dossier (a collective complaint
    is also a line in the other dossiers it concerns, outside their sections)."""
    if getattr(record, "dossier_id", None) != dossier.pk:
        return None
    return getattr(record, "section", None)


def link_for(event) -> str:
    if event.record_type_id is None:
        return ""
    content_type = event.record_type  # joined by dossier_timeline: no query per line
    url_name = _links.get(f"{content_type.app_label}.{content_type.model}")
    if not url_name:
        return ""
    try:
        return reverse(url_name, args=[event.record_id])
    except NoReverseMatch:
        return ""


def dossier_timeline(*, dossier, kind=None):
    """The dossier's events, newest first (R6), optionally of one kind."""
    qs = DossierEvent.objects.filter(dossier=dossier).select_related("actor", "record_type")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-occurred_on", "-recorded_at", "-pk")
