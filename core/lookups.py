"""``IdsIn(F("pk"), ids)``: "the key is one of these ids", for a long list of ids.

``pk__in=[…5,000 ids…]`` makes Django prepare and quote every id, and PostgreSQL parse a
5,000-item list: ~25 ms per statement for a broad search, paid again by the count. Here the
ids travel as one text parameter, ``= ANY('{1,2,…}'::bigint[])``: one constant to parse, and the
planner still sees the ids (as a subquery, ``IN (SELECT unnest(…))``, it took the page's 25 rows
of a broad search to be rare and sorted them all). Other databases get the ordinary ``IN (…)``.
"""

from django.db.models import BigAutoField, Expression, Lookup


class IdsIn(Lookup):
    """Used as an expression (``filter(IdsIn(F("pk"), ids))``), not registered on a field."""

    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        # one text literal, '{1,2,…}': psycopg2 would send a list as ARRAY[1, 2, …], which
        # PostgreSQL parses and folds element by element
        return "%s", ["{" + ",".join(str(int(pk)) for pk in value) + "}"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if not ids:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", [*lhs_params, *rhs_params]


class CompiledSubquery(Expression):
    """A subquery given as its SQL and parameters, compiled once: ``field__in=CompiledSubquery(
    sql, params)``. For a subquery whose text depends only on who asks (the dossiers hidden
    from a user: ``customers.permissions``), rebuilt and compiled by Django for every list
    query it took 4-8 ms of each. It must be uncorrelated: it is pasted as it is."""

    def __init__(self, sql, params, output_field=None):
        super().__init__(output_field=output_field or BigAutoField())
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler, connection):
        return f"({self.sql})", list(self.params)

    def get_group_by_cols(self):
        return []

    @property
    def identity(self):
        return (type(self), self.sql, self.params)
