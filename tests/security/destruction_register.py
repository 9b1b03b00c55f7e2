"""Security-matrix expectations of the destruction register's downloads and the catalog of
destroyed files (merged in matrix.py): for holders of ``destruction.view_batch`` (managers,
the archive room, witnesses, the engineering department, executives, administrators)."""

from core.roles import Role

from .matrix import only

VIEWERS = (Role.MANAGER, Role.ARCHIVIST, Role.WITNESS, Role.ENGINEERING, Role.EXECUTIVE, Role.ADMIN)


def _completed(o):
    """A completed batch holding the objects' document as destroyed, its register made and
    stored as the execution makes it."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from destruction.batches.services import _tombstone
    from destruction.models import Batch, BatchItem, Decision
    from destruction.register.pdf import register_pdf

    now = timezone.now()
    batch = Batch.objects.create(
        title="矩阵",
        status=Batch.Status.COMPLETED,
        created_by=o["dossier"].opened_by,
        completed_at=now,
    )
    batch.number = f"XH-M{batch.pk:04d}"
    document = o.get("document")
    if document is not None:
        BatchItem.objects.create(
            batch=batch,
            document=document,
            decision=Decision.DESTROY,
            state=BatchItem.State.DESTROYED,
            open=False,
            destroyed_at=now,
            **_tombstone(document),
        )
    content = register_pdf(batch)
    batch.register_file.save(f"{batch.number}.pdf", ContentFile(content), save=False)
    batch.register_sha256 = hashlib.sha256(content).hexdigest()
    batch.save()
    return {"pk": batch.pk}


EXPECTATIONS = {
    "destruction:batch_register_pdf": only(*VIEWERS, kwargs=_completed),
    "destruction:batch_register_xlsx": only(*VIEWERS, kwargs=_completed),
    "destruction:catalog": only(*VIEWERS),
    "destruction:catalog_xlsx": only(*VIEWERS),
}
