"""R30: the half-yearly handover of a service centre's files to the company archive room."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog, Notification
from core.roles import Role
from customers import services as customer_services
from customers.models import Building, Estate, Occupancy, ServiceCentre, Unit
from documents.handover import services
from documents.handover_tasks import remind_half_yearly_handover
from documents.models import (
    Box,
    Document,
    DocumentCategory,
    Handover,
    HandoverItem,
    Room,
    Shelf,
)
from documents.services import document_record, documents_file

from ..customers.factories import CustomerFactory
from ..factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

Status = Handover.Status
Result = HandoverItem.Result
DAY = datetime.date(2026, 3, 2)


# --- Building blocks ----------------------------------------------------------------------
@pytest.fixture
def people():
    return {
        "front": user_with_role(Role.FRONT_DESK, first_name="丽", last_name="李"),
        "manager": user_with_role(Role.MANAGER, first_name="军", last_name="赵"),
        "archivist": user_with_role(Role.ARCHIVIST, first_name="强", last_name="张"),
    }


@pytest.fixture
def centre():
    centre = ServiceCentre.objects.create(name="翠湖服务中心", code="CH")
    estate = Estate.objects.create(name="翠湖苑", code="CH", service_centre=centre)
    centre.building = Building.objects.create(estate=estate, number="3")
    return centre


_rooms = iter(range(1000, 9999))


def dossier_with(building, people, *codes):
    """A dossier with a verified owner and one document of each category code."""
    unit = Unit.objects.create(building=building, entrance="1", floor=10, room=str(next(_rooms)))
    dossier = customer_services.dossier_open(unit=unit, actor=people["front"])
    occupancy = customer_services.move_in_record(
        unit=unit,
        customer=CustomerFactory(),
        role=Occupancy.Role.OWNER,
        moved_in=DAY,
        actor=people["front"],
    )
    customer_services.occupancy_verify(occupancy=occupancy, actor=people["manager"])
    for code in codes:
        category = DocumentCategory.objects.get(code=code)
        document_record(
            dossier=dossier,
            data={
                "category": category,
                "title": "身份证复印件" if code == "id_copy" else category.name,
                "document_date": DAY,
                "pages": 1,
                "copies": 1,
            },
            actor=people["front"],
        )
    return dossier


def complete_dossier(centre, people):
    return dossier_with(centre.building, people, "id_copy", "move_in")


def submitted(centre, people, *dossiers):
    handover = services.handover_create(
        service_centre=centre, period="2026H1", actor=people["front"]
    )
    for dossier in dossiers or [complete_dossier(centre, people)]:
        services.handover_add_dossier(handover=handover, dossier=dossier, actor=people["front"])
    return services.handover_submit(handover=handover, actor=people["front"])


def checked(centre, people, *dossiers):
    handover = submitted(centre, people, *dossiers)
    for item in handover.items.all():
        services.handover_check_item(
            item=item, result=Result.ACCEPTED, note="", actor=people["archivist"]
        )
    return services.handover_mark_checked(handover=handover, actor=people["archivist"])


def pdf_text(content):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The whole path -------------------------------------------------------------------------
def test_full_handover_moves_accepted_documents_to_the_archive_room__R30(
    client, centre, people, django_capture_on_commit_callbacks
):
    front, archivist, manager = people["front"], people["archivist"], people["manager"]
    dossier = complete_dossier(centre, people)
    id_copy = dossier.documents.get(category__code="id_copy")
    move_in = dossier.documents.get(category__code="move_in")
    # the ID copy is filed in a box of the centre's own room
    room = Room.objects.create(code="CH-R1", name="翠湖档案柜", service_centre=centre)
    centre_box = Box.objects.create(shelf=Shelf.objects.create(room=room, number=1), number=1)
    documents_file(box=centre_box, documents=[id_copy], actor=archivist)

    client.force_login(front)
    response = client.post(
        reverse("documents:handover_create"), {"service_centre": centre.pk, "period": "2026h1"}
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "documents:handover_detail", args=[handover.pk]
    )
    assert (handover.period, handover.status, handover.prepared_by) == ("2026H1", "draft", front)
    response = client.post(
        reverse("documents:handover_add_dossier", args=[handover.pk]),
        {"archive_number": dossier.archive_number},
    )
    assert response.status_code == 302
    assert {i.document for i in handover.items.all()} == {id_copy, move_in}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:handover_submit", args=[handover.pk]))
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == Status.SUBMITTED
    assert set(Document.objects.values_list("status", flat=True)) == {"in_handover"}
    note = Notification.objects.get(recipient=archivist)
    assert note.link == reverse("documents:handover_detail", args=[handover.pk])

    client.force_login(archivist)
    accepted = handover.items.get(document=id_copy)
    missing = handover.items.get(document=move_in)
    row = client.post(
        reverse("documents:handover_check_item", args=[handover.pk, accepted.pk]),
        {"result": "accepted", "note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200
    assert row.templates[0].name == "documents/handover/item_row.html"
    assert f'id="handover-item-{accepted.pk}"' in row.content.decode()
    refused = client.post(reverse("documents:handover_mark_checked", args=[handover.pk]))
    assert refused.status_code == 302
    assert Handover.objects.get().status == Status.SUBMITTED  # one item still pending
    client.post(
        reverse("documents:handover_check_item", args=[handover.pk, missing.pk]),
        {"result": "missing", "note": "入伙表未找到"},
    )
    client.post(reverse("documents:handover_mark_checked", args=[handover.pk]))
    handover.refresh_from_db()
    assert (handover.status, handover.checked_by) == (Status.CHECKED, archivist)

    client.force_login(manager)
    sign_centre = reverse("documents:handover_sign", args=[handover.pk, "centre"])
    assert client.get(sign_centre).status_code == 200
    assert client.post(sign_centre, {"password": PASSWORD}).status_code == 302
    client.force_login(archivist)
    sign_archive = reverse("documents:handover_sign", args=[handover.pk, "archive"])
    assert client.post(sign_archive, {"password": PASSWORD}).status_code == 302

    handover.refresh_from_db()
    assert handover.status == Status.COMPLETED
    assert (handover.centre_signed_by, handover.archive_signed_by) == (manager, archivist)
    id_copy.refresh_from_db()
    move_in.refresh_from_db()
    assert (id_copy.custody, id_copy.status, id_copy.box, id_copy.item_number) == (
        Document.Custody.ARCHIVE,
        Document.Status.RECEIVED,
        None,
        None,
    )
    assert "2026H1" in id_copy.history.first().history_change_reason
    assert (move_in.custody, move_in.status) == (
        Document.Custody.SERVICE_CENTRE,
        Document.Status.RECEIVED,
    )
    assert Notification.objects.filter(recipient=manager, message__contains="2026H1").exists()
    page = client.get(reverse("documents:handover_detail", args=[handover.pk]))
    assert page.status_code == 200 and page.context["items"] == [accepted, missing]
    assert not any(page.context[f] for f in ("can_add", "can_check", "can_sign_archive"))


def test_an_incomplete_dossier_needs_a_managers_reason__R30(client, centre, people):
    dossier = dossier_with(centre.building, people, "id_copy")  # no 入住资料
    handover = services.handover_create(
        service_centre=centre, period="2026H1", actor=people["front"]
    )
    with pytest.raises(services.DomainError) as refused:
        services.handover_add_dossier(handover=handover, dossier=dossier, actor=people["front"])
    assert "入住资料（入伙表）" in str(refused.value)
    with pytest.raises(PermissionDenied):  # a front desk may not accept it
        services.handover_add_dossier(
            handover=handover, dossier=dossier, actor=people["front"], override_reason="急需"
        )
    # and the refusal is kept in the log, not rolled back with the move (R21)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED,
        user=people["front"],
        detail="documents.override_handover",
    ).exists()
    client.force_login(people["front"])
    url = reverse("documents:handover_add_dossier", args=[handover.pk])
    page = client.post(url, {"archive_number": dossier.archive_number})
    assert page.status_code == 200
    assert "override_reason" not in page.context["form"].fields
    assert "入住资料（入伙表）" in page.content.decode()
    assert f'value="{dossier.archive_number}"' in page.content.decode()
    assert not handover.items.exists()

    client.force_login(people["manager"])
    assert "override_reason" in client.get(url).context["form"].fields
    response = client.post(
        url, {"archive_number": dossier.archive_number, "override_reason": "业主补交中"}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.override_reason == f"{dossier.archive_number}: 业主补交中"
    assert handover.override_by == people["manager"]
    assert handover.items.count() == 1
    assert "业主补交中" in pdf_text(
        client.get(reverse("documents:handover_pdf", args=[handover.pk])).content
    )


def test_only_documents_held_by_the_centre_and_not_in_another_handover_are_listed__R30(
    centre, people
):
    dossier = dossier_with(centre.building, people, "id_copy", "move_in", "repair")
    Document.objects.filter(category__code="repair").update(status=Document.Status.ON_LOAN)
    first = services.handover_create(service_centre=centre, period="2026H1", actor=people["front"])
    items = services.handover_add_dossier(handover=first, dossier=dossier, actor=people["front"])
    assert {i.document.category.code for i in items} == {"id_copy", "move_in"}
    other_centre = ServiceCentre.objects.create(name="湖滨服务中心", code="HB")
    second = services.handover_create(
        service_centre=other_centre, period="2026H1", actor=people["front"]
    )
    with pytest.raises(services.DomainError):  # not looked after by that centre
        services.handover_add_dossier(handover=second, dossier=dossier, actor=people["front"])
    with pytest.raises(services.DomainError):  # already in an open handover
        services.handover_create(service_centre=centre, period="2026H1", actor=people["front"])


# --- Signatures -----------------------------------------------------------------------------
def test_a_wrong_password_refuses_the_signature_and_changes_nothing__R30(client, centre, people):
    handover = checked(centre, people)
    with pytest.raises(services.WrongPassword):
        services.handover_sign(
            handover=handover, side="centre", actor=people["front"], password="wrong"
        )
    client.force_login(people["archivist"])
    page = client.post(
        reverse("documents:handover_sign", args=[handover.pk, "archive"]), {"password": "nope"}
    )
    assert page.status_code == 200 and "password" in page.context["form"].errors
    handover.refresh_from_db()
    assert handover.status == Status.CHECKED
    assert handover.centre_signed_by is None and handover.archive_signed_by is None
    assert set(Document.objects.values_list("custody", "status")) == {("centre", "in_handover")}
    refusals = AccessLog.objects.filter(action=AccessLog.Action.DENIED, object_id=str(handover.pk))
    assert {r.user for r in refusals} == {people["front"], people["archivist"]}


def test_the_same_person_cannot_sign_for_both_sides__R30(centre, people):
    # someone who holds both roles may act for either side (the administrator no longer signs:
    # segregation of duties)
    archivist = UserFactory(roles=[Role.FRONT_DESK, Role.ARCHIVIST])
    handover = checked(centre, people)
    services.handover_sign(handover=handover, side="centre", actor=archivist, password=PASSWORD)
    with pytest.raises(services.DomainError):
        services.handover_sign(
            handover=handover, side="archive", actor=archivist, password=PASSWORD
        )
    handover.refresh_from_db()
    assert handover.status == Status.CHECKED and handover.archive_signed_by is None
    assert not services.can_sign(archivist, handover, "archive")


# --- Illegal moves and refused users ----------------------------------------------------------
def test_illegal_moves_are_refused__R30(client, centre, people):
    front, archivist = people["front"], people["archivist"]
    empty = services.handover_create(service_centre=centre, period="2026H2", actor=front)
    with pytest.raises(services.DomainError):
        services.handover_submit(handover=empty, actor=front)
    client.force_login(front)
    response = client.post(reverse("documents:handover_submit", args=[empty.pk]), follow=True)
    assert response.status_code == 200 and Handover.objects.get(pk=empty.pk).status == "draft"
    assert [m.level_tag for m in response.context["messages"]] == ["error"]

    dossier = complete_dossier(centre, people)
    services.handover_add_dossier(handover=empty, dossier=dossier, actor=front)
    item = empty.items.first()
    with pytest.raises(services.DomainError):  # nothing is checked while it is a draft
        services.handover_check_item(item=item, result="accepted", note="", actor=archivist)
    with pytest.raises(services.DomainError):  # a draft cannot be checked off
        services.handover_mark_checked(handover=empty, actor=archivist)

    handover = services.handover_submit(handover=empty, actor=front)
    with pytest.raises(services.DomainError):  # signing waits for the check
        services.handover_sign(handover=handover, side="centre", actor=front, password=PASSWORD)
    with pytest.raises(services.DomainError):  # a submitted list is not edited
        services.handover_remove_item(item=item, actor=front)
    with pytest.raises(services.DomainError):  # cancelled only while a draft
        services.handover_cancel(handover=handover, actor=front)
    with pytest.raises(services.DomainError):  # "missing" says what is wrong
        services.handover_check_item(item=item, result="missing", note="", actor=archivist)
    client.force_login(archivist)
    sign = client.post(
        reverse("documents:handover_sign", args=[handover.pk, "archive"]), {"password": PASSWORD}
    )
    assert sign.status_code == 302
    assert Handover.objects.get(pk=handover.pk).archive_signed_by is None


def test_send_back_and_cancel_release_the_documents__R30(centre, people):
    front, archivist = people["front"], people["archivist"]
    handover = checked(centre, people)
    services.handover_sign(handover=handover, side="centre", actor=front, password=PASSWORD)
    handover = services.handover_send_back(handover=handover, actor=archivist, reason="页数不符")
    assert handover.status == Status.SUBMITTED and handover.centre_signed_by is None
    handover = services.handover_send_back(handover=handover, actor=front)
    assert handover.status == Status.DRAFT
    assert set(Document.objects.values_list("status", flat=True)) == {"received"}
    services.handover_cancel(handover=handover, actor=front)
    assert Handover.objects.get().status == Status.CANCELLED
    with pytest.raises(services.DomainError):
        services.handover_send_back(handover=handover, actor=front)


def test_a_front_desk_user_cannot_check_items__R30(client, centre, people):
    handover = submitted(centre, people)
    item = handover.items.first()
    client.force_login(people["front"])
    response = client.post(
        reverse("documents:handover_check_item", args=[handover.pk, item.pk]),
        {"result": "accepted"},
    )
    assert response.status_code == 403
    assert HandoverItem.objects.get(pk=item.pk).result == Result.PENDING
    assert (
        client.post(reverse("documents:handover_mark_checked", args=[handover.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("documents:handover_sign", args=[handover.pk, "archive"])).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.handover_check_item(item=item, result="accepted", note="", actor=people["front"])


def test_a_check_error_comes_back_in_the_row_with_the_typed_values__R30(client, centre, people):
    handover = submitted(centre, people)
    item = handover.items.first()
    client.force_login(people["archivist"])
    row = client.post(
        reverse("documents:handover_check_item", args=[handover.pk, item.pk]),
        {"result": "differs", "note": ""},
        HTTP_HX_REQUEST="true",
    )
    html = row.content.decode()
    assert row.status_code == 200 and 'data-testid="check-error"' in html
    assert '<option value="differs" selected>' in html
    assert HandoverItem.objects.get(pk=item.pk).result == Result.PENDING


# --- Printing -------------------------------------------------------------------------------
def test_the_pdf_prints_two_copies_with_both_signatures__R30(client, centre, people):
    first = complete_dossier(centre, people)
    second = complete_dossier(centre, people)
    handover = checked(centre, people, first, second)
    services.handover_sign(
        handover=handover, side="centre", actor=people["manager"], password=PASSWORD
    )
    services.handover_sign(
        handover=handover, side="archive", actor=people["archivist"], password=PASSWORD
    )
    client.force_login(people["front"])
    response = client.get(reverse("documents:handover_pdf", args=[handover.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="handover-{handover.pk}.pdf"'
    text = pdf_text(response.content)
    for expected in (
        "第一联",
        "第二联",
        first.archive_number,
        second.archive_number,
        "赵军",
        "张强",
    ):
        assert expected in text, expected
    assert AccessLog.objects.filter(
        user=people["front"], action=AccessLog.Action.PRINT, object_id=str(handover.pk)
    ).exists()


# --- The reminder ---------------------------------------------------------------------------
def test_the_half_yearly_reminder_tells_front_desk_managers_and_archivists__R30(people):
    witness = user_with_role(Role.WITNESS)
    executive = user_with_role(Role.EXECUTIVE)
    retired = user_with_role(Role.FRONT_DESK, is_active=False)
    morning = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=False):
        remind_half_yearly_handover.delay()
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {u.pk for u in people.values()}
    assert not told & {witness.pk, executive.pk, retired.pk}
    note = Notification.objects.first()
    assert "2026H1" in note.message and note.link == reverse("documents:handover_list")
    assert services.current_period(datetime.date(2026, 7, 1)) == "2026H2"
    assert services.previous_period(datetime.date(2027, 1, 1)) == "2026H2"


# --- Query counts ---------------------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_and_detail_use_a_constant_number_of_queries__R30(client, centre, people):
    small = submitted(centre, people, complete_dossier(centre, people))  # 2 items
    other = ServiceCentre.objects.create(name="湖滨服务中心", code="HB")
    other.building = Building.objects.create(
        estate=Estate.objects.create(name="湖滨苑", code="HB", service_centre=other), number="1"
    )
    large = submitted(other, people, *[complete_dossier(other, people) for _ in range(5)])
    assert (small.items.count(), large.items.count()) == (2, 10)
    client.force_login(people["archivist"])
    detail = [reverse("documents:handover_detail", args=[h.pk]) for h in (small, large)]
    client.get(detail[0])  # warm the caches
    assert _queries(client, detail[0]) == _queries(client, detail[1])

    list_url = reverse("documents:handover_list")
    few = _queries(client, list_url)
    for n in range(8):
        Handover.objects.create(
            service_centre=centre, period=f"20{10 + n}H1", prepared_by=people["front"]
        )
    page = client.get(list_url)
    assert len(page.context["page_obj"]) == 10
    assert _queries(client, list_url) == few
    rows = client.get(list_url, {"status": "submitted", "centre": other.pk}).context["page_obj"]
    assert [(h, h.item_count) for h in rows] == [(large, 10)]
