"""Security-matrix expectations of the front desk's look-up of a paper's place (merged in
matrix.py): whoever may see documents opens it; the rows are those of the dossiers they may see
(a confidential one only with its sight), so a front-desk user not granted on the confidential
dossier opens the page too."""

from .matrix import DOC_READERS, Expect, only

EXPECTATIONS: dict[str, Expect] = {
    "documents:location_find": only(*DOC_READERS, users={"ungranted": 200, "granted": 200}),
}
