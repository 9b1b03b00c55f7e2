"""The customers workflows on the one move (core.workflow): a section's verification and
move-out, a change request's decision, a referred move-in's decision. Each refuses a move its
status does not allow, and a stale copy (read before someone else moved the row) loses."""

import datetime
import os

import pytest

from core import workflow
from core.roles import Role
from core.workflow import DomainError
from customers import services
from customers.models import ChangeRequest, Dossier, DossierEvent, MoveInReferral, Occupancy

from ..factories import user_with_role
from .factories import UnitFactory, moved_in

pytestmark = pytest.mark.django_db

OUT = datetime.date(2024, 5, 1)


def _copy(obj):
    """A second copy of the same row, as another page read it."""
    return type(obj).objects.get(pk=obj.pk)


def _change_request():
    occupancy = moved_in()  # verified: the customer is locked, an edit is a request
    return services.customer_update(
        customer=occupancy.customer,
        data={"address": "新址"},
        actor=user_with_role(Role.FRONT_DESK),
        dossier=occupancy.dossier,
        reason="更正",
    )


def _referral():
    """A move-in of a customer on file into a new unit, typed by the front desk."""
    on_file = moved_in()
    return MoveInReferral.objects.create(
        unit=UnitFactory(),
        role="tenant",
        moved_in=on_file.moved_in,
        customer=on_file.customer,
        typed={"name": on_file.customer.name},
        requested_by=user_with_role(Role.FRONT_DESK),
    )


def _move_out_lines(section):
    return DossierEvent.objects.filter(
        section=section, kind=DossierEvent.Kind.OCCUPANCY, occurred_on=OUT
    ).count()


# --- Verification of a move-in (R4) ----------------------------------------------------------
def test_a_verifier_is_offered_approve_on_a_pending_section_but_its_recorder_is_not__R4():
    recorder = user_with_role(Role.FRONT_DESK)
    section = moved_in(verified=False, recorder=recorder)
    verifier = user_with_role(Role.FRONT_DESK)
    assert {"approve", "reject"} <= workflow.allowed_moves(verifier, section)
    assert "move_out" not in workflow.allowed_moves(verifier, section)  # not active yet
    assert not {"approve", "reject"} & workflow.allowed_moves(recorder, section)
    archivist = user_with_role(Role.ARCHIVIST)  # no right to verify at all
    assert not workflow.allowed_moves(archivist, section)


def test_verifying_a_verified_section_is_refused_and_changes_nothing__R4():
    section = moved_in()
    rows = section.history.count()
    with pytest.raises(DomainError):
        services.occupancy_verify(
            occupancy=section, actor=user_with_role(Role.MANAGER), approve=False
        )
    section.refresh_from_db()
    assert section.status == Occupancy.Status.ACTIVE
    assert section.history.count() == rows


def test_a_stale_copy_of_a_pending_section_loses_its_verification__R4():
    section = moved_in(verified=False)
    stale = _copy(section)
    first, second = user_with_role(Role.MANAGER), user_with_role(Role.FRONT_DESK)
    services.occupancy_verify(occupancy=section, actor=first)
    with pytest.raises(DomainError):
        services.occupancy_verify(occupancy=stale, actor=second, approve=False)
    section.refresh_from_db()
    assert section.status == Occupancy.Status.ACTIVE and section.verified_by == first
    assert section.history.count() == 2  # recorded, verified once
    assert section.history.first().history_user == first


# --- Move-out (R8) ---------------------------------------------------------------------------
def test_moving_out_a_section_awaiting_verification_is_refused__R8():
    section = moved_in(verified=False)
    with pytest.raises(DomainError):
        services.occupancy_move_out(
            occupancy=section, moved_out=OUT, actor=user_with_role(Role.FRONT_DESK)
        )
    section.refresh_from_db()
    assert section.status == Occupancy.Status.PENDING and section.moved_out is None


def test_a_move_out_in_the_future_is_refused__R8():
    section = moved_in()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        services.occupancy_move_out(
            occupancy=section, moved_out=tomorrow, actor=user_with_role(Role.FRONT_DESK)
        )
    section.refresh_from_db()
    assert section.status == Occupancy.Status.ACTIVE


def test_a_stale_copy_of_a_section_loses_its_move_out__R8():
    section = moved_in()
    stale = _copy(section)
    first, second = user_with_role(Role.FRONT_DESK), user_with_role(Role.FRONT_DESK)
    services.occupancy_move_out(occupancy=section, moved_out=OUT, actor=first, note="售房")
    with pytest.raises(DomainError):
        services.occupancy_move_out(
            occupancy=stale, moved_out=datetime.date(2024, 6, 1), actor=second
        )
    section.refresh_from_db()
    assert section.status == Occupancy.Status.MOVED_OUT
    assert (section.moved_out, section.closed_by, section.note) == (OUT, first, "售房")
    assert section.history.filter(status=Occupancy.Status.MOVED_OUT).count() == 1
    assert section.history.first().history_user == first
    assert _move_out_lines(section) == 1
    assert Dossier.objects.get(pk=section.dossier_id).status == Dossier.Status.VACANT


# --- Change requests (R9) --------------------------------------------------------------------
def test_rejecting_an_approved_change_request_is_refused__R9():
    cr = _change_request()
    manager = user_with_role(Role.MANAGER)
    services.change_request_approve(change_request=cr, actor=manager)
    cr.refresh_from_db()
    with pytest.raises(DomainError):
        services.change_request_reject(change_request=cr, actor=manager, note="改主意")
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPROVED and cr.decision_note == ""


def test_a_stale_copy_of_a_change_request_loses_its_decision__R9():
    cr = _change_request()
    stale = _copy(cr)
    first, second = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    services.change_request_approve(change_request=cr, actor=first, note="已核对")
    with pytest.raises(DomainError):
        services.change_request_reject(change_request=stale, actor=second, note="不同意")
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPROVED
    assert (cr.decided_by, cr.decision_note) == (first, "已核对")
    cr.customer.refresh_from_db()
    assert cr.customer.address == "新址"


def test_a_manager_is_offered_the_decision_but_not_on_their_own_request__R9():
    cr = _change_request()
    assert workflow.allowed_moves(user_with_role(Role.MANAGER), cr) == {"approve", "reject"}
    assert not workflow.allowed_moves(cr.requested_by, cr)  # front desk: no right
    assert not workflow.allowed_moves(user_with_role(Role.ARCHIVIST), cr)


# --- Referred move-ins (R17) -----------------------------------------------------------------
def test_accepting_a_rejected_referral_is_refused_and_records_nothing__R17():
    referral = _referral()
    manager = user_with_role(Role.MANAGER)
    services.referral_reject(referral=referral, actor=manager, note="不是同一人")
    referral.refresh_from_db()
    with pytest.raises(DomainError):
        services.referral_accept(referral=referral, actor=manager)
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.REJECTED and referral.occupancy is None
    assert not Dossier.objects.filter(unit=referral.unit).exists()


def test_a_stale_copy_of_a_referral_loses_its_decision__R17():
    referral = _referral()
    stale = _copy(referral)
    first, second = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    services.referral_reject(referral=referral, actor=first, note="身份证号码有误")
    with pytest.raises(DomainError):
        services.referral_accept(referral=stale, actor=second)
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.REJECTED
    assert (referral.decided_by, referral.occupancy) == (first, None)
    assert not Dossier.objects.filter(unit=referral.unit).exists()
    assert referral.history.count() == 2  # referred, rejected once


def test_an_accepted_referral_is_one_history_row_naming_the_decider__R17():
    referral = _referral()
    manager = user_with_role(Role.MANAGER)
    assert workflow.allowed_moves(manager, referral) == {"accept", "reject"}
    assert not workflow.allowed_moves(referral.requested_by, referral)
    services.referral_accept(referral=referral, actor=manager, note="同一人")
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.ACCEPTED
    assert referral.occupancy.status == Occupancy.Status.PENDING
    assert referral.history.count() == 2
    assert referral.history.first().history_user == manager


# --- Two move-outs at once (PostgreSQL) ------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_move_outs_of_one_section_at_once_one_wins__R8():
    from tests.races import race

    section = moved_in()
    a, b = user_with_role(Role.FRONT_DESK), user_with_role(Role.FRONT_DESK)
    results = race(
        lambda: services.occupancy_move_out(occupancy=section, moved_out=OUT, actor=a),
        lambda: services.occupancy_move_out(occupancy=section, moved_out=OUT, actor=b),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError), results
    winner = next(r for r in results if isinstance(r, Occupancy))
    section.refresh_from_db()
    assert section.status == Occupancy.Status.MOVED_OUT
    assert section.closed_by == winner.closed_by
    assert section.history.filter(status=Occupancy.Status.MOVED_OUT).count() == 1
    assert _move_out_lines(section) == 1
