"""Every scoped read of consultation requests, contacts and caseloads."""

import functools
import re
from datetime import timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
from consultations.matching.rules import EXCLUSIONS
from consultations.models import ConsultationRequest, Contact, RequestEvent, SubmissionKey
from directory.models import Consultant, County, Program
from iecmhc.compiled import CompiledLookup
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status
Urgency = ConsultationRequest.Urgency
ALLIANCE = _("the Alliance")
A_CONSULTANT = _("a consultant")

# The Alliance's queue holds requests waiting on it (submitted) or on a consultant (offered).
QUEUE_STATUSES = (Status.SUBMITTED, Status.OFFERED)


def visible_to(qs: QuerySet[ConsultationRequest], user) -> QuerySet[ConsultationRequest]:
    """`qs` narrowed to the requests `user` may see (see request_list)."""
    if is_alliance_admin(user):
        return qs
    if is_program_user(user):
        return qs.filter(program__memberships__user=user)
    if is_consultant_user(user):
        return qs.filter(consultant__user=user, status__in=ConsultationRequest.WITH_CONSULTANT)
    return qs.none()


def history_prefetch() -> Prefetch:
    """A request's history with each event's actor, in one query (for prefetch_related)."""
    return Prefetch("events", queryset=RequestEvent.objects.select_related("actor"))


def contact_minutes():
    """A request's logged minutes, as an annotation (`contact_minutes`)."""
    minutes = (
        Contact.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    return Coalesce(Subquery(minutes), 0)


def request_list(*, user) -> QuerySet[ConsultationRequest]:
    """Requests a user may see: their programs' (program staff), those offered or assigned to
    them (consultants: a declined or expired offer is no longer theirs), or all (admins)."""
    qs = (
        ConsultationRequest.objects.select_related(
            "program__county", "consultant__user", "preferred_language"
        )
        .prefetch_related(history_prefetch())
        .annotate(contact_minutes=contact_minutes())
    )
    return visible_to(qs, user)


def request_get(*, user, pk, detailed: bool = True, only=None) -> ConsultationRequest:
    """One request `user` may see (else 404): with its history and hours for display, or,
    with detailed=False, only with what matching reads (its program, county and language) and
    its consultant (who may act on it); `only`: just these fields of those (QuerySet.only;
    any other is read when first used), e.g. matching.facts.REQUEST_FIELDS."""
    related = ["program__county", "preferred_language"]
    try:
        if detailed:
            return request_list(user=user).get(pk=pk)
        if only is not None and is_alliance_admin(user):
            # An admin sees every request: the read is the same for all (compiled once).
            return _read_only(tuple(only)).get(pk=pk)
        if only is None:
            qs = ConsultationRequest.objects.select_related(*related, "consultant")
        else:
            qs = ConsultationRequest.objects.select_related(*related).only(*only)
        return visible_to(qs, user).get(pk=pk)
    except (ConsultationRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such request.")) from None


@functools.cache
def _read_only(fields: tuple[str, ...]) -> CompiledLookup:
    """A request by key with only `fields` (and the relations they pass through), compiled
    once per process for each set of fields (the callers' constants: a handful at most)."""
    related = ["program__county", "preferred_language"]
    return CompiledLookup(
        lambda pk: ConsultationRequest.objects.select_related(*related).only(*fields).filter(pk=pk),
        pk=ConsultationRequest._meta.pk,
    )


def request_queue(*, user) -> QuerySet[ConsultationRequest]:
    """Open requests waiting for a consultant, in the order the Alliance works them: priority
    before routine; within each, those past their first-contact target first, then submitted
    before offered, then the longest waiting (since received) first. Admins only (else empty)."""
    if not is_alliance_admin(user):
        return ConsultationRequest.objects.none()
    return (
        request_list(user=user)
        .filter(status__in=QUEUE_STATUSES)
        .annotate(
            status_rank=Case(
                When(status=Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            urgency_rank=Case(
                When(urgency=Urgency.PRIORITY, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            # Past its first-contact target (consultations.first_contact): first within its
            # urgency.
            overdue_rank=Case(
                When(
                    first_contact_at__isnull=True,
                    first_contact_due_at__lte=timezone.now(),
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("urgency_rank", "overdue_rank", "status_rank", "received_at", "id")
    )


def queue_counties() -> QuerySet[County]:
    """Counties of programs with a request in the queue: the only useful county filters."""
    return County.objects.filter(programs__requests__status__in=QUEUE_STATUSES).distinct()


def _actor_label(event: RequestEvent, consultation: ConsultationRequest, *, alliance: bool) -> str:
    """Who took a step, as the viewer may know them. Usernames are for the Alliance only
    (they are what a login names): anyone else reads "the Alliance" for its staff, the
    program's name for its staff, and a consultant's public name only for the consultant
    now on the request (whom the request shows anyway), never for one who declined."""
    Role = RequestEvent.ActorRole
    if event.actor_id is None or event.actor_role == Role.SYSTEM:
        return "system"
    if alliance:
        return event.actor.get_full_name() or event.actor.username
    if event.actor_role == Role.ADMIN:
        return str(ALLIANCE)
    if event.actor_role == Role.PROGRAM:
        return consultation.program.name
    if (
        event.action != RequestEvent.Action.DECLINED
        and event.consultant_id is not None
        and event.consultant_id == consultation.consultant_id
    ):
        return consultation.consultant.display_name
    return str(A_CONSULTANT)


# An expiry stores its days ("5"); older ones stored "Not answered within 5 days.".
EXPIRY_DAYS = re.compile(r"^(?:Not answered within )?(\d+)(?: days\.)?$")
WAITLIST_REASON = re.compile(r"^(\w+) \((\d+)\)$")


def _waitlist_note(note: str) -> str:
    """A waitlisting's reasons (for the Alliance), stored as "code (n); code (n)", named as
    matching names them; an older note, stored as text, is shown as it is."""
    reasons = [WAITLIST_REASON.match(part) for part in note.split("; ")] if note else []
    if not reasons or not all(r and r.group(1) in EXCLUSIONS for r in reasons):
        return note
    return "; ".join(f"{EXCLUSIONS[r.group(1)]} ({r.group(2)})" for r in reasons)


def event_note(event: RequestEvent, consultation: ConsultationRequest) -> str:
    """An event's note in the reader's language. The notes the service writes itself (an
    expiry, a closure's reason, a call, the brief team) are built here from the event, not
    stored as text: a stored sentence would stay in the language of whoever caused it. Older
    events stored them in English; their note gives way to the translated text."""
    Action = RequestEvent.Action
    if event.action == Action.EXPIRED:
        stored = EXPIRY_DAYS.match(event.note)
        days = int(stored.group(1)) if stored else settings.OFFER_EXPIRY_DAYS
        return ngettext(
            "Not answered within %(days)s day.", "Not answered within %(days)s days.", days
        ) % {"days": days}
    if event.action == Action.CLOSED and consultation.closure_reason:
        return str(consultation.get_closure_reason_display())
    if event.action == Action.FIRST_CONTACT:
        return gettext("Phone call")
    if event.action == Action.BRIEF_TEAM:
        return gettext("Brief consultation: 1 to 3 virtual sessions.")
    if event.action == Action.WAITLISTED:
        return _waitlist_note(event.note)
    return event.note


def request_history(*, consultation: ConsultationRequest, user) -> list[RequestEvent]:
    """The request's events in order, as `user` may read them, each with `actor_label` (see
    _actor_label) and its note in the reader's language (event_note): a consultant's reason
    for declining is for the Alliance only (its note comes back blank for everyone else), and
    so is who declined; so are a waitlisting's reasons (matching's exclusions, which count
    consultants who declined; the program reads where its request stands in
    waitlist.waiting_for)."""
    events = list(consultation.events.all())
    alliance = is_alliance_admin(user)
    alliance_only = (RequestEvent.Action.DECLINED, RequestEvent.Action.WAITLISTED)
    for event in events:
        if not alliance and event.action in alliance_only:
            event.note = ""
        else:
            event.note = event_note(event, consultation)
        event.actor_label = _actor_label(event, consultation, alliance=alliance)
    return events


def submission_for(*, user, key: str) -> SubmissionKey | None:
    """The request `user` made with this idempotency key, if within SUBMISSION_KEY_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.SUBMISSION_KEY_HOURS)
    return (
        SubmissionKey.objects.filter(user=user, key=key, created_at__gte=cutoff)
        .select_related("request")
        .first()
    )


def program_recipients(program: Program) -> list[tuple[str, object]]:
    """Where a program's notifications go, once each: its staff's addresses, each with its
    user (for their language), then the program's own address (with no user). The staff
    come from `program.staff_users` when a service read them with the request
    (services._lock_request), else from the database."""
    staff = getattr(program, "staff_users", None)
    if staff is None:
        staff = [m.user for m in program.memberships.select_related("user")]
    recipients = [(user.email, user) for user in staff]
    recipients.append((program.email, None))
    seen, result = set(), []
    for address, user in recipients:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append((address, user))
    return result


def contact_list(*, consultation: ConsultationRequest, user) -> list[Contact]:
    """The request's contacts in order, as `user` may read them. A note is the consultant's
    own, and the Alliance's, which supervises the work, until the consultant shares it with
    the program: an unshared note comes back blank for everyone else (docs/domain.md,
    "Privacy")."""
    contacts = list(consultation.contacts.select_related("consultant"))
    if not is_alliance_admin(user):
        for contact in contacts:
            if not contact.shared_with_program and contact.consultant.user_id != user.pk:
                contact.note = ""
    return contacts


CLOSED_SHOWN = 20  # closed engagements on the caseload page


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
    return {
        "max_caseload": consultant.max_caseload,
        "active_caseload": consultant.active_caseload,
        # An offer awaiting an answer holds a place, as in matching and the offer service.
        "places_free": consultant.places_free,
        "accepting_new_requests": consultant.accepting_new_requests,
        "open_offers": consultant.open_offers,
        "engagements": list(engagements),
        # Closed engagements stay in sight (the latest first), with their hours.
        "closed_engagements": list(
            ConsultationRequest.objects.filter(consultant=consultant, status=Status.CLOSED)
            .select_related("program")
            .annotate(minutes=Sum("contacts__minutes"))
            .order_by("-closed_at", "-id")[:CLOSED_SHOWN]
        ),
        "hours_this_month": minutes_to_hours(month_minutes),
    }
