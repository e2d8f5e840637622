"""Every scoped read of consultation requests, contacts and caseloads."""

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
from consultations.models import ConsultationRequest, Contact, RequestEvent
from directory.models import Consultant, Program

Status = ConsultationRequest.Status


def request_list(*, user) -> QuerySet[ConsultationRequest]:
    """Requests a user may see: their programs' (program staff), those offered or assigned to
    them (consultants: a declined or expired offer is no longer theirs), or all (admins)."""
    minutes = (
        Contact.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    qs = (
        ConsultationRequest.objects.select_related(
            "program__county", "consultant__user", "preferred_language"
        )
        .prefetch_related("events__actor")
        .annotate(contact_minutes=Coalesce(Subquery(minutes), 0))
    )
    if is_alliance_admin(user):
        return qs
    if is_program_user(user):
        return qs.filter(program__memberships__user=user)
    if is_consultant_user(user):
        return qs.filter(consultant__user=user, status__in=ConsultationRequest.WITH_CONSULTANT)
    return qs.none()


def request_get(*, user, pk) -> ConsultationRequest:
    try:
        return request_list(user=user).get(pk=pk)
    except (ConsultationRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def declined_consultant_ids(request: ConsultationRequest) -> set[int]:
    """Consultants who declined this request: it is never offered to them again."""
    return set(
        request.events.filter(action=RequestEvent.Action.DECLINED).values_list(
            "consultant_id", flat=True
        )
    )


def program_recipients(program: Program) -> list[str]:
    """Where a program's notifications go: its staff's addresses and the program's own."""
    addresses = [m.user.email for m in program.memberships.select_related("user")]
    addresses.append(program.email)
    seen, result = set(), []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def contact_list(*, request: ConsultationRequest) -> QuerySet[Contact]:
    return request.contacts.all()


def request_hours(request: ConsultationRequest) -> float:
    minutes = request.contacts.aggregate(total=Sum("minutes"))["total"] or 0
    return round(minutes / 60, 2)


def caseload(*, consultant: Consultant, today=None) -> dict:
    """A consultant's caseload: capacity, open offers, engagements and this month's hours."""
    today = today or timezone.localdate()
    engagements = (
        ConsultationRequest.objects.filter(consultant=consultant, status=Status.ACTIVE)
        .select_related("program__county")
        .annotate(minutes=Sum("contacts__minutes"), contact_count=Count("contacts"))
        .order_by("accepted_at", "id")
    )
    month_minutes = Contact.objects.filter(
        consultant=consultant, date__year=today.year, date__month=today.month
    ).aggregate(total=Sum("minutes"))["total"]
    open_offers = ConsultationRequest.objects.filter(
        consultant=consultant, status=Status.OFFERED
    ).count()
    return {
        "max_caseload": consultant.max_caseload,
        "active_caseload": consultant.active_caseload,
        "places_free": consultant.places_free,
        "accepting_new_requests": consultant.accepting_new_requests,
        "open_offers": open_offers,
        "engagements": list(engagements),
        "hours_this_month": round((month_minutes or 0) / 60, 2),
    }
