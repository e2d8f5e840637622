"""Data migration: each listing's single endorsement code becomes an endorsement row (endorsed,
no renewal date yet; verified when the listing was approved, as its approval vouched for it),
then the code's column goes. Reversible: the code comes back as the listing's first endorsed
category."""

from django.db import migrations


def codes_to_rows(apps, schema_editor):
    Consultant = apps.get_model("directory", "Consultant")
    ConsultantEndorsement = apps.get_model("directory", "ConsultantEndorsement")
    rows = []
    for consultant in Consultant.objects.exclude(imh_endorsement="none").iterator():
        approved = consultant.listing_status == "approved"
        rows.append(
            ConsultantEndorsement(
                consultant_id=consultant.pk,
                category=consultant.imh_endorsement,
                status="endorsed",
                verified_at=consultant.reviewed_at if approved else None,
            )
        )
    ConsultantEndorsement.objects.bulk_create(rows, batch_size=1000)


def rows_to_codes(apps, schema_editor):
    Consultant = apps.get_model("directory", "Consultant")
    ConsultantEndorsement = apps.get_model("directory", "ConsultantEndorsement")
    for row in ConsultantEndorsement.objects.filter(status="endorsed").order_by("-pk").iterator():
        Consultant.objects.filter(pk=row.consultant_id).update(imh_endorsement=row.category)


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_credentials_and_hours")]

    operations = [
        migrations.RunPython(codes_to_rows, rows_to_codes),
        migrations.RemoveField(
            model_name="consultant",
            name="imh_endorsement",
        ),
        migrations.RemoveField(
            model_name="historicalconsultant",
            name="imh_endorsement",
        ),
    ]
