"""The move-in's unit picker: each unit says whether it is vacant before the form is filled,
and the labels are the same whether the options came with the page, through htmx, or with a
form re-rendered after an error."""

import re

import pytest
from django.urls import reverse

from core.roles import Role
from customers.models import Dossier

from ..factories import user_with_role
from .factories import UnitFactory, dossier_for, move_in_post, moved_in

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]+)</option>')


def _options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    return dict(OPTION.findall(select.group(1) if select else html))


def test_each_unit_says_vacant_or_occupied_and_a_re_render_keeps_the_labels(client):
    vacant = UnitFactory(entrance="2", floor=3, room="301")
    occupied = UnitFactory(building=vacant.building, entrance="2", floor=5, room="502")
    moved_in(dossier_for(occupied))
    client.force_login(user_with_role(Role.FRONT_DESK))

    by_htmx = client.get(reverse("customers:unit_options"), {"move-building": vacant.building_id})
    options = dict(OPTION.findall(by_htmx.content.decode()))
    vacant_label = str(Dossier.Status.VACANT.label)
    occupied_label = str(Dossier.Status.OCCUPIED.label)
    assert options[str(vacant.pk)].startswith("2-301")
    assert options[str(vacant.pk)].endswith(vacant_label)
    assert options[str(occupied.pk)].startswith("2-502")
    assert options[str(occupied.pk)].endswith(occupied_label)

    # a form error (no name) re-renders the page: the same labels, not the units' long names
    response = client.post(reverse("customers:move_in"), move_in_post(vacant, name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert _options(html, "id_move-unit") == options
    buildings = client.get(
        reverse("customers:unit_options"), {"move-estate": vacant.building.estate_id}
    )
    assert _options(html, "id_move-building") == dict(OPTION.findall(buildings.content.decode()))
    # what was picked is still picked
    assert re.search(rf'<option value="{vacant.pk}" selected>', html)
