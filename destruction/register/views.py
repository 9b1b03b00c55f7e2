"""The destruction register's downloads, for holders of the view permission: the stored PDF
(made once at completion, its SHA-256 recorded on the batch and sent in ``X-Content-SHA256``)
and the items as a spreadsheet. A batch not completed, or completed with nothing destroyed,
has no register (404). A register with confidential items is logged when read (R21)."""

import hashlib
import logging

from django.http import Http404

from core.exports import pdf_response
from core.models import AccessLog

from ..models import Batch
from ..permissions import VIEW, access_batch_or_404, log_items_shown, seen_document_ids
from . import selectors
from .xlsx import register_xlsx_response

logger = logging.getLogger(__name__)


def _completed_batch(request, pk) -> Batch:
    batch = access_batch_or_404(request.user, pk, perm=VIEW, request=request)
    if batch.status != Batch.Status.COMPLETED:
        raise Http404
    return batch


def batch_register_pdf(request, pk):
    batch = _completed_batch(request, pk)
    if not batch.register_file:
        raise Http404
    with batch.register_file.open("rb") as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != batch.register_sha256:
        logger.error("destruction register of batch %s does not match its SHA-256", batch.pk)
    # the register prints every item's title: each confidential one is a read (R21)
    log_items_shown(
        request.user,
        selectors.register_items(batch).filter(secrecy_level__in=("A", "B")),
        request=request,
        action=AccessLog.Action.DOWNLOAD,
    )
    response = pdf_response(content, f"{batch.number}.pdf")
    response["X-Content-SHA256"] = batch.register_sha256
    return response


def batch_register_xlsx(request, pk):
    batch = _completed_batch(request, pk)
    items = list(selectors.register_items(batch))
    seen = seen_document_ids(request.user, items)
    log_items_shown(request.user, [i for i in items if i.document_id in seen], request=request)
    return register_xlsx_response(batch, items, seen=seen)
