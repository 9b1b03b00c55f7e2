"""Documents of a dossier: R6, R12, R13, R14, R15, R31, R32, the checklist, downloads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AccessLog, Notification
from core.roles import Role
from customers.models import Occupancy
from customers.permissions import grant_dossier
from documents import selectors, services
from documents.models import Carrier, Document, DocumentCategory, StorageInspection

from ..customers.factories import EnterpriseFactory, moved_in
from ..factories import user_with_role
from .factories import box, category, document_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_secrecy_and_retention_default_from_the_category__R12(client):
    dossier = moved_in().dossier
    lease = category("lease")
    lease.default_secrecy, lease.default_retention = "B", "long"
    lease.save()
    doc = document_for(dossier, code="lease")
    assert (doc.secrecy_level, doc.retention) == ("B", "long")
    other = document_for(dossier, code="id_copy", secrecy_level="A")
    assert other.secrecy_level == "A" and other.retention == "permanent"
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    # a level-B document is confidential: visible once granted on its dossier (R17)
    assert client.get(reverse("documents:document_detail", args=[doc.pk])).status_code == 404
    grant_dossier(archivist, dossier)
    html = client.get(reverse("documents:document_detail", args=[doc.pk])).content.decode()
    assert "B级（机密）" in html


def test_a_copy_says_where_the_original_is__R13(client):
    dossier = moved_in().dossier
    with pytest.raises(services.DomainError):
        document_for(dossier, is_original=False)
    doc = document_for(dossier, is_original=False, original_location="业主本人保管")
    assert doc.original_location == "业主本人保管"
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("documents:document_add", args=[dossier.pk]),
        {
            "category": category().pk,
            "title": "房产证复印件",
            "document_date": "2026-11-01",
            "carrier": "paper",
            "pages": "1",
            "copies": "1",
            "is_original": "",
        },
    )
    assert response.status_code == 200
    assert "original_location" in response.context["form"].errors
    assert 'value="房产证复印件"' in response.content.decode()


def test_electronic_documents_of_paper_categories_need_a_paper_counterpart__R14():
    dossier = moved_in().dossier
    with pytest.raises(services.DomainError):
        document_for(dossier, code="lease", carrier="electronic")
    doc = document_for(dossier, code="lease", carrier="electronic", has_paper_counterpart=True)
    assert doc.carrier == "electronic"
    assert document_for(dossier, code="visit", carrier="electronic").pk  # no paper needed
    assert set(Carrier.values) == {"paper", "electronic", "photo", "audio", "video", "object"}


def test_catalog_is_newest_first__R6(client):
    dossier = moved_in().dossier
    old = document_for(
        dossier, title="入伙表", code="move_in", document_date=datetime.date(2020, 5, 1)
    )
    new = document_for(
        dossier, title="报修单", code="repair", document_date=datetime.date(2026, 1, 1)
    )
    mid = document_for(
        dossier, title="押金收据", code="deposit_receipt", document_date=datetime.date(2023, 7, 1)
    )
    user = user_with_role(Role.ARCHIVIST)
    assert list(selectors.dossier_catalog(dossier=dossier, user=user)) == [new, mid, old]
    client.force_login(user)
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    panel = next(p for p in page.context["panels"] if "documents" in p)
    assert panel["documents"] == [new, mid, old]


def test_filing_gives_item_numbers_in_order__R15(client):
    dossier = moved_in().dossier
    target = box(dossier=dossier)
    a = document_for(dossier, document_date=datetime.date(2024, 1, 1))
    b = document_for(dossier, code="move_in", document_date=datetime.date(2023, 1, 1))
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    response = client.post(
        reverse("documents:filing"), {"box": target.pk, "documents": [a.pk, b.pk]}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.item_number, a.item_number) == (1, 2)  # in date order
    assert a.status == Document.Status.FILED and a.filed_by == archivist
    assert a.reference == f"{dossier.archive_number}-002"
    c = document_for(dossier, code="visit")
    services.documents_file(box=target, documents=[c], actor=archivist)
    c.refresh_from_db()
    assert c.item_number == 3


def test_filing_is_refused_while_pages_or_copies_are_missing__R15(client):
    dossier = moved_in().dossier
    target = box(dossier=dossier)
    complete = document_for(dossier)
    short = document_for(dossier, code="move_in", pages=3, expected_pages=5)
    uncounted = document_for(dossier, code="lease", pages=None)
    archivist = user_with_role(Role.ARCHIVIST)
    client.force_login(archivist)
    response = client.post(
        reverse("documents:filing"),
        {"box": target.pk, "documents": [complete.pk, short.pk, uncounted.pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "3/5" in html or "3 of 5" in html or "共 5 页" in html
    for doc in (complete, short, uncounted):
        doc.refresh_from_db()
        assert doc.status == Document.Status.RECEIVED and doc.box is None  # nothing filed
    fewer_copies = document_for(dossier, code="visit", copies=1, expected_copies=2)
    with pytest.raises(services.DomainError):
        services.documents_file(box=target, documents=[fewer_copies], actor=archivist)


def test_location_index_finds_an_item_and_lists_a_box__R31(client):
    dossier = moved_in().dossier
    target = box(dossier=dossier)
    doc = document_for(dossier, title="入伙登记表", code="move_in")
    archivist = user_with_role(Role.ARCHIVIST)
    services.documents_file(box=target, documents=[doc], actor=archivist)
    client.force_login(archivist)
    found = client.get(reverse("documents:location_index"), {"q": f"{dossier.archive_number}-001"})
    html = found.content.decode()
    assert "入伙登记表" in html and str(target) in html
    contents = client.get(reverse("documents:box_detail", args=[target.pk]))
    assert list(contents.context["contents"]) == [doc]
    label = client.get(reverse("documents:box_label_pdf", args=[target.pk]))
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"


def test_storage_inspection_is_recorded_and_problems_are_reported__R32(client):
    room_box = box()
    archivist = user_with_role(Role.ARCHIVIST)
    manager = user_with_role(Role.MANAGER)
    client.force_login(archivist)
    refused = client.post(
        reverse("documents:inspection_add"),
        {"room": room_box.shelf.room_id, "inspected_on": "2026-11-20", "damp": "on"},
    )
    assert refused.status_code == 200
    assert {"findings", "follow_up"} <= set(refused.context["form"].errors)
    ok = client.post(
        reverse("documents:inspection_add"),
        {
            "room": room_box.shelf.room_id,
            "inspected_on": "2026-11-20",
            "damp": "on",
            "humidity": "78",
            "findings": "北墙返潮",
            "follow_up": "加装除湿机",
        },
    )
    assert ok.status_code == 302
    inspection = StorageInspection.objects.get()
    assert inspection.inspector == archivist and inspection.damp
    assert Notification.objects.filter(recipient=manager, message__contains="北墙返潮").exists()
    page = client.get(reverse("documents:inspection_list")).content.decode()
    assert "北墙返潮" in page and "加装除湿机" in page


def test_checklist_shows_what_a_dossier_lacks():
    dossier = moved_in().dossier
    gaps = selectors.dossier_gaps(dossier)
    assert [c.code for c in gaps[0].missing] == ["id_copy", "move_in"]
    document_for(dossier, code="id_copy")
    assert [c.code for c in selectors.dossier_gaps(dossier)[0].missing] == ["move_in"]
    document_for(dossier, code="move_in")
    assert selectors.dossier_gaps(dossier) == []
    company = moved_in(customer=EnterpriseFactory())
    assert {c.code for c in selectors.dossier_gaps(company.dossier)[0].missing} == {
        "licence",
        "id_copy",
        "move_in",
    }
    tenant = moved_in(dossier, role=Occupancy.Role.TENANT)
    missing = selectors.dossier_gaps(tenant.dossier)[0].missing
    assert {c.code for c in missing} == {"id_copy", "lease", "deposit_receipt"}  # their own


def test_gaps_view_lists_incomplete_dossiers_per_service_centre(
    client, django_assert_max_num_queries
):
    incomplete = moved_in().dossier
    complete = moved_in().dossier
    document_for(complete, code="id_copy")
    document_for(complete, code="move_in")
    client.force_login(user_with_role(Role.MANAGER))
    page = client.get(reverse("documents:gaps"))
    rows = [d for d, _gaps in page.context["page_obj"]]
    assert rows == [incomplete]
    centre = incomplete.unit.building.estate.service_centre_id
    assert [
        d for d, _ in client.get(reverse("documents:gaps"), {"centre": centre}).context["page_obj"]
    ] == [incomplete]
    for _ in range(10):
        moved_in()
    with django_assert_max_num_queries(14):
        client.get(reverse("documents:gaps"))


def test_upload_is_stored_under_a_generated_name_and_downloads_are_logged__R45(client, media):
    dossier = moved_in().dossier
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    response = client.post(
        reverse("documents:document_add", args=[dossier.pk]),
        {
            "category": category().pk,
            "title": "身份证扫描件",
            "document_date": "2026-11-01",
            "carrier": "electronic",
            "has_paper_counterpart": "on",
            "is_original": "on",
            "pages": "1",
            "copies": "1",
            "upload": SimpleUploadedFile("张三 身份证.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    doc = Document.objects.get(title="身份证扫描件")
    assert doc.file_name == "张三 身份证.pdf" and doc.file_type == "application/pdf"
    assert "张三" not in doc.file.name and doc.file.name.endswith(".pdf")
    assert len(doc.file_sha256) == 64
    download = client.get(reverse("documents:document_download", args=[doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AccessLog.objects.filter(user=front, action="download", object_id=str(doc.pk)).exists()
    executive = user_with_role(Role.EXECUTIVE)  # may read the catalog, not download files
    client.force_login(executive)
    assert client.get(reverse("documents:document_download", args=[doc.pk])).status_code == 403


def test_a_renamed_executable_is_refused_beside_the_field_and_nothing_is_stored(client, media):
    dossier = moved_in().dossier
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("documents:document_add", args=[dossier.pk]),
        {
            "category": category().pk,
            "title": "扫描件",
            "document_date": "2026-11-01",
            "carrier": "paper",
            "is_original": "on",
            "pages": "1",
            "copies": "1",
            "upload": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )
    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert 'value="扫描件"' in response.content.decode()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_confidential_documents_are_hidden_from_who_is_not_granted__R17(client):
    dossier = moved_in().dossier
    secret = document_for(dossier, title="诉讼材料", code="other", secrecy_level="A")
    normal = document_for(dossier, title="入伙表", code="move_in")
    client.force_login(user_with_role(Role.ARCHIVIST))
    assert client.get(reverse("documents:document_detail", args=[secret.pk])).status_code == 404
    assert client.get(reverse("documents:document_detail", args=[normal.pk])).status_code == 200
    assert DocumentCategory.objects.count() >= 15


def test_demo_documents_fill_the_demo_dossiers(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("seed_demo", units=30)
    call_command("seed_demo_documents", if_empty=True)
    count = Document.objects.count()
    assert count > 20
    call_command("seed_demo_documents", if_empty=True)
    assert Document.objects.count() == count
    assert Document.objects.filter(status=Document.Status.FILED, box__isnull=False).exists()
