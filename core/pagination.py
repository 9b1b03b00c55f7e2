"""A paginator for the lists that a broad search fills with most of the archive.

``Paginator.count`` is an exact ``COUNT(*)`` of everything the list matches: at 100,000 units
the dossier list's count alone reads ~97,000 rows on every page view and grows with the
archive (docs/PERFORMANCE.md). Nobody pages through thousands of dossiers; they narrow the
search. So the list counts at most ``cap`` rows (``COUNT(*)`` over ``LIMIT cap + 1``, without
the list's order, which a count does not need: PostgreSQL then reads the rows in whatever
order is cheapest and stops at the cap), says "more than 10,000" when there are, and pages
through those. The cost is then bounded, whatever the size of the archive.
"""

from django.core.paginator import Paginator
from django.db.models import Field
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

from core.compiled import compiled

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows (module docstring).

    ``object_list`` may be a function that builds the queryset. With ``key``, the count and
    each page are then compiled once per process for that key (core.compiled says what the
    key must hold) and the queryset is built only when one of them is compiled; without, it
    is built at once."""

    def __init__(self, object_list, per_page, *, cap=None, more=False, key=None, **kwargs):
        """``more``: the rows given are known to be only the first of more (a search that
        stopped at its own cap): the count is then "more than" whatever it finds."""
        self.key = key
        if callable(object_list):
            self.build = object_list
            object_list = () if key is not None else object_list()
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.more = more

    @cached_property
    def _bounded_count(self) -> int:
        if self.key is not None:
            key = (type(self).__name__, "count", self.key, self.cap)
            counted = compiled(key, lambda: _counted(self.build(), self.cap), count=True)
            return counted.value()
        if hasattr(self.object_list, "order_by"):  # a queryset
            return _counted(self.object_list, self.cap).count()
        return len(self.object_list[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted: the page says "more than"."""
        return self.more or self._bounded_count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.key is None:
            rows = self._page_of(self.object_list, bottom, top)
        else:
            key = (type(self).__name__, "page", self.key, bottom, top)
            rows = compiled(key, lambda: self._page_of(self.build(), bottom, top)).rows()
        return self._get_page(rows, number, self)

    def _page_of(self, rows, bottom, top):
        return rows[bottom:top]


def _counted(rows, cap):
    """What a queryset's count reads: its keys only, unordered, at most ``cap + 1``."""
    rows = rows.order_by()
    if not rows.query.combinator:
        rows = rows.values("pk")  # no select_related joins, no columns
    return rows[: cap + 1]


class KeysFirstPaginator(CappedCountPaginator):
    """Cuts a page by the rows' keys alone, then reads the page's rows, in one query:
    ``… WHERE pk IN (SELECT pk … ORDER BY … LIMIT 25 OFFSET n)``, and counts as
    :class:`CappedCountPaginator` does.

    PostgreSQL computes the select list of every row an ``OFFSET`` skips: a list whose rows
    carry subqueries (a complaint's return visit and the other dossiers it names) ran them for
    the 24,975 rows before page 1,000 (604 ms at 100,000 units, docs/PERFORMANCE.md). Cut by
    keys, the skipped rows cost an index entry each and the subqueries run for the page's rows.
    The outer query does not repeat the list's conditions where its rows cannot multiply
    (:func:`_rows_of_keys`): the visibility condition, planned twice, took more of the page's
    query to plan than to run. The queryset must be ordered, as every paginated list is."""

    def _page_of(self, rows, bottom, top):
        return _page_rows(rows, bottom, top)


def _page_rows(rows, bottom, top):
    if hasattr(rows, "values") and rows.ordered:
        return _rows_of_keys(rows).filter(pk__in=rows.values("pk")[bottom:top])
    return rows[bottom:top]


def _rows_of_keys(rows):
    """``rows`` without its conditions, for an outer query that the keys' subquery filters:
    only where every join is along a foreign key or one-to-one field from the row's side (one
    row each, whatever the conditions were) and nothing is grouped, made distinct or combined.
    Otherwise a join the conditions narrowed could give a row several times: ``rows`` as it
    is."""
    query = rows.query
    if query.combinator or query.distinct or query.group_by is not None:
        return rows
    for join in query.alias_map.values():
        if getattr(join, "join_field", None) is None:  # the base table
            continue
        if join.filtered_relation is not None or not isinstance(join.join_field, Field):
            return rows
    outer = rows.all()
    outer.query.where = WhereNode()
    return outer
