"""The arrears page's rows (``records/finance/arrears_list.html``), written in Python:
core.fast_html says why."""

from django import template
from django.utils.translation import gettext

from core.fast_html import date_maker, table_rows, text, url_maker
from core.templatetags.core_tags import yuan

register = template.Library()


@register.simple_tag
def arrears_rows(rows):
    url = url_maker("customers:dossier_detail")
    due = text(gettext("due"))
    short_date = date_maker("SHORT_DATE_FORMAT")
    out = []
    for row in rows:
        occupants = "、".join(text(name) for name in row["occupants"]) or "—"
        out.append(
            "<tr>"
            f'<td><a href="{url(row["dossier_id"])}">{text(row["archive_number"])}</a></td>'
            f"<td>{text(row['unit'])}</td>"
            f"<td>{occupants}</td>"
            f'<td class="text-end">{text(row["periods"])}</td>'
            f'<td>{text(row["oldest_period"])} <span class="text-body-secondary small">'
            f"({due} {text(short_date(row['oldest_due']))})</span></td>"
            f'<td class="text-end fw-semibold text-danger">{text(yuan(row["total"]))}</td>'
            "</tr>\n"
        )
    return table_rows(out, columns=6, empty=gettext("No arrears."))
