"""Desks acting on one item at once: the database keeps it on one loan (PostgreSQL)."""

import os

import pytest

from core.roles import Role
from core.workflow import DomainError
from documents.models import Document
from lending.loans import services
from lending.models import Loan, LoanItem, Mode
from tests.factories import user_with_role
from tests.races import race

from .factories import default_rules, documents_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_twenty_checkouts_of_one_item_at_once_give_exactly_one_loan__R22__R25():
    default_rules()
    document = documents_in()[0]
    manager = user_with_role(Role.MANAGER)
    loans = []
    for _ in range(20):
        borrower = user_with_role(Role.FRONT_DESK)
        loan = services.loan_request(
            dossier=document.dossier,
            documents=[document],
            mode=Mode.TAKE_OUT,
            purpose="核对",
            actor=borrower,
        )
        loans.append(services.loan_approve(loan=loan, actor=manager))
    archivists = [user_with_role(Role.ARCHIVIST) for _ in loans]

    results = race(
        *[
            (lambda loan=loan, who=who: services.loan_hand_out(loan=loan, actor=who))
            for loan, who in zip(loans, archivists, strict=True)
        ]
    )

    won = [r for r in results if isinstance(r, Loan)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 19, results
    assert LoanItem.objects.filter(document=document, out=True).count() == 1
    assert Loan.objects.filter(status=Loan.Status.OUT).count() == 1
    assert Loan.objects.filter(status=Loan.Status.APPROVED).count() == 19
    assert Document.objects.get(pk=document.pk).status == Document.Status.ON_LOAN
    assert Document.history.filter(id=document.pk, status=Document.Status.ON_LOAN).count() == 1


def test_a_hand_out_and_the_borrowers_deactivation_at_once_never_leave_items_with_a_leaver__R28():
    from core.clearance import user_deactivate

    default_rules()
    document = documents_in()[0]
    borrower = user_with_role(Role.FRONT_DESK)
    loan = services.loan_request(
        dossier=document.dossier,
        documents=[document],
        mode=Mode.TAKE_OUT,
        purpose="核对",
        actor=borrower,
    )
    loan = services.loan_approve(loan=loan, actor=user_with_role(Role.MANAGER))
    archivist, admin = user_with_role(Role.ARCHIVIST), user_with_role(Role.ADMIN)

    race(
        lambda: services.loan_hand_out(loan=loan, actor=archivist),
        lambda: user_deactivate(user=type(borrower).objects.get(pk=borrower.pk), actor=admin),
    )

    borrower.refresh_from_db()
    out = LoanItem.objects.filter(out=True, loan__borrower=borrower).exists()
    # one of the two won: the items went out to an active account, or the account closed empty
    assert out == borrower.is_active, (out, borrower.is_active)
