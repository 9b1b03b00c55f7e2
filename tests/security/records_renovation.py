"""Security-matrix expectations of this group of records pages (merged in matrix.py):
secondary renovations (二装), their inspections, and violations (违规).

Every page checks the dossier first (404 to whoever may not see it: witness, no role,
ungranted), then its own permission (403): the front desk records, managers decide and
accept, archivists and executives read."""

import datetime

from .matrix import FRONT, VIEWERS, Expect, Role, dossier_page, only  # noqa: F401

# records.approve_renovation: managers only; the administrator lost it (segregation of duties)
DECIDERS = (Role.MANAGER,)


def _saved(model, **fields):
    """A row saved with its history user, as the services save them."""
    obj = model(**fields)
    obj._history_user = fields["recorded_by"]
    obj.save()
    return obj


def _renovation(status="applied", **fields):
    """A renovation of the fixture's dossier in ``status``, recorded by the dossier's opener
    (a front-desk user), so that any manager may decide on it."""

    def make(o):
        from records.models import Renovation

        dossier = o["dossier"]
        values = dict(fields)
        if status in ("in_progress", "accepted"):
            values.setdefault("permit_number", f"ZX-2024-{dossier.pk:04d}")
            values.setdefault("started_on", datetime.date(2024, 4, 1))
        return _saved(
            Renovation,
            dossier=dossier,
            section=o["occupancy"],
            recorded_by=dossier.opened_by,
            applicant="张伟",
            applied_on=datetime.date(2024, 3, 10),
            scope="厨房改造",
            contractor="深圳市美家装饰工程有限公司",
            contractor_licence="D244030123",
            contractor_phone="13612345678",  # personal data: masked on every page (R16)
            planned_start=datetime.date(2024, 4, 1),
            planned_end=datetime.date(2024, 6, 30),
            status=status,
            **values,
        )

    return make


def _renovation_pk(status="applied"):
    def kwargs(o):
        return {"pk": _renovation(status)(o).pk}

    return kwargs


def _inspection(o):
    from records.models import RenovationInspection

    renovation = _renovation("in_progress")(o)
    inspection = _saved(
        RenovationInspection,
        dossier=renovation.dossier,
        section=renovation.section,
        recorded_by=renovation.recorded_by,
        renovation=renovation,
        inspected_on=datetime.date(2024, 4, 15),
        inspector="李工",
        result="passed",
    )
    return {"pk": inspection.pk}


def _violation(o):
    from records.models import Violation

    dossier = o["dossier"]
    violation = _saved(
        Violation,
        dossier=dossier,
        section=o["occupancy"],
        recorded_by=dossier.opened_by,
        category="noise",
        occurred_on=datetime.date(2024, 5, 1),
        description="夜间施工噪音",
    )
    return {"pk": violation.pk}


def _dossier_add(o):
    return {"dossier_pk": o["dossier"].pk}


def _redirect_page(*roles, kwargs):
    """A page that sends viewers on to another page (302), after the same checks."""
    expect = dossier_page(*roles, kwargs=kwargs)
    expect.users = {
        who: 302 if outcome == 200 else outcome for who, outcome in expect.users.items()
    }
    return expect


EXPECTATIONS: dict[str, Expect] = {
    "records:renovation_add": dossier_page(*FRONT, kwargs=_dossier_add),
    "records:renovation_detail": dossier_page(*VIEWERS, kwargs=_renovation_pk()),
    "records:renovation_decide": dossier_page(*DECIDERS, kwargs=_renovation_pk("applied")),
    "records:renovation_start": Expect(default=405, kwargs=_renovation_pk("approved")),  # POST
    "records:inspection_add": dossier_page(*FRONT, kwargs=_renovation_pk("in_progress")),
    "records:renovation_accept": dossier_page(*DECIDERS, kwargs=_renovation_pk("in_progress")),
    "records:renovation_detail_by_inspection": _redirect_page(*VIEWERS, kwargs=_inspection),
    "records:violation_add": dossier_page(*FRONT, kwargs=_dossier_add),
    "records:violation_detail": dossier_page(*VIEWERS, kwargs=_violation),
    "records:violation_rectify": Expect(default=405, kwargs=_violation),  # POST only
}
