"""The approvals inbox's rows (``records/approvals/approval_list.html``), written in Python:
core.fast_html says why. One tag a section; each row names its dossier, its record and who
asked, and marks the user's own request when the user decides that section."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.fast_html import date_maker, text, url_maker
from core.templatetags.core_tags import yuan
from records.apps import RECORDS
from records.models import Application, Deposit, Renovation

register = template.Library()


def _url(model):
    return url_maker(RECORDS[model._meta.label_lower][0])


def _dossier(item):
    customer = (
        f'<div class="small text-body-secondary">{text(item.section.customer.name)}</div>'
        if item.section
        else ""
    )
    return f'<td class="text-nowrap">{text(item.dossier.archive_number)}{customer}</td>'


def _who(user, own):
    name = (user.get_full_name() or user.username) if user else ""
    return f'<td class="small">{text(name) if name else "—"}{own}</td>'


def _own_badge(decides):
    if not decides:
        return ""
    return (
        ' <span class="badge text-bg-light border" data-testid="own">'
        f"{text(gettext('yours: another manager decides'))}</span>"
    )


def _row(item, cells, requester, own):
    """A row: the dossier, the section's ``cells``, who asked (with ``own`` if it was the
    user, who does not decide it)."""
    return f"<tr>{_dossier(item)}{cells}{_who(requester, own if item.own else '')}</tr>\n"


def _rows(rows, empty):
    if not rows:
        rows = [f'<tr><td colspan="6" class="text-body-secondary">{text(empty)}</td></tr>']
    return mark_safe("".join(rows))  # noqa: S308 - every value went through text()


@register.simple_tag
def deposit_rows(deposits, decides):
    url = _url(Deposit)
    own = _own_badge(decides)
    rows = []
    for d in deposits:
        if d.status == Deposit.Status.REFUND_REQUESTED:
            asked = (
                f'<span class="badge text-bg-info">{text(gettext("Refund"))}</span> '
                f"{text(yuan(d.refund_amount))}"
            )
        else:
            asked = f'<span class="badge text-bg-danger">{text(gettext("Forfeit"))}</span>'
        cells = (
            f'<td><a href="{url(d.pk)}">{text(d.get_kind_display())}</a> '
            f'<span class="font-monospace small">{text(d.receipt_number)}</span></td>'
            f'<td class="text-end text-nowrap">{text(yuan(d.amount))}</td>'
            f"<td>{asked}</td>"
            f'<td class="small">{text(d.settlement_reason) if d.settlement_reason else "—"}</td>'
        )
        rows.append(_row(d, cells, d.settlement_requested_by, own))
    return _rows(rows, gettext("No deposit awaits approval."))


@register.simple_tag
def renovation_rows(renovations, decides):
    long_date, short_date = date_maker("DATE_FORMAT"), date_maker("SHORT_DATE_FORMAT")
    url = _url(Renovation)
    own = _own_badge(decides)
    rows = []
    for r in renovations:
        cells = (
            f'<td><a href="{url(r.pk)}">{text(r.applicant)}</a></td>'
            f'<td class="text-nowrap">{text(long_date(r.applied_on))}</td>'
            f"<td>{text(r.contractor)}</td>"
            f'<td class="text-nowrap small">{text(short_date(r.planned_start))} – '
            f"{text(short_date(r.planned_end))}</td>"
        )
        rows.append(_row(r, cells, r.recorded_by, own))
    return _rows(rows, gettext("No renovation application awaits a decision."))


@register.simple_tag
def application_rows(applications, decides):
    long_date, short_date = date_maker("DATE_FORMAT"), date_maker("SHORT_DATE_FORMAT")
    url = _url(Application)
    own = _own_badge(decides)
    rows = []
    for a in applications:
        if a.valid_from or a.valid_until:
            start = short_date(a.valid_from) or "…"
            end = short_date(a.valid_until) or "…"
            valid = f"{text(start)} – {text(end)}"
        else:
            valid = "—"
        cells = (
            f'<td><a href="{url(a.pk)}">{text(a.get_kind_display())}</a></td>'
            f"<td>{text(a.applicant)}</td>"
            f'<td class="text-nowrap">{text(long_date(a.applied_on))}</td>'
            f'<td class="text-nowrap small">{valid}</td>'
        )
        rows.append(_row(a, cells, a.recorded_by, own))
    return _rows(rows, gettext("No application awaits a decision."))
