"""Copies, excerpts and photographs (R26): only after approval, made and checked by the archive
room, registered with count, holder and purpose. Copies of personal data are followed until
they come back or are destroyed (R19)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from core.workflow import DomainError
from customers.models import DossierEvent
from documents.models import Document
from lending import rules
from lending.copies import selectors
from lending.copies import services as copies
from lending.loans import services as loans
from lending.models import Access, CopyRecord, Loan, Mode
from lending.timeline import Kind

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in
from .returning import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
S = CopyRecord.Status


@pytest.fixture
def archivist():
    return user_with_role(Role.ARCHIVIST)


def _copy_loan(status=Loan.Status.APPROVED, *, codes=("other",), **fields):
    dossier = dossier_for()
    documents = [documents_in(dossier, code=code)[0] for code in codes]
    return loan_in(status, documents=documents, mode=Mode.COPY, **fields)


def _row(document, **data):
    return {
        "document": document,
        "kind": CopyRecord.Kind.COPY,
        "count": 2,
        "holder": None,
        "holder_name": "王律师",
        "purpose": "诉讼证据",
        **data,
    }


def _documents(loan):
    return [i.document for i in loan.items.select_related("document__dossier").order_by("pk")]


# --- R26 ----------------------------------------------------------------------------------
def test_copies_are_made_only_after_approval__R26(archivist):
    default_rules()
    front, manager = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)
    (document,) = documents_in(code="other")
    loan = loans.loan_request(
        dossier=document.dossier,
        documents=[document],
        mode=Mode.COPY,
        purpose="办理产权证明",
        actor=front,
    )
    assert loan.status == Loan.Status.REQUESTED  # the rules ask for a manager's approval
    with pytest.raises(DomainError):
        copies.copies_make(loan=loan, actor=archivist, copies=[_row(document, holder=front)])
    assert not CopyRecord.objects.exists()
    loan = loans.loan_approve(loan=loan, actor=manager)
    made = copies.copies_make(
        loan=loan, actor=archivist, copies=[_row(document, holder=front, holder_name="")]
    )
    loan.refresh_from_db()
    assert loan.status == Loan.Status.COPIED
    (record,) = made
    record.refresh_from_db()
    assert (record.count, record.holder, record.purpose, record.made_by) == (
        2,
        front,
        "诉讼证据",
        archivist,
    )
    assert record.status == S.RELEASED and not record.personal_data
    # the original never left the shelf
    assert Document.objects.get(pk=document.pk).status == Document.Status.RECEIVED
    assert DossierEvent.objects.filter(dossier=loan.dossier, kind=Kind.COPIES_MADE).exists()
    assert Notification.objects.filter(recipient=front, message__contains=loan.number).exists()


def test_only_the_archive_room_makes_copies_and_never_for_itself__R26(archivist):
    loan = _copy_loan()
    (document,) = _documents(loan)
    for role in (Role.FRONT_DESK, Role.MANAGER, Role.EXECUTIVE):
        with pytest.raises(PermissionDenied):
            copies.copies_make(loan=loan, actor=user_with_role(role), copies=[_row(document)])
    own = _copy_loan(borrower=archivist)
    with pytest.raises(DomainError):
        copies.copies_make(loan=own, actor=archivist, copies=[_row(_documents(own)[0])])
    assert not CopyRecord.objects.exists()
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.APPROVED


def test_each_copy_is_registered_with_its_count_holder_and_purpose__R26(archivist):
    loan = _copy_loan()
    (document,) = _documents(loan)
    stranger = _copy_loan()
    cases = [
        ({"document": _documents(stranger)[0]}, "document"),  # not of this loan
        ({"count": 0}, "count"),
        ({"count": "lots"}, "count"),
        ({"holder_name": ""}, "holder_name"),
        ({"purpose": " "}, "purpose"),
        ({"kind": "scan"}, "kind"),
    ]
    for data, field in cases:
        with pytest.raises(copies.CopiesRefused) as refused:
            copies.copies_make(loan=loan, actor=archivist, copies=[{**_row(document), **data}])
        assert field in refused.value.errors[0], data
    with pytest.raises(DomainError):
        copies.copies_make(loan=loan, actor=archivist, copies=[])
    assert not CopyRecord.objects.exists()
    made = copies.copies_make(
        loan=loan,
        actor=archivist,
        copies=[_row(document), _row(document, kind=CopyRecord.Kind.PHOTO, count=1)],
    )
    assert [(c.kind, c.count, c.holder_name) for c in made] == [
        ("copy", 2, "王律师"),
        ("photo", 1, "王律师"),
    ]


def test_a_copy_goes_only_to_someone_who_may_see_the_dossier__R26(archivist):
    granted = user_with_role(Role.FRONT_DESK)
    secret = dossier_for(secrecy="B")
    from customers.permissions import grant_dossier

    for person in (granted, archivist):
        grant_dossier(person, secret)
    (document,) = documents_in(secret, actor=granted)
    loan = loan_in(Loan.Status.APPROVED, documents=[document], mode=Mode.COPY, borrower=granted)
    outsider = user_with_role(Role.FRONT_DESK)
    with pytest.raises(copies.CopiesRefused) as refused:
        copies.copies_make(
            loan=loan, actor=archivist, copies=[_row(document, holder=outsider, holder_name="")]
        )
    assert "holder_name" in refused.value.errors[0]


@pytest.mark.parametrize("status", [Loan.Status.REQUESTED, Loan.Status.OUT, Loan.Status.COPIED])
def test_copies_from_another_state_are_refused_and_a_stale_copy_loses__R26(archivist, status):
    loan = _copy_loan(status)
    with pytest.raises(DomainError):
        copies.copies_make(loan=loan, actor=archivist, copies=[_row(_documents(loan)[0])])
    fresh = _copy_loan()
    stale = Loan.objects.get(pk=fresh.pk)
    copies.copies_make(loan=fresh, actor=archivist, copies=[_row(_documents(fresh)[0])])
    with pytest.raises(DomainError):
        copies.copies_make(loan=stale, actor=archivist, copies=[_row(_documents(fresh)[0])])
    assert CopyRecord.objects.filter(loan=fresh).count() == 1


def test_a_loan_to_take_out_is_not_copied__R26(archivist):
    loan = loan_in(Loan.Status.APPROVED, mode=Mode.TAKE_OUT)
    with pytest.raises(DomainError):
        copies.copies_make(loan=loan, actor=archivist, copies=[_row(_documents(loan)[0])])


# --- R19 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["id_copy", "move_in", "lease"])
def test_the_rules_mark_personal_data_and_ask_for_approval__R19(code):
    default_rules()
    (document,) = documents_in(code=code)
    for mode in Mode:
        verdict = rules.verdict(document, mode)
        assert verdict.personal_data, (code, mode)
        assert verdict.access == Access.APPROVAL, (code, mode)
    (general,) = documents_in(code="other")
    assert not rules.verdict(general, Mode.COPY).personal_data


def test_copies_of_personal_data_are_held_and_followed_until_returned_or_destroyed__R19(
    archivist,
):
    loan = _copy_loan(codes=("id_copy", "other"))
    personal, general = _documents(loan)
    holder = loan.borrower
    made = copies.copies_make(
        loan=loan,
        actor=archivist,
        copies=[
            _row(personal, holder=holder, holder_name=""),
            _row(general, holder=holder, holder_name=""),
        ],
    )
    held, released = made
    assert (held.status, held.personal_data) == (S.HELD, True)
    assert (released.status, released.personal_data) == (S.RELEASED, False)
    assert list(selectors.copies_held(holder=holder)) == [held]
    register = list(selectors.copy_register(user=archivist))
    assert register[0] == held  # still held comes first
    # a copy given out unfollowed is not closed; a held one is, with who and when
    with pytest.raises(DomainError):
        copies.copy_close(copy=released, actor=archivist, to="returned")
    with pytest.raises(DomainError):
        copies.copy_close(copy=held, actor=archivist, to="destroyed", note="")
    with pytest.raises(PermissionDenied):
        copies.copy_close(copy=held, actor=holder, to="returned")
    stale = CopyRecord.objects.get(pk=held.pk)
    copies.copy_close(copy=held, actor=archivist, to="destroyed", note="碎纸机销毁，李四见证")
    held.refresh_from_db()
    assert held.status == S.DESTROYED
    assert (held.closed_by, held.closed_at) == (archivist, NOW)
    assert held.close_note == "碎纸机销毁，李四见证"
    with pytest.raises(DomainError):
        copies.copy_close(copy=stale, actor=archivist, to="returned")
    assert not selectors.copies_held(holder=holder).exists()


def test_every_copy_of_a_personal_data_loan_is_held__R19(archivist):
    loan = _copy_loan(personal_data=True)
    (copy,) = copies.copies_make(loan=loan, actor=archivist, copies=[_row(_documents(loan)[0])])
    assert copy.status == S.HELD
    copies.copy_close(copy=copy, actor=archivist, to="returned")
    copy.refresh_from_db()
    assert copy.status == S.RETURNED and copy.closed_by == archivist


# --- The pages ----------------------------------------------------------------------------
def test_the_copies_page_registers_them_and_keeps_a_bad_row_beside_its_field__R26(
    client, archivist
):
    loan = _copy_loan(codes=("id_copy", "other"))
    personal, general = _documents(loan)
    client.force_login(archivist)
    url = reverse("lending:copies_make", args=[loan.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["personal"] == {personal.pk}
    kinds = {f"kind_{d.pk}": "copy" for d in (personal, general)}
    nothing = client.post(url, {**kinds, f"count_{personal.pk}": "0", f"count_{general.pk}": "0"})
    assert nothing.status_code == 200 and nothing.context["form"].non_field_errors()
    typed = {
        f"count_{personal.pk}": "1",
        f"kind_{personal.pk}": "excerpt",
        f"holder_{personal.pk}": "",
        f"purpose_{personal.pk}": "",
        f"count_{general.pk}": "0",
        f"kind_{general.pk}": "copy",
    }
    bad = client.post(url, typed)
    assert bad.status_code == 200
    assert f'id="id_purpose_{personal.pk}_error"' in bad.content.decode()
    assert not CopyRecord.objects.exists()
    done = client.post(url, {**typed, f"purpose_{personal.pk}": "核对身份"})
    assert done.status_code == 302
    (copy,) = CopyRecord.objects.all()
    assert (copy.kind, copy.holder, copy.status) == ("excerpt", loan.borrower, S.HELD)


def test_the_register_lists_held_copies_first_with_constant_queries__R26__R19(
    client, archivist, django_assert_max_num_queries
):
    def make(code):
        loan = _copy_loan(codes=(code,))
        copies.copies_make(loan=loan, actor=archivist, copies=[_row(_documents(loan)[0])])

    make("other")
    make("id_copy")
    client.force_login(archivist)
    url = reverse("lending:copy_list")
    with django_assert_max_num_queries(14) as few:
        page = client.get(url)
    assert [c.status for c in page.context["page_obj"]] == [S.HELD, S.RELEASED]
    assert page.context["can_close"]
    for code in ("other", "id_copy", "lease", "other"):
        make(code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    statuses = [c.status for c in page.context["page_obj"]]
    assert statuses == sorted(statuses, key=lambda s: s != S.HELD) and len(statuses) == 6
    held = client.get(url, {"status": "held"})
    assert {c.status for c in held.context["page_obj"]} == {S.HELD}


def test_closing_a_copy_from_the_register_keeps_a_missing_note_beside_its_field__R19(
    client, archivist
):
    loan = _copy_loan(codes=("id_copy",))
    (copy,) = copies.copies_make(loan=loan, actor=archivist, copies=[_row(_documents(loan)[0])])
    client.force_login(archivist)
    url = reverse("lending:copy_close", args=[copy.pk])
    assert client.get(url).status_code == 405
    bad = client.post(url, {"to": "destroyed", "note": ""})
    assert bad.status_code == 200 and 'id="id_note_error"' in bad.content.decode()
    assert CopyRecord.objects.get(pk=copy.pk).status == S.HELD
    done = client.post(url, {"to": "returned", "note": ""})
    assert done.status_code == 302
    assert CopyRecord.objects.get(pk=copy.pk).status == S.RETURNED


def test_the_register_logs_the_read_of_a_confidential_dossiers_loan__R21(client, archivist):
    from core.models import AccessLog
    from customers.permissions import grant_dossier

    secret = dossier_for(secrecy="B")
    grant_dossier(archivist, secret)
    (document,) = documents_in(secret, actor=archivist)
    loan = loan_in(Loan.Status.APPROVED, documents=[document], mode=Mode.COPY)
    grant_dossier(loan.borrower, secret)
    copies.copies_make(loan=loan, actor=archivist, copies=[_row(document)])
    client.force_login(archivist)
    page = client.get(reverse("lending:copy_list"))
    assert secret.archive_number in page.content.decode()
    assert AccessLog.objects.filter(
        user=archivist, action=AccessLog.Action.VIEW, object_id=str(loan.pk)
    ).exists()
