"""Security-matrix expectations of the loan register and clearance pages (merged in
matrix.py): the register and the report of the staff with items out are for those who see
every loan (archive room, managers, executives); a clearance page of someone else too (one's
own is open to oneself, tests/lending/test_clearance.py)."""

from core.roles import Role

from .matrix import Expect, only

EVERY_LOAN = (Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE)


EXPECTATIONS: dict[str, Expect] = {
    "lending:loan_register": only(*EVERY_LOAN),
}
