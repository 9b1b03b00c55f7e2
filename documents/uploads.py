"""Checking and storing an uploaded document file (R45 and the product's upload defences).

A file is accepted by what it *is*, not by what it is called: the type is sniffed from its
first bytes, the browser's ``content_type`` and the file's extension are ignored. It is stored
under a generated name (the person's file name never reaches the disk) below ``MEDIA_ROOT``,
which no URL serves; only the permission-checked download view reads it back. Its SHA-256 is
kept so that ``documents.integrity`` can later prove the file is unchanged.
"""

import hashlib
import posixpath
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CheckedUpload", "check_upload", "sniff_type", "storage_name", "store"]

# (magic bytes, MIME type); the longest signature is 8 bytes
_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),  # little-endian TIFF
    (b"MM\x00*", "image/tiff"),  # big-endian TIFF
]
HEAD_SIZE = 8

# the stored file's extension by sniffed type (never the one the person typed)
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}
# how a type is named to people in the refusal message
_TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}

# a drive letter ("C:"), the start of a Windows path
_DRIVE = re.compile(r"^[A-Za-z]:")

ERROR_MESSAGES = {
    "no_name": _(
        "The file has no name of its own (only dots or spaces, or a folder); rename the file."
    ),
    "name": _('The file name must not contain a folder, a drive or ".."; rename the file.'),
    "empty": _("The file is empty."),
    "size": _("The file is larger than %(limit)s MB."),
    "type": _("This kind of file is not accepted. Upload one of: %(types)s."),
}


@dataclass(frozen=True)
class CheckedUpload:
    """What ``check_upload`` found out about a file it accepted."""

    sha256: str
    size: int
    mime_type: str
    original_name: str
    extension: str  # without the dot, by sniffed type: "pdf", "jpg", "png", "tif"


def sniff_type(head: bytes) -> str | None:
    """The MIME type told by a file's first bytes, or None when it is none we know."""
    head = bytes(head[:HEAD_SIZE])
    for magic, mime_type in _SIGNATURES:
        if head.startswith(magic):
            return mime_type
    return None


def _has_path_parts(name: str) -> bool:
    return "/" in name or "\\" in name or "\x00" in name or ".." in name or bool(_DRIVE.match(name))


def _limit_bytes() -> int:
    return settings.DOCUMENT_UPLOAD_MAX_MB * 1024 * 1024


def _size_error():
    return ValidationError(
        ERROR_MESSAGES["size"], code="size", params={"limit": settings.DOCUMENT_UPLOAD_MAX_MB}
    )


def check_upload(uploaded_file) -> CheckedUpload:
    """Accept ``uploaded_file`` or raise ValidationError (codes "name", "empty", "size",
    "type"). The file is read once, in chunks, and left rewound for whoever stores it."""
    name = uploaded_file.name or ""
    # ".", "..", "   ": what the request parser leaves of "a/..", "dir/" (core.uploads)
    if not name.replace(".", "").strip():
        raise ValidationError(ERROR_MESSAGES["no_name"], code="name")
    # Django's UploadedFile already drops folders from the name; a File built elsewhere (a
    # script, an import) does not, and a name must never steer where we write.
    if _has_path_parts(name):
        raise ValidationError(ERROR_MESSAGES["name"], code="name")

    limit = _limit_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:  # refuse before reading it at all
        raise _size_error()

    digest = hashlib.sha256()
    head = b""
    size = 0
    try:
        for chunk in uploaded_file.chunks():  # chunks() starts from the beginning
            if len(head) < HEAD_SIZE:
                head += chunk[: HEAD_SIZE - len(head)]
            size += len(chunk)
            if size > limit:  # the declared size was wrong
                raise _size_error()
            digest.update(chunk)
    finally:
        uploaded_file.seek(0)

    if size == 0:
        raise ValidationError(ERROR_MESSAGES["empty"], code="empty")
    mime_type = sniff_type(head)
    accepted = list(settings.DOCUMENT_UPLOAD_TYPES)
    if mime_type is None or mime_type not in accepted or mime_type not in EXTENSIONS:
        types = ", ".join(_TYPE_LABELS.get(t, t) for t in accepted)
        raise ValidationError(ERROR_MESSAGES["type"], code="type", params={"types": types})

    return CheckedUpload(
        sha256=digest.hexdigest(),
        size=size,
        mime_type=mime_type,
        original_name=name,
        extension=EXTENSIONS[mime_type],
    )


def storage_name(checked: CheckedUpload) -> str:
    """``documents/<yyyy>/<mm>/<uuid4 hex>.<ext>``: nothing of the person's file name."""
    today = timezone.localdate()
    return f"documents/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{checked.extension}"


def store(document, uploaded_file, checked: CheckedUpload) -> None:
    """Write the checked file under a generated name and describe it on ``document``
    (R45). The caller saves the document, in the same transaction as its other changes."""
    storage = document.file.storage
    # Saved through the storage, not FieldFile.save(): that would put the field's upload_to
    # folder in front of a name that already has it.
    saved = storage.save(storage_name(checked), uploaded_file)
    uploaded_file.seek(0)
    document.file = saved
    document.file_name = posixpath.basename(checked.original_name)[:200]
    document.file_type = checked.mime_type
    document.file_size = checked.size
    document.file_sha256 = checked.sha256
    document.file_checked_at = timezone.now()
