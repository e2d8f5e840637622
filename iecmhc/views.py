from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
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


@login_required
def dashboard(request):
    """Each role's home: the Alliance's request queue, a consultant's caseload (or their
    listing, until they have one), a program's requests."""
    user = request.user
    if is_alliance_admin(user):
        return redirect("alliance:queue")
    if is_consultant_user(user):
        if Consultant.objects.filter(user=user).exists():
            return redirect("consultations:caseload")
        return redirect("directory:listing")
    if is_program_user(user):
        return redirect("consultations:requests")
    return redirect("admin:index" if user.is_staff else "home")


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when the service can reach its database, 503
    when it cannot. Says nothing else about the system."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
