"""Security-matrix expectations of starting a handover from the list of a service centre's
dossiers (merged in matrix.py): the service centre's (``add_handover`` and
``change_handover``: front desk and managers, never the archive room nor the administrator);
the list holds only the dossiers the user may see."""

from .matrix import ANY_VIEWER, CENTRE, Expect, only

EXPECTATIONS: dict[str, Expect] = {
    "documents:handover_start": only(*CENTRE, users=ANY_VIEWER),
}
