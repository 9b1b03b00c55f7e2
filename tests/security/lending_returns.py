"""Security-matrix expectations of the return, incident and copy pages (merged in matrix.py).

Each page's loan is made on demand in the fixture's dossier (the level-C one for the roles, the
confidential one for "ungranted" and "granted"), borrowed by a front-desk user none of the
matrix's users is: the front desk sees only its own loans, the managers, the archive room and
the executives every loan of the dossiers they see (R17, R28)."""

from .matrix import Expect, Role, only

R = Role


def _loan(status, mode="take_out"):
    def kwargs(o):
        from customers.permissions import grant_dossier
        from tests.factories import user_with_role
        from tests.lending.factories import loan_in

        dossier = o["dossier"]
        borrower = user_with_role(Role.FRONT_DESK)
        if dossier.is_confidential:
            grant_dossier(borrower, dossier)
        loan = loan_in(status, documents=[o["document"]], borrower=borrower, mode=mode)
        return {"pk": loan.pk}

    return kwargs


def _incident(o):
    from lending.models import Incident, Loan

    loan = Loan.objects.get(pk=_loan("lost")(o)["pk"])
    item = loan.items.get()
    incident = Incident.objects.create(
        item=item,
        loan=loan,
        kind=Incident.Kind.MISSING,
        grade=Incident.Grade.MAJOR,
        description="未归还",
        responsible=loan.borrower,
        reported_by=loan.borrower,
    )
    return {"pk": incident.pk}


def _copy(o):
    from lending.models import CopyRecord, Loan

    loan = Loan.objects.get(pk=_loan("copied", mode="copy")(o)["pk"])
    copy = CopyRecord.objects.create(
        loan=loan,
        document=o["document"],
        count=1,
        holder=loan.borrower,
        purpose="核对",
        personal_data=True,
        status=CopyRecord.Status.HELD,
        made_by=loan.borrower,
    )
    return {"pk": copy.pk}


# a page of one loan behind ``lending.view_loan``: those who see every loan of the dossier
# (view_all_loans) pass the gate; the others (not the borrower) get 404
def _one_loan(ok, *, kwargs, refused=()):
    users = {r.value: 404 for r in (R.FRONT_DESK, R.ADMIN, R.LEGAL)}
    users.update({r.value: 403 for r in refused})
    users.update({r.value: 200 for r in ok})
    users.update({"ungranted": 404, "granted": 404})
    return Expect(default=403, users=users, kwargs=kwargs)


EXPECTATIONS: dict[str, Expect] = {
    # the archive room checks what came back (R25) and makes copies (R26)
    "lending:return_check": only(R.ARCHIVIST, kwargs=_loan("out")),
    "lending:copies_make": only(R.ARCHIVIST, kwargs=_loan("approved", mode="copy")),
    # the borrower confirms on their screen, or the archive room at the desk; a manager or an
    # executive who sees the loan is refused the page
    "lending:return_confirm": _one_loan(
        (R.ARCHIVIST,), refused=(R.MANAGER, R.EXECUTIVE), kwargs=_loan("return_checked")
    ),
    "lending:return_check_again": Expect(default=405, kwargs=_loan("return_checked")),
    # incidents (R24): the managers' list; one incident to whoever sees its loan
    "lending:incident_list": only(R.MANAGER),
    "lending:incident_detail": _one_loan((R.MANAGER, R.ARCHIVIST, R.EXECUTIVE), kwargs=_incident),
    # the register of copies: every holder of the view permission, filtered by the loans seen
    "lending:copy_list": only(
        R.FRONT_DESK,
        R.MANAGER,
        R.ARCHIVIST,
        R.EXECUTIVE,
        R.LEGAL,
        R.ADMIN,
        users={"ungranted": 200, "granted": 200},
    ),
    "lending:copy_close": Expect(default=405, kwargs=_copy),
}
