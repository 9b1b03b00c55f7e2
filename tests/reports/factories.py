"""The facts the statistics count, put straight into the tables at chosen moments (no service
runs: the services stamp "now"), so each test can place them on either side of a year's or a
month's boundary in Asia/Shanghai time."""

import datetime
import itertools
import zoneinfo

from core.roles import Role
from customers.models import Occupancy
from destruction.models import Batch, BatchItem, Decision
from documents.models import Document, Handover, HandoverItem
from lending.models import Loan, Notice
from records.models import Complaint, Visit

from ..customers.factories import (
    BuildingFactory,
    CustomerFactory,
    EstateFactory,
    ServiceCentreFactory,
    UnitFactory,
    dossier_for,
    moved_in,
)
from ..documents.factories import PDF, document_for, upload
from ..factories import user_with_role
from ..lending.factories import loan_in

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(*parts):
    """A moment in Asia/Shanghai: at(2025, 1, 1, 0, 0, 30)."""
    return datetime.datetime(*parts, tzinfo=SH)


def centre_with_estate(code, name=None):
    centre = ServiceCentreFactory(code=code, name=name or f"{code}服务中心")
    estate = EstateFactory(service_centre=centre, code=f"E{code}", name=f"{code}花园")
    return centre, estate


def dossier_in(estate, *, secrecy="C"):
    unit = UnitFactory(building=BuildingFactory(estate=estate))
    return dossier_for(unit, secrecy=secrecy)


def clerk():
    return user_with_role(Role.FRONT_DESK)


def moved_out(dossier, day, *, by=None):
    """A closed section of ``dossier``, moved out on ``day``."""
    number = dossier.occupancies.order_by("-section_number").first() or None
    section = (number.section_number + 1) if number else 1
    return Occupancy.objects.create(
        dossier=dossier,
        customer=CustomerFactory(),
        role=Occupancy.Role.OWNER,
        section_number=section,
        status=Occupancy.Status.MOVED_OUT,
        moved_in=datetime.date(2000, 1, 1),
        moved_out=day,
        recorded_by=by or clerk(),
    )


def filed(dossier, moment, **data):
    document = document_for(dossier, **data)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.FILED, filed_at=moment)
    return document


def handed_over(centre, documents, *, signed, missing=(), by=None):
    """A completed handover of ``centre``: ``documents`` accepted, ``missing`` not; the later
    of the two signatures at ``signed``."""
    by = by or clerk()
    handover = Handover.objects.create(
        service_centre=centre,
        period=f"P{next(_numbers)}",
        status=Handover.Status.COMPLETED,
        prepared_by=by,
        centre_signed_at=signed - datetime.timedelta(hours=2),
        archive_signed_at=signed,
    )
    for document in documents:
        HandoverItem.objects.create(
            handover=handover, document=document, result=HandoverItem.Result.ACCEPTED
        )
    for document in missing:
        HandoverItem.objects.create(
            handover=handover, document=document, result=HandoverItem.Result.MISSING
        )
    return handover


def appraised(approved_at, items, *, by=None):
    """A batch approved at ``approved_at`` with ``items``: (document, decision, destroyed at)."""
    by = by or user_with_role(Role.ARCHIVIST)
    batch = Batch.objects.create(
        title="鉴定",
        created_by=by,
        status=Batch.Status.COMPLETED,
        approved_at=approved_at,
        number=f"XH-T{next(_numbers):04d}",
    )
    for document, decision, destroyed_at in items:
        BatchItem.objects.create(
            batch=batch,
            document=document,
            dossier=document.dossier,
            decision=decision,
            state=BatchItem.State.DESTROYED if destroyed_at else BatchItem.State.BLOCKED,
            destroyed_at=destroyed_at,
            open=False,
            archive_number=document.dossier.archive_number,
            title=document.title,
            category_name="资料",
            document_date=document.document_date,
            carrier=document.carrier,
        )
    return batch


def lent(dossier, moment):
    loan = loan_in(Loan.Status.RETURNED, documents=[document_for(dossier)])
    Loan.objects.filter(pk=loan.pk).update(handed_out_at=moment)
    return loan


def notice(loan, level, day, period=0):
    return Notice.objects.create(loan=loan, period=period, level=level, day=day)


def complaint(dossier, received, *, category=Complaint.Category.NOISE, closed=None, **fields):
    """A complaint received at ``received``, closed at ``closed`` when given."""
    fields.setdefault("is_major", category in Complaint.MAJOR_CATEGORIES)
    return Complaint.objects.create(
        dossier=dossier,
        recorded_by=clerk(),
        complainant="王先生",
        channel=Complaint.Channel.PHONE,
        category=category,
        received_at=received,
        subject=f"投诉{next(_numbers)}",
        status=Complaint.Status.CLOSED if closed else Complaint.Status.OPEN,
        closed_at=closed,
        **fields,
    )


def visited(complaint, day):
    return Visit.objects.create(
        dossier=complaint.dossier,
        recorded_by=complaint.recorded_by,
        kind=Visit.Kind.RETURN_VISIT,
        visited_on=day,
        visitor=complaint.recorded_by,
        visited_person="王先生",
        complaint=complaint,
        purpose="投诉回访",
    )


# --- a little of everything the archive holds, with stored files (the backups) ---
def seeded(documents=2):
    """A dossier with its customer and ``documents`` documents, each with a stored file."""
    dossier = dossier_for()
    moved_in(dossier, CustomerFactory())
    clerk = user_with_role(Role.FRONT_DESK)
    docs = [
        document_for(
            dossier,
            actor=clerk,
            upload=upload(f"scan{i}.pdf", PDF + f"%{i}\n".encode(), "application/pdf"),
            title=f"资料{i}",
        )
        for i in range(documents)
    ]
    return dossier, docs


def admin_user(**kwargs):
    return user_with_role(Role.ADMIN, **kwargs)


__all__ = [
    "Decision",
    "admin_user",
    "seeded",
    "Notice",
    "appraised",
    "at",
    "centre_with_estate",
    "complaint",
    "dossier_in",
    "filed",
    "handed_over",
    "lent",
    "moved_out",
    "notice",
    "visited",
]
