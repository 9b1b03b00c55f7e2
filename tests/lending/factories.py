"""Lending's test data: the default rules (re-made after a transactional test flushed them), and
loans put straight into a state (``loan_in``) for the tests of what comes after that state."""

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from core.roles import Role
from documents.models import Document
from lending.models import BorrowerKind, LendingRule, Loan, LoanItem, Mode

from ..customers.factories import dossier_for
from ..documents.factories import category, document_for
from ..factories import user_with_role


def default_rules():
    """The rules of the data migration (a transactional test before this one flushed them)."""
    category()  # the categories the personal-data rules name
    if not LendingRule.objects.exists():
        importlib.import_module("lending.migrations.0002_default_rules").forwards(apps, None)
    return list(LendingRule.objects.all())


def documents_in(dossier=None, n=1, *, code="other", **data):
    dossier = dossier or dossier_for()
    return [
        document_for(dossier, code=code, title=data.pop("title", f"资料{i + 1}"), **data)
        for i in range(n)
    ]


def loan_in(
    status=Loan.Status.OUT,
    *,
    documents=None,
    dossier=None,
    borrower=None,
    mode=Mode.TAKE_OUT,
    out_on=None,
    days=7,
    renewal_count=0,
    requested_by=None,
    **fields,
):
    """A loan put straight into ``status`` (no service runs): its items, and for a loan that is
    out the documents on loan, the period from ``out_on`` and the due day ``out_on + days``
    (calendar days)."""
    default_rules()
    if documents is None:
        documents = documents_in(dossier)
    dossier = documents[0].dossier
    borrower = borrower or user_with_role(Role.FRONT_DESK)
    loan = Loan.objects.create(
        dossier=dossier,
        status=status,
        mode=mode,
        purpose=fields.pop("purpose", "核对资料"),
        days=days,
        borrower_kind=fields.pop("borrower_kind", BorrowerKind.STAFF),
        borrower=borrower,
        requested_by=requested_by or borrower,
        renewal_count=renewal_count,
        **fields,
    )
    loan.number = f"JY{loan.pk:06d}"
    out = status in Loan.OUT_STATUSES
    if out or status in (Loan.Status.RETURNED, Loan.Status.LOST):
        out_on = out_on or timezone.localdate()
        loan.period_start = out_on
        loan.due_on = out_on + datetime.timedelta(days=days)
        loan.escalate_on = out_on + datetime.timedelta(days=16)
        loan.handed_out_at = timezone.make_aware(
            datetime.datetime.combine(out_on, datetime.time(9, 0))
        )
    loan.save()
    for document in documents:
        LoanItem.objects.create(
            loan=loan, document=document, status_before=document.status, out=out
        )
        if out:
            Document.objects.filter(pk=document.pk).update(status=Document.Status.ON_LOAN)
    return loan
