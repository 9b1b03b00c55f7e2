"""The default retention schedule of the data migration (R35, R39): customer files kept
permanently by the policy, the desk's work forms and notices ten years, the renovation files
technical records counted from the move-out; reversible."""

import datetime
import importlib

import pytest
from django.apps import apps

from core.choices import Retention
from destruction import retention
from destruction.models import Policy, RetentionRule, RetentionState

from ..customers.factories import dossier_for
from ..documents.factories import document_for
from . import factories as f

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("destruction.migrations.0002_default_schedule")


@pytest.fixture
def schedule():
    """The migration's rows (a transactional test before this one may have flushed them)."""
    MIGRATION.forwards(apps, None)
    return {r.category.code: r for r in RetentionRule.objects.select_related("category")}


def test_the_schedule_and_the_policy_are_there_by_default(schedule):
    assert Policy.objects.count() == 1
    policy = Policy.current()
    assert (policy.customer_files_permanent, policy.waiting_days) == (True, 7)
    assert {"correspondence", "application", "repair", "visit"} <= schedule.keys()
    assert all(schedule[c].years == 10 and not schedule[c].technical for c in ("repair", "visit"))
    assert schedule["renovation"].technical and schedule["renovation"].trigger == "move_out"
    # no rule for the customer's own papers: the policy keeps them (R39)
    assert not {"id_copy", "move_in", "lease", "licence"} & schedule.keys()


def test_customer_files_stay_permanent_while_the_policy_is_on__R39(schedule):
    dossier = dossier_for()
    old = document_for(
        dossier,
        code="correspondence",
        document_date=datetime.date(2001, 1, 1),
        retention=Retention.SHORT,
    )
    retention.refresh([old])
    state = RetentionState.objects.get(document=old)
    assert state.permanent and state.due_on is None


def test_work_forms_fall_due_ten_years_on_once_the_policy_is_off(schedule):
    old = f.due_documents(1, code="repair", day=datetime.date(2001, 5, 1))[0]
    state = RetentionState.objects.get(document=old)
    assert (state.permanent, state.due_on) == (False, datetime.date(2011, 5, 1))


def test_renovation_papers_are_technical_and_wait_for_the_move_out__R35(schedule):
    old = f.due_documents(1, code="renovation", day=datetime.date(2001, 5, 1))[0]
    state = RetentionState.objects.get(document=old)
    assert state.technical
    assert state.due_on is None  # nobody has moved out of the dossier's unit


def test_the_schedule_is_reversible(schedule):
    RetentionRule.objects.create(name="管理员自定规则", years=5)
    MIGRATION.backwards(apps, None)
    assert list(RetentionRule.objects.values_list("name", flat=True)) == ["管理员自定规则"]
    MIGRATION.forwards(apps, None)
    MIGRATION.forwards(apps, None)  # twice: nothing doubled
    assert RetentionRule.objects.count() == len(MIGRATION.RULES) + 1
