"""A list's queries compiled once per process, not at every request.

Building a list's queryset (its visibility condition, annotations and filters) and compiling
it to SQL cost more than PostgreSQL takes to run it: at 20,000 units, the complaint list's
page took 1.0 ms to build, 2.9 to cut by keys and compile, 1.4 to run and 1 to turn into
objects (docs/PERFORMANCE.md, "Sixth pass"). A :class:`CompiledQuery` keeps the SQL, its
parameters and what Django needs to make the rows, and runs them again for the next request
with the same ``key``.

The key must name everything the SQL depends on: the user's sight
(``customers.permissions.sight_key``), the list's filters, the page. A value that changes by
itself (now, today) must be in it or the list not compiled. The test suite runs with
``COMPILED_QUERIES_VERIFY``: every reuse builds and compiles the query again and fails if
the SQL or its parameters differ, so a key that misses an input fails the first test that
reaches the list twice with that input changed.
"""

import copy
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.query import get_related_populators

MAX_ENTRIES = 512  # two per list and page a user opens (~18 KiB each); the oldest go first

_cache = OrderedDict()
_lock = threading.Lock()


class CompiledQuery:
    """The SQL of a queryset of model rows, or of the count of its rows (``count=True``, at
    most the slice the queryset has), with what is needed to build the rows again: what
    ``ModelIterable`` reads from the compiler (django/db/models/query.py), read once. The
    compiler and its query are not kept (about 50 KiB each)."""

    def __init__(self, queryset, *, count=False):
        self.db = queryset.db
        self.count_only = count
        compiler = queryset.query.get_compiler(using=self.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a condition nothing meets (``none()``, ``pk__in=[]``)
            sql, params = None, ()
        if count and sql is not None:
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 - Django's own SQL
        self.sql, self.params = sql, tuple(params)
        if count or sql is None:
            return
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.model = klass_info["model"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.annotations = list(compiler.annotation_col_map.items())
        self.populators = get_related_populators(klass_info, select, self.db)
        columns = [column for column, _sql, _alias in select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())
        self.prefetches = queryset._prefetch_related_lookups

    def _fetch(self):
        if self.sql is None:
            return [(0,)] if self.count_only else []
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()

    def value(self):
        """The count."""
        return self._fetch()[0][0]

    def rows(self):
        """The rows, as the queryset would give them."""
        if self.sql is None:
            return []
        connection = connections[self.db]
        objects = []
        for fetched in self._fetch():
            row = list(fetched)
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        if self.prefetches:  # their own queries, built for each request as the queryset's are
            prefetch_related_objects(objects, *(_fresh(lookup) for lookup in self.prefetches))
        return objects


def _fresh(lookup):
    """A copy of a ``Prefetch`` with a copy of its queryset: prefetching marks the queryset
    it is given, and the one kept here serves every request."""
    if isinstance(lookup, Prefetch) and lookup.queryset is not None:
        lookup = copy.copy(lookup)
        lookup.queryset = lookup.queryset.all()
    return lookup


def compiled(key, build, *, count=False):
    """The :class:`CompiledQuery` of the queryset ``build()`` gives, compiled the first time
    ``key`` is asked for in this process (``build`` is not called again after that)."""
    full_key = (key, count)
    with _lock:
        found = _cache.get(full_key)
        if found is not None:
            _cache.move_to_end(full_key)
    if found is not None:
        if settings.COMPILED_QUERIES_VERIFY:
            _verify(key, found, CompiledQuery(build(), count=count))
        return found
    made = CompiledQuery(build(), count=count)
    with _lock:
        _cache[full_key] = made
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return made


def _verify(key, kept, fresh):
    if (kept.sql, kept.params, kept.db) != (fresh.sql, fresh.params, fresh.db):
        raise AssertionError(
            f"compiled query {key!r}: the key misses an input of its SQL\n"
            f"kept:  {kept.sql} {kept.params!r}\nfresh: {fresh.sql} {fresh.params!r}"
        )


def clear():
    with _lock:
        _cache.clear()
