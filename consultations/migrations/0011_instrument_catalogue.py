"""Data: the six instruments of the domain (docs/domain.md, "Measures"). Admins edit them.

The ranges are those of each instrument's reported score as published by its authors, as far as
they could be checked without the manuals at hand (docs/domain.md says which): an Alliance
corrects them in the admin, and a score outside its instrument's range is refused.
"""

from decimal import Decimal

from django.db import migrations

INSTRUMENTS = [
    # code, name, level, scale, min, max, subscales
    (
        "deca",
        "Devereux Early Childhood Assessment",
        "child",
        "T-score",
        "20",
        "80",
        ["initiative", "self_regulation", "attachment", "behavioral_concerns"],
    ),
    (
        "perm",
        "Preschool Expulsion Risk Measure",
        "child",
        "Total of 12 items rated 1-5",
        "12",
        "60",
        [],
    ),
    (
        "tpot",
        "Teaching Pyramid Observation Tool (preschool)",
        "classroom",
        "Percent of key practice indicators observed",
        "0",
        "100",
        [],
    ),
    (
        "tpitos",
        "Teaching Pyramid Infant-Toddler Observation Scale",
        "classroom",
        "Percent of practice indicators observed",
        "0",
        "100",
        [],
    ),
    (
        "pmhcs",
        "Preschool Mental Health Climate Scale",
        "classroom",
        "Mean item rating 1-5",
        "1",
        "5",
        ["positive_climate", "negative_climate"],
    ),
    (
        "staff_satisfaction",
        "Staff satisfaction with consultation",
        "program",
        "Mean rating on a 4-point scale",
        "1",
        "4",
        [],
    ),
]


def load(apps, schema_editor):
    Instrument = apps.get_model("consultations", "Instrument")
    for code, name, level, scale, low, high, subscales in INSTRUMENTS:
        Instrument.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "scale": scale,
                "min_score": Decimal(low),
                "max_score": Decimal(high),
                "subscales": subscales,
            },
        )


# The Alliance admins edit the catalogue in the admin.
GROUP = "Alliance admins"
PERMISSIONS = ["view_instrument", "add_instrument", "change_instrument"]


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


def unload(apps, schema_editor):
    Instrument = apps.get_model("consultations", "Instrument")
    Instrument.objects.filter(code__in=[row[0] for row in INSTRUMENTS], scores=None).delete()


class Migration(migrations.Migration):
    dependencies = [("consultations", "0010_contact_activity_from_type")]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
