"""The dossier cover's catalog as printed from the dossier (R6, R12): every line numbered in
the catalog's order, and the secrecy level's whole name in a column wide enough for it."""

import datetime

import pytest
from django.urls import reverse

from core.roles import Role

from ..customers.factories import moved_in
from ..factories import user_with_role
from .factories import document_for
from .test_pdf import pages_text

pytestmark = pytest.mark.django_db


def test_the_cover_s_catalog_numbers_every_line_and_names_the_secrecy__R6__R12(client):
    dossier = moved_in().dossier
    front = user_with_role(Role.FRONT_DESK)
    for n, title in enumerate(["入伙登记表", "装修申请表", "身份证复印件"]):
        document_for(dossier, actor=front, title=title, document_date=datetime.date(2024, 3, 1 + n))
    client.force_login(user_with_role(Role.MANAGER))
    response = client.get(reverse("documents:dossier_cover_pdf", args=[dossier.pk]))
    assert response.status_code == 200
    catalog = "\n".join(pages_text(response.content)[1:])
    cells = [line.strip() for line in catalog.splitlines() if line.strip()]
    # newest first, each line begins with its number, unfiled documents too
    titles = ["身份证复印件", "装修申请表", "入伙登记表"]
    assert [cells[cells.index(title) - 1] for title in titles] == ["1", "2", "3"], catalog
    # the whole name of the level on one line of its cell, the header's too
    assert cells.count("C级（公司内部）") == 3, catalog
    assert "原件/复印件" in cells, catalog
