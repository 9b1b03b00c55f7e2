"""Security-matrix expectations of the repair, letter and application pages and the approvals
inbox (merged in matrix.py).

Every page of a dossier or a record checks the dossier first (404 to whoever may not see it:
witness, no role, ungranted), then its own permission (403): the front desk records, managers
decide, archivists and executives read. The moves are POST only (405 to a GET)."""

import datetime

from .matrix import ANY_VIEWER, FRONT, VIEWERS, Expect, Role, dossier_page, only  # noqa: F401


def _saved(model, **fields):
    """A row saved with its history user, as the services save them."""
    obj = model(**fields)
    obj._history_user = fields["recorded_by"]
    obj.save()
    return obj


def _common(o):
    dossier = o["dossier"]
    return {"dossier": dossier, "section": o["occupancy"], "recorded_by": dossier.opened_by}


def _dossier(o):
    return {"dossier_pk": o["dossier"].pk}


def _repair(o):
    """A reported repair of the fixture's dossier, made on demand."""
    from django.utils import timezone

    from records.models import Repair

    repair = _saved(
        Repair,
        **_common(o),
        reported_by_name="王先生",
        reported_at=timezone.now() - datetime.timedelta(hours=2),
        location="厨房",
        description="水槽下水管漏水",
    )
    return {"pk": repair.pk}


def _letter(o):
    from records.models import Correspondence

    letter = _saved(
        Correspondence,
        **_common(o),
        direction=Correspondence.Direction.INCOMING,
        dated=datetime.date(2026, 1, 5),
        reference="HF-2026-001",
        counterpart="王先生",
        subject="关于车位的来函",
    )
    return {"pk": letter.pk}


def _application(o):
    """A submitted application recorded by the dossier's opener, so any manager may decide."""
    from records.models import Application

    application = _saved(
        Application,
        **_common(o),
        kind=Application.Kind.DOOR_LOCK,
        applicant="王先生",
        applied_on=datetime.date(2026, 1, 5),
        details="更换入户门锁",
    )
    return {"pk": application.pk}


EXPECTATIONS: dict[str, Expect] = {
    # repairs (报修)
    "records:repair_add": dossier_page(*FRONT, kwargs=_dossier),
    "records:repair_detail": dossier_page(*VIEWERS, kwargs=_repair),
    "records:repair_order": Expect(default=405, kwargs=_repair),  # POST only
    "records:repair_complete": Expect(default=405, kwargs=_repair),  # POST only
    "records:repair_feedback": Expect(default=405, kwargs=_repair),  # POST only
    # correspondence (往来函)
    "records:letter_add": dossier_page(*FRONT, kwargs=_dossier),
    "records:letter_detail": dossier_page(*VIEWERS, kwargs=_letter),
    # applications
    "records:application_add": dossier_page(*FRONT, kwargs=_dossier),
    "records:application_detail": dossier_page(*VIEWERS, kwargs=_application),
    "records:application_decide": Expect(default=405, kwargs=_application),  # POST only
    "records:application_withdraw": Expect(default=405, kwargs=_application),  # POST only
    # the approvals inbox: every viewer (records.view_deposit), filtered by the dossiers seen
    "records:approval_list": only(*VIEWERS, users=ANY_VIEWER),
}
