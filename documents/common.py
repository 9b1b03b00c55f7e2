"""What the documents services share: the one move of a document's status, and history rows
for rows written in bulk.

``documents_move`` checks no right: it is the step the gated services take (filing, the
handover, and later lending and destruction), after they have checked the actor's rights on
the documents, inside their transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core import lines, workflow
from core.workflow import DomainError

from .models import Document

__all__ = ["documents_move", "record_history"]


def record_history(model, objects, *, actor, reason, created=False):
    """History rows for rows written with ``update()``/``bulk_create()`` (which write none):
    one per object, naming ``actor`` and ``reason``."""
    if objects:
        model.history.bulk_history_create(
            objects,
            update=not created,
            default_user=actor,
            default_change_reason=lines.as_text(reason, 100),
        )


def documents_move(documents, to, *, actor, reason, **fields) -> list[Document]:
    """Move ``documents`` (one or many) to status ``to``, in the caller's transaction.

    Refuses, as a whole, a move ``Document.TRANSITIONS`` does not allow from the status each
    document was read in; sets the status by compare-and-set on that status, so a document
    someone else has moved since it was read loses (DomainError, nothing moved); writes
    ``fields`` (the same for every document) and one history row per document naming
    ``actor`` and ``reason``. Returns the documents, brought up to date."""
    documents = list(documents)
    if not documents:
        return []
    for document in documents:
        workflow.refuse_move(document, to)
    with transaction.atomic():  # all or nothing, also when the caller has no transaction
        by_status: dict[str, list[Document]] = {}
        for document in documents:
            by_status.setdefault(document.status, []).append(document)
        for seen, group in by_status.items():
            updated = Document.objects.filter(pk__in=[d.pk for d in group], status=seen).update(
                status=to, **fields
            )
            if updated != len(group):
                stale = Document.objects.filter(pk__in=[d.pk for d in group]).exclude(status=seen)
                raise DomainError(
                    _("Someone else has just changed these documents; reload the page: %(list)s.")
                    % {"list": "、".join(d.title for d in stale) or "—"}
                )
        for document in documents:
            document.status = to
            for name, value in fields.items():
                setattr(document, name, value)
        stored = list(Document.objects.filter(pk__in=[d.pk for d in documents]))
        record_history(Document, stored, actor=actor, reason=reason)
    return documents
