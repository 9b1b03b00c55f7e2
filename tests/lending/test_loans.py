"""The loan from request to renewal (R18–R23, R27, R29): what the rules allow, who approves, what
leaves the shelf, and what the database keeps when two desks act at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from core.models import AccessLog, Notification
from core.roles import Role
from core.workflow import DomainError
from customers.permissions import grant_dossier
from documents.models import Document
from lending.loans import services
from lending.models import BorrowerKind, LendingRule, Loan, LoanItem, Mode, Renewal

from ..customers.factories import dossier_for
from ..factories import user_with_role
from .factories import default_rules, documents_in, loan_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
]
S = Loan.Status


@pytest.fixture(autouse=True)
def _rules(db):
    default_rules()


@pytest.fixture
def people(db):
    return {
        "front": user_with_role(Role.FRONT_DESK),
        "colleague": user_with_role(Role.FRONT_DESK),
        "manager": user_with_role(Role.MANAGER),
        "archivist": user_with_role(Role.ARCHIVIST),
        "executive": user_with_role(Role.EXECUTIVE),
        "legal": user_with_role(Role.LEGAL),
    }


def _request(people, documents, mode=Mode.TAKE_OUT, who="front", **kwargs):
    return services.loan_request(
        dossier=documents[0].dossier,
        documents=documents,
        mode=mode,
        purpose="核对业主资料",
        actor=people[who],
        **kwargs,
    )


def _statuses(documents):
    return set(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("status", flat=True)
    )


# --- R18: general records on registration, confidential ones on site with approval ----------
def test_general_records_are_read_in_the_archive_room_on_registration_alone__R18(people):
    docs = documents_in(n=2)
    loan = _request(people, docs, Mode.READ_ARCHIVE)
    loan.refresh_from_db()
    assert loan.status == S.APPROVED and not loan.needs_approval
    assert loan.number == f"JY2026-{loan.pk:06d}"
    assert loan.items.count() == 2
    assert loan.history.filter(history_change_reason=gettext("Registration suffices")).exists()


def test_confidential_items_are_read_on_site_with_approval_never_out_or_copied__R18(people):
    dossier = dossier_for()
    secret = documents_in(dossier, secrecy_level="B", title="机密协议")
    grant_dossier(people["front"], dossier)
    for mode in (Mode.TAKE_OUT, Mode.COPY, Mode.READ_OFFICE):
        with pytest.raises(DomainError, match="机密档案"):
            _request(people, secret, mode)
    assert not Loan.objects.exists()
    loan = _request(people, secret, Mode.READ_ARCHIVE)
    assert loan.status == S.REQUESTED and loan.needs_approval


def test_a_general_loan_to_take_out_waits_for_a_manager_and_nothing_leaves_before__R22(people):
    docs = documents_in(n=2)
    loan = _request(people, docs)
    assert loan.status == S.REQUESTED
    with pytest.raises(DomainError):
        services.loan_hand_out(loan=loan, actor=people["archivist"])
    assert _statuses(docs) == {Document.Status.RECEIVED}
    assert Notification.objects.filter(recipient=people["manager"]).exists()

    with pytest.raises(PermissionDenied):
        services.loan_approve(loan=loan, actor=people["front"])
    loan = services.loan_approve(loan=loan, actor=people["manager"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED and loan.approved_by == people["manager"]

    loan = services.loan_hand_out(loan=loan, actor=people["archivist"])
    loan.refresh_from_db()
    assert loan.status == S.OUT
    assert loan.period_start == datetime.date(2026, 5, 11)
    assert loan.due_on == datetime.date(2026, 5, 18)  # 7 days (R23)
    assert loan.escalate_on == datetime.date(2026, 5, 27)  # out more than 15 days
    assert _statuses(docs) == {Document.Status.ON_LOAN}
    assert set(loan.items.values_list("out", "status_before")) == {(True, "received")}
    assert Document.history.filter(history_change_reason__contains=loan.number).count() == 2


def test_a_manager_cannot_approve_a_loan_they_borrow_themselves__R22(people):
    docs = documents_in()
    loan = _request(people, docs, who="manager")
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED).count()
    with pytest.raises(DomainError):
        services.loan_approve(loan=loan, actor=people["manager"])
    loan.refresh_from_db()
    assert loan.status == S.REQUESTED and loan.approved_by is None
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() == denied


def test_executives_borrow_directly_through_the_archivist_registered_and_told__R22(people):
    boss = people["manager"]
    executive = people["executive"]
    executive.reports_to = boss
    executive.save()
    docs = documents_in()
    loan = _request(people, docs, who="archivist", borrower=executive)
    loan.refresh_from_db()
    assert loan.status == S.APPROVED
    assert loan.borrower == executive and loan.requested_by == people["archivist"]
    assert loan.borrower_kind == BorrowerKind.EXECUTIVE and not loan.needs_approval
    assert Notification.objects.filter(recipient=boss, message__contains=loan.number).exists()
    # the front desk does not register loans for someone else
    with pytest.raises(PermissionDenied):
        _request(people, documents_in(), who="front", borrower=people["colleague"])


# --- R19: personal data needs the head's consent, and the owner's where set ---------------
def test_personal_data_needs_the_heads_consent_even_to_read__R19(people):
    dossier = dossier_for()
    ids = documents_in(dossier, code="id_copy")
    loan = _request(people, ids, Mode.READ_OFFICE)
    assert loan.status == S.REQUESTED and loan.personal_data and loan.needs_approval
    loan = services.loan_approve(loan=loan, actor=people["manager"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED


def test_where_the_rules_say_so_the_owners_consent_comes_before_the_approval__R19(people):
    LendingRule.objects.filter(personal_data=True).update(owner_consent=True)
    ids = documents_in(code="id_copy")
    loan = _request(people, ids, Mode.READ_OFFICE)
    assert loan.needs_owner_consent
    with pytest.raises(DomainError, match="owner"):
        services.loan_approve(loan=loan, actor=people["manager"])
    with pytest.raises(DomainError):
        services.loan_owner_consent(loan=loan, note="  ", actor=people["front"])
    services.loan_owner_consent(loan=loan, note="业主书面同意", actor=people["front"])
    loan.refresh_from_db()
    assert loan.status == S.REQUESTED and loan.owner_consent_by == people["front"]
    services.loan_approve(loan=loan, actor=people["manager"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED


# --- R20: outside parties ------------------------------------------------------------------
def _notice(dossier):
    return documents_in(dossier, code="correspondence", title="协助查询通知书")[0]


def test_an_outside_party_reads_with_credential_and_notice_approved_by_legal__R20(people):
    dossier = dossier_for()
    docs = documents_in(dossier)
    party = {
        "party": "police",
        "party_organisation": "某某派出所",
        "party_person": "周警官",
        "party_credential": "警号 012345",
    }
    with pytest.raises(DomainError, match="assistance notice"):
        _request(people, docs, Mode.READ_ARCHIVE, **party)
    notice = _notice(dossier)
    with pytest.raises(DomainError, match="on site"):
        _request(people, docs, Mode.TAKE_OUT, party_notice=notice, **party)
    with pytest.raises(DomainError, match="credential"):
        _request(
            people,
            docs,
            Mode.READ_ARCHIVE,
            party_notice=notice,
            **{**party, "party_credential": ""},
        )
    loan = _request(people, docs, Mode.READ_ARCHIVE, party_notice=notice, **party)
    assert loan.status == S.REQUESTED and loan.needs_legal and loan.borrower is None
    assert loan.borrower_kind == BorrowerKind.OUTSIDE
    with pytest.raises(PermissionDenied):
        services.loan_approve_outside(loan=loan, actor=people["manager"])
    services.loan_approve_outside(loan=loan, actor=people["legal"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED and loan.legal_approved_by == people["legal"]


# --- R27: physical objects never, audio-visual as copies only ---------------------------------
def test_physical_objects_are_never_lent_and_audio_visual_only_as_copies__R27(people):
    dossier = dossier_for()
    thing = documents_in(dossier, carrier="object", title="钥匙")
    for mode in Mode:
        with pytest.raises(DomainError, match="实物"):
            _request(people, thing, mode)
    tape = documents_in(dossier, carrier="video", title="监控录像")
    for mode in (Mode.READ_ARCHIVE, Mode.READ_OFFICE, Mode.TAKE_OUT):
        with pytest.raises(DomainError, match="录像"):
            _request(people, tape, mode)
    loan = _request(people, tape, Mode.COPY)
    assert loan.status == S.REQUESTED


# --- R29: the whole dossier is read in the customer-service office ---------------------------
def test_a_customer_dossier_is_read_in_the_office_unless_approved_otherwise__R29(people):
    dossier = dossier_for()
    documents_in(dossier, n=3)
    office = services.loan_request(
        dossier=dossier,
        whole_dossier=True,
        mode=Mode.READ_OFFICE,
        purpose="查阅",
        actor=people["front"],
    )
    office.refresh_from_db()
    assert office.status == S.APPROVED and office.items.count() == 3 and office.whole_dossier
    elsewhere = services.loan_request(
        dossier=dossier,
        whole_dossier=True,
        mode=Mode.READ_ARCHIVE,
        purpose="查阅",
        actor=people["colleague"],
    )
    assert elsewhere.status == S.REQUESTED and elsewhere.needs_approval


# --- what is refused at the desk --------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "says"),
    [
        (Document.Status.IN_HANDOVER, "handover"),
        (Document.Status.DESTROYED, "destroyed"),
        (Document.Status.LOST, "lost"),
    ],
)
def test_an_item_in_a_handover_destroyed_or_lost_is_refused_with_its_reason__R22(
    people, status, says
):
    docs = documents_in(n=2)
    Document.objects.filter(pk=docs[0].pk).update(status=status)
    docs[0].refresh_from_db()
    with pytest.raises(DomainError, match=says):
        _request(people, docs)
    # approved before it went into the handover: refused at the desk, nothing moves
    Document.objects.filter(pk=docs[0].pk).update(status=Document.Status.RECEIVED)
    loan = services.loan_approve(loan=_request(people, docs), actor=people["manager"])
    Document.objects.filter(pk=docs[0].pk).update(status=status)
    with pytest.raises(DomainError, match=says):
        services.loan_hand_out(loan=loan, actor=people["archivist"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED
    assert Document.objects.get(pk=docs[1].pk).status == Document.Status.RECEIVED


def test_an_item_out_may_be_asked_for_but_not_handed_out_twice__R22(people):
    docs = documents_in()
    first = services.loan_approve(loan=_request(people, docs), actor=people["manager"])
    second = services.loan_approve(
        loan=_request(people, docs, who="colleague"), actor=people["manager"]
    )
    services.loan_hand_out(loan=first, actor=people["archivist"])
    with pytest.raises(DomainError, match="another loan"):
        services.loan_hand_out(loan=second, actor=people["archivist"])
    assert LoanItem.objects.filter(out=True).count() == 1
    second.refresh_from_db()
    assert second.status == S.APPROVED


def test_a_borrower_holds_no_more_items_than_the_rules_allow__R22(people):
    LendingRule.objects.filter(max_items__isnull=False).update(max_items=2)
    loan_in(S.OUT, documents=documents_in(n=2), borrower=people["front"])
    with pytest.raises(DomainError, match="allow 2"):
        _request(people, documents_in())


def test_the_days_asked_are_within_the_rules__R23(people):
    with pytest.raises(DomainError, match="1 to 7"):
        _request(people, documents_in(), days=10)
    loan = _request(people, documents_in(), days=3)
    assert loan.days == 3


# --- renewals (R23) ------------------------------------------------------------------------
def test_a_renewal_opens_a_new_period_and_is_refused_past_the_allowed_count__R23(
    people, frozen_clock
):
    docs = documents_in()
    loan = loan_in(
        S.OUT, documents=docs, borrower=people["front"], out_on=datetime.date(2026, 5, 4)
    )
    loan.renewals_allowed = 1
    loan.save()
    renewal = services.renewal_request(loan=loan, reason="仍在核对", actor=people["front"])
    loan.refresh_from_db()
    assert renewal.status == Renewal.Status.APPROVED
    assert loan.status == S.RENEWED and loan.renewal_count == 1
    assert loan.period_start == datetime.date(2026, 5, 11)
    assert loan.due_on == datetime.date(2026, 5, 18)
    assert loan.escalate_on == datetime.date(2026, 5, 27)
    with pytest.raises(DomainError, match="as often as the rules allow"):
        services.renewal_request(loan=loan, reason="还要", actor=people["front"])
    assert loan.renewals.count() == 1


def test_a_renewal_is_refused_when_someone_else_waits_for_the_item__R23(people):
    docs = documents_in()
    loan = loan_in(S.OUT, documents=docs, borrower=people["front"])
    _request(people, docs, who="colleague")  # waits for the item
    with pytest.raises(DomainError, match="waiting"):
        services.renewal_request(loan=loan, reason="仍在核对", actor=people["front"])
    loan.refresh_from_db()
    assert loan.status == S.OUT and not loan.renewals.exists()


def test_a_renewal_of_personal_data_waits_for_a_manager__R23__R19(people):
    docs = documents_in(code="id_copy")
    loan = loan_in(S.OUT, documents=docs, borrower=people["front"], renewal_needs_approval=True)
    renewal = services.renewal_request(loan=loan, reason="仍在核对", actor=people["front"])
    assert renewal.status == Renewal.Status.REQUESTED
    with pytest.raises(PermissionDenied):
        services.renewal_approve(renewal=renewal, actor=people["front"])
    services.renewal_refuse(renewal=renewal, actor=people["manager"], note="请先归还")
    renewal.refresh_from_db()
    loan.refresh_from_db()
    assert renewal.status == Renewal.Status.REFUSED and loan.status == S.OUT
    again = services.renewal_request(loan=loan, reason="补充说明", actor=people["front"])
    services.renewal_approve(renewal=again, actor=people["manager"])
    loan.refresh_from_db()
    assert loan.status == S.RENEWED and loan.renewal_count == 1


# --- per move: an illegal move refused, a stale copy loses ---------------------------------
def test_a_stale_copy_of_a_request_loses_its_decision__R22(people):
    loan = _request(people, documents_in())
    stale = Loan.objects.get(pk=loan.pk)
    services.loan_reject(loan=loan, actor=people["manager"], note="用途不明")
    with pytest.raises(DomainError):
        services.loan_approve(loan=stale, actor=user_with_role(Role.MANAGER))
    loan.refresh_from_db()
    assert loan.status == S.REJECTED and loan.approved_by is None


def test_a_rejection_needs_its_reason_and_a_cancel_is_the_requesters__R22(people):
    loan = _request(people, documents_in())
    with pytest.raises(DomainError):
        services.loan_reject(loan=loan, actor=people["manager"], note="")
    with pytest.raises(PermissionDenied):  # another's loan is not even seen
        services.loan_cancel(loan=loan, actor=people["colleague"])
    services.loan_cancel(loan=loan, actor=people["front"])
    loan.refresh_from_db()
    assert loan.status == S.CANCELLED
    with pytest.raises(DomainError):
        services.loan_approve(loan=loan, actor=people["manager"])


def test_a_loan_of_a_dossier_the_borrower_may_not_see_is_refused__R17(people):
    dossier = dossier_for()
    docs = documents_in(dossier)
    dossier.secrecy_level = "B"
    dossier.save(update_fields=["secrecy_level"])
    grant_dossier(people["archivist"], dossier)
    with pytest.raises(DomainError, match="may not see"):
        _request(people, docs, who="archivist", borrower=people["executive"])


def test_nothing_is_handed_out_to_an_account_no_longer_active__R28(people):
    docs = documents_in()
    loan = services.loan_approve(loan=_request(people, docs), actor=people["manager"])
    type(people["front"]).objects.filter(pk=people["front"].pk).update(is_active=False)
    with pytest.raises(DomainError, match="no longer active"):
        services.loan_hand_out(loan=loan, actor=people["archivist"])
    loan.refresh_from_db()
    assert loan.status == S.APPROVED and _statuses(docs) == {Document.Status.RECEIVED}
