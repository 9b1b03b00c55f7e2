"""A dossier with a verified occupant, the people who work on it, and each record concept's
builders (renovations, complaints, repairs, letters, applications)."""

import datetime
import zoneinfo
from decimal import Decimal

from core.roles import Role
from records.applications import services as applications
from records.common import current_section
from records.complaints import services as complaints
from records.letters import services as letters
from records.models import (
    Application,
    Complaint,
    Correspondence,
    Deposit,
    Renovation,
    Violation,
    Visit,
)
from records.renovations import services as renovations
from records.repairs import services as repairs
from tests.customers.factories import dossier_for, moved_in
from tests.factories import user_with_role


def occupied_dossier(*, secrecy="C", day=datetime.date(2024, 3, 1)):
    """(dossier, section): a dossier whose owner has moved in and been verified."""
    dossier = dossier_for(secrecy=secrecy)
    section = moved_in(dossier, day=day)
    return dossier, section


def front_desk():
    return user_with_role(Role.FRONT_DESK)


def manager():
    return user_with_role(Role.MANAGER)


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# the frozen moments the builders' defaults are written for
COMPLAINTS_NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
COMPLAINTS_TODAY = COMPLAINTS_NOW.date()
REQUESTS_NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=SHANGHAI)


# --- Renovations and violations ----------------------------------------------------------
def application(**overrides):
    data = {
        "applicant": "张伟",
        "applied_on": datetime.date(2026, 5, 10),
        "scope": "厨房、卫生间改造，不动承重墙",
        "contractor": "深圳市美家装饰工程有限公司",
        "contractor_licence": "D244030123",
        "contractor_contact": "王师傅",
        "contractor_phone": "13812345678",
        "planned_start": datetime.date(2026, 5, 15),
        "planned_end": datetime.date(2026, 7, 31),
        "deposit_amount": None,
        "deposit_receipt": "",
    }
    return {**data, **overrides}


def applied(dossier=None, recorder=None, **overrides):
    dossier = dossier or occupied_dossier()[0]
    return renovations.renovation_apply(
        dossier=dossier, data=application(**overrides), actor=recorder or front_desk()
    )


def approved(renovation=None, decider=None, **kwargs):
    renovation = renovation or applied()
    return renovations.renovation_decide(
        renovation=renovation, approve=True, actor=decider or manager(), **kwargs
    )


def in_progress(renovation=None):
    renovation = approved(renovation)
    return renovations.renovation_start(
        renovation=renovation, started_on=datetime.date(2026, 5, 16), actor=front_desk()
    )


def inspection(renovation, *, result="passed", violation=None, actor=None):
    return renovations.inspection_record(
        renovation=renovation,
        data={
            "inspected_on": datetime.date(2026, 5, 18),
            "inspector": "李工",
            "result": result,
            "findings": "" if result == "passed" else "拆除了非承重墙以外的隔墙",
        },
        violation=violation,
        actor=actor or front_desk(),
    )


FOUND = {
    "category": Violation.Category.STRUCTURE,
    "description": "擅自拆改阳台墙体",
    "notice_number": "ZG-2026-007",
    "rectify_by": datetime.date(2026, 6, 1),
}


def renovation_form_data(**overrides):
    data = {
        "applicant": "张伟",
        "applied_on": "2026-05-10",
        "scope": "厨房改造",
        "contractor": "深圳市美家装饰工程有限公司",
        "contractor_licence": "D244030123",
        "contractor_contact": "王师傅",
        "contractor_phone": "13812345678",
        "planned_start": "2026-05-15",
        "planned_end": "2026-07-31",
        "deposit_amount": "3000",
        "deposit_receipt": "YJ-0009",
    }
    return {**data, **overrides}


# --- Complaints and return visits --------------------------------------------------------
def complaint_data(**overrides):
    return {
        "complainant": "王先生",
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.NOISE,
        "received_at": COMPLAINTS_NOW - datetime.timedelta(hours=1),
        "subject": "楼上装修噪音",
        "heard": "晚上十点后仍在施工，影响休息",
        "is_written": False,
        "households": 1,
        "other_dossiers": [],
        **overrides,
    }


def record_complaint(dossier, actor, **overrides):
    return complaints.complaint_record(
        dossier=dossier, data=complaint_data(**overrides), actor=actor
    )


def fill_steps(complaint, actor, steps=Complaint.STEPS):
    for step in steps:
        if step != "heard":
            complaints.complaint_step(
                complaint=complaint, step=step, note=f"{step} 完成", actor=actor
            )
    complaint.refresh_from_db()
    return complaint


def return_visit(complaint, actor, dossier=None, **overrides):
    data = {
        "kind": Visit.Kind.RETURN_VISIT,
        "method": Visit.Method.PHONE,
        "visited_on": COMPLAINTS_TODAY,
        "visitor": actor,
        "visited_person": "王先生",
        "purpose": "投诉回访",
        "notes": "对处理结果满意",
        "satisfaction": 5,
        "complaint": complaint,
        "repair": None,
        **overrides,
    }
    return complaints.visit_record(dossier=dossier or complaint.dossier, data=data, actor=actor)


def ready_to_close(dossier, actor, **overrides):
    """A complaint with its five clears, handled, with a return visit."""
    complaint = fill_steps(record_complaint(dossier, actor, **overrides), actor)
    if complaint.is_written:
        complaints.complaint_reply(
            complaint=complaint,
            written_reply="已书面答复",
            replied_on=COMPLAINTS_TODAY,
            reply_reference="HF-001",
            actor=actor,
        )
    else:
        complaints.complaint_mark_handled(complaint=complaint, actor=actor)
    return_visit(complaint, actor)
    complaint.refresh_from_db()
    return complaint


# --- Repairs, letters, applications and the approvals inbox ------------------------------
def reported(dossier=None, actor=None, **overrides):
    dossier = dossier or occupied_dossier()[0]
    data = {
        "reported_by_name": "王先生",
        "reported_at": REQUESTS_NOW - datetime.timedelta(hours=3),
        "location": "厨房",
        "description": "水槽下水管漏水",
        **overrides,
    }
    return repairs.repair_report(dossier=dossier, data=data, actor=actor or front_desk())


def ordered(repair=None, **kwargs):
    kwargs.setdefault("assigned_to", "李师傅")
    return repairs.repair_order(repair=repair or reported(), actor=front_desk(), **kwargs)


def completed(repair=None, **kwargs):
    kwargs.setdefault("completed_at", REQUESTS_NOW - datetime.timedelta(hours=1))
    kwargs.setdefault("work_done", "更换下水管及密封圈")
    return repairs.repair_complete(repair=repair or ordered(), actor=front_desk(), **kwargs)


def closed(repair=None, **kwargs):
    kwargs.setdefault("satisfaction", 5)
    kwargs.setdefault("feedback", "维修及时")
    return repairs.repair_feedback(repair=repair or completed(), actor=front_desk(), **kwargs)


def letter(dossier=None, actor=None, **overrides):
    dossier = dossier or occupied_dossier()[0]
    data = {
        "direction": Correspondence.Direction.INCOMING,
        "dated": datetime.date(2026, 5, 12),
        "reference": "LH-2026-031",
        "counterpart": "王先生",
        "subject": "关于地下车位的来函",
        "summary": "申请租用地下车位一个",
        "in_reply_to": None,
        **overrides,
    }
    return letters.letter_record(dossier=dossier, data=data, actor=actor or front_desk())


def submitted(dossier=None, actor=None, **overrides):
    dossier = dossier or occupied_dossier()[0]
    data = {
        "kind": Application.Kind.DOOR_LOCK,
        "applicant": "王先生",
        "applied_on": datetime.date(2026, 5, 18),
        "details": "更换入户门锁芯",
        "valid_from": None,
        "valid_until": None,
        **overrides,
    }
    return applications.application_submit(dossier=dossier, data=data, actor=actor or front_desk())


def _saved(model, **fields):
    obj = model(**fields)
    obj._history_user = fields["recorded_by"]
    obj.save()
    return obj


def waiting_deposit(dossier, *, status=Deposit.Status.REFUND_REQUESTED, n=1):
    recorder = dossier.opened_by
    return _saved(
        Deposit,
        dossier=dossier,
        section=current_section(dossier),
        recorded_by=recorder,
        kind=Deposit.Kind.KEYS,
        payer="王先生",
        amount=Decimal("200"),
        received_on=datetime.date(2025, 1, 1),
        receipt_number=f"YJ-{dossier.pk}-{n}-{status}",
        status=status,
        refund_amount=Decimal("200") if status == Deposit.Status.REFUND_REQUESTED else None,
        settlement_reason="退还钥匙",
        settlement_requested_by=recorder,
    )


def waiting_renovation(dossier, status=Renovation.Status.APPLIED):
    return _saved(
        Renovation,
        dossier=dossier,
        section=current_section(dossier),
        recorded_by=dossier.opened_by,
        applicant="张伟",
        applied_on=datetime.date(2026, 5, 10),
        scope="厨房改造",
        contractor="美家装饰",
        contractor_licence="D244030123",
        planned_start=datetime.date(2026, 6, 1),
        planned_end=datetime.date(2026, 6, 30),
        status=status,
    )
