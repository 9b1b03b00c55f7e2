"""The dossier list's rows (``customers/partials/dossier_rows.html``), written in Python:
core.fast_html says why."""

from django import template
from django.utils.translation import gettext

from core.fast_html import table_rows, text, url_maker

register = template.Library()

CONFIDENTIAL_BADGE = "text-bg-danger"
OPEN_BADGE = "text-bg-light border"


@register.simple_tag
def dossier_rows(dossiers):
    url = url_maker("customers:dossier_detail")
    rows = []
    for dossier in dossiers:
        unit = dossier.unit
        building = unit.building
        occupants = (
            "".join(
                f'<span class="me-2">{text(o.customer.name)}'
                f'<span class="text-body-secondary small">（{text(o.get_role_display())}）</span>'
                "</span>"
                for o in dossier.current_occupancies
            )
            or '<span class="text-body-secondary">—</span>'
        )
        room = f"{text(unit.entrance)}-{text(unit.room)}" if unit.entrance else text(unit.room)
        secrecy = CONFIDENTIAL_BADGE if dossier.is_confidential else OPEN_BADGE
        rows.append(
            "<tr>"
            f'<td class="text-nowrap"><a class="fw-semibold" href="{url(dossier.pk)}">'
            f"{text(dossier.archive_number)}</a></td>"
            f"<td>{text(building.estate.name)}</td>"
            f"<td>{text(building.number)}</td>"
            f'<td class="text-end">{text(unit.floor)}</td>'
            f"<td>{room}</td>"
            f"<td>{occupants}</td>"
            f'<td><span class="badge {text(dossier.status_badge)}">'
            f"{text(dossier.get_status_display())}</span></td>"
            f'<td><span class="badge {secrecy}">{text(dossier.get_secrecy_level_display())}'
            "</span></td>"
            "</tr>\n"
        )
    return table_rows(rows, columns=8, empty=gettext("No dossiers match."), icon="bi-folder-x")
