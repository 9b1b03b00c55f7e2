"""Reads of the register of copies (R26) and of the copies of personal data still held
(R19): no side effects."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from documents.permissions import document_visible_to

from ..models import CopyRecord
from .permissions import copy_visible_to

S = CopyRecord.Status


def _register(qs, user):
    seen = document_visible_to(user).filter(pk=OuterRef("document_id"))
    return qs.select_related(
        "loan__dossier", "document__dossier", "holder", "made_by", "closed_by"
    ).annotate(
        held_first=Case(
            When(status=S.HELD, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        document_seen=Exists(seen),
    )


def copy_register(*, user, status="", held_by=None):
    """Every copy ``user`` may see, the personal-data copies still held first, then newest
    first; ``status`` one of ``CopyRecord.Status`` filters; ``held_by`` keeps one holder's."""
    qs = copy_visible_to(user)
    if status in S.values:
        qs = qs.filter(status=status)
    if held_by is not None:
        qs = qs.filter(holder=held_by)
    return _register(qs, user).order_by("held_first", "-made_at", "-pk")


def copies_held(*, holder, user=None):
    """The copies of personal data ``holder`` still holds (R19): what they must return or have
    destroyed (before their clearance, R28). ``user``: who asks (by default the holder)."""
    qs = copy_visible_to(user or holder).filter(holder=holder, status=S.HELD)
    return _register(qs, user or holder).order_by("made_at", "pk")
