"""The complaint list's rows, written in Python, say what the template they replace said."""

import datetime
import re

import pytest
from django.template import engines
from django.utils import translation

from records.complaints import services
from records.complaints.selectors import complaint_list
from records.models import Complaint
from records.templatetags.complaint_rows import complaint_rows

from .factories import COMPLAINTS_NOW as NOW
from .factories import (
    front_desk,
    manager,
    occupied_dossier,
    ready_to_close,
    record_complaint,
)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]

# the loop of records/complaints/complaint_list.html before it was written in Python
TEMPLATE = """{% load i18n %}{% for c in page_obj %}
      <tr data-testid="complaint-row">
        <td class="text-nowrap">{{ c.received_at|date:"SHORT_DATETIME_FORMAT" }}</td>
        <td class="text-nowrap"><a href="{% url 'customers:dossier_detail' c.dossier_id %}">{{ c.dossier.archive_number }}</a>{% if c.others_count %} <span class="badge text-bg-light border" title="{% translate 'Other dossiers concerned' %}">+{{ c.others_count }}</span>{% endif %}</td>
        <td><a href="{% url 'records:complaint_detail' c.pk %}">{{ c.subject }}</a>{% if c.is_major %} <span class="badge text-bg-danger">{% translate "Major" %}</span>{% endif %}{% if c.is_overdue %} <span class="badge text-bg-warning">{% translate "Overdue" %}</span>{% endif %}{% if c.is_written %} <span class="badge text-bg-light border">{% translate "Written" %}</span>{% endif %}</td>
        <td>{{ c.get_category_display }}</td>
        <td>{{ c.get_channel_display }}</td>
        <td><span class="badge {% if c.status == 'closed' %}text-bg-success{% elif c.status == 'replied' %}text-bg-info{% else %}text-bg-warning{% endif %}">{{ c.get_status_display }}</span></td>
        <td class="text-center{% if c.steps_done == steps_total %} text-success{% endif %}">{{ c.steps_done }}/{{ steps_total }}</td>
        <td class="text-center">{% if c.has_return_visit %}<i class="bi bi-check-lg text-success" aria-hidden="true"></i><span class="visually-hidden">{% translate "Yes" %}</span>{% else %}<span class="text-body-secondary">{% translate "No" %}</span>{% endif %}</td>
      </tr>
    {% empty %}
      <tr><td colspan="8" class="text-center text-body-secondary py-5">{% translate "No complaints." %}</td></tr>
    {% endfor %}"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def both(user):
    rows = list(complaint_list(user=user))
    total = len(Complaint.STEPS)
    written = complaint_rows(rows, total)
    engine = (
        engines["django"].from_string(TEMPLATE).render({"page_obj": rows, "steps_total": total})
    )
    return squeezed(written), squeezed(engine)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_what_the_template_wrote(language):
    desk, boss = front_desk(), manager()
    dossier, other = occupied_dossier()[0], occupied_dossier()[0]
    # open and overdue, written, concerning another dossier, a subject to escape
    record_complaint(
        dossier,
        desk,
        subject="漏水<b>&",
        is_written=True,
        received_at=NOW - datetime.timedelta(days=30),
        other_dossiers=[other],
    )
    # major (a fire), closed with every clear and a return visit
    closed = ready_to_close(dossier, desk, category=Complaint.Category.FIRE)
    services.complaint_close(complaint=closed, actor=boss)
    with translation.override(language):
        written, engine = both(boss)
    assert written == engine
    assert written.count("<tr") == 2
    assert "漏水&lt;b&gt;&amp;" in written and "+1</span>" in written
    assert "text-bg-success" in written and "bi-check-lg" in written


def test_no_complaints_say_so():
    with translation.override("en"):
        written, engine = both(manager())
    assert written == engine and "No complaints." in written
