"""Give the Alliance admins' group the consultations' admin pages (the review permission on
listings, which the services check, comes from the directory's migration)."""

from django.db import migrations

GROUP = "Alliance admins"
PERMISSIONS = [
    "view_consultationrequest",
    "change_consultationrequest",
    "view_requestevent",
    "view_contact",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("consultations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consultations", codename__in=PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("directory", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
