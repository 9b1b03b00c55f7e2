"""Documents attached to a record of the dossier: a repair's photo, a lease's contract (R5)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from documents.models import Document
from records.models import Repair
from tests.customers.factories import dossier_for, moved_in
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _repair(dossier, actor):
    return Repair.objects.create(
        dossier=dossier,
        recorded_by=actor,
        reported_by_name="张伟",
        reported_at=timezone.now(),
        location="厨房",
        description="水龙头漏水",
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_document_is_attached_to_a_record_and_listed_on_its_page__R5(client, media):
    dossier = dossier_for()
    moved_in(dossier)
    user = user_with_role(Role.FRONT_DESK)
    repair = _repair(dossier, user)
    client.force_login(user)
    url = (
        reverse("documents:document_add", args=[dossier.pk]) + f"?record=records.repair:{repair.pk}"
    )
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["category"].code == "repair"
    response = client.post(
        url,
        {
            "record": f"records.repair:{repair.pk}",
            "category": form.context["form"].initial["category"].pk,
            "title": "漏水照片",
            "document_date": "2026-11-20",
            "carrier": "photo",
            "is_original": "on",
            "pages": 1,
            "copies": 1,
            "upload": SimpleUploadedFile("leak.pdf", b"%PDF-1.4\n%leak\n"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(title="漏水照片")
    assert document.record == repair
    assert document.document_date == datetime.date(2026, 11, 20)
    from documents.record_links import record_documents_panel

    panel = record_documents_panel(record=repair, user=user)
    assert [d.pk for d in panel["documents"]] == [document.pk]
    detail = client.get(reverse("documents:document_detail", args=[document.pk]))
    assert 'data-testid="attached-record"' in detail.content.decode()


def test_a_record_of_another_dossier_cannot_be_attached_to(client):
    mine, other = dossier_for(), dossier_for()
    user = user_with_role(Role.FRONT_DESK)
    repair = _repair(other, user)
    client.force_login(user)
    url = reverse("documents:document_add", args=[mine.pk])
    assert client.get(url, {"record": f"records.repair:{repair.pk}"}).status_code == 404
    assert client.get(url, {"record": "auth.user:1"}).status_code == 404
    assert client.get(url, {"record": "records.repair:x"}).status_code == 404


def test_attachments_follow_the_documents_own_visibility(client):
    dossier = dossier_for()
    user = user_with_role(Role.FRONT_DESK)
    repair = _repair(dossier, user)
    from documents.record_links import record_documents_panel

    assert record_documents_panel(record=repair, user=user_with_role(Role.WITNESS)) is None
    assert record_documents_panel(record=repair, user=user)["documents"] == []
