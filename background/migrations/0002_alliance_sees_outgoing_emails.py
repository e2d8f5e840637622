"""The Alliance admins' group sees the outgoing emails in the admin (what failed, and why)
and may send a failed one again; it sees the periodic jobs' runs."""

from django.db import migrations

GROUP = "Alliance admins"
PERMISSIONS = ["view_outgoingemail", "change_outgoingemail", "view_periodicrun"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("background")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="background", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("background", "0001_outbox_and_periodic_runs"),
        ("directory", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
