"""``seed_demo_records``: every kind of record, in every state, through the services."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core.models import Notification
from customers import event_kinds
from customers.models import DossierEvent
from records.management.commands.seed_demo_records import RECORD_MODELS
from records.models import (
    Application,
    Charge,
    Complaint,
    ComplaintStep,
    Deposit,
    Lease,
    Renovation,
    RenovationInspection,
    Repair,
    Violation,
    Visit,
)

pytestmark = pytest.mark.django_db

UNITS = 40


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("create_demo_users", stdout=_Quiet())
    call_command("seed_demo", units=UNITS, stdout=_Quiet())
    call_command("seed_demo_records", if_empty=True, stdout=_Quiet())


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _values(model, field):
    return set(model.objects.values_list(field, flat=True))


def test_demo_records_fill_every_kind_and_state(seeded):
    """One seeding (a few seconds) checked from every side."""
    _every_record_model_has_rows()
    _every_timeline_kind_appears()
    _every_state_appears()
    _the_stories_hang_together()
    _records_are_dated_in_the_past()
    _running_again_with_if_empty_adds_nothing()


def _every_record_model_has_rows():
    for model in [*RECORD_MODELS, ComplaintStep]:
        assert model.objects.exists(), model.__name__


def _every_timeline_kind_appears():
    # the loans' own lines come from seed_demo_loans (tests/lending/test_seed.py), the holds'
    # and destructions' from seed_demo_destruction (tests/destruction/test_seed.py)
    from destruction.timeline import Kind as DestructionKind
    from lending.timeline import Kind as LoanKind

    later = set(LoanKind.values) | set(DestructionKind.values)
    assert _values(DossierEvent, "kind") == set(event_kinds.values()) - later


def _every_state_appears():
    assert _values(Deposit, "status") == set(Deposit.Status.values)
    assert _values(Deposit, "kind") >= {"lease", "renovation", "keys", "access_card", "parking"}
    assert _values(Lease, "status") == set(Lease.Status.values)
    assert _values(Renovation, "status") == set(Renovation.Status.values)
    assert _values(RenovationInspection, "result") == {"passed", "issues"}
    assert _values(Violation, "status") == set(Violation.Status.values)
    assert _values(Complaint, "status") == set(Complaint.Status.values)
    assert _values(Complaint, "channel") == set(Complaint.Channel.values)
    assert _values(Repair, "status") == set(Repair.Status.values)
    assert _values(Visit, "kind") == set(Visit.Kind.values)
    kinds_states = set(Application.objects.values_list("kind", "status"))
    every = {(k, s) for k in Application.Kind.values for s in Application.Status.values}
    assert kinds_states == every


def _the_stories_hang_together():
    # major complaints reach the managers at once; a collective one is in three dossiers (R42)
    assert Complaint.objects.filter(is_major=True, reported_at__isnull=False).exists()
    collective = Complaint.objects.get(households=3)
    assert collective.other_dossiers.count() == 2
    dossiers = DossierEvent.objects.filter(kind="complaint", record_id=collective.pk)
    assert dossiers.values("dossier").distinct().count() == 3
    # closed complaints have their five clears, their reply or handling, a return visit (R43)
    for complaint in Complaint.objects.filter(status="closed"):
        assert all(getattr(complaint, step) for step in Complaint.STEPS)
        assert complaint.return_visits.exists()
    assert Repair.objects.filter(status="closed", satisfaction__isnull=False).exists()
    assert Violation.objects.filter(renovation__isnull=False, status="rectified").exists()
    # managers and staff visit (R43)
    visitors = set(Visit.objects.values_list("visitor__username", flat=True))
    assert {"manager", "frontdesk"} <= visitors
    # arrears: some charges are not (fully) paid
    assert any(charge.outstanding for charge in Charge.objects.all())
    # nobody is e-mailed or left with unread notifications about invented records
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def _records_are_dated_in_the_past():
    today = timezone.localdate()
    events = DossierEvent.objects.all()
    assert events.filter(occurred_on__lt=today).count() > events.count() * 0.8
    # the history rows carry the demo dates, for the dossier-as-of page
    deposit = Deposit.objects.filter(status="refunded").first()
    dates = [row.history_date.date() for row in deposit.history.order_by("history_date")]
    assert dates[0] == deposit.received_on
    assert dates[0] < dates[-1] < today
    # records are entered on the day they happened, each of the five clears when it was taken
    for complaint in Complaint.objects.filter(status="closed"):
        assert complaint.recorded_at == complaint.received_at
        steps = [step.at for step in complaint.steps.all()]
        assert complaint.received_at <= min(steps) <= max(steps) <= complaint.closed_at


def _running_again_with_if_empty_adds_nothing():
    counts = [model.objects.count() for model in RECORD_MODELS]
    events = DossierEvent.objects.count()
    call_command("seed_demo_records", if_empty=True, stdout=_Quiet())
    assert [model.objects.count() for model in RECORD_MODELS] == counts
    assert DossierEvent.objects.count() == events


def test_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_records")


def test_refused_without_demo_users(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("seed_demo_records")
