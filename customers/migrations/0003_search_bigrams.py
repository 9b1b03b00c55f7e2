"""More indexes for the one-box search on PostgreSQL, found with bench/search_bench.py at
100,000 units (see bench/README.md). SQLite needs none at its scale, as in 0002.

- Bigrams of names and archive numbers. A trigram index cannot serve ``LIKE '%王洋%'``: a
  two-character pattern has no trigram, so PostgreSQL scanned every customer, contact (60 ms
  each) and dossier (17 ms) for the commonest search of all, two characters of a Chinese name
  (and for two pinyin initials). ``archive_bigrams(text)`` is the set of upper-cased character
  pairs; a GIN index on it finds the candidates of a two-character fragment, which
  ``icontains`` then checks.
- ``customers_unit.room``: the search matches room numbers exactly; only the unique index
  (building, entrance, room) existed, which cannot be used without the building.
- Trigrams of landlines: a landline is searched by its last seven digits (``LIKE '%1234567'``).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION archive_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper(value), i, 2)), '{}'::text[])
    FROM generate_series(1, char_length(value) - 1) AS i
$$
"""

INDEXES = [
    ("customer_name_bigram", "customers_customer USING gin (archive_bigrams(name))"),
    ("contact_name_bigram", "customers_contact USING gin (archive_bigrams(name))"),
    ("dossier_number_bigram", "customers_dossier USING gin (archive_bigrams(archive_number))"),
    ("unit_room_idx", "customers_unit (room)"),
    ("customer_landline_trgm", "customers_customer USING gin (landline gin_trgm_ops)"),
    ("contact_landline_trgm", "customers_contact USING gin (landline gin_trgm_ops)"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS archive_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
