"""When a document falls due (R34, R39): the schedule, the policy, the document's and the
dossier's retention, the move-out trigger, and the next appraisal an appraisal set."""

import datetime

import pytest

from core.choices import Retention
from destruction import retention
from destruction.models import RetentionRule, RetentionState, Trigger

from ..documents.factories import category
from . import factories as f

pytestmark = pytest.mark.django_db


def _state(document):
    retention.refresh([document])
    return RetentionState.objects.get(document=document)


def test_a_short_term_document_is_due_ten_years_after_its_date():
    doc = f.due_documents(1, day=datetime.date(2012, 2, 29))[0]
    state = _state(doc)
    assert not state.permanent and state.due_on == datetime.date(2022, 2, 28)


def test_the_longest_matching_rule_wins_and_permanent_wins_over_years__R39():
    doc = f.due_documents(1)[0]
    RetentionRule.objects.create(name="二十年", category=category("other"), years=20)
    assert _state(doc).due_on == datetime.date(2030, 1, 1)
    rule = RetentionRule.objects.create(name="永久", category=category("other"), permanent=True)
    assert _state(doc).permanent
    rule.active = False
    rule.save()
    assert not _state(doc).permanent


def test_the_policy_keeps_a_permanent_dossiers_documents__R39():
    doc = f.due_documents(1)[0]
    assert not _state(doc).permanent
    f.policy(customer_files_permanent=True)
    state = _state(doc)
    assert state.permanent and "kept permanently" in state.basis


def test_a_rule_counted_from_the_move_out_waits_for_it():
    from ..customers.factories import moved_in

    doc = f.due_documents(1)[0]
    moved_in(doc.dossier)
    RetentionRule.objects.create(
        name="迁出后五年", category=category("other"), years=5, trigger=Trigger.MOVE_OUT
    )
    state = _state(doc)
    assert not state.permanent and state.due_on is None and "has not happened" in state.basis


def test_a_document_that_is_not_filed_or_received_is_never_due():
    from documents.models import Document

    doc = f.due_documents(1)[0]
    Document.objects.filter(pk=doc.pk).update(status=Document.Status.LOST)
    state = _state(doc)
    assert state.due_on is None and not state.permanent


def test_the_document_kept_permanently_is_permanent_whatever_the_rules__R39():
    doc = f.due_documents(1, retention=Retention.PERMANENT)[0]
    RetentionRule.objects.create(name="十年", category=category("other"), years=10)
    assert _state(doc).permanent


def test_a_technical_rule_marks_the_document_technical__R35():
    doc = f.due_documents(1)[0]
    assert not _state(doc).technical
    RetentionRule.objects.create(name="工程", category=category("other"), years=10, technical=True)
    assert _state(doc).technical
