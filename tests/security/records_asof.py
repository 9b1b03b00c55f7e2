"""Security-matrix expectations of this group of records pages (merged in matrix.py): the
dossier as of a chosen day, a page of the dossier open to every role that may see it."""

from .matrix import VIEWERS, Expect, dossier_page


def _dossier(o):
    return {"pk": o["dossier"].pk}


EXPECTATIONS: dict[str, Expect] = {
    "records:dossier_as_of": dossier_page(*VIEWERS, kwargs=_dossier),
}
