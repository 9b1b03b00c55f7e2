"""Loans on their way back, for the tests of returns, incidents and copies: a loan out with its
borrower, the archivist's answers for its items, a loan whose return has been checked."""

import datetime
from zoneinfo import ZoneInfo

from core.roles import Role
from lending.models import Loan, LoanItem
from lending.returns import services as returns

from ..factories import PASSWORD, user_with_role
from .factories import documents_in, loan_in

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
INTACT = LoanItem.Condition.INTACT
DAMAGED = LoanItem.Condition.DAMAGED
MISSING = LoanItem.Condition.MISSING

__all__ = ["NOW", "PASSWORD", "out_loan", "answers", "checked", "items_of"]


def out_loan(n=2, *, borrower=None, documents=None, status=Loan.Status.OUT, **loan_fields):
    """A loan out (documents on loan) with ``n`` documents of 2 pages, 1 copy each."""
    borrower = borrower or user_with_role(Role.FRONT_DESK)
    documents = documents if documents is not None else documents_in(n=n)
    return loan_in(status, documents=documents, borrower=borrower, **loan_fields)


def items_of(loan):
    return list(LoanItem.objects.filter(loan=loan).select_related("document").order_by("pk"))


def answers(loan, **by_index):
    """Every item intact with its full count, except those named by position:
    ``answers(loan, i1={"condition": DAMAGED, "note": "…"})``."""
    result = {}
    for index, item in enumerate(items_of(loan)):
        answer = {
            "condition": INTACT,
            "pages_back": item.document.pages,
            "copies_back": item.document.copies,
            "note": "",
        }
        answer.update(by_index.get(f"i{index}", {}))
        result[item.pk] = answer
    return result


def checked(loan, archivist=None, **by_index):
    """``loan`` checked by an archivist (everything intact unless said otherwise)."""
    archivist = archivist or user_with_role(Role.ARCHIVIST)
    return returns.loan_return_check(loan=loan, actor=archivist, results=answers(loan, **by_index))
