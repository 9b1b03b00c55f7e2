"""Checked returns (R25): the archivist checks count and condition item by item, the borrower
confirms with their password (on their screen, or at the desk), and the documents go back to
where they were."""

import os

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AccessLog, Notification
from core.roles import Role
from core.workflow import DomainError
from customers.models import DossierEvent
from documents import services as documents
from documents.models import Document
from lending import moves
from lending.loans.services import loan_link
from lending.models import BorrowerKind, Loan, LoanItem
from lending.returns import services as returns
from lending.timeline import Kind

from ..documents.factories import box
from ..factories import PASSWORD, user_with_role
from ..races import race
from .returning import DAMAGED, INTACT, MISSING, NOW, answers, checked, items_of, out_loan

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
S = Loan.Status


@pytest.fixture
def archivist():
    return user_with_role(Role.ARCHIVIST)


def _filed_and_received():
    """Two documents of one dossier, the first filed in a box, the second only received."""
    from .factories import documents_in

    first, second = documents_in(n=2)
    documents.documents_file(
        box=box(dossier=first.dossier), documents=[first], actor=user_with_role(Role.ARCHIVIST)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Document.Status.FILED, Document.Status.RECEIVED)
    return [first, second]


# --- The check ----------------------------------------------------------------------------
def test_the_archivist_checks_count_and_condition_and_the_borrower_is_asked__R25(
    archivist, django_capture_on_commit_callbacks
):
    loan = out_loan(2)
    with django_capture_on_commit_callbacks(execute=True):
        loan = returns.loan_return_check(
            loan=loan,
            actor=archivist,
            results=answers(loan, i1={"condition": DAMAGED, "pages_back": 1, "note": "缺一页"}),
        )
    loan.refresh_from_db()
    assert loan.status == S.RETURN_CHECKED
    assert loan.return_checked_by == archivist and loan.return_checked_at == NOW
    first, second = items_of(loan)
    assert (first.condition, first.pages_back, first.copies_back) == (INTACT, 2, 1)
    assert (second.condition, second.pages_back, second.check_note) == (DAMAGED, 1, "缺一页")
    assert first.out and second.out  # still out until the borrower confirms
    told = Notification.objects.get(recipient=loan.borrower)
    assert loan.number in told.message and told.link == reverse(
        "lending:return_confirm", args=[loan.pk]
    )
    assert [m.to for m in mail.outbox] == [[loan.borrower.email]]
    assert loan.history.first().history_user == archivist


def test_a_count_short_of_what_was_lent_is_refused_unless_damaged_or_missing__R25(archivist):
    loan = out_loan(1)
    (item,) = items_of(loan)
    with pytest.raises(returns.ReturnCheckRefused) as refused:
        returns.loan_return_check(
            loan=loan, actor=archivist, results=answers(loan, i0={"pages_back": 1})
        )
    assert set(refused.value.errors[item.pk]) == {"pages_back"}
    with pytest.raises(returns.ReturnCheckRefused) as refused:
        returns.loan_return_check(
            loan=loan, actor=archivist, results=answers(loan, i0={"copies_back": 2})
        )
    assert "copies_back" in refused.value.errors[item.pk]  # more than was lent: no match either
    loan.refresh_from_db()
    item.refresh_from_db()
    assert loan.status == S.OUT and item.condition == "" and item.pages_back is None
    # marked damaged (with what is damaged) the same count is taken
    returns.loan_return_check(
        loan=loan,
        actor=archivist,
        results=answers(loan, i0={"pages_back": 1, "condition": DAMAGED, "note": "撕破"}),
    )
    item.refresh_from_db()
    assert (item.condition, item.pages_back) == (DAMAGED, 1)


def test_every_item_is_answered_and_only_the_loans_own__R25(archivist):
    loan = out_loan(2)
    first, second = items_of(loan)
    partial = answers(loan)
    del partial[second.pk]
    with pytest.raises(returns.ReturnCheckRefused) as refused:
        returns.loan_return_check(loan=loan, actor=archivist, results=partial)
    assert set(refused.value.errors) == {second.pk}
    other = out_loan(1)
    foreign = {**answers(loan), **answers(other)}
    with pytest.raises(DomainError):
        returns.loan_return_check(loan=loan, actor=archivist, results=foreign)
    with pytest.raises(returns.ReturnCheckRefused) as refused:
        returns.loan_return_check(
            loan=loan, actor=archivist, results=answers(loan, i0={"condition": "lost-ish"})
        )
    assert "condition" in refused.value.errors[first.pk]
    loan.refresh_from_db()
    assert loan.status == S.OUT


def test_the_borrower_never_checks_their_own_return__R25():
    keeper = user_with_role(Role.ARCHIVIST)
    loan = out_loan(1, borrower=keeper)
    with pytest.raises(DomainError) as refused:
        returns.loan_return_check(loan=loan, actor=keeper, results=answers(loan))
    assert str(refused.value) == str(moves._check_guard(keeper, loan))
    with pytest.raises(PermissionDenied):  # no right to check returns at all
        returns.loan_return_check(
            loan=loan, actor=user_with_role(Role.MANAGER), results=answers(loan)
        )
    loan.refresh_from_db()
    assert loan.status == S.OUT


@pytest.mark.parametrize("status", [S.REQUESTED, S.APPROVED, S.RETURN_CHECKED, S.RETURNED])
def test_a_check_from_another_state_is_refused__R25(archivist, status):
    loan = out_loan(1, status=status)
    with pytest.raises(DomainError):
        returns.loan_return_check(loan=loan, actor=archivist, results=answers(loan))
    assert Loan.objects.get(pk=loan.pk).status == status


def test_a_stale_copy_of_the_loan_loses_its_check__R25(archivist):
    loan = out_loan(1)
    stale = Loan.objects.get(pk=loan.pk)
    checked(loan, archivist)
    rows = loan.history.count()
    with pytest.raises(DomainError):
        returns.loan_return_check(loan=stale, actor=archivist, results=answers(loan))
    assert loan.history.count() == rows  # checked once


# --- The confirmation ---------------------------------------------------------------------
def test_the_borrower_confirms_with_their_password_and_the_documents_go_back__R25(archivist):
    loan = out_loan(documents=_filed_and_received())
    loan = checked(loan, archivist)
    loan = returns.loan_return_confirm(loan=loan, actor=loan.borrower, password=PASSWORD)
    loan.refresh_from_db()
    assert loan.status == S.RETURNED and loan.returned_at == NOW
    assert not loan.return_confirmed_at_desk
    filed, received = (i.document for i in items_of(loan))
    filed.refresh_from_db()
    received.refresh_from_db()
    # each back to the status it had before it went out, in its box
    assert filed.status == Document.Status.FILED and filed.box_id is not None
    assert received.status == Document.Status.RECEIVED
    assert not LoanItem.objects.filter(loan=loan, out=True).exists()
    assert filed.history.first().history_user == loan.borrower
    assert DossierEvent.objects.filter(
        dossier=loan.dossier, kind=Kind.LOAN_RETURNED, actor=loan.borrower
    ).exists()
    assert not loan.incidents.exists()


def test_a_wrong_password_is_refused_logged_and_nothing_moves__R25(archivist):
    loan = checked(out_loan(1), archivist)
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED)
    with pytest.raises(returns.WrongPassword):
        returns.loan_return_confirm(loan=loan, actor=loan.borrower, password="not-it")
    with pytest.raises(returns.WrongPassword):
        returns.loan_return_confirm(loan=loan, actor=loan.borrower, password="")
    assert denied.filter(user=loan.borrower, detail__contains="wrong password").count() == 2
    loan.refresh_from_db()
    assert loan.status == S.RETURN_CHECKED
    assert LoanItem.objects.filter(loan=loan, out=True).count() == 1
    assert Document.objects.get(loan_items__loan=loan).status == Document.Status.ON_LOAN


def test_five_wrong_passwords_stop_the_confirmation_for_a_quarter_hour__R25(archivist):
    import datetime as dt

    import time_machine

    loan = checked(out_loan(1), archivist)
    with time_machine.travel(dt.datetime(2026, 5, 11, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(returns.WRONG_PASSWORDS):
            with pytest.raises(returns.WrongPassword, match="wrong"):
                returns.loan_return_confirm(
                    loan=loan, actor=archivist, password="guess", at_desk=True
                )
        # the right one now is refused too, and nothing moves
        with pytest.raises(returns.WrongPassword, match="try again"):
            returns.loan_return_confirm(loan=loan, actor=archivist, password=PASSWORD, at_desk=True)
        loan.refresh_from_db()
        assert loan.status == S.RETURN_CHECKED
        clock.shift(dt.timedelta(minutes=returns.WRONG_PASSWORD_MINUTES + 1))
        returns.loan_return_confirm(loan=loan, actor=archivist, password=PASSWORD, at_desk=True)
    loan.refresh_from_db()
    assert loan.status == S.RETURNED


def test_at_the_desk_the_borrower_types_their_password_on_the_archivists_screen__R25(
    archivist,
):
    loan = checked(out_loan(1), archivist)
    archivist.set_password("archivist-own")
    archivist.save()
    with pytest.raises(returns.WrongPassword):  # the archivist's own password is not it …
        returns.loan_return_confirm(
            loan=loan, actor=archivist, password="archivist-own", at_desk=True
        )
    with pytest.raises(DomainError):  # … nor is a confirmation at the desk left unsaid
        returns.loan_return_confirm(loan=loan, actor=archivist, password=PASSWORD)
    loan = returns.loan_return_confirm(loan=loan, actor=archivist, password=PASSWORD, at_desk=True)
    loan.refresh_from_db()
    assert loan.status == S.RETURNED and loan.return_confirmed_at_desk
    # the borrower is told of the check, then that their password confirmed it at the desk
    told = Notification.objects.filter(recipient=loan.borrower, link=loan_link(loan))
    assert told.count() == 1 and archivist.get_full_name() in told.get().message


def test_an_outside_party_signs_the_paper_form_at_the_desk__R25(archivist):
    loan = out_loan(1)
    Loan.objects.filter(pk=loan.pk).update(
        borrower=None,
        borrower_kind=BorrowerKind.OUTSIDE,
        party="police",
        party_organisation="某派出所",
        party_person="李警官",
        party_credential="110-123",
    )
    loan = checked(Loan.objects.get(pk=loan.pk), archivist)
    with pytest.raises(DomainError):
        returns.loan_return_confirm(loan=loan, actor=archivist)
    loan = returns.loan_return_confirm(loan=loan, actor=archivist, at_desk=True)
    loan.refresh_from_db()
    assert loan.status == S.RETURNED and loan.return_confirmed_at_desk


def test_nobody_else_confirms_a_return__R25(archivist):
    loan = checked(out_loan(1), archivist)
    manager = user_with_role(Role.MANAGER)  # sees the loan, may not confirm it
    with pytest.raises(DomainError):
        returns.loan_return_confirm(loan=loan, actor=manager, password=PASSWORD, at_desk=True)
    stranger = user_with_role(Role.FRONT_DESK)  # does not even see it
    with pytest.raises(PermissionDenied):
        returns.loan_return_confirm(loan=loan, actor=stranger, password=PASSWORD)
    assert Loan.objects.get(pk=loan.pk).status == S.RETURN_CHECKED


@pytest.mark.parametrize("status", [S.OUT, S.RENEWED, S.RETURNED])
def test_a_confirmation_from_another_state_is_refused__R25(status):
    loan = out_loan(1, status=status)
    with pytest.raises(DomainError):
        returns.loan_return_confirm(loan=loan, actor=loan.borrower, password=PASSWORD)
    assert Loan.objects.get(pk=loan.pk).status == status


def test_a_stale_copy_confirms_nothing_twice__R25(archivist):
    loan = checked(out_loan(1), archivist)
    stale = Loan.objects.get(pk=loan.pk)
    returns.loan_return_confirm(loan=loan, actor=loan.borrower, password=PASSWORD)
    with pytest.raises(DomainError):
        returns.loan_return_confirm(loan=stale, actor=loan.borrower, password=PASSWORD)
    document = Document.objects.get(loan_items__loan=loan)
    assert document.history.filter(history_change_reason__contains=loan.number).count() == 1
    assert DossierEvent.objects.filter(kind=Kind.LOAN_RETURNED).count() == 1


# --- Checked again ------------------------------------------------------------------------
@pytest.mark.parametrize(("renewals", "back_to"), [(0, S.OUT), (1, S.RENEWED)])
def test_a_disputed_check_is_done_again__R25(archivist, renewals, back_to):
    loan = checked(out_loan(1, renewal_count=renewals), archivist, i0={"condition": MISSING})
    with pytest.raises(DomainError):
        returns.loan_return_check_again(loan=loan, actor=archivist, reason=" ")
    loan = returns.loan_return_check_again(loan=loan, actor=archivist, reason="借阅人称已归还")
    loan.refresh_from_db()
    assert loan.status == back_to and loan.return_checked_by is None
    (item,) = items_of(loan)
    assert item.condition == "" and item.out
    assert item.history.filter(condition=MISSING).exists()  # the first check is kept
    checked(loan, archivist)  # and the items are checked once more
    assert Loan.objects.get(pk=loan.pk).status == S.RETURN_CHECKED


def test_checking_again_needs_the_archive_room_and_a_checked_return__R25(archivist):
    loan = out_loan(1)
    with pytest.raises(DomainError):
        returns.loan_return_check_again(loan=loan, actor=archivist, reason="x")
    loan = checked(loan, archivist)
    with pytest.raises(PermissionDenied):
        returns.loan_return_check_again(loan=loan, actor=loan.borrower, reason="x")
    stale = Loan.objects.get(pk=loan.pk)
    returns.loan_return_check_again(loan=loan, actor=archivist, reason="x")
    with pytest.raises(DomainError):
        returns.loan_return_check_again(loan=stale, actor=archivist, reason="x")
    assert Loan.objects.get(pk=loan.pk).status == S.OUT


# --- The pages ----------------------------------------------------------------------------
def test_the_check_page_prefills_the_counts_and_keeps_what_was_typed__R25(client, archivist):
    loan = out_loan(1)
    (item,) = items_of(loan)
    client.force_login(archivist)
    url = reverse("lending:return_check", args=[loan.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f'name="pages_{item.pk}" value="2"' in html and f'name="copies_{item.pk}" value="1"' in html
    )
    typed = {
        f"condition_{item.pk}": INTACT,
        f"pages_{item.pk}": "1",
        f"copies_{item.pk}": "1",
        f"note_{item.pk}": "少一页？",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert f'id="id_pages_{item.pk}_error"' in html and "少一页？" in html
    assert f'name="pages_{item.pk}" value="1"' in html
    assert Loan.objects.get(pk=loan.pk).status == S.OUT
    bad = client.post(url, {**typed, f"pages_{item.pk}": "many"})
    assert bad.status_code == 200 and f'id="id_pages_{item.pk}_error"' in bad.content.decode()
    done = client.post(url, {**typed, f"pages_{item.pk}": "2"})
    assert done.status_code == 302 and done.url == reverse("lending:return_confirm", args=[loan.pk])
    assert Loan.objects.get(pk=loan.pk).status == S.RETURN_CHECKED


def test_the_check_page_of_a_loan_not_out_says_why(client, archivist):
    loan = out_loan(1, status=S.RETURNED)
    client.force_login(archivist)
    page = client.get(reverse("lending:return_check", args=[loan.pk]))
    assert page.url == reverse("lending:loan_detail", args=[loan.pk])
    said = [m for m in get_messages(page.wsgi_request) if m.level_tag == "error"]
    assert len(said) == 1


def test_the_confirm_page_shows_the_check_and_a_wrong_password_beside_its_field__R25(
    client, archivist
):
    loan = checked(out_loan(1), archivist, i0={"condition": DAMAGED, "note": "水渍"})
    client.force_login(loan.borrower)
    url = reverse("lending:return_confirm", args=[loan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "水渍" in page.content.decode()
    assert page.context["mode"] == "own"
    wrong = client.post(url, {"password": "nope"})
    assert wrong.status_code == 200 and 'id="id_password_error"' in wrong.content.decode()
    assert Loan.objects.get(pk=loan.pk).status == S.RETURN_CHECKED
    right = client.post(url, {"password": PASSWORD})
    assert right.status_code == 302
    assert Loan.objects.get(pk=loan.pk).status == S.RETURNED


def test_the_confirm_page_at_the_desk_and_the_dispute__R25(client, archivist):
    loan = checked(out_loan(1), archivist)
    client.force_login(archivist)
    page = client.get(reverse("lending:return_confirm", args=[loan.pk]))
    assert page.context["mode"] == "desk" and 'data-testid="at-desk"' in page.content.decode()
    assert 'data-testid="check-again-form"' in page.content.decode()
    empty = client.post(reverse("lending:return_check_again", args=[loan.pk]), {"reason": ""})
    assert empty.status_code == 302 and Loan.objects.get(pk=loan.pk).status == S.RETURN_CHECKED
    again = client.post(
        reverse("lending:return_check_again", args=[loan.pk]), {"reason": "借阅人不认可"}
    )
    assert again.url == reverse("lending:return_check", args=[loan.pk])
    assert Loan.objects.get(pk=loan.pk).status == S.OUT


def test_the_confirm_page_is_refused_to_a_manager(client, archivist):
    loan = checked(out_loan(1), archivist)
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    assert client.get(reverse("lending:return_confirm", args=[loan.pk])).status_code == 403
    assert AccessLog.objects.filter(user=manager, action=AccessLog.Action.DENIED).exists()


# --- Two confirmations at once (PostgreSQL) -----------------------------------------------
@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_return_the_loan_once__R25():
    from .factories import default_rules

    default_rules()
    archivist = user_with_role(Role.ARCHIVIST)
    loan = checked(out_loan(2), archivist, i1={"condition": MISSING})
    results = race(
        lambda: returns.loan_return_confirm(
            loan=Loan.objects.get(pk=loan.pk), actor=loan.borrower, password=PASSWORD
        ),
        lambda: returns.loan_return_confirm(
            loan=Loan.objects.get(pk=loan.pk), actor=archivist, password=PASSWORD, at_desk=True
        ),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), results
    loan.refresh_from_db()
    assert loan.status == S.LOST
    assert loan.incidents.count() == 1
    assert DossierEvent.objects.filter(kind=Kind.LOAN_RETURNED).count() == 1
    for document in Document.objects.filter(loan_items__loan=loan):
        assert document.history.filter(history_change_reason__contains=loan.number).count() == 1
