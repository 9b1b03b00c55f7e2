"""Security-matrix expectations of the loan pages (merged in matrix.py).

A loan is seen through its dossier (R17): the borrower and whoever registered it, and the
holders of ``view_all_loans`` (managers, the archive room, executives). The fixture's loans
(``matrix_objects``) are borrowed by a front-desk user none of the matrix's roles is, and, in
the confidential dossier, by "granted"."""

from core.roles import Role

from .matrix import Expect, dossier_page, only

ALL_LOANS = (Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE)


def _dossier(o):
    return {"dossier_pk": o["dossier"].pk}


def _loan(o):
    return {"pk": o["loan"].pk}


def _loan_move(o):
    return {"pk": o["loan"].pk, "move": "approve"}


def _renewal_move(o):
    return {"pk": 0, "move": "approve"}  # POST only: answered before any lookup


def loan_page():
    """403 without ``view_loan`` (witness, no role); 404 to whoever may not see this loan:
    another front-desk user's, the administrator (own loans only), the legal department (no
    sight of the dossier), "ungranted"; 200 to those who see every loan and to its borrower."""
    users = {r.value: 200 for r in ALL_LOANS}
    users.update(
        {
            Role.FRONT_DESK.value: 404,
            Role.ADMIN.value: 404,
            Role.LEGAL.value: 404,
            "ungranted": 404,
            "granted": 200,  # the confidential loan's borrower
        }
    )
    return Expect(default=403, users=users, kwargs=_loan)


EXPECTATIONS: dict[str, Expect] = {
    # a loan request: whoever may see the dossier and ask for loans (not the administrator)
    "lending:loan_request": dossier_page(
        Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, kwargs=_dossier
    ),
    # an outside party's reading (R20): the notice becomes a document of the dossier
    "lending:loan_request_outside": dossier_page(
        Role.FRONT_DESK, Role.MANAGER, Role.ARCHIVIST, kwargs=_dossier
    ),
    "lending:loan_detail": loan_page(),
    "lending:loan_move": Expect(default=405, kwargs=_loan_move),  # POST only
    "lending:renewal_move": Expect(default=405, kwargs=_renewal_move),  # POST only
    "lending:my_loans": only(
        Role.FRONT_DESK,
        Role.MANAGER,
        Role.ARCHIVIST,
        Role.EXECUTIVE,
        users={"ungranted": 200, "granted": 200},
    ),
    # managers (R22) and the legal department (R20); never the administrator (segregation)
    "lending:approval_queue": only(Role.MANAGER, Role.LEGAL),
    "lending:desk": only(Role.ARCHIVIST),
}
