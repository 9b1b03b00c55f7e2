"""Indexes for the arrears list on PostgreSQL, found with bench/records_bench.py at 20,000
units and 480,000 charges (see bench/README.md). SQLite needs none at its scale.

The arrears list added up the payments of every charge due before the chosen day: 466,000
subqueries, 1.3–2.7 s a query, three queries a page. ``finance._owed_charges`` now looks only at
the charges that can have been owing on that day: those not paid in full today, and those paid
after that day.

- ``charge_owing_due_idx``: the charges not paid in full, by due date. It is a partial index
  over a few percent of the rows.
- ``charge_outstanding_stat``: statistics on ``amount - paid_amount``. Without them
  PostgreSQL guesses that a third of the charges are unpaid (160,000 rather than 4,800), plans
  for that and compiles the query with JIT, which alone took about 150 ms.
- ``payment_paid_on_idx``: payments by the day they were made, with their charge.
"""

from django.db import migrations

INDEXES = [
    # the predicate is written as finance._owed_charges filters, so that the index serves it
    ("charge_owing_due_idx", "records_charge (due_on) WHERE (amount - paid_amount) > 0"),
    ("payment_paid_on_idx", "records_payment (paid_on, charge_id)"),
]
STATISTICS = "charge_outstanding_stat"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON (amount - paid_amount) "
        "FROM records_charge"
    )
    schema_editor.execute("ANALYZE records_charge")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("records", "0002_recorded_at_default")]
    operations = [migrations.RunPython(forwards, backwards)]
