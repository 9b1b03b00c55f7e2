"""Who may see and handle documents. A document inherits its dossier's visibility (R17); a
document whose own secrecy level is B or A is visible only to those granted on the dossier."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from core import permissions as gate
from core.choices import CONFIDENTIAL_LEVELS
from core.models import AccessLog
from core.services import log_access
from customers.permissions import granted_dossiers, with_visible_dossier

from .models import Box, Document, Handover, HandoverItem


def document_visible_to(user, queryset=None, *, dossier=None):
    """The documents ``user`` may see; with ``dossier``, of that dossier alone."""
    queryset = Document.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    visible = with_visible_dossier(user, queryset, within=dossier)
    if user.is_superuser:
        return visible
    # a document above level C: to those granted on its dossier (who then also see it)
    return visible.filter(
        ~Q(secrecy_level__in=CONFIDENTIAL_LEVELS)
        | granted_dossiers(user, "view_dossier", "dossier")
    )


def is_confidential_document(document) -> bool:
    """Secret by its own level, or kept in a confidential dossier (R12, R21)."""
    return document.is_confidential or document.dossier.is_confidential


def access_document_or_404(user, pk, *, perm=None, request=None, queryset=None):
    """The document ``pk`` if ``user`` holds ``perm`` (refused and logged otherwise) and may see
    it (else 404, the same for "missing" and "not yours"); a confidential one's read is
    logged (R21)."""
    if perm:
        gate.require(user, perm, request=request)
    document = gate.get_or_404(user, document_visible_to(user, queryset), request=request, pk=pk)
    if is_confidential_document(document):
        log_access(user, document, AccessLog.Action.VIEW, request=request)  # R21
    return document


def log_documents_shown(
    user, documents, *, action=AccessLog.Action.VIEW, request=None, dossier_logged=False
):
    """R21: a page that lists documents (a dossier's panel or cover, a record's attachments, a
    box, a handover list) writes a read for each confidential one it shows. ``dossier_logged``:
    the page has logged the read of the dossier itself (its own page), which covers the
    documents that are confidential only because their dossier is; the documents of a higher
    level of their own are still logged one by one."""
    shown = []
    for document in documents:
        if document.is_confidential or (not dossier_logged and document.dossier.is_confidential):
            log_access(user, document, action, request=request)
            shown.append(document)
    return shown


def require_documents(actor, perm, documents):
    """Services call this: the model permission and the sight of every one of ``documents``
    (a confidential document, or one of a dossier the actor may not see, is refused and
    logged: R17)."""
    gate.require(actor, perm)
    ids = {d.pk for d in documents}
    seen = set(document_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    for document in documents:
        if document.pk not in seen:
            gate.record_refusal(actor, perm, document)
            raise PermissionDenied(_("You may not work on this document."))


def box_visible_to(user, queryset=None):
    """Boxes are storage furniture: visible to whoever may view boxes; their contents are
    listed through ``document_visible_to``."""
    queryset = Box.objects.all() if queryset is None else queryset
    return queryset if gate.can(user, "documents.view_box") else queryset.none()


def handover_visible_to(user, queryset=None):
    queryset = Handover.objects.all() if queryset is None else queryset
    return queryset if gate.can(user, "documents.view_handover") else queryset.none()


def handover_items_visible_to(user, handover):
    """The items of a handover that ``user`` may see (confidential ones only if granted)."""
    return HandoverItem.objects.filter(handover=handover, document__in=document_visible_to(user))


def access_box_or_404(user, pk, *, perm=None, request=None, queryset=None):
    if perm:
        gate.require(user, perm, request=request)
    return gate.get_or_404(user, box_visible_to(user, queryset), request=request, pk=pk)


def access_handover_or_404(user, pk, *, perm=None, request=None, queryset=None):
    """The handover ``pk`` if ``user`` holds ``perm`` (refused and logged otherwise) and may
    see it (else 404)."""
    if perm:
        gate.require(user, perm, request=request)
    return gate.get_or_404(user, handover_visible_to(user, queryset), request=request, pk=pk)
