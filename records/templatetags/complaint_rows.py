"""The complaint list's rows (``records/complaints/complaint_list.html``), written in Python:
core.fast_html says why."""

from django import template
from django.utils.translation import gettext

from core.fast_html import date_maker, table_rows, text, url_maker

register = template.Library()

STATUS_BADGES = {"closed": "text-bg-success", "replied": "text-bg-info"}


@register.simple_tag
def complaint_rows(complaints, steps_total):
    dossier_url = url_maker("customers:dossier_detail")
    complaint_url = url_maker("records:complaint_detail")
    short_datetime = date_maker("SHORT_DATETIME_FORMAT")
    others_title = text(gettext("Other dossiers concerned"))
    major = f' <span class="badge text-bg-danger">{text(gettext("Major"))}</span>'
    overdue = f' <span class="badge text-bg-warning">{text(gettext("Overdue"))}</span>'
    written = f' <span class="badge text-bg-light border">{text(gettext("Written"))}</span>'
    visited = (
        '<i class="bi bi-check-lg text-success" aria-hidden="true"></i>'
        f'<span class="visually-hidden">{text(gettext("Yes"))}</span>'
    )
    not_visited = f'<span class="text-body-secondary">{text(gettext("No"))}</span>'
    rows = []
    for c in complaints:
        others = (
            f' <span class="badge text-bg-light border" title="{others_title}">'
            f"+{text(c.others_count)}</span>"
            if c.others_count
            else ""
        )
        done = " text-success" if c.steps_done == steps_total else ""
        rows.append(
            '<tr data-testid="complaint-row">'
            f'<td class="text-nowrap">{text(short_datetime(c.received_at))}</td>'
            f'<td class="text-nowrap"><a href="{dossier_url(c.dossier_id)}">'
            f"{text(c.dossier.archive_number)}</a>{others}</td>"
            f'<td><a href="{complaint_url(c.pk)}">{text(c.subject)}</a>'
            f"{major if c.is_major else ''}{overdue if c.is_overdue else ''}"
            f"{written if c.is_written else ''}</td>"
            f"<td>{text(c.get_category_display())}</td>"
            f"<td>{text(c.get_channel_display())}</td>"
            f'<td><span class="badge {STATUS_BADGES.get(c.status, "text-bg-warning")}">'
            f"{text(c.get_status_display())}</span></td>"
            f'<td class="text-center{done}">{text(c.steps_done)}/{text(steps_total)}</td>'
            f'<td class="text-center">{visited if c.has_return_visit else not_visited}</td>'
            "</tr>\n"
        )
    return table_rows(rows, columns=8, empty=gettext("No complaints."))
