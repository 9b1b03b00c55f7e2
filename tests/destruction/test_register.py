"""The destruction register (档案销毁清册, R37): the PDF made at completion and stored with its
SHA-256, what it holds (every destroyed item marked 已销毁 with its date, the witnesses, the
executor, the method, the items that left with their reason, the backup statement), the font
embedded; its downloads (the stored bytes, the spreadsheet) and who may have them."""

import datetime
import hashlib
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from core.models import AccessLog
from core.roles import Role
from destruction.holds.services import hold_place
from destruction.models import BatchItem, Method
from destruction.register import xlsx
from destruction.register.pdf import add_months, backups_kept_until, local_day
from documents.models import Document

from ..factories import user_with_role
from . import factories as f


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def flat(text: str) -> str:
    """Extracted text without spaces or line breaks: a wrapped cell reads as one string."""
    return "".join(text.split())


def fonts(content: bytes) -> list[list[str]]:
    """The rows of ``pdffonts``: name, type, encoding, emb, sub, uni, object, generation."""
    done = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=False)
    if done.returncode:  # older poppler reads no stdin
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(content)
            file.flush()
            done = subprocess.run(["pdffonts", file.name], capture_output=True, check=True)
    lines = done.stdout.decode().splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def named(user, last, first):
    user.last_name, user.first_name = last, first
    user.save(update_fields=["last_name", "first_name"])
    return user


def sheet_rows(content: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


# --- The month arithmetic of the backup statement ------------------------------------------
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 1), 12, datetime.date(2027, 12, 1)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 5, 10), 0, datetime.date(2026, 5, 10)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_backups_are_counted_from_the_completion_day_in_shanghai(settings):
    settings.BACKUP_RETENTION_MONTHS = 12
    # 30 November 17:00 UTC is already 1 December in Shanghai
    moment = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC)
    assert backups_kept_until(moment) == datetime.date(2027, 12, 1)


# --- A batch destroyed -----------------------------------------------------------------------
@pytest.fixture
def completed(transactional_db, settings, tmp_path):
    """A batch of three due documents, one of which is put on hold after the approval (it
    leaves the batch at the execution), destroyed by 周主任 before 张监一 and 李监二."""
    settings.MEDIA_ROOT = tmp_path
    settings.BACKUP_RETENTION_MONTHS = 12
    documents = f.due_documents(3, title="旧装修申请表")
    batch = f.approved(documents)
    hold_place(
        dossier=documents[2].dossier,
        document=documents[2],
        reason="诉讼中",
        actor=f.manager(),
    )
    head = named(f.head(), "周", "主任")
    witnesses = [named(f.witness(), "张", "监一"), named(f.witness(), "李", "监二")]
    batch, _by, _w = f.executed(batch, by=head, witnesses=witnesses)
    batch.refresh_from_db()
    assert batch.status == batch.Status.COMPLETED
    return batch


def test_the_register_marks_each_item_destroyed_with_its_date_and_witnesses__R37(completed):
    batch = completed
    content = batch.register_file.read()
    text = flat(pdf_text(content))
    assert "档案销毁清册" in text and batch.number in text
    destroyed = list(batch.items.filter(state=BatchItem.State.DESTROYED))
    assert len(destroyed) == 2
    day = local_day(destroyed[0].destroyed_at)
    printed_day = f"{day.year}年{day.month}月{day.day}日"
    assert text.count("已销毁") >= 2
    assert text.count(printed_day) >= 2  # each destroyed item's row, at least
    for item in destroyed:
        assert item.reference in text or item.archive_number in text
    assert "旧装修申请表" in text  # the register prints the titles
    assert "张监一" in text and "李监二" in text  # the witnesses (监销人)
    assert "周主任" in text  # the executor
    assert text.count("签名：") >= 3  # two witnesses and the executor sign
    with translation.override("zh-hans"):
        assert flat(str(Method.SHRED.label)) in text
    assert "公司档案室" in text  # the place
    until = add_months(local_day(batch.completed_at), 12)
    assert (
        flat(
            "本批次已销毁文件的电子副本仍存于备份中，"
            f"至 {until.year}年{until.month}月{until.day}日 随备份轮换删除。"
        )
        in text
    )
    assert f"本清册文件的SHA-256记录于系统批次{batch.number}" in text


def test_the_items_that_left_show_their_reason__R37(completed):
    left = completed.items.get(state=BatchItem.State.BLOCKED)
    assert left.blocked_reason
    text = flat(pdf_text(completed.register_file.read()))
    assert flat(f"未销毁：{left.blocked_reason}") in text


def test_the_font_is_embedded_and_the_hash_is_the_stored_files(completed, client):
    content = completed.register_file.read()
    assert hashlib.sha256(content).hexdigest() == completed.register_sha256
    found = fonts(content)
    assert found
    for row in found:
        assert "yes" in row[-5:-3], row  # emb
        assert "Type0" not in row[1] or "CID TrueType" in " ".join(row), row
    client.force_login(user_with_role(Role.MANAGER))
    response = client.get(reverse("destruction:batch_register_pdf", args=[completed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == completed.register_sha256
    assert response["X-Content-SHA256"] == completed.register_sha256


def test_the_spreadsheet_lists_every_item_of_the_batch(completed, client):
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = client.get(reverse("destruction:batch_register_xlsx", args=[completed.pk]))
    assert response.status_code == 200
    header, *rows = sheet_rows(response.content)
    assert len(header) == len(xlsx.KEYS)
    cells = [dict(zip(xlsx.KEYS, row, strict=True)) for row in rows]
    assert len(cells) == 3
    destroyed = [c for c in cells if c["destroyed_on"]]
    assert len(destroyed) == 2
    day = local_day(completed.items.filter(state="destroyed").first().destroyed_at)
    assert {c["destroyed_on"] for c in destroyed} == {day.isoformat()}
    titles = set(completed.items.values_list("title", flat=True))
    assert {c["title"] for c in cells} == titles  # the archivist sees them
    (left,) = [c for c in cells if not c["destroyed_on"]]
    assert left["not_destroyed"] == completed.items.get(state="blocked").blocked_reason


def test_the_spreadsheet_leaves_out_titles_the_reader_may_not_see(completed, client):
    # a level-C item's line is open to whoever sees the batches; a confidential one's title
    # only to those who may see its document
    completed.items.update(secrecy_level="A")
    Document.objects.filter(pk__in=completed.items.values("document")).update(secrecy_level="A")
    client.force_login(user_with_role(Role.WITNESS))  # sees batches, not the dossiers
    response = client.get(reverse("destruction:batch_register_xlsx", args=[completed.pk]))
    assert response.status_code == 200
    _header, *rows = sheet_rows(response.content)
    cells = [dict(zip(xlsx.KEYS, row, strict=True)) for row in rows]
    assert cells and all(not c["title"] for c in cells)
    assert all(c["reference"] or c["archive_number"] for c in cells)


REGISTER_URLS = ["destruction:batch_register_pdf", "destruction:batch_register_xlsx"]


# --- Without a register ------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", REGISTER_URLS)
def test_a_batch_not_completed_has_no_register(client, name):
    batch = f.approved(f.due_documents(1))
    client.force_login(user_with_role(Role.MANAGER))
    assert client.get(reverse(name, args=[batch.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL])
def test_who_may_not_view_batches_may_not_download_it(client, role):
    batch = f.approved(f.due_documents(1))
    client.force_login(user_with_role(role))
    url = reverse("destruction:batch_register_pdf", args=[batch.pk])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_register_with_confidential_items_is_logged_when_read(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from destruction.models import Batch

    settings.MEDIA_ROOT = tmp_path
    batch = f.opened(f.due_documents(1), decision=None)
    batch.items.update(secrecy_level="B")
    batch.status = Batch.Status.COMPLETED
    batch.register_file.save("x.pdf", ContentFile(b"%PDF-1.4 register"), save=False)
    batch.register_sha256 = hashlib.sha256(b"%PDF-1.4 register").hexdigest()
    batch.save()
    reader = user_with_role(Role.MANAGER)
    client.force_login(reader)
    response = client.get(reverse("destruction:batch_register_pdf", args=[batch.pk]))
    assert response.status_code == 200
    # the read of each confidential item's document (R21)
    document = batch.items.get().document
    assert AccessLog.objects.filter(
        user=reader,
        action=AccessLog.Action.DOWNLOAD,
        content_type__model="document",
        object_id=str(document.pk),
    ).exists()


def test_the_documents_are_destroyed_and_their_items_stamped(completed):
    ids = list(completed.items.filter(state="destroyed").values_list("document_id", flat=True))
    assert set(Document.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "destroyed"
    }
