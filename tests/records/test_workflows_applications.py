"""The moves of applications (core.workflow): an illegal move is refused, a stale copy loses
the compare-and-set, and the page offers exactly the moves the services allow. (A letter does
not move once recorded: it has no workflow.)"""

import datetime

import pytest

from core import workflow
from core.roles import Role
from records.applications import services as applications
from records.common import DomainError
from records.models import Application
from tests.factories import user_with_role

from .factories import front_desk, manager, occupied_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 5, 20, 10, 0))]
Status = Application.Status


def _submitted(actor):
    dossier, _section = occupied_dossier()
    return applications.application_submit(
        dossier=dossier,
        data={
            "kind": Application.Kind.DOOR_LOCK,
            "applicant": "王先生",
            "applied_on": datetime.date(2026, 5, 18),
            "details": "更换入户门锁芯",
            "valid_from": None,
            "valid_until": None,
        },
        actor=actor,
    )


def _copy(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_a_decided_application_is_not_decided_again_nor_withdrawn__R5():
    recorder = front_desk()
    application = _submitted(recorder)
    decider = manager()
    applications.application_decide(application=application, approve=True, actor=decider)
    with pytest.raises(DomainError):
        applications.application_decide(
            application=application, approve=False, note="改主意", actor=manager()
        )
    with pytest.raises(DomainError):
        applications.application_withdraw(application=application, actor=recorder)
    with pytest.raises(DomainError):
        workflow.transition(application, Status.WITHDRAWN, actor=recorder, reason="x")
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == decider
    assert application.locked and application.decision_note == ""


def test_a_stale_copy_of_an_application_loses_the_compare_and_set__R5():
    recorder = front_desk()
    application = _submitted(recorder)
    first, stale = _copy(application), _copy(application)
    decider = manager()
    applications.application_decide(application=first, approve=True, actor=decider)
    # the stale copy still reads "submitted": the compare-and-set refuses it
    with pytest.raises(DomainError):
        workflow.transition(stale, Status.REJECTED, actor=decider, reason="x", already_locked=True)
    # the services decide on the row as it is now
    with pytest.raises(DomainError):
        applications.application_withdraw(application=stale, note="不要了", actor=recorder)
    with pytest.raises(DomainError):
        applications.application_decide(
            application=stale, approve=False, note="不符合", actor=manager()
        )
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.decided_by == decider
    assert application.decision_note == ""


def test_the_application_page_offers_the_moves_the_service_allows__R5():
    recorder = user_with_role(Role.MANAGER)
    application = _submitted(recorder)
    # the recorder may withdraw but never decide; another manager decides; others do nothing
    assert workflow.allowed_moves(recorder, application) == {"withdraw"}
    assert workflow.allowed_moves(manager(), application) == {"approve", "reject"}
    assert workflow.allowed_moves(front_desk(), application) == set()
    assert workflow.allowed_moves(user_with_role(Role.ARCHIVIST), application) == set()
    applications.application_withdraw(application=application, actor=recorder)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN and application.locked
    assert workflow.allowed_moves(recorder, application) == set()
