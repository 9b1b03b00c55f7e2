"""The filing page's rows of documents awaiting filing (``documents/filing.html``), written in
Python: core.fast_html says why. A document short of its pages or copies is marked."""

from django import template
from django.utils.translation import gettext

from core.fast_html import date_maker, table_rows, text

register = template.Library()

SHORT = " text-danger fw-semibold"


@register.simple_tag
def filing_rows(documents, chosen):
    """``chosen``: the ticked documents' keys as the form holds them (its field's value)."""
    chosen = chosen or ()
    short_date = date_maker("SHORT_DATE_FORMAT")
    rows = []
    for d in documents:
        pk = text(d.pk)
        checked = " checked" if str(d.pk) in chosen else ""
        pages_short = not d.pages or (d.expected_pages and d.pages < d.expected_pages)
        pages = text(d.pages) if d.pages else "—"
        if d.expected_pages:
            pages += f"/{text(d.expected_pages)}"
        copies_short = d.expected_copies and d.copies < d.expected_copies
        copies = text(d.copies)
        if d.expected_copies:
            copies += f"/{text(d.expected_copies)}"
        rows.append(
            '<tr><td><input class="form-check-input" type="checkbox" name="documents" '
            f'value="{pk}" id="doc-{pk}"{checked}></td>'
            f"<td>{text(d.dossier.archive_number)}</td>"
            f'<td><label for="doc-{pk}">{text(d.title)}</label></td>'
            f"<td>{text(d.category.name)}</td>"
            f'<td class="text-nowrap">{text(short_date(d.document_date))}</td>'
            f'<td class="text-end{SHORT if pages_short else ""}">{pages}</td>'
            f'<td class="text-end{SHORT if copies_short else ""}">{copies}</td></tr>\n'
        )
    return table_rows(rows, columns=7, empty=gettext("Nothing awaits filing."), spacing="py-4")
