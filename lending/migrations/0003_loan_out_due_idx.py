"""The desk's loans out by due day (out, due today, overdue, escalated, to check back): one
ordered index scan for whichever of the three "out" statuses a tab lists."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0002_default_rules"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="loan",
            index=models.Index(
                condition=models.Q(("status__in", ["out", "renewed", "return_checked"])),
                fields=["due_on", "id"],
                name="loan_out_due_idx",
            ),
        ),
    ]
