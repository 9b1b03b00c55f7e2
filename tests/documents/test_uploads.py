"""Upload defences (R45): files are accepted by their content, never by their name or the
browser's word, stored under a generated name, and nothing is written for a refused file."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from documents.models import Document
from documents.uploads import CheckedUpload, check_upload, sniff_type, storage_name, store

from .factories import PDF, upload

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
TIFF_LE = b"II*\x00\x08\x00\x00\x00\x00\x00"
TIFF_BE = b"MM\x00*\x00\x00\x00\x08\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def written(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def check_and_store(file):
    """What the services do: store only what check_upload accepted."""
    document = Document()
    store(document, file, check_upload(file))
    return document


def refused(media, file, code):
    with pytest.raises(ValidationError) as exc:
        check_and_store(file)
    assert exc.value.code == code
    assert written(media) == []  # nothing reached the disk
    return exc.value


# --- sniffing ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (TIFF_LE, "image/tiff"),
        (TIFF_BE, "image/tiff"),
        (EXE, None),
        (b"GIF89a\x01\x00", None),
        (b"%PDF", None),  # too short to be a PDF header
        (b"\x89PNG\r\n", None),
        (b"<html><script>", None),
        (b"", None),
    ],
)
def test_sniff_type_reads_the_magic_bytes(head, expected):
    assert sniff_type(head) == expected


# --- accepted ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "mime_type", "extension"),
    [
        ("合同.pdf", PDF, "application/pdf", "pdf"),
        ("photo.jpeg", JPEG, "image/jpeg", "jpg"),
        ("scan.png", PNG, "image/png", "png"),
        ("fax.tiff", TIFF_LE, "image/tiff", "tif"),
        ("fax-mac.tif", TIFF_BE, "image/tiff", "tif"),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content__R45(
    media, name, content, mime_type, extension
):
    file = SimpleUploadedFile(name, content, content_type="text/plain")  # the browser is wrong
    checked = check_upload(file)
    assert checked == CheckedUpload(
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        mime_type=mime_type,
        original_name=name,
        extension=extension,
    )
    assert file.tell() == 0  # rewound for whoever stores it
    assert written(media) == []  # checking writes nothing


def test_the_name_and_the_browser_do_not_decide_the_type__R45():
    checked = check_upload(SimpleUploadedFile("picture.png", JPEG, content_type="image/png"))
    assert (checked.mime_type, checked.extension) == ("image/jpeg", "jpg")


def test_a_file_of_many_chunks_is_hashed_whole__R45():
    content = PDF + bytes(range(256)) * 1200  # ~300 KB: several 64 KB chunks
    checked = check_upload(SimpleUploadedFile("big.pdf", content))
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_a_file_of_exactly_the_limit_is_accepted__R45(settings):
    settings.DOCUMENT_UPLOAD_MAX_MB = 1
    content = PDF + b"\x00" * (MIB - len(PDF))
    assert check_upload(SimpleUploadedFile("limit.pdf", content)).size == MIB


# --- refused ----------------------------------------------------------------------------
def test_a_renamed_executable_is_refused__R45(media):
    error = refused(media, upload("scan.pdf", EXE, content_type="application/pdf"), "type")
    with translation.override("en"):
        assert "PDF" in error.messages[0] and "JPEG" in error.messages[0]


def test_a_type_not_in_the_setting_is_refused__R45(media, settings):
    settings.DOCUMENT_UPLOAD_TYPES = ["application/pdf"]
    refused(media, upload("scan.png", PNG), "type")
    assert check_upload(upload("scan.pdf", PDF)).mime_type == "application/pdf"


def test_an_oversized_file_is_refused__R45(media, settings):
    settings.DOCUMENT_UPLOAD_MAX_MB = 1
    error = refused(media, upload("big.pdf", PDF + b"\x00" * (MIB + 1 - len(PDF))), "size")
    with translation.override("en"):
        assert "1 MB" in error.messages[0]


def test_a_file_larger_than_it_says_is_refused_while_reading__R45(media, settings):
    settings.DOCUMENT_UPLOAD_MAX_MB = 1
    file = upload("liar.pdf", PDF + b"\x00" * (2 * MIB))
    file.size = 100
    refused(media, file, "size")
    assert file.tell() == 0


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "C:\\x\\a.pdf",
        "a/b.pdf",
        "/etc/passwd.pdf",
        "..\\a.pdf",
        "C:a.pdf",
        "a\x00.pdf",
        "..",
        "",
    ],
)
def test_names_with_path_parts_are_refused__R45(media, name):
    refused(media, upload(name, PDF), "name")


def test_an_empty_file_is_refused__R45(media):
    refused(media, upload("empty.pdf", b""), "empty")


# --- storing ----------------------------------------------------------------------------
def test_storage_name_is_generated_not_taken_from_the_person__R45():
    checked = check_upload(SimpleUploadedFile("张三 身份证.pdf", PDF))
    first, second = storage_name(checked), storage_name(checked)
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", first)
    assert first != second
    assert "张三" not in first


def test_store_writes_the_file_under_media_root_and_describes_it__R45(media):
    name = "张三 身份证" + "长" * 300 + ".pdf"
    file = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    document = check_and_store(file)
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)
    on_disk = media / document.file.name
    assert on_disk.read_bytes() == PDF
    assert written(media) == [on_disk]
    assert document.file_name == file.name[:200]
    assert document.file_type == "application/pdf"
    assert document.file_size == len(PDF)
    assert document.file_sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.file_checked_at is not None
    assert document.pk is None  # the caller saves it
