"""Rows of the busiest lists written in Python rather than through the template engine.

Each ``{{ }}``, ``{% if %}`` and ``{% for %}`` of a template costs a node's render, a
variable's lookup and a context push: 25 rows of eight cells cost ~5 ms of a list page whose
queries take 3 (docs/PERFORMANCE.md, "Fifth pass"). A list's rows are written by a function
beside its template instead, with :func:`text` for every value, which is what ``{{ value }}``
does: localised, made a string, escaped unless marked safe. A list's tests read its rows as
before; the template keeps the rest of the page.
"""

import html

from django.conf import settings
from django.template.base import render_value_in_context
from django.template.context import Context
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

_CONTEXT = Context()  # autoescape on, localisation and time zone as the settings say
_PK = 2147483647


def text(value):
    """``{{ value }}`` in a template."""
    if type(value) is str:  # most values: nothing to localise, not marked safe
        return html.escape(value)  # what django.utils.html.escape does, without its wrapper
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localising an int gives without grouping
    return render_value_in_context(value, _CONTEXT)


def date_maker(format_name):
    """``{{ value|date:format_name }}`` for many rows: the format looked up once, in the
    language active now, and each distinct value formatted once."""
    pattern = get_format(format_name)
    written = {}

    def date_text(value):
        if value in (None, ""):
            return ""
        if value not in written:
            written[value] = dateformat.format(template_localtime(value), pattern)
        return written[value]

    return date_text


def url_maker(view_name):
    """``{% url view_name pk %}`` for many rows: reversed once, the key put in after."""
    path = reverse(view_name, args=[_PK])
    head, _, tail = path.rpartition(str(_PK))

    def url(pk):
        return f"{head}{int(pk)}{tail}"

    return url


def table_rows(rows, *, columns, empty, icon="", spacing="py-5"):
    """The rows, or one row across the ``columns`` saying ``empty``; every value in ``rows``
    must have gone through :func:`text`."""
    if not rows:
        mark = f'<i class="bi {icon} me-2"></i>' if icon else ""
        rows = [
            f'<tr><td colspan="{int(columns)}" class="text-center text-body-secondary {spacing}">'
            f"{mark}{text(empty)}</td></tr>"
        ]
    return mark_safe("".join(rows))  # noqa: S308 - the values went through text()
