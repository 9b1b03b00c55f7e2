"""``seed_demo_loans``: a loan in every state the desk shows, through the services."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customers.models import DossierEvent
from documents.models import Document
from lending.models import CopyRecord, Incident, Loan, Notice
from lending.timeline import Kind

pytestmark = pytest.mark.django_db


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def test_demo_loans_show_every_state_and_every_timeline_line(settings):
    settings.DEBUG = True
    for command, options in (
        ("create_demo_users", {}),
        ("seed_demo", {"units": 40}),
        ("seed_demo_documents", {"if_empty": True}),
        ("seed_demo_loans", {"if_empty": True}),
    ):
        call_command(command, stdout=_Quiet(), stderr=_Quiet(), **options)
    S = Loan.Status
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {S.REQUESTED, S.APPROVED, S.OUT, S.RENEWED, S.RETURNED, S.COPIED} <= statuses
    kinds = set(DossierEvent.objects.values_list("kind", flat=True))
    assert set(Kind.values) <= kinds
    assert set(Notice.objects.values_list("level", flat=True)) == set(Notice.Level.values)
    assert Incident.objects.filter(kind=Incident.Kind.DAMAGED).exists()
    assert CopyRecord.objects.exists()
    out = Document.objects.filter(status=Document.Status.ON_LOAN).count()
    assert out == Loan.objects.out().values("items").count()
    # again: nothing more
    before = Loan.objects.count()
    call_command("seed_demo_loans", if_empty=True, stdout=_Quiet())
    assert Loan.objects.count() == before


def test_demo_loans_are_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_loans")
