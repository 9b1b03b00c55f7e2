"""Who may see and do what in appraisal and destruction.

Batches, holds and the catalog are the archive room's registers: whoever holds their view
permission sees them all. What an item *shows* (its title) follows the document's own sight
(``documents.permissions``): an item of a document the reader may not see is shown by its
reference alone. Services check the sight of every document they act on
(``require_documents``), so a manager approves, and the head destroys, only what they may see.
"""

from core import permissions as gate
from core.choices import CONFIDENTIAL_LEVELS
from core.models import AccessLog
from core.services import log_access
from documents.permissions import document_visible_to

from .models import Batch, BatchItem, Hold

VIEW = "destruction.view_batch"
APPRAISE = "destruction.appraise_batch"
APPROVE = "destruction.approve_batch"
EXECUTE = "destruction.execute_batch"  # given to the archive-room head, one person (R36)
WITNESS = "destruction.witness_destruction"
ENGINEERING = "destruction.give_engineering_opinion"
VIEW_HOLD = "destruction.view_hold"
PLACE_HOLD = "destruction.place_hold"


def batch_visible_to(user, queryset=None):
    queryset = Batch.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.has_perm(VIEW):
        return queryset
    return queryset.none()


def access_batch_or_404(user, pk, *, perm=None, request=None, queryset=None):
    if perm:
        gate.require(user, perm, request=request)
    return gate.get_or_404(user, batch_visible_to(user, queryset), request=request, pk=pk)


def hold_visible_to(user, queryset=None, *, dossier=None):
    """Holds are seen through their dossier and document (R17); with ``dossier``, that
    dossier's alone."""
    queryset = Hold.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if not (user.is_superuser or user.has_perm(VIEW_HOLD)):
        return queryset.none()
    from customers.permissions import with_visible_dossier

    visible = with_visible_dossier(user, queryset, within=dossier)
    from django.db.models import Q

    documents = document_visible_to(user, dossier=dossier).values("pk")
    return visible.filter(Q(document__isnull=True) | Q(document__in=documents))


def access_hold_or_404(user, pk, *, perm=None, request=None, queryset=None):
    if perm:
        gate.require(user, perm, request=request)
    return gate.get_or_404(user, hold_visible_to(user, queryset), request=request, pk=pk)


def _confidential(item) -> bool:
    return item.secrecy_level in CONFIDENTIAL_LEVELS


def seen_document_ids(user, items) -> set[int]:
    """Of ``items`` (batch items), the documents whose titles ``user`` is shown: a batch's
    lines are the archive room's register, read by every holder of the batches' view
    permission (witnesses and the engineering department check items they do not otherwise
    read); a confidential item's title only to those who may see the document (R17)."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    items = list(items)
    ordinary = {i.document_id for i in items if not _confidential(i)}
    if not gate.can(user, VIEW):
        ordinary = set()
    secret = {i.document_id for i in items if _confidential(i)}
    seen = set(document_visible_to(user).filter(pk__in=secret).values_list("pk", flat=True))
    return ordinary | seen


def require_items(actor, perm, items) -> None:
    """Services call this for an act on batch items by someone who may not read the dossiers
    (the engineering department): the model permission, and for a confidential item the sight
    of its document (refused and logged otherwise)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    gate.require(actor, perm)
    secret = [i for i in items if _confidential(i)]
    seen = seen_document_ids(actor, secret)
    for item in secret:
        if item.document_id not in seen:
            gate.record_refusal(actor, perm, item)
            raise PermissionDenied(_("You may not work on this document."))


def log_items_shown(user, items, *, request=None, action=AccessLog.Action.VIEW):
    """R21: a read of each confidential item shown (about its document, which the access log
    of the document and its dossier then holds), once per document."""
    from documents.models import Document

    logged = set()
    for item in items:
        if _confidential(item) and item.document_id not in logged:
            logged.add(item.document_id)
            log_access(user, Document(pk=item.document_id), action, request=request)


def item_visible_to(user, queryset=None):
    """Batch items (the catalog's lines) whose batches ``user`` may see."""
    queryset = BatchItem.objects.all() if queryset is None else queryset
    # asked of the queryset, not the database: a list page keeps its queries
    if not batch_visible_to(user).query.is_empty() or (user and user.is_superuser):
        return queryset
    return queryset.none()
