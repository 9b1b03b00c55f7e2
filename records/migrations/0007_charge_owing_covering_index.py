"""The owing charges' index carries what the arrears add up, on PostgreSQL.

``charge_owing_due_idx`` (migration 0003) found the charges not paid in full; the arrears then
read each of them from the table: 21,839 charges on 4,980 pages at 100,000 units, 17 of the
query's 50 ms. ``charge_owing_idx`` holds the dossier, period, amount and paid amount beside
the due date, so the arrears of today read the index alone (7 ms) once the table is vacuumed,
which autovacuum keeps. It is the same partial index, over the few percent of charges owing.
"""

from django.db import migrations

NEW = (
    "charge_owing_idx",
    "records_charge (due_on) INCLUDE (dossier_id, period, amount, paid_amount) "
    "WHERE (amount - paid_amount) > 0",
)
OLD = ("charge_owing_due_idx", "records_charge (due_on) WHERE (amount - paid_amount) > 0")


def _replace(schema_editor, create, drop):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {create[0]} ON {create[1]}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {drop[0]}")


def forwards(apps, schema_editor):
    _replace(schema_editor, NEW, OLD)


def backwards(apps, schema_editor):
    _replace(schema_editor, OLD, NEW)


class Migration(migrations.Migration):
    dependencies = [("records", "0006_charge_last_paid_on")]
    operations = [migrations.RunPython(forwards, backwards)]
