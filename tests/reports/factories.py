"""The reports tests' data: a little of everything the archive holds, with stored files."""

from core.roles import Role

from ..customers.factories import CustomerFactory, dossier_for, moved_in
from ..documents.factories import PDF, document_for, upload
from ..factories import user_with_role


def seeded(documents=2):
    """A dossier with its customer and ``documents`` documents, each with a stored file."""
    dossier = dossier_for()
    moved_in(dossier, CustomerFactory())
    clerk = user_with_role(Role.FRONT_DESK)
    docs = [
        document_for(
            dossier,
            actor=clerk,
            upload=upload(f"scan{i}.pdf", PDF + f"%{i}\n".encode(), "application/pdf"),
            title=f"资料{i}",
        )
        for i in range(documents)
    ]
    return dossier, docs


def admin_user(**kwargs):
    return user_with_role(Role.ADMIN, **kwargs)
