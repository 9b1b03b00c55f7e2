"""The daily escalation of loans (R23): due in 7 days, overdue after, escalated (问责) once out
more than 15 days without renewal; the ledger sends each level once per loan and period. Who is
told, and the lists the pages read."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils.translation import gettext

from core.models import Notification
from core.roles import Role
from customers.models import DossierEvent
from lending.escalation import selectors, services
from lending.loans.services import renewal_request
from lending.models import BorrowerKind, Loan, Mode, Notice
from lending.timeline import Kind

from ..factories import said, user_with_role
from . import escalation_support as support
from .escalation_support import SH, L, S, day, ledger, lent, mailed, secret_documents, told
from .factories import loan_in

# the shared fixtures (escalation_support)
people = support.people
run = support.run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH)),
]


# --- The days of one loan -----------------------------------------------------------------
def test_a_loan_is_reminded_on_the_due_day_overdue_after_and_escalated_after_15_days__R23(
    people, run, frozen_clock
):
    loan = lent(people, frozen_clock=frozen_clock)
    assert (loan.period_start, loan.due_on, loan.escalate_on) == (day(0), day(7), day(16))
    borrower = people["borrower"]

    summary, notes, emails = run(6)
    assert notes == [] and emails == [] and ledger(loan) == []
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 0}

    summary, notes, emails = run(7)
    assert summary.sent["reminder"] == 1
    assert told(notes) == {"borrower"} and mailed(emails) == ["borrower@example.com"]
    assert loan.number in notes[0].message and notes[0].link == f"/loans/{loan.pk}/"
    assert loan.number in emails[0].subject + emails[0].body
    notes[0].refresh_from_db()
    assert notes[0].emailed_at is not None
    assert ledger(loan) == [(0, L.REMINDER, day(7))]

    summary, notes, emails = run(8)
    assert summary.sent["overdue"] == 1
    assert told(notes) == {"borrower"}  # the borrower registered the loan themself
    assert mailed(emails) == ["borrower@example.com"]
    assert ledger(loan)[-1] == (0, L.OVERDUE, day(8))

    summary, notes, emails = run(15)
    assert notes == [] and emails == []  # still overdue, told once; not yet escalated
    loan.refresh_from_db()
    assert not loan.escalated and len(ledger(loan)) == 2

    summary, notes, emails = run(16)
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 1}
    # the borrower, their own manager and the archive-room head; in the app and by e-mail
    assert told(notes) == {"borrower", "boss", "head"}
    assert mailed(emails) == ["borrower@example.com", "boss@example.com", "head@example.com"]
    assert all(loan.number in n.message for n in notes)
    assert {n.about_id for n in notes} == {loan.dossier_id}
    notice = Notice.objects.get(loan=loan, level=L.ESCALATION)
    assert (notice.period, notice.day, notice.borrower) == (0, day(16), borrower)
    assert set(notice.recipients.split("、")) == {"王芳", "张建国", "李秀英"}
    loan.refresh_from_db()
    assert loan.escalated and loan.status == S.OUT
    history = loan.history.order_by("-history_id").first()
    assert history.escalated and history.history_user is None
    assert said(history.history_change_reason) == gettext(
        "Escalated: out more than 15 days without renewal"
    )
    event = DossierEvent.objects.get(dossier=loan.dossier, kind=Kind.LOAN_ESCALATED)
    assert event.actor is None and event.record_id == loan.pk and event.occurred_on == day(16)
    assert loan.number in event.title

    summary, notes, emails = run(17)
    assert notes == [] and emails == [] and len(ledger(loan)) == 3


def test_a_renewal_on_the_due_day_opens_a_new_period_with_its_own_dates__R23(
    people, run, frozen_clock
):
    loan = lent(people, frozen_clock=frozen_clock)
    run(7)  # the reminder of the first period, at 07:30
    frozen_clock.move_to(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=SH))
    renewal_request(loan=loan, reason="核对尚未完成", actor=people["borrower"])
    loan.refresh_from_db()
    assert (loan.status, loan.renewal_count) == (S.RENEWED, 1)
    assert (loan.period_start, loan.due_on, loan.escalate_on) == (day(7), day(14), day(23))

    for n in (8, 13):
        _summary, notes, _emails = run(n)
        assert notes == [], f"day {n}"
    _summary, notes, _emails = run(14)
    assert told(notes) == {"borrower"}
    _summary, notes, _emails = run(15)
    assert told(notes) == {"borrower"}
    for n in (16, 22):  # out 16 days in all, but only 9 since the renewal
        _summary, notes, _emails = run(n)
        assert notes == [], f"day {n}"
    _summary, notes, emails = run(23)
    assert told(notes) == {"borrower", "boss", "head"} and len(emails) == 3
    assert ledger(loan) == [
        (0, L.REMINDER, day(7)),
        (1, L.REMINDER, day(14)),
        (1, L.OVERDUE, day(15)),
        (1, L.ESCALATION, day(23)),
    ]


def test_a_renewal_after_an_escalation_re_arms_the_ledger__R23(people, run, frozen_clock):
    loan = lent(people, frozen_clock=frozen_clock)
    run(16)
    frozen_clock.move_to(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH))
    renewal_request(loan=loan, reason="仍在诉讼中", actor=people["borrower"])
    loan.refresh_from_db()
    assert not loan.escalated and loan.due_on == day(23)
    _summary, notes, _emails = run(23)
    assert told(notes) == {"borrower"}
    assert ledger(loan)[-1] == (1, L.REMINDER, day(23))
    # the first period's escalation stays on the borrower's record
    assert [n.period for n in selectors.escalations_against(people["borrower"])] == [0]


def test_the_job_run_twice_in_a_day_sends_nothing_twice__R23(people, run, frozen_clock):
    loan = lent(people, frozen_clock=frozen_clock)
    run(7)
    summary, notes, emails = run(7)
    assert summary.sent["reminder"] == 0 and notes == [] and emails == []
    run(16)
    summary, notes, emails = run(16)
    assert summary.sent["escalation"] == 0 and notes == [] and emails == []
    assert Notice.objects.filter(loan=loan).count() == 2
    assert Notification.objects.filter(recipient=people["boss"]).count() == 1


def test_after_a_missed_week_only_the_highest_level_due_is_sent__R23(people, run, frozen_clock):
    reminded = lent(people, frozen_clock=frozen_clock)
    run(7)
    never_seen = loan_in(out_on=day(3), borrower=people["borrower"])  # due on day 10
    summary, notes, _emails = run(16)  # nothing ran on days 8 to 15
    assert summary.sent == {"reminder": 0, "overdue": 1, "escalation": 1}
    # one row each: the highest level due, not the levels missed on the way
    assert ledger(reminded) == [(0, L.REMINDER, day(7)), (0, L.ESCALATION, day(16))]
    assert ledger(never_seen) == [(0, L.OVERDUE, day(16))]
    assert len([n for n in notes if n.recipient == people["borrower"]]) == 2


def test_a_loan_sixteen_days_out_that_was_never_told_gets_the_escalation_only__R23(people, run):
    loan = loan_in(out_on=day(-16), borrower=people["borrower"])
    summary, notes, _emails = run(0)
    assert summary.sent == {"reminder": 0, "overdue": 0, "escalation": 1}
    assert ledger(loan) == [(0, L.ESCALATION, day(0))]
    assert told(notes) == {"borrower", "boss", "head"}


def test_a_replayed_earlier_day_never_sends_a_level_lower_than_one_sent__R23(people, run):
    loan = loan_in(out_on=day(-8), borrower=people["borrower"])  # due yesterday
    run(0)
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]
    summary, notes, _emails = run(0, today=day(-1))  # an operator replays yesterday
    assert summary.sent["reminder"] == 0 and notes == []
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]


def test_a_run_that_chose_a_loan_before_another_runs_commit_sends_nothing_under_the_lock__R23(
    people, run
):
    """What the other run sent is read again once the loan is locked: the same level is not
    sent twice, a lower one (a replayed earlier day) not at all."""
    loan = loan_in(out_on=day(-8), borrower=people["borrower"])
    run(0)
    assert services._send_due(loan.pk, day(0), []) is None
    assert services._send_due(loan.pk, day(-1), []) is None
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]
    assert Notification.objects.count() == 1


def test_the_database_holds_one_notice_per_loan_period_and_level__R23(people):
    from django.db import IntegrityError, transaction

    loan = loan_in(out_on=day(-8), borrower=people["borrower"])
    Notice.objects.create(loan=loan, period=0, level=L.OVERDUE, day=day(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(loan=loan, period=0, level=L.OVERDUE, day=day(1))
    Notice.objects.create(loan=loan, period=1, level=L.OVERDUE, day=day(1))  # a new period


@pytest.mark.parametrize(
    "status", [S.RETURNED, S.LOST, S.CANCELLED, S.REQUESTED, S.APPROVED, S.RETURN_CHECKED]
)
def test_a_loan_returned_closed_waiting_or_being_checked_is_never_reminded__R23__R25(
    people, run, status
):
    loan = loan_in(status, out_on=day(-20), borrower=people["borrower"])
    if status not in (S.RETURNED, S.LOST, S.RETURN_CHECKED):
        Loan.objects.filter(pk=loan.pk).update(due_on=day(-13), escalate_on=day(-4))
    for n in (0, 1):
        summary, notes, emails = run(n)
        assert notes == [] and emails == [] and sum(summary.sent.values()) == 0
    assert not Notice.objects.exists()


def test_a_loan_checked_again_after_the_return_check_is_followed_again__R23__R25(people, run):
    loan = loan_in(S.RETURN_CHECKED, out_on=day(-9), borrower=people["borrower"])
    assert run(0)[1] == []
    Loan.objects.filter(pk=loan.pk).update(status=S.OUT)  # the borrower did not confirm
    _summary, notes, _emails = run(1)
    assert told(notes) == {"borrower"} and ledger(loan) == [(0, L.OVERDUE, day(1))]


def test_overdue_notice_goes_to_the_registrant_too__R23(people, run):
    loan = loan_in(out_on=day(-8), borrower=people["borrower"], requested_by=people["clerk"])
    _summary, notes, emails = run(0)
    assert told(notes) == {"borrower", "clerk"}
    assert mailed(emails) == ["borrower@example.com", "clerk@example.com"]
    assert ledger(loan) == [(0, L.OVERDUE, day(0))]


def test_a_loan_lent_longer_than_15_days_is_escalated_only_once_overdue__R23(people, run):
    loan = loan_in(out_on=day(-20), days=30, borrower=people["borrower"])
    assert run(0)[1] == []  # out 20 days, within the 30 it was lent for
    Loan.objects.filter(pk=loan.pk).update(due_on=day(0))
    assert told(run(0)[1]) == {"borrower"}  # due today: the reminder, not the escalation
    assert told(run(1)[1]) == {"borrower", "boss", "head"}


# --- Who is told of an escalation ---------------------------------------------------------
def test_without_a_manager_of_their_own_the_dossiers_managers_are_told__R23__R22(people, run):
    borrower = user_with_role(Role.FRONT_DESK, username="nobody-s", email="n@example.com")
    loan_in(out_on=day(-16), borrower=borrower)
    _summary, notes, _emails = run(0)
    assert told(notes) == {"nobody-s", "boss", "other", "head"}


def test_a_borrower_who_is_a_manager_is_not_told_twice_as_their_own_manager__R23(people, run):
    loan_in(out_on=day(-16), borrower=people["other_manager"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"other", "boss", "head"}
    assert len(notes) == 3


def test_without_an_archive_room_head_every_archivist_is_told__R23(people, run):
    people["head"].user_permissions.clear()
    loan_in(out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"borrower", "boss", "head", "clerk"}


def test_a_head_by_the_groups_permission_counts_and_a_superuser_is_no_head__R23(people, run):
    from django.contrib.auth.models import Group

    people["head"].user_permissions.clear()
    user_with_role(Role.ADMIN, username="root", is_superuser=True)
    heads = Group.objects.create(name="档案室负责人")
    heads.permissions.add(Permission.objects.get(codename="lead_archive_room"))
    people["clerk"].groups.add(heads)
    loan_in(out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    assert told(notes) == {"borrower", "boss", "clerk"}


def test_an_escalation_in_a_confidential_dossier_is_told_only_to_who_may_see_it__R23__R17(
    people, run
):
    granted_manager = user_with_role(Role.MANAGER, username="granted-m", email="gm@example.com")
    documents = secret_documents(people["borrower"], granted_manager, people["clerk"])
    loan_in(documents=documents, out_on=day(-16), borrower=people["borrower"])
    _summary, notes, _emails = run(0)
    # the boss and the head may not see the dossier: the granted manager and archivist instead
    assert told(notes) == {"borrower", "granted-m", "clerk"}


def test_an_outside_partys_escalation_is_told_to_its_registrant__R23__R20(people, run):
    legal = user_with_role(Role.LEGAL, username="legal", email="legal@example.com")
    loan = loan_in(
        out_on=day(-16),
        mode=Mode.READ_ARCHIVE,
        borrower=legal,
        requested_by=people["clerk"],
        borrower_kind=BorrowerKind.OUTSIDE,
        party="court",
        party_organisation="南山区人民法院",
        party_person="李法官",
        party_credential="法2026-18",
    )
    Loan.objects.filter(pk=loan.pk).update(borrower=None)
    _summary, notes, _emails = run(0)
    assert told(notes) == {"clerk", "boss", "other", "head"}
    notice = Notice.objects.get(loan=loan)
    assert notice.level == L.ESCALATION and notice.borrower is None
    assert "南山区人民法院" in notes[0].message


# --- The selectors for the pages ----------------------------------------------------------
def test_escalations_are_those_the_reader_may_see_newest_first__R23__R17(people, run):
    first = loan_in(out_on=day(-17), borrower=people["borrower"])
    run(-1)
    second = loan_in(out_on=day(-16), borrower=people["borrower"])
    hidden = loan_in(
        documents=secret_documents(people["borrower"]), out_on=day(-16), borrower=people["borrower"]
    )
    run(0)
    rows = list(selectors.escalations(user=people["boss"]))
    assert [r.loan for r in rows] == [second, first]  # the confidential one is not the boss's
    assert [r.day for r in rows] == [day(0), day(-1)]
    mine = [r.loan for r in selectors.escalations(user=people["borrower"])]
    assert mine == [hidden, second, first]
    front = user_with_role(Role.FRONT_DESK)
    assert list(selectors.escalations(user=front)) == []  # not their loans
    against = selectors.escalations_against(people["borrower"], user=people["boss"])
    assert [r.loan for r in against] == [second, first]
    assert len(selectors.escalations_against(people["borrower"])) == 3
    assert [n.level for n in selectors.notices_of(first)] == [L.ESCALATION]


def test_current_escalations_leave_out_the_loans_back_or_renewed__R23(people, run):
    kept = loan_in(out_on=day(-16), borrower=people["borrower"])
    back = loan_in(out_on=day(-16), borrower=people["borrower"])
    run(0)
    Loan.objects.filter(pk=back.pk).update(status=S.RETURNED)
    assert [r.loan for r in selectors.escalations(user=people["boss"], current=True)] == [kept]
    assert len(selectors.escalations(user=people["boss"])) == 2


@pytest.mark.parametrize("n", [2, 30])
def test_the_escalations_list_reads_in_constant_queries__R23(
    people, run, n, django_assert_max_num_queries
):
    for _ in range(n):
        loan_in(out_on=day(-16), borrower=people["borrower"])
    run(0)
    with django_assert_max_num_queries(4):
        rows = list(selectors.escalations(user=people["boss"]))
        assert len(rows) == n
        assert all(r.loan.dossier.archive_number and r.borrower.username for r in rows)
