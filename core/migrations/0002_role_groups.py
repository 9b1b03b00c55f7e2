from django.db import migrations


def create_role_groups(apps, schema_editor):
    from core.roles import ensure_groups

    ensure_groups(apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    """The roles of the archive exist as groups (their permissions: core.roles)."""

    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
