"""R21: every read of a confidential record is logged, whatever carries the secrecy: a level-B
or level-A dossier, a confidential document inside an ordinary dossier, and every record page
(lease, deposit, complaint …) of a confidential dossier.

Two walks over every GET page of the security matrix (so a new page cannot escape), as users of
each role granted on the dossier: a page that shows the confidential dossier (its archive number
is on it) or its confidential document (its title), or hands out a file, must have written a
view, print or download row about it in the same request. Then one test per kind.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.models import AccessLog
from core.roles import Role
from customers import permissions
from customers.models import Dossier
from documents.handover import services as handover_services
from documents.models import Document
from records.models import (
    Application,
    Charge,
    Complaint,
    Correspondence,
    Deposit,
    Lease,
    Payment,
    Renovation,
    RenovationInspection,
    Repair,
    Violation,
    Visit,
)
from tests.customers.factories import dossier_for, moved_in
from tests.documents.factories import box as make_box
from tests.documents.factories import document_for
from tests.factories import user_with_role

from .matrix import EXPECTATIONS


@pytest.fixture
def role_users(world_users):
    """The module's users and objects (conftest.matrix_world): made once, each test in a
    savepoint of the module's transaction."""
    return world_users


@pytest.fixture
def matrix_objects(world_objects):
    return world_objects


pytestmark = pytest.mark.django_db

READS = (AccessLog.Action.VIEW, AccessLog.Action.DOWNLOAD, AccessLog.Action.PRINT)
WALKERS = (Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.ADMIN)
GET_PAGES = sorted(
    name for name, expect in EXPECTATIONS.items() if expect.kwargs and expect.method == "get"
)
SECRET_TITLE = "保密附件：业主授权委托书"


def _text(response):
    """What the user was shown: the HTML, the text of a PDF or the cells of a spreadsheet."""
    if isinstance(response, (FileResponse, StreamingHttpResponse)):
        return ""
    if response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if response["Content-Type"].startswith("application/pdf"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return response.content.decode()


def _is_file(response):
    return isinstance(response, (FileResponse, StreamingHttpResponse))


def _reads_since(user, before):
    return AccessLog.objects.filter(user=user, pk__gt=before, action__in=READS)


def _last_pk():
    return AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _inside(entry, dossier):
    """Is the log entry about ``dossier`` or about something kept in it?"""
    model = entry.content_type.model_class()
    if model is Dossier:
        return entry.object_id == str(dossier.pk)
    obj = model._default_manager.filter(pk=entry.object_id).first()
    return getattr(obj, "dossier_id", None) == dossier.pk


def _walkers(role_users, dossier):
    users = [role_users[role.value] for role in WALKERS]
    for user in users:
        permissions.grant_dossier(user, dossier)
    return users


def _walk(client, name, objects, users, *, shows, logged):
    """GET the page as each user; a page that ``shows(text)`` or hands out a file must have
    written a read that ``logged(entry)``. Returns (pages that showed it, failures)."""
    url = reverse(name, kwargs=EXPECTATIONS[name].kwargs(objects))
    shown, failures = 0, []
    for user in users:
        client.force_login(user)
        before = _last_pk()
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not (_is_file(response) or shows(_text(response))):
            continue
        shown += 1
        if not any(logged(entry) for entry in _reads_since(user, before)):
            failures.append(f"{url} as {user.groups.first().name}")
    return shown, failures


# --- The walks --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_that_shows_a_confidential_dossier_logs_the_read__R21(
    name,
    client,
    role_users,
    matrix_objects,
):
    secret = matrix_objects["confidential"]
    dossier = secret["dossier"]
    shown, failures = _walk(
        client,
        name,
        secret,
        _walkers(role_users, dossier),
        shows=lambda text: dossier.archive_number in text,
        logged=lambda entry: _inside(entry, dossier),
    )
    assert not failures, failures


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_that_shows_a_confidential_document_of_an_ordinary_dossier_logs_it__R21(
    name,
    client,
    role_users,
    matrix_objects,
):
    ordinary = matrix_objects["open"]
    secret_document = document_for(
        ordinary["dossier"],
        title=SECRET_TITLE,
        secrecy_level="B",
        upload=SimpleUploadedFile("secret.pdf", b"%PDF-1.4\n%secret\n"),
    )
    objects = {**ordinary, "document": secret_document}
    document_type = ContentType.objects.get_for_model(Document)
    shown, failures = _walk(
        client,
        name,
        objects,
        _walkers(role_users, ordinary["dossier"]),
        shows=lambda text: SECRET_TITLE in text,
        logged=lambda entry: (
            entry.content_type_id == document_type.pk and entry.object_id == str(secret_document.pk)
        ),
    )
    assert not failures, failures


def test_the_walks_see_pages_at_all(client, role_users, matrix_objects):
    """The walks above are not empty: the dossier's own pages show it to its grantees."""
    secret = matrix_objects["confidential"]
    users = _walkers(role_users, secret["dossier"])
    shown, _failures = _walk(
        client,
        "customers:dossier_detail",
        secret,
        users,
        shows=lambda text: secret["dossier"].archive_number in text,
        logged=lambda entry: True,
    )
    assert shown == len(users)


# --- Level B and level A dossiers --------------------------------------------------------------
def _reader(dossier, role=Role.FRONT_DESK):
    user = user_with_role(role)
    permissions.grant_dossier(user, dossier)
    return user


def _logged(user, obj, action=AccessLog.Action.VIEW):
    return AccessLog.objects.filter(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    ).count()


@pytest.mark.parametrize("level", ["B", "A"])
def test_each_page_of_a_confidential_dossier_logs_a_view__R21(client, level):
    dossier = dossier_for(secrecy=level)
    moved_in(dossier)
    reader = _reader(dossier)
    client.force_login(reader)
    pages = [
        reverse("customers:dossier_detail", args=[dossier.pk]),
        reverse("customers:dossier_history", args=[dossier.pk]),
        reverse("records:dossier_as_of", args=[dossier.pk]) + "?date=2025-01-01",
    ]
    for n, url in enumerate(pages, start=1):
        assert client.get(url).status_code == 200, url
        assert _logged(reader, dossier) == n, url


@pytest.mark.parametrize("level", ["B", "A"])
def test_the_cover_of_a_confidential_dossier_is_logged_as_printed__R21(client, level):
    dossier = dossier_for(secrecy=level)
    moved_in(dossier)
    reader = _reader(dossier)
    client.force_login(reader)
    response = client.get(reverse("documents:dossier_cover_pdf", args=[dossier.pk]))
    assert response.status_code == 200
    assert _logged(reader, dossier, AccessLog.Action.PRINT) == 1


def test_a_level_c_dossier_page_writes_no_view_row__R21(client):
    """Ordinary files are read without a log line: the log stays about what is secret."""
    dossier = dossier_for()
    moved_in(dossier)
    reader = user_with_role(Role.FRONT_DESK)
    client.force_login(reader)
    assert client.get(reverse("customers:dossier_detail", args=[dossier.pk])).status_code == 200
    assert not AccessLog.objects.filter(user=reader, action=AccessLog.Action.VIEW).exists()


# --- A confidential document inside an ordinary dossier ----------------------------------------
@pytest.fixture
def secret_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = dossier_for()
    moved_in(dossier)
    return document_for(
        dossier,
        title=SECRET_TITLE,
        secrecy_level="B",
        upload=SimpleUploadedFile("secret.pdf", b"%PDF-1.4\n%secret\n"),
    )


def test_the_detail_page_of_a_confidential_document_is_logged__R21(client, secret_document):
    reader = _reader(secret_document.dossier)
    client.force_login(reader)
    url = reverse("documents:document_detail", args=[secret_document.pk])
    assert client.get(url).status_code == 200
    assert _logged(reader, secret_document) == 1
    assert _logged(reader, secret_document.dossier) == 0  # the dossier itself is ordinary


def test_the_download_of_a_confidential_document_is_logged__R21(client, secret_document):
    reader = _reader(secret_document.dossier)
    client.force_login(reader)
    response = client.get(reverse("documents:document_download", args=[secret_document.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert _logged(reader, secret_document, AccessLog.Action.DOWNLOAD) == 1


def test_the_cover_pdf_listing_a_confidential_document_logs_it__R21(client, secret_document):
    reader = _reader(secret_document.dossier)
    client.force_login(reader)
    url = reverse("documents:dossier_cover_pdf", args=[secret_document.dossier_id])
    response = client.get(url)
    assert response.status_code == 200 and SECRET_TITLE in _text(response)
    assert _logged(reader, secret_document, AccessLog.Action.PRINT) == 1


def test_the_dossier_page_listing_a_confidential_document_logs_it__R21(client, secret_document):
    reader = _reader(secret_document.dossier)
    client.force_login(reader)
    page = client.get(reverse("customers:dossier_detail", args=[secret_document.dossier_id]))
    assert SECRET_TITLE in page.content.decode()
    assert _logged(reader, secret_document) == 1
    # whoever is not granted on the dossier neither sees it nor leaves a row about it
    other = user_with_role(Role.FRONT_DESK)
    client.force_login(other)
    page = client.get(reverse("customers:dossier_detail", args=[secret_document.dossier_id]))
    assert SECRET_TITLE not in page.content.decode()
    assert _logged(other, secret_document) == 0


def test_a_record_page_listing_a_confidential_attachment_logs_it__R21(client, secret_document):
    dossier = secret_document.dossier
    letter = _saved(Correspondence, **_letter(dossier))
    Document.objects.filter(pk=secret_document.pk).update(
        record_type=ContentType.objects.get_for_model(Correspondence), record_id=letter.pk
    )
    reader = _reader(dossier)
    client.force_login(reader)
    page = client.get(reverse("records:letter_detail", args=[letter.pk]))
    assert SECRET_TITLE in page.content.decode()
    assert _logged(reader, secret_document) == 1


def test_a_box_page_listing_a_confidential_document_logs_it__R21(client, secret_document):
    box = make_box(dossier=secret_document.dossier)
    Document.objects.filter(pk=secret_document.pk).update(box=box, item_number=1)
    reader = _reader(secret_document.dossier, Role.ARCHIVIST)
    client.force_login(reader)
    page = client.get(reverse("documents:box_detail", args=[box.pk]))
    assert SECRET_TITLE in page.content.decode()
    assert _logged(reader, secret_document) == 1


def test_the_handover_pages_listing_a_confidential_document_log_it__R21(client, secret_document):
    dossier = secret_document.dossier
    front = _reader(dossier)
    handover = handover_services.handover_create(
        service_centre=dossier.unit.building.estate.service_centre, period="2026H1", actor=front
    )
    handover.items.create(document=secret_document)
    reader = _reader(dossier, Role.ARCHIVIST)
    client.force_login(reader)
    page = client.get(reverse("documents:handover_detail", args=[handover.pk]))
    assert SECRET_TITLE in page.content.decode()
    assert _logged(reader, secret_document) == 1
    printed = client.get(reverse("documents:handover_pdf", args=[handover.pk]))
    assert SECRET_TITLE in _text(printed)
    assert _logged(reader, secret_document, AccessLog.Action.PRINT) == 1


def test_the_admin_page_of_a_confidential_document_is_logged__R21(client, secret_document):
    staff = _reader(secret_document.dossier, Role.ADMIN)
    client.force_login(staff)
    for name in ("change", "history"):
        url = reverse(f"admin:documents_document_{name}", args=[secret_document.pk])
        assert client.get(url).status_code == 200, name
    assert _logged(staff, secret_document) == 2
    # an object id that is no primary key is the admin's own "does not exist", not an error
    assert client.get(reverse("admin:documents_document_change", args=["abc"])).status_code < 500


def test_the_admin_page_of_a_handover_listing_a_confidential_document_logs_it__R21(
    client, secret_document
):
    dossier = secret_document.dossier
    handover = handover_services.handover_create(
        service_centre=dossier.unit.building.estate.service_centre,
        period="2026H1",
        actor=_reader(dossier),
    )
    handover.items.create(document=secret_document)
    staff = _reader(dossier, Role.ADMIN)
    client.force_login(staff)
    page = client.get(reverse("admin:documents_handover_change", args=[handover.pk]))
    assert page.status_code == 200 and SECRET_TITLE in page.content.decode()
    assert _logged(staff, secret_document) == 1
    assert client.get(reverse("admin:documents_handover_change", args=["abc"])).status_code < 500


# --- Every records kind of a confidential dossier ----------------------------------------------
DAY = datetime.date(2026, 1, 5)


def _saved(model, **fields):
    obj = model(**fields)
    obj._history_user = fields["recorded_by"]
    obj.save()
    return obj


def _base(dossier):
    return {
        "dossier": dossier,
        "section": dossier.occupancies.first(),
        "recorded_by": dossier.opened_by,
    }


def _letter(dossier):
    return {
        **_base(dossier),
        "direction": Correspondence.Direction.INCOMING,
        "dated": DAY,
        "reference": "HF-2026-001",
        "counterpart": "王先生",
        "subject": "关于车位的来函",
    }


def _lease(dossier):
    return {
        **_base(dossier),
        "tenant": dossier.occupancies.first().customer,
        "contract_number": "HT-R21",
        "signed_on": DAY,
        "starts_on": DAY,
        "ends_on": DAY.replace(year=2027),
        "rent": Decimal("3000"),
    }


def _deposit(dossier):
    return {
        **_base(dossier),
        "kind": Deposit.Kind.LEASE,
        "payer": "张伟",
        "amount": Decimal("5000"),
        "received_on": DAY,
        "receipt_number": f"SJ-R21-{dossier.pk}",
    }


def _charge(dossier):
    return {
        **_base(dossier),
        "item": Charge.Item.MANAGEMENT,
        "period": "2026-01",
        "amount": Decimal("300"),
        "due_on": DAY,
    }


def _renovation(dossier):
    return {
        **_base(dossier),
        "applicant": "张伟",
        "applied_on": DAY,
        "scope": "厨房改造",
        "contractor": "深圳市美家装饰工程有限公司",
        "contractor_licence": "D244030123",
        "planned_start": DAY,
        "planned_end": DAY.replace(month=3),
    }


def _violation(dossier):
    return {
        **_base(dossier),
        "category": "noise",
        "occurred_on": DAY,
        "description": "夜间施工噪音",
    }


def _complaint(dossier):
    return {
        **_base(dossier),
        "complainant": "王先生",
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.NOISE,
        "received_at": timezone.now() - datetime.timedelta(hours=1),
        "subject": "楼上装修噪音",
        "heard": "晚上十点后仍在施工",
    }


def _repair(dossier):
    return {
        **_base(dossier),
        "reported_by_name": "王先生",
        "reported_at": timezone.now() - datetime.timedelta(hours=2),
        "location": "厨房",
        "description": "水槽下水管漏水",
    }


def _visit(dossier):
    return {
        **_base(dossier),
        "kind": Visit.Kind.VISIT,
        "visited_on": DAY,
        "visitor": dossier.opened_by,
        "visited_person": "王先生",
        "purpose": "年度走访",
    }


def _application(dossier):
    return {
        **_base(dossier),
        "kind": Application.Kind.DOOR_LOCK,
        "applicant": "王先生",
        "applied_on": DAY,
        "details": "更换入户门锁",
    }


# (model, fields, the record's page)
KINDS = {
    "lease": (Lease, _lease, "records:lease_detail"),
    "deposit": (Deposit, _deposit, "records:deposit_detail"),
    "charge": (Charge, _charge, "records:charge_detail"),
    "renovation": (Renovation, _renovation, "records:renovation_detail"),
    "violation": (Violation, _violation, "records:violation_detail"),
    "complaint": (Complaint, _complaint, "records:complaint_detail"),
    "repair": (Repair, _repair, "records:repair_detail"),
    "visit": (Visit, _visit, "records:visit_detail"),
    "letter": (Correspondence, _letter, "records:letter_detail"),
    "application": (Application, _application, "records:application_detail"),
}


@pytest.fixture
def secret_dossier():
    dossier = dossier_for(secrecy="B")
    moved_in(dossier)
    return dossier


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_page_of_each_record_of_a_confidential_dossier_is_logged__R21(
    client, secret_dossier, kind
):
    model, fields, page = KINDS[kind]
    record = _saved(model, **fields(secret_dossier))
    reader = _reader(secret_dossier)
    client.force_login(reader)
    assert client.get(reverse(page, args=[record.pk])).status_code == 200
    assert _logged(reader, record) == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_admin_page_of_each_record_of_a_confidential_dossier_is_logged__R21(
    client, secret_dossier, kind
):
    model, fields, _page = KINDS[kind]
    record = _saved(model, **fields(secret_dossier))
    staff = _reader(secret_dossier, Role.ADMIN)
    client.force_login(staff)
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    for name in ("change", "history"):
        url = reverse(f"admin:{label}_{name}", args=[record.pk])
        assert client.get(url).status_code == 200, name
    assert _logged(staff, record) == 2


def test_the_parts_of_a_record_are_logged_on_the_way_to_their_page__R21(client, secret_dossier):
    charge = _saved(Charge, **_charge(secret_dossier))
    payment = _saved(
        Payment,
        **_base(secret_dossier),
        charge=charge,
        paid_on=DAY,
        amount=Decimal("100"),
        method=Payment.Method.CASH,
        receipt_number="SK-R21",
    )
    renovation = _saved(
        Renovation,
        **_renovation(secret_dossier),
        status=Renovation.Status.IN_PROGRESS,
        permit_number="ZX-2026-0001",
        started_on=DAY,
    )
    inspection = _saved(
        RenovationInspection,
        **_base(secret_dossier),
        renovation=renovation,
        inspected_on=DAY,
        inspector="李工",
        result="passed",
    )
    reader = _reader(secret_dossier)
    client.force_login(reader)
    client.get(reverse("records:charge_detail_by_payment", args=[payment.pk]), follow=True)
    client.get(
        reverse("records:renovation_detail_by_inspection", args=[inspection.pk]), follow=True
    )
    assert _logged(reader, payment) == 1 and _logged(reader, charge) == 1
    assert _logged(reader, inspection) == 1 and _logged(reader, renovation) == 1


def test_a_collective_complaint_reached_through_an_ordinary_dossier_is_logged__R21(
    client, secret_dossier
):
    """A collective complaint (R42, 3+ households) is a record of every dossier it names: one
    that names a confidential dossier is a confidential record, whichever dossier it is read
    through."""
    ordinary = dossier_for()
    moved_in(ordinary)
    complaint = _saved(Complaint, **_complaint(ordinary))
    complaint.other_dossiers.add(secret_dossier)
    reader = _reader(secret_dossier)
    client.force_login(reader)
    assert client.get(reverse("records:complaint_detail", args=[complaint.pk])).status_code == 200
    assert _logged(reader, complaint) == 1
    # and the other way: the complaint of the confidential dossier, opened by someone who sees
    # only the ordinary dossier it names, is logged as well
    theirs = _saved(Complaint, **_complaint(secret_dossier))
    theirs.other_dossiers.add(ordinary)
    neighbour = user_with_role(Role.FRONT_DESK)
    client.force_login(neighbour)
    assert client.get(reverse("records:complaint_detail", args=[theirs.pk])).status_code == 200
    assert _logged(neighbour, theirs) == 1
