"""The arrears page's rows, written in Python, say what the template they replace said."""

import datetime
import re

import pytest
from django.template import engines
from django.utils import translation

from customers.models import Customer
from records.finance import selectors
from records.templatetags.arrears_rows import arrears_rows

from .test_balances import TODAY, charge, mixed_archive

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 2, 0))]

# the loop of records/finance/arrears_list.html before it was written in Python
TEMPLATE = """{% load i18n core_tags %}{% for row in page_obj %}
      <tr>
        <td><a href="{% url 'customers:dossier_detail' row.dossier_id %}">{{ row.archive_number }}</a></td>
        <td>{{ row.unit }}</td>
        <td>{{ row.occupants|join:"、"|default:"—" }}</td>
        <td class="text-end">{{ row.periods }}</td>
        <td>{{ row.oldest_period }} <span class="text-body-secondary small">({% translate "due" %} {{ row.oldest_due|date:"SHORT_DATE_FORMAT" }})</span></td>
        <td class="text-end fw-semibold text-danger">{{ row.total|yuan }}</td>
      </tr>
    {% empty %}
      <tr><td colspan="6" class="text-center text-body-secondary py-5">{% translate "No arrears." %}</td></tr>
    {% endfor %}"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def both(user, on=TODAY):
    page, _summary = selectors.arrears_page(user=user, on=on, per_page=25)
    written = arrears_rows(page)
    engine = engines["django"].from_string(TEMPLATE).render({"page_obj": page})
    return squeezed(written), squeezed(engine)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_what_the_template_wrote(front_desk, language):
    owing, _secret = mixed_archive(front_desk)
    Customer.objects.filter(occupancies__dossier=owing[0]).update(name="王<b>&")
    charge(owing[1], front_desk, "2026-06", datetime.date(2026, 6, 1), "1234567.80")
    with translation.override(language):
        written, engine = both(front_desk)
    assert written == engine
    assert written.count("<tr>") == 3
    assert "王&lt;b&gt;&amp;" in written and "¥1,234,617.80" in written


def test_no_arrears_say_so(front_desk):
    with translation.override("en"):
        written, engine = both(front_desk)
    assert written == engine and "No arrears." in written
