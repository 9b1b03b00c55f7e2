"""core.workflow: the one move (docs/ARCHITECTURE.md, "The move"), shown on a change request.

The workflows of the apps have their own tests (an illegal move refused and a stale copy lost,
per workflow); these hold the platform itself: the table, the compare-and-set, the history row,
the notifications, the declaration of moves and the clock slack of "not in the future".
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core import workflow
from core.models import AccessLog, Notification
from core.roles import Role
from customers.models import ChangeRequest
from tests.customers.factories import CustomerFactory, dossier_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
Status = ChangeRequest.Status


def _request(actor):
    return ChangeRequest.objects.create(
        dossier=dossier_for(),
        customer=CustomerFactory(),
        changes={"name": ["甲", "乙"]},
        reason="更正",
        requested_by=actor,
    )


def test_transition_moves_saves_the_fields_and_writes_one_history_row_naming_who_and_why():
    manager = user_with_role(Role.MANAGER)
    cr = _request(user_with_role(Role.FRONT_DESK))
    before = cr.history.count()
    workflow.transition(
        cr, Status.REJECTED, actor=manager, reason="材料不全", decision_note="缺身份证"
    )
    cr.refresh_from_db()
    assert (cr.status, cr.decision_note) == (Status.REJECTED, "缺身份证")
    assert cr.history.count() == before + 1
    row = cr.history.first()
    assert (row.history_user, row.history_change_reason) == (manager, "材料不全")


def test_a_move_the_table_does_not_allow_is_refused_and_nothing_is_stored():
    cr = _request(user_with_role(Role.FRONT_DESK))
    ChangeRequest.objects.filter(pk=cr.pk).update(status=Status.REJECTED)
    cr.refresh_from_db()
    with pytest.raises(workflow.DomainError, match="cannot become|不能变为"):
        workflow.transition(cr, Status.APPROVED, actor=None, reason="x")
    cr.refresh_from_db()
    assert cr.status == Status.REJECTED


def test_a_stale_copy_loses_to_the_move_made_since_it_was_read():
    cr = _request(user_with_role(Role.FRONT_DESK))
    stale = ChangeRequest.objects.get(pk=cr.pk)
    workflow.transition(cr, Status.WITHDRAWN, actor=None, reason="撤回")
    with pytest.raises(workflow.DomainError, match="Someone else|他人修改"):
        workflow.transition(stale, Status.REJECTED, actor=None, reason="驳回")
    stale.refresh_from_db()
    assert stale.status == Status.WITHDRAWN
    assert stale.history.filter(status=Status.REJECTED).count() == 0


def test_the_people_told_are_told_in_the_same_transaction():
    manager = user_with_role(Role.MANAGER)
    cr = _request(user_with_role(Role.FRONT_DESK))
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(
            cr, Status.WITHDRAWN, actor=None, reason="撤回", tell=[([manager], "已撤回", "")]
        )
        raise RuntimeError  # rolled back: neither the move nor the message remains
    assert not Notification.objects.filter(recipient=manager).exists()
    cr.refresh_from_db()
    workflow.transition(
        cr, Status.WITHDRAWN, actor=None, reason="撤回", tell=[([manager], "已撤回", "")]
    )
    assert Notification.objects.filter(recipient=manager, message="已撤回").count() == 1


def _not_own(user, cr):
    if cr.requested_by_id == user.pk:
        return "不能审批自己的申请"
    return None


def _own_only(user, cr):
    return None if user.pk == cr.requested_by_id else False


MOVES = workflow.Workflow(
    model=ChangeRequest,
    moves={
        "approve": workflow.Move(
            "approve", Status.APPROVED, perm="customers.approve_changerequest", guard=_not_own
        ),
        "withdraw": workflow.Move("withdraw", Status.WITHDRAWN, guard=_own_only),
    },
)


def test_the_declaration_answers_the_buttons_and_the_services_alike():
    front_desk, manager = user_with_role(Role.FRONT_DESK), user_with_role(Role.MANAGER)
    cr = _request(front_desk)
    assert MOVES.allowed(manager, cr) == {"approve"}
    assert MOVES.allowed(front_desk, cr) == {"withdraw"}  # no right to approve
    cr.requested_by = manager
    assert MOVES.refusal(manager, cr, "approve") == ("guard", "不能审批自己的申请")
    cr.status = Status.REJECTED
    assert MOVES.allowed(manager, cr) == set()
    assert MOVES.refusal(manager, cr, "withdraw")[0] == "state"


def test_require_move_logs_a_missing_right_and_says_why_a_guard_refuses():
    front_desk = user_with_role(Role.FRONT_DESK)
    cr = _request(front_desk)
    with pytest.raises(PermissionDenied):
        MOVES.require(front_desk, cr, "approve")
    assert AccessLog.objects.filter(
        user=front_desk, action=AccessLog.Action.DENIED, detail="customers.approve_changerequest"
    ).exists()
    manager = user_with_role(Role.MANAGER)
    cr.requested_by = manager
    with pytest.raises(workflow.DomainError, match="不能审批自己的申请"):
        MOVES.require(manager, cr, "approve")
    MOVES.require(manager, cr, "withdraw")  # allowed: nothing raised


NOON = datetime.datetime(2026, 5, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.mark.frozen_at(NOON)
@override_settings(CLOCK_SLACK_MINUTES=5)
def test_a_typed_time_may_run_ahead_by_the_clock_slack_and_a_date_by_nothing():
    workflow.moment_not_in_future(NOON + datetime.timedelta(minutes=5), "完成时间")
    with pytest.raises(workflow.DomainError, match="完成时间"):
        workflow.moment_not_in_future(NOON + datetime.timedelta(minutes=6), "完成时间")
    workflow.not_in_future(NOON.date(), "日期")
    with pytest.raises(workflow.DomainError):
        workflow.not_in_future(NOON.date() + datetime.timedelta(days=1), "日期")
    with override_settings(CLOCK_SLACK_MINUTES=0), pytest.raises(workflow.DomainError):
        workflow.moment_not_in_future(NOON + datetime.timedelta(minutes=1), "完成时间")
