"""Every service that writes into a dossier checks the actor's right on that very dossier
(R17), not only the model permission: the admin, the shell and Celery reach the services
without the views' checks. Each service is called by a user who holds the model permission
but may not see the confidential dossier: it is refused, the refusal is logged, and nothing
is written."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AccessLog
from core.roles import Role
from customers import permissions, services
from customers.models import ChangeRequest, Occupancy

from ..customers.factories import CustomerFactory, dossier_for, moved_in
from ..documents.factories import box, document_for
from ..factories import PASSWORD, user_with_role
from .matrix import EXPECTATIONS  # noqa: F401  (it merges the records modules)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def secret(settings, tmp_path):
    """A confidential dossier with what the services work on, made by granted people."""
    settings.MEDIA_ROOT = tmp_path
    from documents.handover.services import handover_add_dossier, handover_create
    from documents.models import HandoverItem

    dossier = dossier_for(secrecy="B")
    owner = moved_in(dossier, CustomerFactory(), day=DAY)
    tenant = moved_in(dossier, CustomerFactory(), role=Occupancy.Role.TENANT, verified=False)
    granted = user_with_role(Role.FRONT_DESK)
    permissions.grant_dossier(granted, dossier)
    customer = owner.customer
    contact = services.contact_add(
        customer=customer,
        data={"kind": "emergency", "name": "李娜", "mobile": "13912345678"},
        actor=granted,
    )
    member = services.household_member_add(
        customer=customer, data={"name": "张小明", "relation": "子"}, actor=granted
    )
    change = services.customer_update(
        customer=customer, data={"address": "新址"}, actor=granted, dossier=dossier, reason="更正"
    )
    document = document_for(dossier, actor=granted, pages=1)
    bare = document_for(dossier, actor=granted, pages=1, title="无文件")
    handover = handover_create(
        service_centre=dossier.unit.building.estate.service_centre, period="2026H1", actor=granted
    )
    boss = user_with_role(Role.MANAGER)  # may accept an incomplete dossier
    permissions.grant_dossier(boss, dossier)
    handover_add_dossier(handover=handover, dossier=dossier, actor=boss, override_reason="资料待补")
    o = {"dossier": dossier, "occupancy": owner, "customer": customer}
    return {
        **o,
        "tenant_section": tenant,
        "contact": contact,
        "member": member,
        "change_request": change,
        "document": document,
        "bare_document": bare,
        "box": box(dossier=dossier),
        "handover": handover,
        "item": HandoverItem.objects.filter(handover=handover).first(),
        "records": o,
        "newcomer": CustomerFactory(),  # registered, in nobody's dossier yet
        **_loans(dossier, granted),
    }


def _loans(dossier, granted):
    """Loans of the confidential dossier in the states the lending services start from."""
    from lending.models import Loan, Renewal

    from ..lending.factories import loan_in

    def docs(title):
        return [document_for(dossier, actor=granted, pages=1, title=title)]

    S = Loan.Status
    requested = loan_in(
        S.REQUESTED,
        documents=docs("借阅甲"),
        borrower=granted,
        needs_owner_consent=True,
        needs_legal=True,
    )
    out = loan_in(S.OUT, documents=docs("借阅丙"), borrower=granted)
    renewal = Renewal.objects.create(loan=out, days=7, reason="x", requested_by=granted)
    return {
        "loan_requested": requested,
        "loan_approved": loan_in(S.APPROVED, documents=docs("借阅乙"), borrower=granted),
        "loan_out": out,
        "renewal": renewal,
        **_returns_and_copies(docs, granted),
    }


def _returns_and_copies(docs, granted):
    """A return checked, an incident open, a copy loan approved and a copy held (R24–R26)."""
    from lending.models import CopyRecord, Incident, Loan, LoanItem, Mode

    from ..lending.factories import loan_in

    S = Loan.Status
    checked = loan_in(S.RETURN_CHECKED, documents=docs("借阅丁"), borrower=granted)
    LoanItem.objects.filter(loan=checked).update(condition="intact", pages_back=1, copies_back=1)
    lost = loan_in(S.LOST, documents=docs("借阅戊"), borrower=granted)
    copied = loan_in(S.COPIED, documents=docs("借阅己"), borrower=granted, mode=Mode.COPY)
    return {
        "loan_checked": checked,
        "loan_copy": loan_in(
            S.APPROVED, documents=docs("借阅庚"), borrower=granted, mode=Mode.COPY
        ),
        "incident": Incident.objects.create(
            item=lost.items.get(),
            loan=lost,
            kind=Incident.Kind.MISSING,
            grade=Incident.Grade.MAJOR,
            description="未归还",
            responsible=granted,
            reported_by=granted,
        ),
        "copy": CopyRecord.objects.create(
            loan=copied,
            document=copied.items.get().document,
            count=1,
            holder=granted,
            purpose="核对",
            personal_data=True,
            status=CopyRecord.Status.HELD,
            made_by=granted,
        ),
    }


def _record(model_path, builder):
    def make(s):
        from django.apps import apps as registry

        model = registry.get_model(*model_path.split("."))
        return model.objects.get(pk=builder(s["records"])["pk"])

    return make


def _upload():
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%gate\n")


# service name -> (role of the actor, how to call it with the fixture's objects)
def _calls():
    from documents import services as d
    from documents.handover import services as h
    from records.applications import services as applications
    from records.complaints import services as complaints
    from records.finance import leases as finance_leases
    from records.finance import services as finance
    from records.letters import services as letters
    from records.renovations import services as renovations
    from records.repairs import services as repairs

    from . import records_complaint, records_finance, records_renovation, records_service

    lease = _record("records.Lease", records_finance._lease)
    deposit = _record("records.Deposit", records_finance._deposit())
    requested = _record("records.Deposit", records_finance._deposit("refund_requested"))
    charge = _record("records.Charge", records_finance._charge)
    renovation = _record("records.Renovation", records_renovation._renovation_pk())
    working = _record("records.Renovation", records_renovation._renovation_pk("in_progress"))
    violation = _record("records.Violation", records_renovation._violation)
    complaint = _record("records.Complaint", records_complaint._complaint)
    repair = _record("records.Repair", records_service._repair)
    application = _record("records.Application", records_service._application)
    front, manager, archivist = Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST
    return {
        **_lending_calls(),
        **_destruction_calls(),
        # customers
        "dossier_open": (
            front,
            lambda s, a: services.dossier_open(unit=s["dossier"].unit, actor=a),
        ),
        "dossier_set_secrecy": (
            manager,
            lambda s, a: services.dossier_set_secrecy(
                dossier=s["dossier"], secrecy_level="C", retention="30y", reason="降密", actor=a
            ),
        ),
        "move_in_record": (
            front,
            lambda s, a: services.move_in_record(
                unit=s["dossier"].unit,
                customer=s["newcomer"],
                role="tenant",
                moved_in=DAY,
                actor=a,
            ),
        ),
        "move_in_refer": (
            front,
            lambda s, a: services.move_in_refer(
                unit=s["dossier"].unit,
                customer=s["customer"],
                role="tenant",
                moved_in=DAY,
                typed={},
                actor=a,
            ),
        ),
        "occupancy_verify": (
            manager,
            lambda s, a: services.occupancy_verify(occupancy=s["tenant_section"], actor=a),
        ),
        "occupancy_move_out": (
            front,
            lambda s, a: services.occupancy_move_out(
                occupancy=s["occupancy"], moved_out=DAY, actor=a
            ),
        ),
        "contact_add": (
            front,
            lambda s, a: services.contact_add(
                customer=s["customer"],
                data={"kind": "daily", "name": "王", "mobile": "13700000000"},
                actor=a,
            ),
        ),
        "contact_replace": (
            front,
            lambda s, a: services.contact_replace(
                contact=s["contact"], data={"name": "王", "mobile": "13700000000"}, actor=a
            ),
        ),
        "household_member_add": (
            front,
            lambda s, a: services.household_member_add(
                customer=s["customer"], data={"name": "王", "relation": "女"}, actor=a
            ),
        ),
        "household_member_leave": (
            front,
            lambda s, a: services.household_member_leave(member=s["member"], left_on=DAY, actor=a),
        ),
        "customer_update": (
            front,
            lambda s, a: services.customer_update(
                customer=s["customer"],
                data={"notes": "x"},
                actor=a,
                dossier=s["dossier"],
                reason="x",
            ),
        ),
        "change_request_create": (
            front,
            lambda s, a: services.change_request_create(
                dossier=s["dossier"],
                customer=s["customer"],
                changes={"notes": ["", "x"]},
                reason="x",
                actor=a,
            ),
        ),
        "change_request_approve": (
            manager,
            lambda s, a: services.change_request_approve(
                change_request=s["change_request"], actor=a
            ),
        ),
        "change_request_reject": (
            manager,
            lambda s, a: services.change_request_reject(
                change_request=s["change_request"], actor=a, note="否"
            ),
        ),
        "personal_data_reveal": (
            manager,
            lambda s, a: services.personal_data_reveal(
                dossier=s["dossier"], reason="核实业主身份", actor=a
            ),
        ),
        # documents
        "document_record": (
            front,
            lambda s, a: d.document_record(
                dossier=s["dossier"],
                data={
                    "category": s["document"].category,
                    "title": "x",
                    "document_date": DAY,
                    "pages": 1,
                    "copies": 1,
                },
                actor=a,
            ),
        ),
        "document_attach_file": (
            front,
            lambda s, a: d.document_attach_file(
                document=s["bare_document"], upload=_upload(), actor=a
            ),
        ),
        "documents_file": (
            archivist,
            lambda s, a: d.documents_file(box=s["box"], documents=[s["document"]], actor=a),
        ),
        "handover_add_dossier": (
            front,
            lambda s, a: h.handover_add_dossier(
                handover=s["handover"], dossier=s["dossier"], actor=a
            ),
        ),
        "handover_start": (
            front,
            lambda s, a: h.handover_start(
                service_centre=s["handover"].service_centre,
                period="2030H1",
                dossiers=[s["dossier"]],
                actor=a,
            ),
        ),
        "handover_remove_item": (
            front,
            lambda s, a: h.handover_remove_item(item=s["item"], actor=a),
        ),
        "handover_check_item": (
            archivist,
            lambda s, a: h.handover_check_item(item=s["item"], result="accepted", note="", actor=a),
        ),
        # records, with a record of the dossier where the service takes one
        "lease_record": (
            front,
            lambda s, a: finance_leases.lease_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "lease_renew": (
            front,
            lambda s, a: finance_leases.lease_renew(lease=lease(s), data={}, actor=a),
        ),
        "lease_terminate": (
            front,
            lambda s, a: finance_leases.lease_terminate(
                lease=lease(s), terminated_on=DAY, reason="x", actor=a
            ),
        ),
        "deposit_record": (
            front,
            lambda s, a: finance.deposit_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "deposit_request_settlement": (
            front,
            lambda s, a: finance.deposit_request_settlement(
                deposit=deposit(s),
                settlement=finance.REFUND,
                refund_amount=Decimal("1"),
                reason="x",
                actor=a,
            ),
        ),
        "deposit_decide": (
            manager,
            lambda s, a: finance.deposit_decide(
                deposit=requested(s), approve=False, note="x", actor=a
            ),
        ),
        "charge_add": (
            front,
            lambda s, a: finance.charge_add(dossier=s["dossier"], data={}, actor=a),
        ),
        "payment_record": (
            front,
            lambda s, a: finance.payment_record(charge=charge(s), data={}, actor=a),
        ),
        "renovation_apply": (
            front,
            lambda s, a: renovations.renovation_apply(dossier=s["dossier"], data={}, actor=a),
        ),
        "renovation_decide": (
            manager,
            lambda s, a: renovations.renovation_decide(
                renovation=renovation(s), approve=False, note="x", actor=a
            ),
        ),
        "renovation_start": (
            front,
            lambda s, a: renovations.renovation_start(
                renovation=renovation(s), started_on=DAY, actor=a
            ),
        ),
        "inspection_record": (
            front,
            lambda s, a: renovations.inspection_record(renovation=working(s), data={}, actor=a),
        ),
        "renovation_accept": (
            manager,
            lambda s, a: renovations.renovation_accept(
                renovation=working(s), accepted_on=DAY, note="x", actor=a
            ),
        ),
        "violation_record": (
            front,
            lambda s, a: renovations.violation_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "violation_rectify": (
            front,
            lambda s, a: renovations.violation_rectify(
                violation=violation(s), rectified_on=DAY, rectification="x", actor=a
            ),
        ),
        "complaint_record": (
            front,
            lambda s, a: complaints.complaint_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "complaint_step": (
            front,
            lambda s, a: complaints.complaint_step(
                complaint=complaint(s), step="asked", note="x", actor=a
            ),
        ),
        "complaint_report": (
            front,
            lambda s, a: complaints.complaint_report(complaint=complaint(s), actor=a),
        ),
        "complaint_reply": (
            front,
            lambda s, a: complaints.complaint_reply(
                complaint=complaint(s),
                written_reply="x",
                replied_on=DAY,
                reply_reference="",
                actor=a,
            ),
        ),
        "complaint_mark_handled": (
            front,
            lambda s, a: complaints.complaint_mark_handled(complaint=complaint(s), actor=a),
        ),
        "complaint_close": (
            front,
            lambda s, a: complaints.complaint_close(complaint=complaint(s), actor=a),
        ),
        "visit_record": (
            front,
            lambda s, a: complaints.visit_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "repair_report": (
            front,
            lambda s, a: repairs.repair_report(dossier=s["dossier"], data={}, actor=a),
        ),
        "repair_order": (
            front,
            lambda s, a: repairs.repair_order(
                repair=repair(s), assigned_to="李工", work_order_number="", actor=a
            ),
        ),
        "repair_complete": (
            front,
            lambda s, a: repairs.repair_complete(
                repair=repair(s), completed_at=None, work_done="x", cost=None, actor=a
            ),
        ),
        "repair_feedback": (
            front,
            lambda s, a: repairs.repair_feedback(
                repair=repair(s), satisfaction="good", feedback="x", actor=a
            ),
        ),
        "letter_record": (
            front,
            lambda s, a: letters.letter_record(dossier=s["dossier"], data={}, actor=a),
        ),
        "application_submit": (
            front,
            lambda s, a: applications.application_submit(dossier=s["dossier"], data={}, actor=a),
        ),
        "application_decide": (
            manager,
            lambda s, a: applications.application_decide(
                application=application(s), approve=False, note="x", actor=a
            ),
        ),
        "application_withdraw": (
            front,
            lambda s, a: applications.application_withdraw(
                application=application(s), note="x", actor=a
            ),
        ),
    }


def _lending_calls():
    from lending.loans import services as loans
    from lending.models import Mode

    front, manager, archivist = Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST
    return {
        "loan_request": (
            front,
            lambda s, a: loans.loan_request(
                dossier=s["dossier"],
                documents=[s["document"]],
                mode=Mode.READ_ARCHIVE,
                purpose="x",
                actor=a,
            ),
        ),
        "loan_owner_consent": (
            front,
            lambda s, a: loans.loan_owner_consent(loan=s["loan_requested"], note="x", actor=a),
        ),
        "loan_approve": (
            manager,
            lambda s, a: loans.loan_approve(loan=s["loan_requested"], actor=a),
        ),
        "loan_approve_outside": (
            Role.LEGAL,
            lambda s, a: loans.loan_approve_outside(loan=s["loan_requested"], actor=a),
        ),
        "loan_reject": (
            manager,
            lambda s, a: loans.loan_reject(loan=s["loan_requested"], note="x", actor=a),
        ),
        "loan_cancel": (front, lambda s, a: loans.loan_cancel(loan=s["loan_requested"], actor=a)),
        "loan_hand_out": (
            archivist,
            lambda s, a: loans.loan_hand_out(loan=s["loan_approved"], actor=a),
        ),
        "renewal_request": (
            front,
            lambda s, a: loans.renewal_request(loan=s["loan_out"], reason="x", actor=a),
        ),
        "renewal_approve": (
            manager,
            lambda s, a: loans.renewal_approve(renewal=s["renewal"], actor=a),
        ),
        "renewal_refuse": (
            manager,
            lambda s, a: loans.renewal_refuse(renewal=s["renewal"], note="x", actor=a),
        ),
        "renewal_cancel": (
            front,
            lambda s, a: loans.renewal_cancel(renewal=s["renewal"], actor=a),
        ),
        **_returns_and_copies_calls(),
    }


def _returns_and_copies_calls():
    from lending.copies import services as copies
    from lending.returns import services as returns

    manager, archivist = Role.MANAGER, Role.ARCHIVIST
    return {
        "loan_return_check": (
            archivist,
            lambda s, a: returns.loan_return_check(
                loan=s["loan_out"],
                actor=a,
                results={
                    i.pk: {"condition": "intact", "pages_back": 1, "copies_back": 1}
                    for i in s["loan_out"].items.all()
                },
            ),
        ),
        "loan_return_confirm": (
            archivist,
            lambda s, a: returns.loan_return_confirm(
                loan=s["loan_checked"], actor=a, password=PASSWORD, at_desk=True
            ),
        ),
        "loan_return_check_again": (
            archivist,
            lambda s, a: returns.loan_return_check_again(
                loan=s["loan_checked"], actor=a, reason="有异议"
            ),
        ),
        "incident_handle": (
            manager,
            lambda s, a: returns.incident_handle(incident=s["incident"], actor=a, outcome="赔偿"),
        ),
        "copies_make": (
            archivist,
            lambda s, a: copies.copies_make(
                loan=s["loan_copy"],
                actor=a,
                copies=[
                    {
                        "document": s["loan_copy"].items.get().document,
                        "kind": "copy",
                        "count": 1,
                        "holder": None,
                        "holder_name": "王",
                        "purpose": "核对",
                    }
                ],
            ),
        ),
        "copy_close": (
            archivist,
            lambda s, a: copies.copy_close(copy=s["copy"], actor=a, to="returned"),
        ),
    }


def _destruction(s):
    """Batches of the confidential dossier in the states the destruction services start from,
    made by people granted on it (built only for the destruction calls)."""
    from customers.permissions import grant_dossier
    from destruction.batches import services as batches
    from destruction.holds.services import hold_place
    from destruction.models import RetentionRule

    from ..destruction import factories as dx
    from ..documents.factories import category

    RetentionRule.objects.create(name="工程", category=category("other"), years=10, technical=True)
    archivist, boss, head = dx.archivist(), dx.manager(), dx.head()
    clerk = user_with_role(Role.FRONT_DESK)
    for person in (archivist, boss, head, clerk):
        grant_dossier(person, s["dossier"])
    docs = dx.due_documents(5, dossier=s["dossier"], secrecy_level="B", actor=clerk)
    draft = batches.batch_open(title="鉴定", documents=docs[:1], actor=archivist)
    engineer = dx.engineer(s["dossier"])
    submitted = _decided(docs[1:2], archivist, engineer)
    approved = batches.batch_approve(batch=_decided(docs[2:3], archivist, engineer), actor=boss)
    approved, _head, witnesses = dx.scheduled(approved, by=head)
    return {
        "dx_free": docs[3],
        "dx_draft": draft,
        "dx_item": draft.items.get(),
        "dx_submitted": submitted,
        "dx_approved": approved,
        "dx_witnesses": witnesses,
        "dx_hold": hold_place(dossier=s["dossier"], document=docs[4], reason="诉讼", actor=boss),
    }


def _decided(docs, archivist, engineer):
    from destruction.batches import services as batches
    from destruction.models import Decision

    from ..destruction import factories as dx

    batch = dx.opened(docs, by=archivist, decision=None)
    for item in batch.items.all():
        batches.item_engineering_opinion(item=item, opinion="同意", actor=engineer)
        batches.item_decide(item=item, decision=Decision.DESTROY, actor=archivist)
    return batches.batch_submit(batch=batch, actor=archivist)


def _head():
    from ..destruction.factories import head

    return head()


def _destruction_calls():
    """Destruction's services: those about documents are refused the confidential dossier's
    documents; the moves of a whole batch (send back, withdraw, plan, resume) are asked of an
    actor without the right."""
    from destruction.batches import services as b
    from destruction.execution import services as x
    from destruction.holds import services as h

    from ..destruction.factories import passwords

    manager, archivist = Role.MANAGER, Role.ARCHIVIST
    return {
        "batch_open": (
            archivist,
            lambda s, a: b.batch_open(title="x", documents=[s["dx_free"]], actor=a),
        ),
        "batch_add_documents": (
            archivist,
            lambda s, a: b.batch_add_documents(
                batch=s["dx_draft"], documents=[s["dx_free"]], actor=a
            ),
        ),
        "batch_remove_item": (
            archivist,
            lambda s, a: b.batch_remove_item(item=s["dx_item"], actor=a),
        ),
        "item_engineering_opinion": (
            Role.ENGINEERING,
            lambda s, a: b.item_engineering_opinion(item=s["dx_item"], opinion="x", actor=a),
        ),
        "item_decide": (
            archivist,
            lambda s, a: b.item_decide(item=s["dx_item"], decision="destroy", actor=a),
        ),
        "batch_submit": (archivist, lambda s, a: b.batch_submit(batch=s["dx_draft"], actor=a)),
        "batch_approve": (manager, lambda s, a: b.batch_approve(batch=s["dx_submitted"], actor=a)),
        "batch_send_back": (
            Role.FRONT_DESK,
            lambda s, a: b.batch_send_back(batch=s["dx_submitted"], reason="x", actor=a),
        ),
        "batch_withdraw": (
            Role.FRONT_DESK,
            lambda s, a: b.batch_withdraw(batch=s["dx_approved"], reason="x", actor=a),
        ),
        "batch_schedule": (
            archivist,  # not the head
            lambda s, a: x.batch_schedule(
                batch=s["dx_approved"],
                actor=a,
                planned_on=DAY,
                method="shred",
                place="x",
                witnesses=s["dx_witnesses"],
            ),
        ),
        "batch_execute": (
            _head,  # the head, not granted on the confidential dossier
            lambda s, a: _after_waiting(
                lambda: x.batch_execute(
                    batch=s["dx_approved"], actor=a, passwords=passwords(s["dx_witnesses"])
                )
            ),
        ),
        "batch_resume": (archivist, lambda s, a: x.batch_resume(batch=s["dx_approved"], actor=a)),
        "hold_place": (
            manager,
            lambda s, a: h.hold_place(dossier=s["dossier"], reason="x", actor=a),
        ),
        "hold_lift": (manager, lambda s, a: h.hold_lift(hold=s["dx_hold"], reason="x", actor=a)),
    }


def _after_waiting(call):
    from ..destruction.factories import after_waiting

    with after_waiting():
        return call()


# Services that do not write into one dossier: they have their own checks and tests.
NOT_ABOUT_A_DOSSIER = {
    "customer_register": "a new customer belongs to no dossier yet",
    "referral_accept": "checks the sight of the customer on file (test_lookups.py)",
    "referral_reject": "checks the sight of the customer on file (test_lookups.py)",
    "box_create": "storage furniture",
    "inspection_record@documents": "storage rooms",
    "handover_create": "a handover of a service centre",
    "handover_submit": "moves the whole handover; its items were checked when added",
    "handover_mark_checked": "moves the whole handover",
    "handover_sign": "moves the whole handover",
    "handover_send_back": "moves the whole handover",
    "handover_cancel": "moves the whole handover",
    # --- statistics (R40) and the monthly complaint summary (R41): counts of no dossier, by
    # the right to compile them (tests/reports/test_statistics.py, test_complaint_summary.py)
    "statistics_compile": "counts the whole archive, asks the right to compile",
    "statistics_request": "queues the count, asks the right to compile",
    "summary_compile": "counts a month's complaints, asks the right to compile",
    "summary_request": "queues the count, asks the right to compile",
    # reports: the backups are of the whole archive (tests/reports/test_jobs.py, test_safeguards.py)
    "backup_request": "a backup of the whole archive: refused without reports.run_backup",
    "backup_for_operation": "the backup before a risky operation, whose service checks its actor",
}

# modules of helpers the services call (a timeline line, a history stamp, a gate), not services
HELPERS = {"common.py", "timeline.py", "permissions.py"}


def _app_modules():
    """Every module of the apps that hold dossiers, wherever a concept keeps its services."""
    base = Path(settings.BASE_DIR)
    for app in ("customers", "records", "documents", "lending", "destruction", "reports"):
        for path in sorted((base / app).rglob("*.py")):
            relative = path.relative_to(base)
            if {"migrations", "management"} & set(relative.parts) or path.name in HELPERS:
                continue
            yield relative.as_posix(), path


def _service_names():
    for module, path in _app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
                if "actor" in names:
                    if module.startswith("documents/") and node.name == "inspection_record":
                        yield "inspection_record@documents"
                    else:
                        yield node.name


def test_every_service_is_asked_of_the_gate():
    missing = set(_service_names()) - set(_calls()) - set(NOT_ABOUT_A_DOSSIER)
    assert not missing, f"add these services to the gate test: {sorted(missing)}"


def _snapshot():
    counts = {}
    for label in ("customers", "records", "documents", "lending", "destruction"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    from core.models import Notification

    counts["core.Notification"] = Notification.objects.count()
    return counts


@pytest.mark.parametrize("name", sorted(_calls()))
def test_a_service_refuses_a_dossier_the_actor_may_not_see__R17(name, secret):
    role, call = _calls()[name]
    if name in _destruction_calls():
        secret.update(_destruction(secret))
    actor = role() if callable(role) else user_with_role(role)
    assert not permissions.can_view_dossier(actor, secret["dossier"])
    before = _snapshot()
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED).count()
    with pytest.raises(PermissionDenied):
        call(secret, actor)
    after = _snapshot()
    # what the call's own preparation made (a record to act on) is not a write of the service
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    made = {k for k, (b, a) in changed.items() if a == b + 1 and k.startswith("records.")}
    assert set(changed) <= made | {f"records.Historical{k.split('.')[1]}" for k in made}, changed
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).count() > denied
    assert ChangeRequest.objects.filter(status=ChangeRequest.Status.REQUESTED).count() == 1
