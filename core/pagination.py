"""A paginator for the lists that a broad search fills with most of the archive.

``Paginator.count`` is an exact ``COUNT(*)`` of everything the list matches: at 100,000 units
the dossier list's count alone reads ~97,000 rows on every page view and grows with the
archive (docs/PERFORMANCE.md). Nobody pages through thousands of dossiers; they narrow the
search. So the list counts at most ``cap`` rows (``COUNT(*)`` over ``LIMIT cap + 1``, served
by the same index as the page), says "more than 10,000" when there are, and pages through
those. The cost is then bounded, whatever the size of the archive.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than were counted: the page says "more than"."""
        return self._bounded_count > self.cap
