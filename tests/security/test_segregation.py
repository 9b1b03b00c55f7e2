"""Segregation of duties: every approval, verification, decision and
signature belongs to the roles that the rules name (../shared/domain-rules.md, "Roles"), and to
no other. The administrator keeps users, groups, settings, master data and the Django admin.

One table per duty: who may and who may not, asked through the service (the shell, Celery and
the admin go that way) and through the page. A refusal leaves the object as it was.

Superusers keep Django's meaning (every permission): the installation's break-glass account,
never a role of the product (the demo ``admin`` is a staff member of the admin group, not a
superuser). Their row in each table pins that decision; the "not the recorder" checks still hold
for them.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from core.models import AccessLog
from core.roles import ROLE_PERMISSIONS, Role, sync_role_permissions
from customers import services as customer_services
from customers.models import ChangeRequest, Occupancy
from documents.handover import services as handover_services
from documents.models import DocumentCategory, Handover, HandoverItem
from documents.services import document_record
from records.applications import services as applications
from records.finance import services as finance
from records.models import Application, Deposit, Renovation
from records.renovations import services as renovations
from tests.customers.factories import dossier_for, moved_in
from tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

FRONT, MANAGER, ARCHIVIST = Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST
ADMIN, EXECUTIVE, WITNESS = Role.ADMIN, Role.EXECUTIVE, Role.WITNESS
SUPERUSER = "superuser"
DAY = datetime.date(2026, 1, 5)

# permission -> the roles whose groups hold it; every other role is refused (domain rules, Roles)
DUTIES = {
    # R4: 信息核实 by a second person: another front-desk user or a manager
    "customers.verify_occupancy": {FRONT, MANAGER},
    # R9: managers approve edits of locked records
    "customers.approve_changerequest": {MANAGER},
    # R12, R17: the secrecy level decides who reads a dossier: a manager sets it
    "customers.change_dossier": {MANAGER},
    # R17: a move-in of a customer on file elsewhere is a manager's decision
    "customers.decide_moveinreferral": {MANAGER},
    # R5: refunds and forfeits of deposits, renovations (and their acceptance), applications
    "records.approve_deposit": {MANAGER},
    "records.approve_renovation": {MANAGER},
    "records.approve_application": {MANAGER},
    # R30: a manager accepts an incomplete dossier; the archive room checks and signs its side;
    # the service centre prepares its list and signs its side (the signature needs this right)
    "documents.override_handover": {MANAGER},
    "documents.check_handover": {ARCHIVIST},
    "documents.change_handover": {FRONT, MANAGER},
    # R22: managers approve loans, renewals and copies; the archive room hands out and checks
    # back; executives borrow directly; R20: the legal department approves outside parties;
    # R24: managers handle loss and damage
    "lending.approve_loan": {MANAGER},
    "lending.hand_out_loan": {ARCHIVIST},
    "lending.borrow_directly": {EXECUTIVE},
    "lending.approve_outside_loan": {Role.LEGAL},
    "lending.handle_incident": {MANAGER},
    # R33: the archive room appraises, a manager approves; R35: the engineering department gives
    # its opinion on technical records; R37: witnesses (and managers) witness; legal holds are
    # placed by managers and the legal department
    "destruction.appraise_batch": {ARCHIVIST},
    "destruction.approve_batch": {MANAGER},
    "destruction.give_engineering_opinion": {Role.ENGINEERING},
    "destruction.witness_destruction": {WITNESS, MANAGER},
    "destruction.place_hold": {MANAGER, Role.LEGAL},
}
# the other rights of our own (Meta.permissions) that are not decisions
NOT_DUTIES = {
    "customers.reveal_dossier",
    "customers.reveal_customer",
    "documents.download_document",
    "documents.file_document",
    "lending.view_all_loans",
    "lending.lead_archive_room",  # given to one person, not to a role
    "destruction.execute_batch",  # R36: given to one person (the archive-room head), not a role
    # --- statistics (R40) and the monthly complaint summary (R41): counting and being told
    "reports.compile_yearlystatistics",
    "reports.receive_yearlystatistics",
    "reports.compile_complaintsummary",
    "reports.receive_complaintsummary",
    # --- the backups (R44) and the jobs: the administrator's own work, no approval
    "reports.run_backup",
    "reports.watch_jobs",
}
OUR_APPS = ("core", "customers", "records", "documents", "lending", "destruction", "reports")


def _held_by(perm):
    app_label, codename = perm.split(".")
    return {
        Role(name)
        for name in Group.objects.filter(
            permissions__content_type__app_label=app_label,
            permissions__codename=codename,
            name__in=[r.value for r in Role],
        ).values_list("name", flat=True)
    }


# --- The role table --------------------------------------------------------------------------
@pytest.mark.parametrize("perm", sorted(DUTIES))
def test_each_duty_is_held_by_the_roles_the_rules_name_and_no_other(perm):
    assert _held_by(perm) == DUTIES[perm], perm


def test_the_administrator_holds_no_approval_verification_decision_or_signature():
    admin = user_with_role(ADMIN)
    held = {perm for perm in DUTIES if admin.has_perm(perm)}
    assert held == set()
    # what the administrator keeps: users, groups, settings, master data, the Django admin
    for perm in (
        "core.change_user",
        "auth.change_group",
        "django_celery_beat.change_periodictask",
        "customers.change_estate",
        "customers.change_building",
        "customers.add_unit",
        "documents.change_documentcategory",
        "documents.add_box",
        "documents.change_room",
    ):
        assert admin.has_perm(perm), perm


def test_every_right_of_our_own_is_classed_as_a_duty_or_not():
    """A new approval (``approve_loan``, ``witness_destruction``…) must be given a line in the
    table above before it ships, so that no wildcard hands it to the administrator."""
    ours = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(content_type__app_label__in=OUR_APPS).select_related(
            "content_type"
        )
        if not p.codename.startswith(("add_", "change_", "delete_", "view_"))
    }
    assert ours - set(DUTIES) - NOT_DUTIES == set()


def test_the_role_table_takes_back_every_duty_from_the_administrator():
    from core.roles import DUTIES as declared

    assert {perm: set(roles) for perm, roles in declared.items()} == DUTIES
    for perm in DUTIES:
        assert f"!{perm}" in ROLE_PERMISSIONS[ADMIN], perm


def test_migrate_takes_away_what_the_table_no_longer_gives():
    """A deployment whose admin group got the approvals from an older table loses them on the
    next migrate: the table is the whole truth of a role's model permissions."""
    admin_group = Group.objects.get(name=ADMIN)
    stale = Permission.objects.filter(
        content_type__app_label__in=["customers", "records", "documents"],
        codename__in=[perm.split(".")[1] for perm in DUTIES],
    )
    admin_group.permissions.add(*stale)
    manager_group = Group.objects.get(name=MANAGER)
    witness_group = Group.objects.get(name=WITNESS)  # declares nothing of records
    deposit_perm = Permission.objects.get(codename="approve_deposit")
    witness_group.permissions.add(deposit_perm)
    other = Group.objects.create(name="外包审计")  # not a role: left as its owner set it
    other.permissions.add(deposit_perm)

    call_command("migrate", verbosity=0)

    assert not admin_group.permissions.filter(pk__in=stale).exists()
    assert not witness_group.permissions.filter(pk=deposit_perm.pk).exists()
    assert manager_group.permissions.filter(pk=deposit_perm.pk).exists()
    assert other.permissions.filter(pk=deposit_perm.pk).exists()
    assert admin_group.permissions.filter(codename="change_estate").exists()


def test_the_sync_of_one_app_leaves_the_other_apps_alone():
    admin_group = Group.objects.get(name=ADMIN)
    verify = Permission.objects.get(codename="verify_occupancy")
    admin_group.permissions.add(verify)
    sync_role_permissions(apps.get_app_config("records"))
    assert admin_group.permissions.filter(pk=verify.pk).exists()  # customers' turn is later
    sync_role_permissions(apps.get_app_config("customers"))
    assert not admin_group.permissions.filter(pk=verify.pk).exists()


# --- Who may and who may not, through the service and through the page ----------------------
def _user(who):
    if who == SUPERUSER:
        return UserFactory(is_superuser=True, is_staff=True)
    return user_with_role(who)


def _cases(allowed, refused):
    return [(who, True) for who in allowed] + [(who, False) for who in refused]


def _ids(cases):
    return [f"{who}-{'may' if ok else 'may-not'}" for who, ok in cases]


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def _assert_page(response, allowed, user):
    if allowed:
        assert response.status_code == 302, response.status_code
    else:
        assert response.status_code in (403, 404), response.status_code
        assert AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).exists()


def _assert_service(call, allowed):
    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


# R4: verification of a move-in ------------------------------------------------------------
VERIFY = _cases([FRONT, MANAGER, SUPERUSER], [ADMIN, ARCHIVIST, EXECUTIVE, WITNESS])


def _pending_move_in():
    return moved_in(dossier_for(), verified=False, recorder=user_with_role(FRONT))


@pytest.mark.parametrize(("who", "allowed"), VERIFY, ids=_ids(VERIFY))
def test_who_verifies_a_move_in_by_the_service__R4(who, allowed):
    occupancy, user = _pending_move_in(), _user(who)
    _assert_service(
        lambda: customer_services.occupancy_verify(occupancy=occupancy, actor=user), allowed
    )
    occupancy.refresh_from_db()
    assert occupancy.status == (Occupancy.Status.ACTIVE if allowed else Occupancy.Status.PENDING)
    assert (occupancy.verified_by == user) is allowed


@pytest.mark.parametrize(("who", "allowed"), VERIFY, ids=_ids(VERIFY))
def test_who_verifies_a_move_in_on_the_page__R4(client, who, allowed):
    occupancy, user = _pending_move_in(), _user(who)
    url = reverse("customers:occupancy_verify", args=[occupancy.pk])
    _assert_page(_post(client, user, url, {"decision": "approve"}), allowed, user)
    occupancy.refresh_from_db()
    assert occupancy.status == (Occupancy.Status.ACTIVE if allowed else Occupancy.Status.PENDING)


# R9: a change of a locked customer --------------------------------------------------------
APPROVE_CHANGE = _cases([MANAGER, SUPERUSER], [FRONT, ADMIN, ARCHIVIST, EXECUTIVE, WITNESS])


def _change_request():
    dossier = dossier_for()
    occupancy = moved_in(dossier)  # verified: the customer is locked
    return customer_services.customer_update(
        customer=occupancy.customer,
        data={"address": "上海市浦东新区世纪大道200号"},
        actor=user_with_role(FRONT),
        dossier=dossier,
        reason="业主来电更正地址",
    )


@pytest.mark.parametrize(("who", "allowed"), APPROVE_CHANGE, ids=_ids(APPROVE_CHANGE))
def test_who_approves_a_change_of_a_locked_record_by_the_service__R9(who, allowed):
    change, user = _change_request(), _user(who)
    assert isinstance(change, ChangeRequest)
    _assert_service(
        lambda: customer_services.change_request_approve(change_request=change, actor=user),
        allowed,
    )
    change.refresh_from_db()
    expected = ChangeRequest.Status.APPROVED if allowed else ChangeRequest.Status.REQUESTED
    assert change.status == expected


@pytest.mark.parametrize(("who", "allowed"), APPROVE_CHANGE, ids=_ids(APPROVE_CHANGE))
def test_who_approves_a_change_of_a_locked_record_on_the_page__R9(client, who, allowed):
    change, user = _change_request(), _user(who)
    url = reverse("customers:change_request_detail", args=[change.pk])
    _assert_page(_post(client, user, url, {"decision": "approve", "note": ""}), allowed, user)
    change.refresh_from_db()
    expected = ChangeRequest.Status.APPROVED if allowed else ChangeRequest.Status.REQUESTED
    assert change.status == expected


# R5: a requested refund of a deposit ------------------------------------------------------
APPROVE_RECORD = _cases([MANAGER, SUPERUSER], [FRONT, ADMIN, ARCHIVIST, EXECUTIVE, WITNESS])


def _record_fields(dossier, section):
    return {"dossier": dossier, "section": section, "recorded_by": user_with_role(FRONT)}


def _saved(model, **fields):
    obj = model(**fields)
    obj._history_user = fields["recorded_by"]
    obj.save()
    return obj


def _refund_requested():
    dossier = dossier_for()
    section = moved_in(dossier)
    fields = _record_fields(dossier, section)
    return _saved(
        Deposit,
        **fields,
        kind=Deposit.Kind.LEASE,
        payer="张伟",
        amount=Decimal("5000"),
        received_on=datetime.date(2025, 1, 1),
        receipt_number=f"SJ-S-{dossier.pk}",
        status=Deposit.Status.REFUND_REQUESTED,
        refund_amount=Decimal("5000"),
        settlement_reason="退租",
        settlement_requested_by=fields["recorded_by"],
    )


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_approves_a_refund_by_the_service__R5(who, allowed):
    deposit, user = _refund_requested(), _user(who)
    _assert_service(
        lambda: finance.deposit_decide(
            deposit=deposit, approve=True, refund_receipt_number="TK-1", actor=user
        ),
        allowed,
    )
    deposit.refresh_from_db()
    expected = Deposit.Status.REFUNDED if allowed else Deposit.Status.REFUND_REQUESTED
    assert deposit.status == expected
    assert (deposit.approved_by == user) is allowed


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_approves_a_refund_on_the_page__R5(client, who, allowed):
    deposit, user = _refund_requested(), _user(who)
    url = reverse("records:deposit_decide", args=[deposit.pk])
    data = {"decision": "approve", "refund_receipt_number": "TK-1", "note": ""}
    _assert_page(_post(client, user, url, data), allowed, user)
    deposit.refresh_from_db()
    expected = Deposit.Status.REFUNDED if allowed else Deposit.Status.REFUND_REQUESTED
    assert deposit.status == expected


# R5: a secondary renovation: the decision and the final acceptance ------------------------
def _renovation(status=Renovation.Status.APPLIED):
    dossier = dossier_for()
    section = moved_in(dossier)
    extra = {}
    if status == Renovation.Status.IN_PROGRESS:
        extra = {"permit_number": f"ZX-2025-{dossier.pk:04d}", "started_on": DAY}
    return _saved(
        Renovation,
        **_record_fields(dossier, section),
        applicant="张伟",
        applied_on=datetime.date(2025, 12, 1),
        scope="厨房改造",
        contractor="深圳市美家装饰工程有限公司",
        contractor_licence="D244030123",
        planned_start=DAY,
        planned_end=datetime.date(2026, 3, 31),
        status=status,
        **extra,
    )


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_decides_a_renovation_by_the_service__R5(who, allowed):
    renovation, user = _renovation(), _user(who)
    _assert_service(
        lambda: renovations.renovation_decide(renovation=renovation, approve=True, actor=user),
        allowed,
    )
    renovation.refresh_from_db()
    expected = Renovation.Status.APPROVED if allowed else Renovation.Status.APPLIED
    assert renovation.status == expected


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_decides_a_renovation_on_the_page__R5(client, who, allowed):
    renovation, user = _renovation(), _user(who)
    url = reverse("records:renovation_decide", args=[renovation.pk])
    data = {"decision": "approve", "permit_number": "", "note": ""}
    _assert_page(_post(client, user, url, data), allowed, user)
    renovation.refresh_from_db()
    expected = Renovation.Status.APPROVED if allowed else Renovation.Status.APPLIED
    assert renovation.status == expected


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_accepts_renovation_works_by_the_service__R5(who, allowed):
    renovation, user = _renovation(Renovation.Status.IN_PROGRESS), _user(who)
    _assert_service(
        lambda: renovations.renovation_accept(
            renovation=renovation, accepted_on=datetime.date(2026, 2, 1), actor=user
        ),
        allowed,
    )
    renovation.refresh_from_db()
    expected = Renovation.Status.ACCEPTED if allowed else Renovation.Status.IN_PROGRESS
    assert renovation.status == expected


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_accepts_renovation_works_on_the_page__R5(client, who, allowed):
    renovation, user = _renovation(Renovation.Status.IN_PROGRESS), _user(who)
    url = reverse("records:renovation_accept", args=[renovation.pk])
    _assert_page(_post(client, user, url, {"accepted_on": "2026-02-01"}), allowed, user)
    renovation.refresh_from_db()
    expected = Renovation.Status.ACCEPTED if allowed else Renovation.Status.IN_PROGRESS
    assert renovation.status == expected


# R5: an application (door lock, parking space, nameplate …) -------------------------------
def _application():
    dossier = dossier_for()
    section = moved_in(dossier)
    return _saved(
        Application,
        **_record_fields(dossier, section),
        kind=Application.Kind.DOOR_LOCK,
        applicant="张伟",
        applied_on=DAY,
        details="更换入户门锁",
    )


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_decides_an_application_by_the_service__R5(who, allowed):
    application, user = _application(), _user(who)
    _assert_service(
        lambda: applications.application_decide(application=application, approve=True, actor=user),
        allowed,
    )
    application.refresh_from_db()
    expected = Application.Status.APPROVED if allowed else Application.Status.SUBMITTED
    assert application.status == expected


@pytest.mark.parametrize(("who", "allowed"), APPROVE_RECORD, ids=_ids(APPROVE_RECORD))
def test_who_decides_an_application_on_the_page__R5(client, who, allowed):
    application, user = _application(), _user(who)
    url = reverse("records:application_decide", args=[application.pk])
    _assert_page(_post(client, user, url, {"decision": "approve", "note": ""}), allowed, user)
    application.refresh_from_db()
    expected = Application.Status.APPROVED if allowed else Application.Status.SUBMITTED
    assert application.status == expected


# R30: handovers ---------------------------------------------------------------------------
def _dossier_with_documents(*codes):
    """A level-C dossier with a verified owner and one document of each category code."""
    dossier = dossier_for()
    moved_in(dossier)
    for code in codes:
        document_record(
            dossier=dossier,
            data={
                "category": DocumentCategory.objects.get(code=code),
                "title": f"{code} 原件",
                "document_date": DAY,
                "pages": 1,
                "copies": 1,
            },
            actor=user_with_role(FRONT),
        )
    return dossier


def _draft_for(dossier):
    return handover_services.handover_create(
        service_centre=dossier.unit.building.estate.service_centre,
        period="2026H1",
        actor=user_with_role(FRONT),
    )


def _submitted():
    dossier = _dossier_with_documents("id_copy", "move_in")
    handover = _draft_for(dossier)
    front = handover.prepared_by
    handover_services.handover_add_dossier(handover=handover, dossier=dossier, actor=front)
    return handover_services.handover_submit(handover=handover, actor=front)


def _checked():
    handover = _submitted()
    archivist = user_with_role(ARCHIVIST)
    for item in handover.items.all():
        handover_services.handover_check_item(
            item=item, result=HandoverItem.Result.ACCEPTED, note="", actor=archivist
        )
    return handover_services.handover_mark_checked(handover=handover, actor=archivist)


OVERRIDE = _cases([MANAGER, SUPERUSER], [FRONT, ADMIN, ARCHIVIST, EXECUTIVE, WITNESS])
REASON = "经理同意：业主证件另行补交"


@pytest.mark.parametrize(("who", "allowed"), OVERRIDE, ids=_ids(OVERRIDE))
def test_who_accepts_an_incomplete_dossier_into_a_handover_by_the_service__R30(who, allowed):
    dossier = _dossier_with_documents("id_copy")  # the move-in form is missing
    handover, user = _draft_for(dossier), _user(who)
    _assert_service(
        lambda: handover_services.handover_add_dossier(
            handover=handover, dossier=dossier, actor=user, override_reason=REASON
        ),
        allowed,
    )
    assert handover.items.exists() is allowed


@pytest.mark.parametrize(("who", "allowed"), OVERRIDE, ids=_ids(OVERRIDE))
def test_who_accepts_an_incomplete_dossier_into_a_handover_on_the_page__R30(client, who, allowed):
    dossier = _dossier_with_documents("id_copy")
    handover, user = _draft_for(dossier), _user(who)
    url = reverse("documents:handover_add_dossier", args=[handover.pk])
    data = {"archive_number": dossier.archive_number, "override_reason": REASON}
    response = _post(client, user, url, data)
    if allowed:
        assert response.status_code == 302
    else:  # the front desk is told on the form that a manager must accept it
        assert response.status_code in (200, 403, 404)
    assert handover.items.exists() is allowed


CHECK = _cases([ARCHIVIST, SUPERUSER], [FRONT, MANAGER, ADMIN, EXECUTIVE, WITNESS])


@pytest.mark.parametrize(("who", "allowed"), CHECK, ids=_ids(CHECK))
def test_who_checks_a_handover_item_by_the_service__R30(who, allowed):
    handover, user = _submitted(), _user(who)
    item = handover.items.first()
    _assert_service(
        lambda: handover_services.handover_check_item(
            item=item, result=HandoverItem.Result.ACCEPTED, note="", actor=user
        ),
        allowed,
    )
    item.refresh_from_db()
    expected = HandoverItem.Result.ACCEPTED if allowed else HandoverItem.Result.PENDING
    assert item.result == expected


@pytest.mark.parametrize(("who", "allowed"), CHECK, ids=_ids(CHECK))
def test_who_checks_a_handover_item_on_the_page__R30(client, who, allowed):
    handover, user = _submitted(), _user(who)
    item = handover.items.first()
    url = reverse("documents:handover_check_item", args=[handover.pk, item.pk])
    _assert_page(_post(client, user, url, {"result": "accepted", "note": ""}), allowed, user)
    item.refresh_from_db()
    expected = HandoverItem.Result.ACCEPTED if allowed else HandoverItem.Result.PENDING
    assert item.result == expected


SIGN_ARCHIVE = CHECK
SIGN_CENTRE = _cases([FRONT, MANAGER, SUPERUSER], [ARCHIVIST, ADMIN, EXECUTIVE, WITNESS])
SIGNED_BY = {"centre": "centre_signed_by", "archive": "archive_signed_by"}


SIGN = [("archive", *case) for case in SIGN_ARCHIVE] + [("centre", *case) for case in SIGN_CENTRE]
SIGN_IDS = [f"{side}-{who}-{'may' if ok else 'may-not'}" for side, who, ok in SIGN]


@pytest.mark.parametrize(("side", "who", "allowed"), SIGN, ids=SIGN_IDS)
def test_who_signs_a_handover_by_the_service__R30(side, who, allowed):
    handover, user = _checked(), _user(who)
    _assert_service(
        lambda: handover_services.handover_sign(
            handover=handover, side=side, actor=user, password=PASSWORD
        ),
        allowed,
    )
    handover = Handover.objects.get(pk=handover.pk)
    assert (getattr(handover, SIGNED_BY[side]) == user) is allowed


@pytest.mark.parametrize(("side", "who", "allowed"), SIGN, ids=SIGN_IDS)
def test_who_signs_a_handover_on_the_page__R30(client, side, who, allowed):
    handover, user = _checked(), _user(who)
    url = reverse("documents:handover_sign", args=[handover.pk, side])
    _assert_page(_post(client, user, url, {"password": PASSWORD}), allowed, user)
    handover = Handover.objects.get(pk=handover.pk)
    assert (getattr(handover, SIGNED_BY[side]) == user) is allowed


def test_a_superuser_is_still_not_the_second_person__R4():
    """Break-glass does not lift the four-eyes rule: a superuser who recorded a move-in does
    not verify it."""
    root = _user(SUPERUSER)
    occupancy = moved_in(dossier_for(), verified=False, recorder=root)
    with pytest.raises(customer_services.DomainError):
        customer_services.occupancy_verify(occupancy=occupancy, actor=root)
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.PENDING


# R33, R35, R36: appraisal, approval, the engineering opinion and the destruction -------------
def _destruction_submitted():
    from tests.destruction import factories as dx

    return dx.submitted(dx.due_documents(1))


APPROVE_BATCH = _cases(
    [MANAGER, SUPERUSER], [FRONT, ADMIN, ARCHIVIST, EXECUTIVE, WITNESS, Role.ENGINEERING]
)


@pytest.mark.parametrize(("who", "allowed"), APPROVE_BATCH, ids=_ids(APPROVE_BATCH))
def test_who_approves_a_destruction_batch_by_the_service__R33(who, allowed):
    from destruction.batches.services import batch_approve
    from destruction.models import Batch

    batch, user = _destruction_submitted(), _user(who)
    _assert_service(lambda: batch_approve(batch=batch, actor=user), allowed)
    batch.refresh_from_db()
    assert batch.status == (Batch.Status.APPROVED if allowed else Batch.Status.SUBMITTED)


OPINION = _cases([Role.ENGINEERING, SUPERUSER], [FRONT, MANAGER, ADMIN, ARCHIVIST, WITNESS])


@pytest.mark.parametrize(("who", "allowed"), OPINION, ids=_ids(OPINION))
def test_who_gives_the_engineering_opinion_by_the_service__R35(who, allowed):
    from customers.permissions import grant_dossier
    from destruction.batches.services import item_engineering_opinion
    from tests.destruction import factories as dx

    docs = dx.due_documents(1)
    item = dx.opened(docs, decision=None).items.get()
    user = _user(who)
    grant_dossier(user, docs[0].dossier)  # the sight is not what is asked here
    _assert_service(
        lambda: item_engineering_opinion(item=item, opinion="同意销毁", actor=user), allowed
    )
    item.refresh_from_db()
    assert (item.engineering_by == user) is allowed


def test_destroying_is_given_to_one_person_not_to_a_role__R36():
    for role in Role:
        assert (
            not Group.objects.get(name=role.value)
            .permissions.filter(content_type__app_label="destruction", codename="execute_batch")
            .exists()
        ), role
