import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from documents import services
from documents.models import Box, DocumentCategory, Room, Shelf

from ..factories import user_with_role

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def category(code="id_copy"):
    if not DocumentCategory.objects.exists():
        # a transactional test before this one flushed the data migration's rows
        import importlib

        from django.apps import apps

        importlib.import_module("documents.migrations.0002_categories_and_checklist").forwards(
            apps, None
        )
    return DocumentCategory.objects.get(code=code)


def document_for(dossier, *, code="id_copy", actor=None, upload=None, **data):
    data.setdefault("title", category(code).name)
    data.setdefault("document_date", datetime.date(2024, 3, 1))
    data.setdefault("pages", 2)
    data.setdefault("copies", 1)
    return services.document_record(
        dossier=dossier,
        data={"category": category(code), **data},
        actor=actor or user_with_role(Role.FRONT_DESK),
        upload=upload,
    )


def box(*, dossier=None, room_code="A1"):
    room, _ = Room.objects.get_or_create(code=room_code, defaults={"name": "公司档案室"})
    shelf, _ = Shelf.objects.get_or_create(room=room, number=1)
    number = (shelf.boxes.count() or 0) + 1
    return Box.objects.create(shelf=shelf, number=number, dossier=dossier)


def upload(name, content, content_type="application/octet-stream"):
    """A SimpleUploadedFile whose name is kept exactly as given."""
    file = SimpleUploadedFile("placeholder", content, content_type=content_type)
    # UploadedFile's name setter already drops folders; a File made by a script or an import
    # does not, so check_upload must refuse such names on its own.
    file._name = name
    return file
