"""Security-matrix expectations of the loan register and clearance pages (merged in matrix.py): the
register and the report of the staff with items out are for those who see every loan (archive
room, managers, executives, the legal department); a clearance page of someone else too (one's
own is open to oneself, tests/lending/test_clearance.py).
"""

from core.roles import Role

from .matrix import Expect, only

# the legal department too: it sees the loans of the dossiers outside parties asked to read
EVERY_LOAN = (Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.LEGAL)


def _holder(o):
    """A member of staff none of the matrix's users is: the dossier's opener."""
    return {"user_pk": o["dossier"].opened_by_id}


EXPECTATIONS: dict[str, Expect] = {
    "lending:loan_register": only(*EVERY_LOAN),
    "lending:clearance_report": only(*EVERY_LOAN),
    "lending:clearance_detail": only(*EVERY_LOAN, kwargs=_holder),
}
