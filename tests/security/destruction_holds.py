"""Security-matrix expectations of the legal holds' pages (merged in matrix.py).

Holds are seen by whoever holds ``view_hold`` (every role but "no role"), only those of the
dossiers and documents they may see (R17); they are placed and lifted by managers and the
legal department (``place_hold``), on a dossier they may see: the legal department has no
sight of the fixture's dossier, so it gets the same 404 as for a missing one."""

from core.roles import Role

from .matrix import Expect, dossier_page, only


def _dossier(o):
    return {"dossier_pk": o["dossier"].pk}


def _hold(o):
    """A hold in force on the fixture's dossier, placed by its opener (none of the matrix's
    users)."""
    from destruction.models import Hold

    dossier = o["dossier"]
    hold = Hold.objects.create(dossier=dossier, reason="诉讼取证", placed_by=dossier.opened_by)
    return {"pk": hold.pk}


def _lift():
    """403 without ``place_hold``; 404 to the legal department, who may lift holds but not
    see this dossier; 200 to the manager."""
    users = {r.value: 403 for r in Role}
    users.update({Role.MANAGER.value: 200, Role.LEGAL.value: 404})
    return Expect(default=403, users=users, kwargs=_hold)


EXPECTATIONS: dict[str, Expect] = {
    "destruction:hold_list": only(*(r for r in Role), users={"ungranted": 200, "granted": 200}),
    # the dossier first (404 to whoever may not see it), then the right to place holds
    "destruction:hold_place": dossier_page(Role.MANAGER, kwargs=_dossier),
    "destruction:hold_lift": _lift(),
}
