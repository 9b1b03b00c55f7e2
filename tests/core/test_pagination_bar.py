"""components/pagination.html, written in Python (core_tags.pagination), says what the template
it replaces said, for every kind of page."""

import re

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from core.pagination import CappedCountPaginator


class Rows(list):
    """Rows that count themselves as a queryset does."""

    def count(self):
        return len(self)

    def __getitem__(self, key):
        rows = super().__getitem__(key)
        return Rows(rows) if isinstance(key, slice) else rows


# components/pagination.html before it was written in Python
TEMPLATE = """{% load i18n %}
{% if page_obj.paginator.num_pages > 1 or page_obj.paginator.capped %}
<nav aria-label="{% translate 'Page navigation' %}" class="d-flex justify-content-between align-items-center mt-3">
  <span class="text-body-secondary small">{% if page_obj.paginator.capped %}{% blocktranslate with n=page_obj.number total=page_obj.paginator.num_pages rows=page_obj.paginator.count %}Page {{ n }} of {{ total }}, more than {{ rows }} in all: narrow the search{% endblocktranslate %}{% else %}{% blocktranslate with n=page_obj.number total=page_obj.paginator.num_pages rows=page_obj.paginator.count %}Page {{ n }} of {{ total }}, {{ rows }} in all{% endblocktranslate %}{% endif %}</span>
  <ul class="pagination pagination-sm mb-0">
    {% if page_obj.has_previous %}
      <li class="page-item"><a class="page-link" href="{% querystring page=page_obj.previous_page_number %}">{% translate "Previous" %}</a></li>
    {% else %}<li class="page-item disabled"><span class="page-link">{% translate "Previous" %}</span></li>{% endif %}
    {% if page_obj.has_next %}
      <li class="page-item"><a class="page-link" href="{% querystring page=page_obj.next_page_number %}">{% translate "Next" %}</a></li>
    {% else %}<li class="page-item disabled"><span class="page-link">{% translate "Next" %}</span></li>{% endif %}
  </ul>
</nav>
{% endif %}"""  # noqa: E501


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def both(page_obj, query=""):
    request = RequestFactory().get("/list/" + query)
    context = {"page_obj": page_obj}
    written = engines["django"].get_template("components/pagination.html").render(context, request)
    engine = engines["django"].from_string(TEMPLATE).render(context, request)
    return squeezed(written), squeezed(engine)


PAGES = [
    (Paginator(range(100), 25), 1, ""),
    (Paginator(range(100), 25), 2, "?q=%E7%8E%8B&estate=3&page=2"),
    (Paginator(range(100), 25), 4, "?a=<b>&page=4"),
    (Paginator(range(10), 25), 1, ""),  # one page: no bar
    (CappedCountPaginator(Rows(range(60)), 25, cap=50), 2, "?q=x"),
    (CappedCountPaginator(Rows(range(10)), 25, more=True), 1, ""),
    (Paginator(range(12345), 25), 17, "?page=17"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("paginator", "number", "query"), PAGES)
def test_the_bar_is_what_the_template_wrote(language, paginator, number, query):
    with translation.override(language):
        written, engine = both(paginator.page(number), query)
    assert written == engine


def test_the_bar_links_the_neighbours_and_keeps_the_search():
    with translation.override("en"):
        written, _engine = both(Paginator(range(100), 25).page(2), "?q=a%26b&page=2")
    assert 'href="?q=a%26b&amp;page=1"' in written and 'href="?q=a%26b&amp;page=3"' in written
    assert "Page 2 of 4, 100 in all" in written
    with translation.override("zh-hans"):
        capped, _engine = both(CappedCountPaginator(Rows(range(60)), 25, cap=50).page(1))
    assert "Previous" not in capped and "50" in capped
