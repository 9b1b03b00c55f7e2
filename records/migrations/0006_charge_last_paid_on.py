"""``Charge.last_paid_on``: the latest day of a charge's payments, kept by ``payment_record``.

The arrears of an earlier day (``finance._owed_charges``) add to the charges unpaid today those
paid since that day. Finding them joined every payment made since then to its charge to read
the charge's due date: at 100,000 units and 2.4 M charges, a hash join of the 2.1 M charges due
before the day with the 270,000 later payments, 1.5 s a query (docs/PERFORMANCE.md). With the
day on the charge, ``charge_paid_since_idx`` (last paid, due) finds them in one index range.
The field is filled here from the payments already recorded.
"""

from django.conf import settings
from django.db import migrations, models

FILL_POSTGRESQL = """
UPDATE records_charge AS charge SET last_paid_on = paid.last
FROM (SELECT charge_id, MAX(paid_on) AS last FROM records_payment GROUP BY charge_id) AS paid
WHERE paid.charge_id = charge.id
"""
FILL = """
UPDATE records_charge SET last_paid_on = (
    SELECT MAX(paid_on) FROM records_payment WHERE records_payment.charge_id = records_charge.id
)
"""


def fill(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(FILL_POSTGRESQL if postgresql else FILL)
    if postgresql:
        schema_editor.execute("ANALYZE records_charge")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_dossier_sort_key"),
        ("records", "0005_labels_without_rule_numbers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="charge",
            name="last_paid_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="last paid on"
            ),
        ),
        migrations.AddField(
            model_name="historicalcharge",
            name="last_paid_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="last paid on"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="charge",
            index=models.Index(fields=["last_paid_on", "due_on"], name="charge_paid_since_idx"),
        ),
    ]
