"""R45: the stored files can be checked; a missing or changed one is reported and stops cron."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from customers.models import Building, Estate, ServiceCentre, Unit
from customers.services import dossier_open
from documents import tasks
from documents.integrity import check_files, notify_problems
from documents.models import Document, DocumentCategory
from documents.uploads import check_upload, store

from ..factories import user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
STORED_AT = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
CHECKED_AT = datetime.datetime(2026, 3, 8, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dossier():
    centre = ServiceCentre.objects.create(name="第一服务中心", code="SC1")
    estate = Estate.objects.create(name="翠湖苑", code="CH", service_centre=centre)
    building = Building.objects.create(estate=estate, number="3")
    unit = Unit.objects.create(building=building, entrance="1", floor=12, room="1202")
    return dossier_open(unit=unit, actor=user_with_role(Role.FRONT_DESK))


@pytest.fixture
def make_document(dossier):
    recorder = user_with_role(Role.FRONT_DESK)
    category = DocumentCategory.objects.get(code="id_copy")

    def make(title, content=PDF, name="scan.pdf"):
        document = Document(
            dossier=dossier,
            category=category,
            title=title,
            document_date=datetime.date(2026, 2, 1),
            carrier="electronic",
            recorded_by=recorder,
        )
        file = SimpleUploadedFile(name, content)
        with time_machine.travel(STORED_AT, tick=False):
            store(document, file, check_upload(file))
        document.save()
        return document

    return make


@pytest.fixture
def three_files(make_document, media):
    """One intact, one whose bytes were altered on disk, one deleted from disk."""
    intact = make_document("身份证复印件")
    altered = make_document("房产证复印件", content=PNG, name="deed.png")
    gone = make_document("购房合同")
    path = media / altered.file.name
    path.write_bytes(path.read_bytes() + b"tampered")
    (media / gone.file.name).unlink()
    return intact, altered, gone


@pytest.fixture
def people():
    return {
        "archivist": user_with_role(Role.ARCHIVIST),
        "admin": user_with_role(Role.ADMIN),
        "front_desk": user_with_role(Role.FRONT_DESK),
        "manager": user_with_role(Role.MANAGER),
        "former_archivist": user_with_role(Role.ARCHIVIST, is_active=False),
    }


def test_check_files_finds_the_changed_and_the_missing_file__R45(three_files):
    intact, altered, gone = three_files
    paperless = Document.objects.create(
        dossier=intact.dossier,
        category=intact.category,
        title="纸质件",
        document_date=datetime.date(2026, 2, 1),
        recorded_by=intact.recorded_by,
    )
    with time_machine.travel(CHECKED_AT, tick=False):
        report = check_files()
    assert (report.ok, report.changed, report.missing) == ([intact.pk], [altered.pk], [gone.pk])
    assert report.checked_at == CHECKED_AT
    assert report.counts() == {"ok": 1, "missing": 1, "changed": 1}
    assert paperless.pk not in report.ok + report.changed + report.missing
    checked = dict(Document.objects.values_list("pk", "file_checked_at"))
    assert checked[intact.pk] == CHECKED_AT  # the intact one is stamped ...
    assert checked[altered.pk] == STORED_AT  # ... the others keep their last good check
    assert checked[gone.pk] == STORED_AT
    assert checked[paperless.pk] is None


def test_check_files_can_check_some_documents_only__R45(three_files):
    intact, altered, gone = three_files
    report = check_files(documents=Document.objects.filter(pk__in=[intact.pk, gone.pk]))
    assert (report.ok, report.changed, report.missing) == ([intact.pk], [], [gone.pk])
    report = check_files(documents=[altered])
    assert (report.ok, report.changed, report.missing) == ([], [altered.pk], [])


def test_a_stored_file_without_its_recorded_hash_is_not_vouched_for__R45(make_document):
    document = make_document("身份证复印件")
    Document.objects.filter(pk=document.pk).update(file_sha256="")
    assert check_files().changed == [document.pk]


def test_intact_files_pass_and_nobody_is_told__R45(make_document, people):
    intact = make_document("身份证复印件")
    out = io.StringIO()
    call_command("check_document_files", stdout=out)
    assert "1 ok, 0 missing, 0 changed" in out.getvalue()
    assert not Notification.objects.exists()
    assert Document.objects.get(pk=intact.pk).file_checked_at > STORED_AT


def test_the_command_reports_exits_non_zero_and_notifies_archivists__R45(
    three_files, people, django_capture_on_commit_callbacks
):
    intact, altered, gone = three_files
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError) as exc:
        call_command("check_document_files", stdout=out)
    assert exc.value.returncode == 1
    text = out.getvalue()
    assert "1 ok, 1 missing, 1 changed" in text
    assert f"MISSING document {gone.pk}: {gone.dossier.archive_number} 购房合同" in text
    assert f"CHANGED document {altered.pk}: {altered.dossier.archive_number} 房产证复印件" in text
    assert f"document {intact.pk}:" not in text

    notes = Notification.objects.all()
    assert {n.recipient for n in notes} == {people["archivist"], people["admin"]}
    note = notes[0]
    assert note.link == reverse("admin:documents_document_changelist")
    assert "1" in note.message
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["archivist"].email, people["admin"].email]
    )


def test_the_command_can_only_look__R45(three_files, people):
    with pytest.raises(CommandError):
        call_command("check_document_files", "--no-notify", stdout=io.StringIO())
    assert not Notification.objects.exists()


def test_notify_problems_says_nothing_when_all_is_well__R45(make_document, people):
    make_document("身份证复印件")
    assert notify_problems(check_files()) == []
    assert not Notification.objects.exists()


def test_the_weekly_task_runs_in_process__R45(three_files, people):
    intact, _altered, _gone = three_files
    result = tasks.check_document_files.delay()
    assert result.get() == {"ok": 1, "missing": 1, "changed": 1}
    assert Notification.objects.filter(recipient=people["archivist"]).count() == 1
    assert Document.objects.get(pk=intact.pk).file_checked_at > STORED_AT


def test_the_alarm_goes_out_without_the_admin_page__R45(three_files, people, monkeypatch):
    from django.urls import NoReverseMatch

    from documents import integrity

    def no_admin(*args, **kwargs):
        raise NoReverseMatch("admin:documents_document_changelist")

    monkeypatch.setattr(integrity, "reverse", no_admin)
    notes = notify_problems(check_files())
    assert {n.recipient for n in notes} == {people["archivist"], people["admin"]}
    assert {n.link for n in notes} == {"/admin/"}


def test_a_file_name_pointing_outside_media_root_is_reported_not_followed__R45(make_document):
    document = make_document("身份证复印件")
    Document.objects.filter(pk=document.pk).update(file="../../etc/passwd")
    assert check_files().changed == [document.pk]
