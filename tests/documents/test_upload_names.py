"""A file sent under a name that is no name is refused, never dropped (R45).

Django's request parser silently drops a file part whose name is ``.`` or ``..`` once the
folders are stripped (``a/..``, ``dir/``): the form then saw "no file", and the document
was saved without the file the person chose, with no word said. Now such a file reaches the
form under the name it was reduced to and is refused beside the field; nothing is saved and
nothing is written to disk. A part with no name at all is what a browser sends when no file
was chosen (HTML: an empty file name and no content), so it still means "no file"."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import Role
from documents.models import Document
from documents.uploads import ERROR_MESSAGES, check_upload

from ..customers.factories import moved_in
from ..factories import user_with_role
from .factories import PDF, category, upload

pytestmark = pytest.mark.django_db
BOUNDARY = "----archive-test-boundary"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def written(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def multipart(fields: dict, *, file_name: str, content: bytes) -> bytes:
    """A multipart body whose file part carries ``file_name`` exactly as given (the test
    client would put the field name in place of an empty one)."""
    lines = []
    for name, value in fields.items():
        lines += [
            f"--{BOUNDARY}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode(),
        ]
    lines += [
        f"--{BOUNDARY}".encode(),
        f'Content-Disposition: form-data; name="upload"; filename="{file_name}"'.encode(),
        b"Content-Type: application/pdf",
        b"",
        content,
        f"--{BOUNDARY}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines)


@pytest.fixture
def post(client):
    dossier = moved_in().dossier
    client.force_login(user_with_role(Role.FRONT_DESK))
    kind = category()

    def send(file_name, content=PDF):
        fields = {
            "category": kind.pk,
            "title": "扫描件",
            "document_date": "2026-11-01",
            "carrier": "paper",
            "is_original": "on",
            "pages": "1",
            "copies": "1",
        }
        return client.generic(
            "POST",
            reverse("documents:document_add", args=[dossier.pk]),
            multipart(fields, file_name=file_name, content=content),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )

    return send


@pytest.mark.parametrize("file_name", ["..", ".", "a/..", "dir/", "C:\\dir\\..", "   ", " . "])
def test_a_file_whose_name_is_no_name_is_refused_beside_the_field_and_nothing_is_saved__R45(
    post, media, file_name
):
    response = post(file_name)
    assert response.status_code == 200
    assert response.context["form"].errors["upload"] == [str(ERROR_MESSAGES["no_name"])]
    assert 'value="扫描件"' in response.content.decode()  # what was typed is kept
    assert not Document.objects.exists()
    assert written(media) == []


def test_a_normal_name_still_uploads__R45(post, media):
    response = post("扫描件.pdf")
    assert response.status_code == 302
    assert Document.objects.get().file_name == "扫描件.pdf"
    assert len(written(media)) == 1


def test_no_file_chosen_still_records_the_document_without_one__R45(post, media):
    """What a browser sends for an empty file input: a part with no name and no content."""
    response = post("", content=b"")
    assert response.status_code == 302
    assert not Document.objects.get().file
    assert written(media) == []


@pytest.mark.parametrize("name", [".", "...", "   ", " . ", ".\t."])
def test_check_upload_refuses_names_of_only_dots_and_spaces__R45(media, name):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(name, PDF))
    assert excinfo.value.code == "name"
    assert written(media) == []
