import pytest
from django.core.files.storage import default_storage

from destruction.models import Batch, BatchItem
from documents.models import Document

from ..documents.factories import PDF, upload
from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_whole_flow_destroys_and_deletes_files():
    docs = f.due_documents(2, upload=upload("a.pdf", PDF, "application/pdf"))
    name = Document.objects.get(pk=docs[0].pk).file.name
    assert name and default_storage.exists(name)
    batch = f.approved(docs)
    assert batch.status == Batch.Status.APPROVED
    batch, head, witnesses = f.executed(batch)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED, batch.status
    assert not default_storage.exists(name)
    assert set(
        Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("status", flat=True)
    ) == {"destroyed"}
    assert BatchItem.objects.filter(batch=batch, state="destroyed").count() == 2
    assert batch.register_sha256
