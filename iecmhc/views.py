import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    """For load balancers and monitors: which dependency is down.

    503 when the database or the cache cannot be reached (the service cannot serve without
    them); 200 otherwise, "degraded" when the task queue is behind (its oldest ready task has
    waited longer than TASK_BACKLOG_ALERT_MINUTES: no worker is running, or too few), since
    web requests are still served then. Says nothing else about the system."""
    checks = {"database": "ok", "cache": "ok", "tasks": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        checks["database"] = checks["tasks"] = "unavailable"
    try:
        nonce = secrets.token_hex(8)
        cache.set("healthz", nonce, 10)
        if cache.get("healthz") != nonce:
            checks["cache"] = "unavailable"
    except Exception:  # any cache backend's failure (database, Redis, ...)
        checks["cache"] = "unavailable"
    if checks["database"] == "ok" and _task_backlog():
        checks["tasks"] = "backlog"
    if "unavailable" in (checks["database"], checks["cache"]):
        return JsonResponse({"status": "error", **checks}, status=503)
    return JsonResponse({"status": "degraded" if checks["tasks"] != "ok" else "ok", **checks})


def _task_backlog() -> bool:
    """Whether the oldest task ready to run has waited longer than the alert threshold."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - timedelta(minutes=settings.TASK_BACKLOG_ALERT_MINUTES)
    try:
        return (
            DBTaskResult.objects.ready()
            .filter(Q(run_after__lte=cutoff) | Q(run_after=get_date_max(), enqueued_at__lte=cutoff))
            .exists()
        )
    except DatabaseError:
        return False
