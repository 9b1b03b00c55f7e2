"""The approvals inbox's rows, written in Python, say what the template they replace said."""

import datetime
import re

import pytest
from django.template import engines
from django.utils import translation

from records.approvals.selectors import approvals_waiting
from records.models import Deposit
from records.templatetags.approval_rows import application_rows, deposit_rows, renovation_rows

from .factories import (
    manager,
    occupied_dossier,
    submitted,
    waiting_deposit,
    waiting_renovation,
)

pytestmark = pytest.mark.django_db

# the loops of records/approvals/approval_list.html before they were written in Python
TEMPLATE = """{% load i18n core_tags %}      {% for d in deposits %}
      <tr>
        <td class="text-nowrap">{{ d.dossier.archive_number }}{% if d.section %}<div class="small text-body-secondary">{{ d.section.customer.name }}</div>{% endif %}</td>
        <td><a href="{{ d.get_absolute_url }}">{{ d.get_kind_display }}</a> <span class="font-monospace small">{{ d.receipt_number }}</span></td>
        <td class="text-end text-nowrap">{{ d.amount|yuan }}</td>
        <td>{% if d.status == 'refund_requested' %}<span class="badge text-bg-info">{% translate "Refund" %}</span> {{ d.refund_amount|yuan }}{% else %}<span class="badge text-bg-danger">{% translate "Forfeit" %}</span>{% endif %}</td>
        <td class="small">{{ d.settlement_reason|default:"—" }}</td>
        <td class="small">{{ d.settlement_requested_by.get_full_name|default:d.settlement_requested_by.username|default:"—" }}{% if d.own and decides_deposits %} <span class="badge text-bg-light border" data-testid="own">{% translate "yours: another manager decides" %}</span>{% endif %}</td>
      </tr>
      {% empty %}<tr><td colspan="6" class="text-body-secondary">{% translate "No deposit awaits approval." %}</td></tr>{% endfor %}
      {% for r in renovations %}
      <tr>
        <td class="text-nowrap">{{ r.dossier.archive_number }}{% if r.section %}<div class="small text-body-secondary">{{ r.section.customer.name }}</div>{% endif %}</td>
        <td><a href="{{ r.get_absolute_url }}">{{ r.applicant }}</a></td>
        <td class="text-nowrap">{{ r.applied_on|date:"DATE_FORMAT" }}</td>
        <td>{{ r.contractor }}</td>
        <td class="text-nowrap small">{{ r.planned_start|date:"SHORT_DATE_FORMAT" }} – {{ r.planned_end|date:"SHORT_DATE_FORMAT" }}</td>
        <td class="small">{{ r.recorded_by.get_full_name|default:r.recorded_by.username }}{% if r.own and decides_renovations %} <span class="badge text-bg-light border" data-testid="own">{% translate "yours: another manager decides" %}</span>{% endif %}</td>
      </tr>
      {% empty %}<tr><td colspan="6" class="text-body-secondary">{% translate "No renovation application awaits a decision." %}</td></tr>{% endfor %}
      {% for a in applications %}
      <tr>
        <td class="text-nowrap">{{ a.dossier.archive_number }}{% if a.section %}<div class="small text-body-secondary">{{ a.section.customer.name }}</div>{% endif %}</td>
        <td><a href="{{ a.get_absolute_url }}">{{ a.get_kind_display }}</a></td>
        <td>{{ a.applicant }}</td>
        <td class="text-nowrap">{{ a.applied_on|date:"DATE_FORMAT" }}</td>
        <td class="text-nowrap small">{% if a.valid_from or a.valid_until %}{{ a.valid_from|date:"SHORT_DATE_FORMAT"|default:"…" }} – {{ a.valid_until|date:"SHORT_DATE_FORMAT"|default:"…" }}{% else %}—{% endif %}</td>
        <td class="small">{{ a.recorded_by.get_full_name|default:a.recorded_by.username }}{% if a.own and decides_applications %} <span class="badge text-bg-light border" data-testid="own">{% translate "yours: another manager decides" %}</span>{% endif %}</td>
      </tr>
      {% empty %}<tr><td colspan="6" class="text-body-secondary">{% translate "No application awaits a decision." %}</td></tr>{% endfor %}
"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def both(user, decides=True):
    waiting = {name: list(rows) for name, rows in approvals_waiting(user=user).items()}
    for deposit in waiting["deposits"]:
        deposit.own = deposit.settlement_requested_by_id == user.pk
    for item in (*waiting["renovations"], *waiting["applications"]):
        item.own = item.recorded_by_id == user.pk
    written = "".join(
        [
            deposit_rows(waiting["deposits"], decides),
            renovation_rows(waiting["renovations"], decides),
            application_rows(waiting["applications"], decides),
        ]
    )
    context = {
        **waiting,
        "decides_deposits": decides,
        "decides_renovations": decides,
        "decides_applications": decides,
    }
    engine = engines["django"].from_string(TEMPLATE).render(context)
    return squeezed(written), squeezed(engine)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("decides", [True, False])
def test_the_rows_are_what_the_template_wrote(language, decides):
    boss = manager()
    dossier = occupied_dossier()[0]
    refund = waiting_deposit(dossier)
    forfeit = waiting_deposit(dossier, status=Deposit.Status.FORFEIT_REQUESTED, n=2)
    Deposit.objects.filter(pk=forfeit.pk).update(
        settlement_reason="", settlement_requested_by=boss, receipt_number="YJ<&>"
    )
    Deposit.objects.filter(pk=refund.pk).update(section=None)
    waiting_renovation(dossier)
    submitted(dossier, valid_from=datetime.date(2026, 6, 1))
    submitted(dossier)
    with translation.override(language):
        written, engine = both(boss, decides)
    assert written == engine
    assert written.count("<tr>") == 5
    assert "YJ&lt;&amp;&gt;" in written and "¥200.00" in written
    assert ('data-testid="own"' in written) is decides


def test_nothing_waiting_says_so():
    with translation.override("en"):
        written, engine = both(manager())
    assert written == engine
    assert "No deposit awaits approval." in written and "No application awaits" in written
