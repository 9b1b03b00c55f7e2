"""Documents attached to a record of the dossier (a lease's contract, a renovation's drawings,
a letter's scan …): ``Document.record`` points to the record; the record's page lists them."""

from django.apps import apps
from django.urls import reverse
from django.utils.http import urlencode

from core import permissions as gate
from core.validators import is_pk
from customers.timeline import attachable_records

from . import permissions, selectors
from .models import DocumentCategory

# The records papers may be attached to are registered by the apps that own them
# (customers.timeline.register_record): documents names none of them.


def record_token(record):
    return f"{record._meta.label_lower}:{record.pk}"


def resolve_record(token, *, dossier):
    """The record named by ``"records.lease:12"`` in ``dossier``, or None."""
    label, _sep, pk = (token or "").partition(":")
    if label not in attachable_records() or not is_pk(pk):
        return None
    model = apps.get_model(label)
    return model._default_manager.filter(pk=int(pk), dossier=dossier).first()


def suggested_category(record):
    code = attachable_records().get(record._meta.label_lower)
    return DocumentCategory.objects.filter(code=code).first() if code else None


def attachments(*, record, user):
    return selectors.dossier_catalog(dossier=record.dossier, user=user).filter(
        record_type__app_label=record._meta.app_label,
        record_type__model=record._meta.model_name,
        record_id=record.pk,
    )


def record_documents_panel(*, record, user):
    """The record page's attachments (registered in DocumentsConfig.ready)."""
    if record._meta.label_lower not in attachable_records():
        return None
    if not gate.can(user, "documents.view_document"):
        return None
    add_url = ""
    if gate.can(user, "documents.add_document"):
        add_url = reverse("documents:document_add", args=[record.dossier_id])
        add_url += "?" + urlencode({"record": record_token(record)})
    documents = list(attachments(record=record, user=user))
    # R21: the record's page has logged the read of a confidential record; an attachment of a
    # higher level of its own is logged here
    permissions.log_documents_shown(user, documents, dossier_logged=True)
    return {
        "template": "documents/partials/record_panel.html",
        "documents": documents,
        "add_url": add_url,
    }
