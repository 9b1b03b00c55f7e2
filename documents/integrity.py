"""R45: the integrity of the electronic archive can be checked.

Every stored file is hashed again and compared with the SHA-256 taken when it was uploaded
(``documents.uploads.store``). A file that is gone or whose bytes differ is reported to the
archivists and administrators; the command ``check_document_files`` and the weekly Celery task
``documents.tasks.check_document_files`` run the same two functions below.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import SuspiciousFileOperation
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.lines import Line

from .models import Document

__all__ = ["IntegrityReport", "check_files", "notify_problems"]

logger = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
# ids per UPDATE, under SQLite's limit on query parameters
_UPDATE_BATCH = 10_000


@dataclass
class IntegrityReport:
    """Document ids by outcome; ``checked_at`` is when the run started."""

    checked_at: datetime
    ok: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.missing or self.changed)

    @property
    def total(self) -> int:
        return len(self.ok) + len(self.missing) + len(self.changed)

    def counts(self) -> dict[str, int]:
        return {"ok": len(self.ok), "missing": len(self.missing), "changed": len(self.changed)}


def _stored_files(documents):
    if documents is None:
        queryset = Document.objects.all()
    elif isinstance(documents, QuerySet):
        queryset = documents
    else:  # documents or their ids
        queryset = Document.objects.filter(pk__in=[getattr(d, "pk", d) for d in documents])
    return queryset.exclude(file="").order_by("pk").only("pk", "file", "file_sha256")


def _sha256(document) -> str:
    digest = hashlib.sha256()
    with document.file.storage.open(document.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_files(*, documents=None) -> IntegrityReport:
    """Hash every stored file again (by default every document that has one) and compare it
    with the hash recorded at upload. The files found intact get ``file_checked_at``."""
    report = IntegrityReport(checked_at=timezone.now())
    for document in _stored_files(documents).iterator(chunk_size=500):
        try:
            actual = _sha256(document)
        except FileNotFoundError:
            report.missing.append(document.pk)
            continue
        except SuspiciousFileOperation:  # the recorded name points outside MEDIA_ROOT
            logger.exception("document %s: file name %r refused", document.pk, document.file.name)
            report.changed.append(document.pk)
            continue
        except OSError:  # unreadable is as bad as gone
            logger.exception("document %s: file %s cannot be read", document.pk, document.file)
            report.missing.append(document.pk)
            continue
        # A file without a recorded hash cannot be vouched for: every upload records one.
        if document.file_sha256 and actual == document.file_sha256.lower():
            report.ok.append(document.pk)
        else:
            report.changed.append(document.pk)
    # a plain UPDATE: the stamp is not a change of the document, so no history row either
    for start in range(0, len(report.ok), _UPDATE_BATCH):
        batch = report.ok[start : start + _UPDATE_BATCH]
        Document.objects.filter(pk__in=batch).update(file_checked_at=report.checked_at)
    if report.has_problems:
        logger.warning(
            "file integrity: %s missing %s, changed %s",
            report.counts(),
            report.missing,
            report.changed,
        )
    return report


def _admin_document_list() -> str:
    # Resolved at call time, and never in the way of the alarm: a missing admin page or a
    # broken URLconf still lets the notification out, with a plainer link.
    try:
        return reverse("admin:documents_document_changelist")
    except (NoReverseMatch, ImportError):
        logger.exception("file integrity: no link to the admin document list")
        return "/admin/"


def notify_problems(report: IntegrityReport) -> list:
    """Tell the archivists and administrators when files are missing or changed (R45)."""
    if not report.has_problems:
        return []
    from core.roles import Role
    from core.services import notify
    from customers.permissions import who_is_told

    people = who_is_told(None, roles=(Role.ARCHIVIST, Role.ADMIN))
    message = Line(
        "File integrity check: %(missing)d missing and %(changed)d changed of %(total)d "
        "stored files. Check the documents and restore them from the backup.",
        missing=len(report.missing),
        changed=len(report.changed),
        total=report.total,
    )
    return notify(people, message, _admin_document_list())
