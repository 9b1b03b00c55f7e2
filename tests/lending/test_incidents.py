"""Loss and damage found at a return (R24): recorded, graded by the item's importance, told to
the managers who see the dossier, and handled by a manager who is not the borrower."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from core.workflow import DomainError
from customers.models import DossierEvent
from customers.permissions import grant_dossier
from documents import selectors as shelf
from documents import services as documents
from documents.models import Document
from lending.models import Incident, Loan
from lending.returns import services as returns
from lending.timeline import Kind

from ..customers.factories import dossier_for
from ..documents.factories import box, document_for
from ..factories import PASSWORD, user_with_role
from .factories import documents_in
from .returning import DAMAGED, MISSING, NOW, checked, out_loan

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
S = Loan.Status
Grade = Incident.Grade


def _returned(loan, **by_index):
    loan = checked(loan, **by_index)
    return returns.loan_return_confirm(loan=loan, actor=loan.borrower, password=PASSWORD)


def _copy_of(dossier, **data):
    return document_for(
        dossier, code="other", is_original=False, original_location="公司档案室", **data
    )


# --- Graded by importance -----------------------------------------------------------------
def test_a_damaged_original_is_a_major_incident_and_the_managers_are_told__R24(
    django_capture_on_commit_callbacks,
):
    manager = user_with_role(Role.MANAGER)
    loan = out_loan(1)
    with django_capture_on_commit_callbacks(execute=True):
        loan = _returned(loan, i0={"condition": DAMAGED, "note": "封面撕裂"})
    loan.refresh_from_db()
    assert loan.status == S.RETURNED  # a damaged item came back: it is on the shelf again
    incident = Incident.objects.get(loan=loan)
    assert (incident.kind, incident.grade, incident.status) == (
        Incident.Kind.DAMAGED,
        Grade.MAJOR,
        Incident.Status.OPEN,
    )
    assert incident.responsible == loan.borrower and incident.description == "封面撕裂"
    assert incident.reported_by == loan.return_checked_by
    assert Document.objects.get(pk=incident.item.document_id).status == Document.Status.RECEIVED
    told = Notification.objects.get(recipient=manager)
    assert told.link == reverse("lending:incident_detail", args=[incident.pk])
    assert not Notification.objects.filter(
        recipient=loan.borrower, link=told.link
    ).exists()  # the borrower is not asked to handle their own
    assert DossierEvent.objects.filter(dossier=loan.dossier, kind=Kind.LOAN_INCIDENT).exists()


def test_a_damaged_copy_of_general_material_is_minor__R24():
    dossier = dossier_for()
    loan = _returned(
        out_loan(documents=[_copy_of(dossier)]), i0={"condition": DAMAGED, "note": "折角"}
    )
    assert Incident.objects.get(loan=loan).grade == Grade.MINOR


def test_a_copy_in_a_confidential_dossier_is_major__R24():
    granted, checker = user_with_role(Role.FRONT_DESK), user_with_role(Role.ARCHIVIST)
    secret = dossier_for(secrecy="B")
    for person in (granted, checker):
        grant_dossier(person, secret)
    loan = out_loan(documents=[_copy_of(secret, actor=granted)], borrower=granted)
    loan = checked(loan, checker, i0={"condition": DAMAGED, "note": "水渍"})
    loan = returns.loan_return_confirm(loan=loan, actor=granted, password=PASSWORD)
    assert Incident.objects.get(loan=loan).grade == Grade.MAJOR


def test_a_copy_of_its_own_higher_level_is_major__R24():
    loan = _returned(
        out_loan(documents=[_copy_of(dossier_for(), secrecy_level="B")]),
        i0={"condition": DAMAGED, "note": "水渍"},
    )
    assert Incident.objects.get(loan=loan).grade == Grade.MAJOR


# --- Missing: lost -----------------------------------------------------------------------
def test_a_missing_item_is_lost_and_leaves_the_shelf_index__R24(client):
    archivist = user_with_role(Role.ARCHIVIST)
    kept, gone = documents_in(n=2, title="租约附件")
    target = box(dossier=kept.dossier)
    documents.documents_file(box=target, documents=[kept, gone], actor=archivist)
    kept.refresh_from_db()
    gone.refresh_from_db()
    loan = _returned(out_loan(documents=[kept, gone]), i1={"condition": MISSING})
    loan.refresh_from_db()
    assert loan.status == S.LOST and loan.returned_at == NOW
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.status == Document.Status.LOST and kept.status == Document.Status.FILED
    incident = Incident.objects.get(loan=loan)
    assert (incident.kind, incident.grade) == (Incident.Kind.MISSING, Grade.MAJOR)
    assert not incident.item.out and incident.item.pages_back == 0
    # off the shelf index: neither in the box, nor found by "where is this item"
    assert list(shelf.box_contents(box=target, user=archivist)) == [kept]
    assert gone not in shelf.find_documents(user=archivist, q=gone.reference)
    assert kept in shelf.find_documents(user=archivist, q=kept.reference)
    client.force_login(archivist)
    index = client.get(reverse("documents:location_index"))
    (row,) = [b for b in index.context["page_obj"] if b.pk == target.pk]
    assert row.items == 1
    # kept in the catalog with its history, and never lent again
    assert gone in shelf.dossier_catalog(dossier=gone.dossier, user=archivist)
    assert loan.number in gone.history.first().history_change_reason


# --- Handled by a manager (R24) -----------------------------------------------------------
def _incident(borrower=None):
    loan = _returned(out_loan(1, borrower=borrower), i0={"condition": MISSING})
    return Incident.objects.select_related("loan").get(loan=loan)


def test_a_manager_records_how_it_was_handled_and_the_borrower_is_told__R24():
    incident = _incident()
    manager = user_with_role(Role.MANAGER)
    with pytest.raises(DomainError):
        returns.incident_handle(incident=incident, actor=manager, outcome="  ")
    incident = returns.incident_handle(
        incident=incident, actor=manager, outcome="借阅人赔偿，补复印件"
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.HANDLED
    assert (incident.handled_by, incident.handled_at) == (manager, NOW)
    assert incident.outcome == "借阅人赔偿，补复印件"
    assert Notification.objects.filter(
        recipient=incident.responsible, link=returns.incident_link(incident)
    ).exists()
    assert incident.history.first().history_user == manager


def test_the_borrower_never_handles_their_own_loss_nor_does_the_archive_room__R24():
    borrowing_manager = user_with_role(Role.MANAGER)
    incident = _incident(borrower=borrowing_manager)
    with pytest.raises(DomainError):
        returns.incident_handle(incident=incident, actor=borrowing_manager, outcome="已处理")
    with pytest.raises(PermissionDenied):
        returns.incident_handle(
            incident=incident, actor=user_with_role(Role.ARCHIVIST), outcome="已处理"
        )
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.OPEN


def test_an_incident_is_handled_once_and_a_stale_copy_loses__R24():
    incident = _incident()
    stale = Incident.objects.get(pk=incident.pk)
    returns.incident_handle(incident=incident, actor=user_with_role(Role.MANAGER), outcome="赔偿")
    with pytest.raises(DomainError):
        returns.incident_handle(incident=stale, actor=user_with_role(Role.MANAGER), outcome="再")
    assert Incident.objects.get(pk=incident.pk).outcome == "赔偿"


# --- The pages ----------------------------------------------------------------------------
def test_the_incident_list_is_for_managers_open_first_with_constant_queries__R24(
    client, django_assert_max_num_queries
):
    manager = user_with_role(Role.MANAGER)
    first = _incident()
    returns.incident_handle(incident=first, actor=manager, outcome="赔偿")
    _incident()
    client.force_login(manager)
    url = reverse("lending:incident_list")
    with django_assert_max_num_queries(14) as few:
        page = client.get(url)
    rows = list(page.context["page_obj"])
    assert [i.status for i in rows] == [Incident.Status.OPEN, Incident.Status.HANDLED]
    for _ in range(6):
        _incident()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert len(page.context["page_obj"]) == 8
    opened = client.get(url, {"status": "open"})
    assert all(i.status == "open" for i in opened.context["page_obj"])
    client.force_login(user_with_role(Role.ARCHIVIST))
    assert client.get(url).status_code == 403


def test_the_incident_page_takes_the_handling_and_keeps_a_bad_input_beside_its_field__R24(
    client,
):
    incident = _incident()
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    url = reverse("lending:incident_detail", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="incident-handle-form"' in page.content.decode()
    empty = client.post(url, {"outcome": ""})
    assert empty.status_code == 200 and 'id="id_outcome_error"' in empty.content.decode()
    done = client.post(url, {"outcome": "已赔偿"})
    assert done.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.HANDLED
    client.force_login(incident.responsible)  # the borrower sees it, cannot handle it
    page = client.get(url)
    assert page.status_code == 200 and "incident-handle-form" not in page.content.decode()
    assert client.post(url, {"outcome": "x"}).status_code in (302, 403)
    assert Incident.objects.get(pk=incident.pk).outcome == "已赔偿"
