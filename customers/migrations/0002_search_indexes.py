"""Trigram indexes for the one-box search on PostgreSQL (icontains on names and numbers).

Django's icontains is ``UPPER(col::text) LIKE UPPER(%s)``, so the indexes are on that
expression. pg_trgm is a trusted extension: the database owner may create it. SQLite (the
embedded default) has no such indexes and needs none at its scale.
"""

from django.db import migrations

INDEXES = [
    ("customer_name_trgm", "customers_customer", "name"),
    ("contact_name_trgm", "customers_contact", "name"),
    ("dossier_number_trgm", "customers_dossier", "archive_number"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
