"""Security-matrix expectations of the complaint and visit pages (merged in matrix.py)."""

from .matrix import ANY_VIEWER, FRONT, VIEWERS, Expect, Role, dossier_page, only  # noqa: F401


def _dossier(o):
    return {"dossier_pk": o["dossier"].pk}


def _complaint(o):
    """A complaint of the fixture's dossier, made on demand."""
    import datetime

    from django.utils import timezone

    from records.models import Complaint

    dossier = o["dossier"]
    complaint = Complaint(
        dossier=dossier,
        section=o["occupancy"],
        recorded_by=dossier.opened_by,
        complainant="王先生",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.NOISE,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        subject="楼上装修噪音",
        heard="晚上十点后仍在施工",
    )
    complaint._history_user = dossier.opened_by
    complaint.save()
    return {"pk": complaint.pk}


def _visit(o):
    """A visit of the fixture's dossier, made on demand."""
    import datetime

    from records.models import Visit

    dossier = o["dossier"]
    visit = Visit(
        dossier=dossier,
        section=o["occupancy"],
        recorded_by=dossier.opened_by,
        kind=Visit.Kind.VISIT,
        visited_on=datetime.date(2026, 1, 5),
        visitor=dossier.opened_by,
        visited_person="王先生",
        purpose="年度走访",
    )
    visit._history_user = dossier.opened_by
    visit.save()
    return {"pk": visit.pk}


EXPECTATIONS: dict[str, Expect] = {
    # lists of what the user may see: every viewer, filtered by the dossiers they may see
    "records:complaint_list": only(*VIEWERS, users=ANY_VIEWER),
    "records:visit_schedule": only(*VIEWERS, users=ANY_VIEWER),
    # pages of one dossier or one record: the dossier first (404), then the permission (403)
    "records:complaint_add": dossier_page(*FRONT, kwargs=_dossier),
    "records:complaint_detail": dossier_page(*VIEWERS, kwargs=_complaint),
    "records:visit_add": dossier_page(*FRONT, kwargs=_dossier),
    "records:visit_detail": dossier_page(*VIEWERS, kwargs=_visit),
    # the moves are POST only
    "records:complaint_step": Expect(default=405, kwargs=_complaint),
    "records:complaint_report": Expect(default=405, kwargs=_complaint),
    "records:complaint_reply": Expect(default=405, kwargs=_complaint),
    "records:complaint_close": Expect(default=405, kwargs=_complaint),
}
