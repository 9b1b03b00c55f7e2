"""The dossier list's order in one indexed column (R1), and a partial index of the dossiers
above level C, for the visibility condition (docs/PERFORMANCE.md)."""

from django.db import migrations, models


def _text(value):
    return str(value).encode().hex() + "00"


def fill_sort_keys(apps, schema_editor):
    """customers.dossiers.unit_sort_key as it was written, copied so that this migration keeps
    doing what it did."""
    Dossier = apps.get_model("customers", "Dossier")
    dossiers = Dossier.objects.select_related("unit__building__estate").order_by("pk")
    batch = []
    for dossier in dossiers.iterator(2000):
        unit = dossier.unit
        building = unit.building
        dossier.sort_key = "".join(
            (
                _text(building.estate.code),
                _text(building.number),
                f"{unit.floor + 0x8000:04x}",
                _text(unit.entrance),
                _text(unit.room),
            )
        )
        batch.append(dossier)
        if len(batch) == 2000:
            Dossier.objects.bulk_update(batch, ["sort_key"])
            batch = []
    Dossier.objects.bulk_update(batch, ["sort_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_event_kinds_registered"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="sort_key",
            field=models.CharField(
                default="", editable=False, max_length=400, verbose_name="sort key"
            ),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["sort_key", "id"], name="dossier_sort_key_idx"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("secrecy_level", "C"), _negated=True),
                fields=["id"],
                name="dossier_confidential_idx",
            ),
        ),
    ]
