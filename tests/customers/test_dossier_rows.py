"""The dossier list's rows, written in Python, say what the template they replace said."""

import re

import pytest
from django.template import engines
from django.utils import translation

from core.roles import Role
from customers import selectors
from customers.models import Occupancy
from customers.permissions import grant_dossier
from customers.templatetags.dossier_rows import dossier_rows
from tests.customers.factories import (
    CustomerFactory,
    EstateFactory,
    UnitFactory,
    dossier_for,
    moved_in,
)
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

# the loop of customers/partials/dossier_rows.html before it was written in Python
TEMPLATE = """{% load i18n %}{% for dossier in page_obj %}
        {% with unit=dossier.unit %}
        <tr>
          <td class="text-nowrap"><a class="fw-semibold" href="{% url 'customers:dossier_detail' dossier.pk %}">{{ dossier.archive_number }}</a></td>
          <td>{{ unit.building.estate.name }}</td>
          <td>{{ unit.building.number }}</td>
          <td class="text-end">{{ unit.floor }}</td>
          <td>{% if unit.entrance %}{{ unit.entrance }}-{% endif %}{{ unit.room }}</td>
          <td>{% for o in dossier.current_occupancies %}<span class="me-2">{{ o.customer.name }}<span class="text-body-secondary small">（{{ o.get_role_display }}）</span></span>{% empty %}<span class="text-body-secondary">—</span>{% endfor %}</td>
          <td><span class="badge {{ dossier.status_badge }}">{{ dossier.get_status_display }}</span></td>
          <td><span class="badge {% if dossier.is_confidential %}text-bg-danger{% else %}text-bg-light border{% endif %}">{{ dossier.get_secrecy_level_display }}</span></td>
        </tr>
        {% endwith %}
      {% empty %}
        <tr><td colspan="8" class="text-center text-body-secondary py-5"><i class="bi bi-folder-x me-2"></i>{% translate "No dossiers match." %}</td></tr>
      {% endfor %}"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def page(user):
    return selectors.dossier_search_page(user=user, number=None, per_page=25)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_what_the_template_wrote(language):
    estate = EstateFactory(name="锦绣<家园>&")
    plain = dossier_for(UnitFactory(building__estate=estate, entrance="", room="1201"))
    moved_in(plain, CustomerFactory(name="王<b>秀</b>"))
    moved_in(plain, CustomerFactory(name="李四"), role=Occupancy.Role.TENANT)
    secret = dossier_for(UnitFactory(entrance="2", room="0301"), secrecy="B")  # no occupant
    manager = user_with_role(Role.MANAGER)
    grant_dossier(manager, secret)
    with translation.override(language):
        rows = page(manager)
        written = dossier_rows(rows)
        engine = engines["django"].from_string(TEMPLATE).render({"page_obj": page(manager)})
    assert squeezed(written) == squeezed(engine)
    assert "锦绣&lt;家园&gt;&amp;" in written and "王&lt;b&gt;秀&lt;/b&gt;" in written
    assert written.count("<tr>") == 2 and "text-bg-danger" in written and "2-0301" in written


def test_no_dossier_says_so_in_the_reader_language():
    manager = user_with_role(Role.MANAGER)
    with translation.override("en"):
        assert "No dossiers match." in dossier_rows(page(manager))
        page_html = engines["django"].from_string(TEMPLATE).render({"page_obj": page(manager)})
        assert squeezed(dossier_rows(page(manager))) == squeezed(page_html)


def test_the_list_page_shows_the_rows(client):
    dossier = dossier_for()
    client.force_login(user_with_role(Role.MANAGER))
    response = client.get("/dossiers/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'href="/dossiers/{dossier.pk}/"' in response.content.decode()
