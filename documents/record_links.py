"""Documents attached to a record of the dossier (a lease's contract, a renovation's drawings,
a letter's scan …): ``Document.record`` points to the record; the record's page lists them."""

from django.apps import apps
from django.urls import reverse
from django.utils.http import urlencode

from core.validators import is_pk
from records.apps import LINKS

from . import permissions, selectors
from .models import DocumentCategory

# the category a new attachment of each kind of record starts with
CATEGORY_OF = {
    "records.lease": "lease",
    "records.deposit": "deposit_receipt",
    "records.charge": "payment",
    "records.payment": "payment",
    "records.renovation": "renovation",
    "records.renovationinspection": "renovation",
    "records.violation": "violation",
    "records.complaint": "complaint",
    "records.repair": "repair",
    "records.visit": "visit",
    "records.correspondence": "correspondence",
    "records.application": "application",
}


def record_token(record):
    return f"{record._meta.label_lower}:{record.pk}"


def resolve_record(token, *, dossier):
    """The record named by ``"records.lease:12"`` in ``dossier``, or None."""
    label, _sep, pk = (token or "").partition(":")
    if label not in LINKS or not is_pk(pk):
        return None
    model = apps.get_model(label)
    return model._default_manager.filter(pk=int(pk), dossier=dossier).first()


def suggested_category(record):
    code = CATEGORY_OF.get(record._meta.label_lower)
    return DocumentCategory.objects.filter(code=code).first() if code else None


def attachments(*, record, user):
    return selectors.dossier_catalog(dossier=record.dossier, user=user).filter(
        record_type__app_label=record._meta.app_label,
        record_type__model=record._meta.model_name,
        record_id=record.pk,
    )


def record_documents_panel(*, record, user):
    """The record page's attachments (registered in DocumentsConfig.ready)."""
    if not user.has_perm("documents.view_document") or record._meta.label_lower not in LINKS:
        return None
    add_url = ""
    if user.has_perm("documents.add_document"):
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
