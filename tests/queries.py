"""One check for every list of the product: the page costs the same number of queries with few
rows and with many, and no template loads a related object lazily (docs/PERFORMANCE.md,
"Query counts")."""

import re
from collections import Counter
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import auth

from .lazy_loads import forbid_lazy_loads


@contextmanager
def _activity_not_written():
    """The session's activity is written at most every ACTIVITY_RESOLUTION seconds: a read
    counted just as that time runs out would count three queries more. Not while counting."""
    resolution = auth.ACTIVITY_RESOLUTION
    auth.ACTIVITY_RESOLUTION = float("inf")
    try:
        yield
    finally:
        auth.ACTIVITY_RESOLUTION = resolution


def page_queries(client, url, params=None):
    """The queries of one GET of ``url``, run inside ``forbid_lazy_loads()``; the page must
    answer 200."""
    with (
        _activity_not_written(),
        CaptureQueriesContext(connection) as ctx,
        forbid_lazy_loads(),
    ):
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in ctx.captured_queries], response


def assert_constant_queries(client, url, grow, *, sizes=(10, 100), params=None):
    """``grow(n)`` adds n rows to the list at ``url``. The page is read with ``sizes[0]`` rows
    and again with ``sizes[1]``: both reads must run the same number of queries. Returns the
    two responses (few, many) so that the test can check what they show.

    ``url`` may be a function, asked for the address after each growth: for a page of one
    object that cannot grow once made (a completed batch's register), ``grow`` makes a bigger
    one."""
    few_rows, many_rows = sizes
    address = url if callable(url) else (lambda: url)
    grow(few_rows)
    url = address()
    # Before each counted read, one that fills the per-process caches.
    client.get(url, params or {})
    few, small = page_queries(client, url, params)
    grow(many_rows - few_rows)
    url = address()
    client.get(url, params or {})
    many, large = page_queries(client, url, params)
    grown = Counter(map(_shape, many)) - Counter(map(_shape, few))
    extra = [f"{n} more: {shape[:300]}" for shape, n in grown.items()]
    assert len(many) == len(few), (
        f"{url}: {len(few)} queries at {few_rows} rows, {len(many)} at {many_rows}; "
        f"grown: {extra[:5]}"
    )
    return small, large


def _shape(sql):
    return re.sub(r"\d+", "N", sql)
