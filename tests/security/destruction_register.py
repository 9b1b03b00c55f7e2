"""Security-matrix expectations of the destruction register's downloads and the catalog of
destroyed files (merged in matrix.py): for holders of ``destruction.view_batch`` (managers,
the archive room, witnesses, the engineering department, executives, administrators)."""

from core.roles import Role

from .matrix import only

VIEWERS = (Role.MANAGER, Role.ARCHIVIST, Role.WITNESS, Role.ENGINEERING, Role.EXECUTIVE, Role.ADMIN)


def _completed(o):
    """A completed batch of the dossier's document, its register stored (made on demand)."""
    import hashlib

    from django.core.files.base import ContentFile

    from destruction.models import Batch

    content = b"%PDF-1.4\n%register\n"
    batch = Batch.objects.create(
        title="矩阵", status=Batch.Status.COMPLETED, created_by=o["dossier"].opened_by
    )
    batch.number = f"XH-M{batch.pk:04d}"
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
