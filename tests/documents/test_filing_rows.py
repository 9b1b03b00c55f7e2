"""The filing page's rows, written in Python, say what the template they replace said."""

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from core.roles import Role
from documents.models import Document
from documents.templatetags.filing_rows import filing_rows

from ..customers.factories import moved_in
from ..factories import user_with_role
from .factories import document_for

pytestmark = pytest.mark.django_db

# the loop of documents/filing.html before it was written in Python
TEMPLATE = """{% load i18n %}        {% for d in page_obj %}
          <tr><td><input class="form-check-input" type="checkbox" name="documents" value="{{ d.pk }}" id="doc-{{ d.pk }}"{% if d.pk|stringformat:"s" in form.documents.value %} checked{% endif %}></td>
            <td>{{ d.dossier.archive_number }}</td><td><label for="doc-{{ d.pk }}">{{ d.title }}</label></td><td>{{ d.category.name }}</td>
            <td class="text-nowrap">{{ d.document_date|date:"SHORT_DATE_FORMAT" }}</td>
            <td class="text-end{% if not d.pages or d.expected_pages and d.pages < d.expected_pages %} text-danger fw-semibold{% endif %}">{{ d.pages|default:"—" }}{% if d.expected_pages %}/{{ d.expected_pages }}{% endif %}</td>
            <td class="text-end{% if d.expected_copies and d.copies < d.expected_copies %} text-danger fw-semibold{% endif %}">{{ d.copies }}{% if d.expected_copies %}/{{ d.expected_copies }}{% endif %}</td></tr>
        {% empty %}
          <tr><td colspan="7" class="text-center text-body-secondary py-4">{% translate "Nothing awaits filing." %}</td></tr>
        {% endfor %}
"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def both(response):
    page, form = response.context["page_obj"], response.context["form"]
    written = filing_rows(page, form["documents"].value())
    engine = engines["django"].from_string(TEMPLATE).render({"page_obj": page, "form": form})
    return squeezed(written), squeezed(engine)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_what_the_template_wrote(client, language):
    archivist = user_with_role(Role.ARCHIVIST)
    dossier = moved_in().dossier
    whole = document_for(dossier, title="租赁合同<b>&")
    short = document_for(dossier, pages=1, copies=1)
    Document.objects.filter(pk=short.pk).update(expected_pages=3, expected_copies=2)
    blank = document_for(dossier)
    Document.objects.filter(pk=blank.pk).update(pages=0)
    client.force_login(archivist)
    url = reverse("documents:filing")
    with translation.override(language):
        shown = client.get(url)
        # no box chosen: the page comes back with the ticked documents kept
        posted = client.post(url, {"documents": [whole.pk, blank.pk]})
        assert shown.status_code == posted.status_code == 200
        (shown_rows, shown_engine), (posted_rows, posted_engine) = both(shown), both(posted)
    assert shown_rows == shown_engine and posted_rows == posted_engine
    for written in (shown_rows, posted_rows):
        assert written.count("<tr>") == 3 and "租赁合同&lt;b&gt;&amp;" in written
        assert written.count("text-danger") == 3  # the short pages and copies, no pages
    assert shown_rows.count(" checked") == 0 and posted_rows.count(" checked") == 2


def test_nothing_to_file_says_so(client):
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = client.get(reverse("documents:filing"))
    with translation.override("en"):
        written, engine = both(response)
    assert written == engine and "Nothing awaits filing." in written
