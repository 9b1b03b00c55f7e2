"""The documents app on the workflow platform: a document's status moves only as
``Document.TRANSITIONS`` allows, by one compare-and-set (``documents_move``); filing and every
handover move refuse an illegal move and lose to a move made since the object was read, and
leave one history row per document naming who moved it (R15, R30)."""

import datetime

import pytest

from core import workflow
from core.roles import Role
from core.workflow import DomainError
from documents.common import documents_move
from documents.handover import services
from documents.models import Document, Handover, HandoverItem
from documents.services import documents_file

from ..customers.factories import dossier_for, moved_in
from ..documents.factories import box, document_for
from ..factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

Status = Handover.Status
Result = HandoverItem.Result
DocStatus = Document.Status
DAY = datetime.date(2026, 3, 2)


# --- Building blocks ------------------------------------------------------------------------
@pytest.fixture
def people():
    return {
        "front": user_with_role(Role.FRONT_DESK),
        "manager": user_with_role(Role.MANAGER),
        "archivist": user_with_role(Role.ARCHIVIST),
    }


def _complete_dossier(front):
    dossier = dossier_for(actor=front)
    moved_in(dossier)
    for code in ("id_copy", "move_in"):
        document_for(dossier, code=code, actor=front, document_date=DAY, pages=1)
    return dossier


def _draft(people, dossier=None):
    dossier = dossier or _complete_dossier(people["front"])
    handover = services.handover_create(
        service_centre=dossier.unit.building.estate.service_centre,
        period="2026H1",
        actor=people["front"],
    )
    services.handover_add_dossier(handover=handover, dossier=dossier, actor=people["front"])
    return Handover.objects.get(pk=handover.pk)


def _submitted(people):
    handover = _draft(people)
    return services.handover_submit(handover=handover, actor=people["front"])


def _all_checked(people):
    handover = _submitted(people)
    for item in handover.items.all():
        services.handover_check_item(
            item=item, result=Result.ACCEPTED, note="", actor=people["archivist"]
        )
    return Handover.objects.get(pk=handover.pk)


def _checked(people):
    return services.handover_mark_checked(handover=_all_checked(people), actor=people["archivist"])


def _copies(obj):
    """Two copies of the same row, as two people's pages read it."""
    model = type(obj)
    return model.objects.get(pk=obj.pk), model.objects.get(pk=obj.pk)


def _stored(handover):
    return Handover.objects.get(pk=handover.pk)


# --- The document's table -------------------------------------------------------------------
def test_the_document_table_names_every_status_and_a_destroyed_one_never_moves__R15():
    assert set(Document.TRANSITIONS) == set(DocStatus)
    assert Document.TRANSITIONS[DocStatus.DESTROYED] == set()


def test_a_destroyed_document_cannot_be_filed__R15(people):
    document = document_for(dossier_for(), actor=people["front"])
    Document.objects.filter(pk=document.pk).update(status=DocStatus.DESTROYED)
    document.refresh_from_db()
    with pytest.raises(DomainError):
        documents_move([document], DocStatus.FILED, actor=people["archivist"], reason="归档")
    document.refresh_from_db()
    assert document.status == DocStatus.DESTROYED
    assert document.history.count() == 1  # only the recording


def test_a_move_the_table_refuses_moves_none_of_the_documents__R15(people):
    dossier = dossier_for()
    received = document_for(dossier, actor=people["front"])
    on_loan = document_for(dossier, actor=people["front"], title="借出")
    Document.objects.filter(pk=on_loan.pk).update(status=DocStatus.ON_LOAN)
    on_loan.refresh_from_db()
    with pytest.raises(DomainError):  # on loan → in handover is not in the table
        documents_move(
            [received, on_loan], DocStatus.IN_HANDOVER, actor=people["front"], reason="移交"
        )
    stored = dict(Document.objects.values_list("pk", "status"))
    assert stored == {received.pk: DocStatus.RECEIVED, on_loan.pk: DocStatus.ON_LOAN}


def test_a_stale_document_loses_the_compare_and_set__R15(people):
    document = document_for(dossier_for(), actor=people["front"])
    first, second = _copies(document)
    documents_move([first], DocStatus.DESTROYED, actor=people["manager"], reason="销毁")
    with pytest.raises(DomainError):  # read as received, destroyed since
        documents_move([second], DocStatus.FILED, actor=people["archivist"], reason="归档")
    document.refresh_from_db()
    assert document.status == DocStatus.DESTROYED


def test_a_stale_document_among_many_moves_none_of_them__R15(people):
    dossier = dossier_for()
    fresh = document_for(dossier, actor=people["front"])
    stale = document_for(dossier, actor=people["front"], title="另一份")
    Document.objects.filter(pk=stale.pk).update(status=DocStatus.ON_LOAN)  # moved since read
    with pytest.raises(DomainError):
        documents_move([fresh, stale], DocStatus.IN_HANDOVER, actor=people["front"], reason="x")
    stored = dict(Document.objects.values_list("pk", "status"))
    assert stored == {fresh.pk: DocStatus.RECEIVED, stale.pk: DocStatus.ON_LOAN}


def test_a_move_of_many_documents_writes_one_history_row_each_naming_the_actor__R15(people):
    dossier = dossier_for()
    documents = [document_for(dossier, actor=people["front"], title=f"件{n}") for n in range(3)]
    documents_move(documents, DocStatus.DESTROYED, actor=people["manager"], reason="到期销毁")
    for document in documents:
        document.refresh_from_db()
        assert document.status == DocStatus.DESTROYED
        assert document.history.count() == 2
        latest = document.history.first()
        assert latest.history_user == people["manager"]
        assert latest.history_change_reason == "到期销毁"


# --- Filing ---------------------------------------------------------------------------------
def test_filing_a_filed_document_again_is_refused__R15(people):
    dossier = dossier_for()
    document = document_for(dossier, actor=people["front"])
    first_box, second_box = box(dossier=dossier), box(dossier=dossier)
    documents_file(box=first_box, documents=[document], actor=people["archivist"])
    document.refresh_from_db()
    with pytest.raises(DomainError):
        documents_file(box=second_box, documents=[document], actor=people["archivist"])
    document.refresh_from_db()
    assert (document.status, document.box, document.item_number) == (
        DocStatus.FILED,
        first_box,
        1,
    )


def test_a_stale_filing_loses_to_the_first__R15(people):
    dossier = dossier_for()
    document = document_for(dossier, actor=people["front"])
    first_box, second_box = box(dossier=dossier), box(dossier=dossier)
    first, second = _copies(document)
    documents_file(box=first_box, documents=[first], actor=people["archivist"])
    with pytest.raises(DomainError):
        documents_file(box=second_box, documents=[second], actor=people["archivist"])
    document.refresh_from_db()
    assert (document.status, document.box, document.item_number) == (
        DocStatus.FILED,
        first_box,
        1,
    )
    latest = document.history.first()
    assert latest.history_user == people["archivist"] and str(first_box) in (
        latest.history_change_reason
    )


# --- The handover's moves -------------------------------------------------------------------
def test_the_pages_offer_the_moves_of_the_status_and_the_right__R30(people):
    draft = _draft(people)
    assert workflow.allowed_moves(people["front"], draft) == {"add", "remove", "submit", "cancel"}
    assert workflow.allowed_moves(people["archivist"], draft) == set()
    submitted = _submitted(people)
    assert workflow.allowed_moves(people["archivist"], submitted) == {
        "check",
        "mark_checked",
        "send_back_to_draft",
    }
    assert workflow.allowed_moves(people["front"], submitted) == {"send_back_to_draft"}
    empty = services.handover_create(
        service_centre=draft.service_centre, period="2026H2", actor=people["front"]
    )
    assert "submit" not in workflow.allowed_moves(people["front"], empty)  # nothing to submit


def test_submitting_a_submitted_handover_is_refused__R30(people):
    handover = _submitted(people)
    with pytest.raises(DomainError):
        services.handover_submit(handover=handover, actor=people["front"])
    assert _stored(handover).status == Status.SUBMITTED
    assert handover.history.count() == 2  # opened, submitted


def test_a_stale_submit_loses__R30(people):
    first, second = _copies(_draft(people))
    services.handover_submit(handover=first, actor=people["front"])
    with pytest.raises(DomainError):
        services.handover_submit(handover=second, actor=people["manager"])
    stored = _stored(first)
    assert stored.status == Status.SUBMITTED
    assert stored.history.first().history_user == people["front"]


def test_cancelling_a_submitted_handover_is_refused__R30(people):
    handover = _submitted(people)
    with pytest.raises(DomainError):
        services.handover_cancel(handover=handover, actor=people["front"])
    assert _stored(handover).status == Status.SUBMITTED
    assert set(Document.objects.values_list("status", flat=True)) == {DocStatus.IN_HANDOVER}


def test_a_stale_cancel_loses_to_a_submit__R30(people):
    first, second = _copies(_draft(people))
    services.handover_submit(handover=first, actor=people["front"])
    with pytest.raises(DomainError):
        services.handover_cancel(handover=second, actor=people["manager"])
    assert _stored(first).status == Status.SUBMITTED
    assert set(Document.objects.values_list("status", flat=True)) == {DocStatus.IN_HANDOVER}


def test_checking_off_a_draft_is_refused__R30(people):
    handover = _draft(people)
    with pytest.raises(DomainError):
        services.handover_mark_checked(handover=handover, actor=people["archivist"])
    assert _stored(handover).status == Status.DRAFT and _stored(handover).checked_by is None


def test_a_stale_check_off_loses__R30(people):
    first, second = _copies(_all_checked(people))
    services.handover_mark_checked(handover=first, actor=people["archivist"])
    other = user_with_role(Role.ARCHIVIST)
    with pytest.raises(DomainError):
        services.handover_mark_checked(handover=second, actor=other)
    stored = _stored(first)
    assert (stored.status, stored.checked_by) == (Status.CHECKED, people["archivist"])


def test_adding_to_or_removing_from_a_submitted_list_is_refused__R30(people):
    handover = _submitted(people)
    item = handover.items.first()
    dossier = _complete_dossier(people["front"])
    with pytest.raises(DomainError):
        services.handover_add_dossier(handover=handover, dossier=dossier, actor=people["front"])
    with pytest.raises(DomainError):
        services.handover_remove_item(item=item, actor=people["front"])
    assert handover.items.count() == 2 and HandoverItem.objects.filter(pk=item.pk).exists()


def test_a_stale_add_or_remove_loses_to_a_submit__R30(people):
    draft = _draft(people)
    first, second = _copies(draft)
    item = HandoverItem.objects.filter(handover=draft).first()
    item.handover = second  # the page read the list as a draft
    services.handover_submit(handover=first, actor=people["front"])
    with pytest.raises(DomainError):
        services.handover_add_dossier(
            handover=second, dossier=_complete_dossier(people["front"]), actor=people["front"]
        )
    with pytest.raises(DomainError):
        services.handover_remove_item(item=item, actor=people["front"])
    assert _stored(draft).status == Status.SUBMITTED and draft.items.count() == 2


def test_checking_an_item_of_a_draft_is_refused__R30(people):
    handover = _draft(people)
    item = handover.items.first()
    with pytest.raises(DomainError):
        services.handover_check_item(
            item=item, result=Result.ACCEPTED, note="", actor=people["archivist"]
        )
    assert HandoverItem.objects.get(pk=item.pk).result == Result.PENDING


def test_a_stale_item_check_loses_to_a_send_back__R30(people):
    handover = _submitted(people)
    item = handover.items.first()
    item.handover = Handover.objects.get(pk=handover.pk)  # read while submitted
    services.handover_send_back(handover=handover, actor=people["front"])
    with pytest.raises(DomainError):
        services.handover_check_item(
            item=item, result=Result.ACCEPTED, note="", actor=people["archivist"]
        )
    assert HandoverItem.objects.get(pk=item.pk).result == Result.PENDING
    assert _stored(handover).status == Status.DRAFT


def test_signing_before_the_check_is_refused__R30(people):
    handover = _submitted(people)
    with pytest.raises(DomainError):
        services.handover_sign(
            handover=handover, side="centre", actor=people["front"], password=PASSWORD
        )
    stored = _stored(handover)
    assert stored.status == Status.SUBMITTED and stored.centre_signed_by is None


def test_a_stale_signature_loses_to_the_first__R30(people):
    first, second = _copies(_checked(people))
    services.handover_sign(handover=first, side="centre", actor=people["front"], password=PASSWORD)
    with pytest.raises(DomainError):  # read unsigned; the side has signed since
        services.handover_sign(
            handover=second, side="centre", actor=people["manager"], password=PASSWORD
        )
    stored = _stored(first)
    assert (stored.status, stored.centre_signed_by) == (Status.CHECKED, people["front"])


def test_sending_back_a_draft_is_refused__R30(people):
    handover = _draft(people)
    with pytest.raises(DomainError):
        services.handover_send_back(handover=handover, actor=people["front"])
    assert _stored(handover).status == Status.DRAFT


# --- One history row per document, naming who moved it ------------------------------------------
def test_two_send_backs_at_once_move_the_handover_one_step_not_two__R30(people):
    handover = services.handover_submit(handover=_draft(people), actor=people["front"])
    archivist = people["archivist"]
    for item in handover.items.order_by("pk"):
        services.handover_check_item(item=item, result=Result.ACCEPTED, note="", actor=archivist)
    handover = services.handover_mark_checked(handover=handover, actor=archivist)
    seen_by_other = Handover.objects.get(pk=handover.pk)
    services.handover_send_back(handover=handover, actor=people["manager"])
    with pytest.raises(DomainError):  # the list is no longer the checked one they saw
        services.handover_send_back(handover=seen_by_other, actor=people["front"])
    assert _stored(handover).status == Status.SUBMITTED  # one step back, documents still held


def test_two_pages_sending_the_same_checked_list_back_move_it_one_step__R30(people, client):
    from django.test import Client
    from django.urls import reverse

    handover = _checked(people)
    url = reverse("documents:handover_send_back", args=[handover.pk])
    detail = reverse("documents:handover_detail", args=[handover.pk])
    archive_room, manager = client, Client()
    archive_room.force_login(people["archivist"])
    manager.force_login(people["manager"])
    for page in (archive_room, manager):  # both have the checked list open
        assert 'name="seen" value="checked"' in page.get(detail).content.decode()
    archive_room.post(url, {"seen": "checked", "reason": "补签"})
    manager.post(url, {"seen": "checked", "reason": "补签"})
    assert _stored(handover).status == Status.SUBMITTED  # not back to the draft
    assert Document.objects.filter(
        handover_items__handover=handover, status=DocStatus.IN_HANDOVER
    ).exists()


def test_every_wrong_signing_password_is_logged_signable_or_not__R30(people):
    from core.models import AccessLog

    handover = _submitted(people)  # not checked yet: nobody can sign
    with pytest.raises(services.WrongPassword):
        services.handover_sign(
            handover=handover, side="centre", actor=people["front"], password="wrong"
        )
    assert (
        AccessLog.objects.filter(
            user=people["front"], action=AccessLog.Action.DENIED, detail__contains="wrong password"
        ).count()
        == 1
    )


def test_signing_stops_after_five_wrong_passwords_for_a_while__R30(people):
    import datetime as dt

    import time_machine
    from django.utils import timezone, translation

    from core.permissions import WRONG_PASSWORD_MINUTES, WRONG_PASSWORDS

    handover = _submitted(people)
    with translation.override("en"), time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(WRONG_PASSWORDS):
            with pytest.raises(services.WrongPassword, match="password is wrong"):
                services.handover_sign(
                    handover=handover, side="centre", actor=people["front"], password="wrong"
                )
        with pytest.raises(services.WrongPassword, match="try again"):  # even the right one
            services.handover_sign(
                handover=handover, side="centre", actor=people["front"], password=PASSWORD
            )
        clock.shift(dt.timedelta(minutes=WRONG_PASSWORD_MINUTES + 1))
        with pytest.raises(services.WrongPassword, match="password is wrong"):
            services.handover_sign(
                handover=handover, side="centre", actor=people["front"], password="wrong"
            )


def _latest(document):
    row = document.history.first()
    return row.history_user, row.history_change_reason


def test_the_handover_moves_leave_one_history_row_per_document_naming_the_actor__R30(people):
    handover = _draft(people)
    documents = list(Document.objects.filter(handover_items__handover=handover))
    before = {d.pk: d.history.count() for d in documents}
    handover = services.handover_submit(handover=handover, actor=people["front"])
    for d in documents:
        assert d.history.count() == before[d.pk] + 1
        user, reason = _latest(d)
        assert user == people["front"] and "2026H1" in reason

    handover = services.handover_send_back(handover=handover, actor=people["manager"])
    for d in documents:
        d.refresh_from_db()
        assert d.status == DocStatus.RECEIVED and d.history.count() == before[d.pk] + 2
        assert _latest(d)[0] == people["manager"]

    handover = services.handover_submit(handover=handover, actor=people["front"])
    accepted, missing = handover.items.order_by("pk")
    archivist = people["archivist"]
    services.handover_check_item(item=accepted, result=Result.ACCEPTED, note="", actor=archivist)
    services.handover_check_item(item=missing, result=Result.MISSING, note="未见", actor=archivist)
    handover = services.handover_mark_checked(handover=handover, actor=archivist)
    front = people["front"]
    services.handover_sign(handover=handover, side="centre", actor=front, password=PASSWORD)
    services.handover_sign(handover=handover, side="archive", actor=archivist, password=PASSWORD)
    assert _stored(handover).status == Status.COMPLETED
    for item, custody in ((accepted, Document.Custody.ARCHIVE), (missing, "centre")):
        document = Document.objects.get(pk=item.document_id)
        assert (document.status, document.custody) == (DocStatus.RECEIVED, custody)
        assert document.history.count() == before[document.pk] + 4
        assert _latest(document)[0] == archivist
    completed = _stored(handover).history.first()
    assert (completed.history_user, completed.status) == (archivist, Status.COMPLETED)
