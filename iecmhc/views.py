from django.db.models import Count, Q
from django.shortcuts import render

from directory.models import Consultant, County


def home(request):
    """What the service is, and where to go next."""
    approved = Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
    stats = approved.aggregate(
        consultants=Count("id"),
        accepting=Count("id", filter=Q(accepting_new_requests=True)),
    )
    stats["counties"] = (
        County.objects.filter(consultants__listing_status=Consultant.ListingStatus.APPROVED)
        .distinct()
        .count()
    )
    return render(request, "home.html", {"stats": stats})
