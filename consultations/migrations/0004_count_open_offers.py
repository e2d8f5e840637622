"""Fill the new open-offers counter from the offers awaiting an answer today."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_open_offers(apps, schema_editor):
    Consultant = apps.get_model("directory", "Consultant")
    ConsultationRequest = apps.get_model("consultations", "ConsultationRequest")
    offered = (
        ConsultationRequest.objects.filter(consultant=OuterRef("pk"), status="offered")
        .order_by()
        .values("consultant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Consultant.objects.update(open_offers=Coalesce(Subquery(offered), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_unmet_demand_view"),
        ("directory", "0006_consultant_open_offers"),
    ]

    operations = [migrations.RunPython(count_open_offers, migrations.RunPython.noop)]
