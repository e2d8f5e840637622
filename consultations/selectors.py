"""Every scoped read of consultation requests, contacts and caseloads."""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin, is_consultant_user, is_program_user
from consultations import matching
from consultations.models import ConsultationRequest, Contact, RequestEvent, SubmissionKey
from directory import geo
from directory.models import Consultant, Program
from directory.selectors import code_list_contains

Status = ConsultationRequest.Status
ALLIANCE = _("the Alliance")
A_CONSULTANT = _("a consultant")


def _visible_to(qs: QuerySet[ConsultationRequest], user) -> QuerySet[ConsultationRequest]:
    """`qs` narrowed to the requests `user` may see (see request_list)."""
    if is_alliance_admin(user):
        return qs
    if is_program_user(user):
        return qs.filter(program__memberships__user=user)
    if is_consultant_user(user):
        return qs.filter(consultant__user=user, status__in=ConsultationRequest.WITH_CONSULTANT)
    return qs.none()


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
    return _visible_to(qs, user)


def request_get(*, user, pk, detailed: bool = True) -> ConsultationRequest:
    """One request `user` may see (else 404): with its history and hours for display, or,
    with detailed=False, only with what matching reads (its program, county and language)."""
    if detailed:
        qs = request_list(user=user)
    else:
        qs = _visible_to(
            ConsultationRequest.objects.select_related("program__county", "preferred_language"),
            user,
        )
    try:
        return qs.get(pk=pk)
    except (ConsultationRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def _actor_label(event: RequestEvent, request: ConsultationRequest, *, alliance: bool) -> str:
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
        return request.program.name
    if (
        event.action != RequestEvent.Action.DECLINED
        and event.consultant_id is not None
        and event.consultant_id == request.consultant_id
    ):
        return request.consultant.display_name
    return str(A_CONSULTANT)


def request_history(*, request: ConsultationRequest, user) -> list[RequestEvent]:
    """The request's events in order, as `user` may read them, each with `actor_label` (see
    _actor_label): a consultant's reason for declining is for the Alliance only (its note
    comes back blank for everyone else), and so is who declined."""
    events = list(request.events.all())
    alliance = is_alliance_admin(user)
    for event in events:
        if not alliance and event.action == RequestEvent.Action.DECLINED:
            event.note = ""
        event.actor_label = _actor_label(event, request, alliance=alliance)
    return events


def submission_for(*, user, key: str) -> SubmissionKey | None:
    """The request `user` made with this idempotency key, if within SUBMISSION_KEY_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.SUBMISSION_KEY_HOURS)
    return (
        SubmissionKey.objects.filter(user=user, key=key, created_at__gte=cutoff)
        .select_related("request")
        .first()
    )


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
    return {
        "max_caseload": consultant.max_caseload,
        "active_caseload": consultant.active_caseload,
        # An offer awaiting an answer holds a place, as in matching and the offer service.
        "places_free": consultant.places_free,
        "accepting_new_requests": consultant.accepting_new_requests,
        "open_offers": consultant.open_offers,
        "engagements": list(engagements),
        "hours_this_month": round((month_minutes or 0) / 60, 2),
    }


# --- matching ------------------------------------------------------------------------------

MATCH_EXCLUSION_ORDER = tuple(matching.EXCLUSIONS)


def _facts_of_request(request: ConsultationRequest, declined: frozenset[int]):
    program = request.program
    return matching.RequestFacts(
        id=request.pk,
        program_id=program.pk,
        program_name=program.name,
        state=program.state,
        county_id=program.county_id,
        county_name=program.county.name,
        latitude=program.latitude,
        longitude=program.longitude,
        setting_type=program.setting_type,
        concerns=tuple(request.concerns),
        modality=request.modality,
        preferred_language=request.preferred_language_id,
        preferred_language_name=(
            request.preferred_language.name if request.preferred_language_id else None
        ),
        language_required=request.language_required,
        priority=request.urgency == ConsultationRequest.Urgency.PRIORITY,
        declined=declined,
    )


# The fields of a listing that matching reads (see _consultant_facts).
FACT_FIELDS = (
    "display_name",
    "base_state",
    "base_latitude",
    "base_longitude",
    "travel_radius_miles",
    "modalities",
    "setting_types",
    "specialties",
    "max_caseload",
    "active_caseload",
    "open_offers",
    "imh_endorsement",
    "listing_status",
    "accepting_new_requests",
)


def _consultant_facts(consultants: list[Consultant]) -> list[matching.ConsultantFacts]:
    """Facts of these consultants: three queries, whatever their number."""
    ids = [c.pk for c in consultants]
    languages: dict[int, set[str]] = {}
    for cid, code in Consultant.languages.through.objects.filter(consultant_id__in=ids).values_list(
        "consultant_id", "language_id"
    ):
        languages.setdefault(cid, set()).add(code)
    counties: dict[int, set[int]] = {}
    county_names: dict[int, str] = {}
    for cid, county_id, name in Consultant.counties_served.through.objects.filter(
        consultant_id__in=ids
    ).values_list("consultant_id", "county_id", "county__name"):
        counties.setdefault(cid, set()).add(county_id)
        county_names[county_id] = name
    served: dict[int, set[int]] = {}
    for cid, program_id in (
        ConsultationRequest.objects.filter(
            consultant_id__in=ids, status__in=(Status.ACTIVE, Status.CLOSED)
        )
        .values_list("consultant_id", "program_id")
        .distinct()
    ):
        served.setdefault(cid, set()).add(program_id)
    return [
        matching.ConsultantFacts(
            id=c.pk,
            display_name=c.display_name,
            state=c.base_state,
            latitude=c.base_latitude,
            longitude=c.base_longitude,
            travel_radius_miles=c.travel_radius_miles,
            modalities=frozenset(c.modalities),
            setting_types=frozenset(c.setting_types),
            specialties=frozenset(c.specialties),
            languages=frozenset(languages.get(c.pk, ())),
            counties=frozenset(counties.get(c.pk, ())),
            max_caseload=c.max_caseload,
            active_caseload=c.active_caseload,
            open_offers=c.open_offers,
            endorsement=c.imh_endorsement,
            approved=c.listing_status == Consultant.ListingStatus.APPROVED,
            accepting=c.accepting_new_requests,
            programs_served=frozenset(served.get(c.pk, ())),
            county_names=county_names,
        )
        for c in consultants
    ]


def _hard_constraints(request: ConsultationRequest, declined: frozenset[int]) -> list[tuple]:
    """The hard constraints as (code, Q) in matching.EXCLUSIONS order, for a queryset
    annotated by `_with_distance` from the program."""
    program = request.program
    on_site = code_list_contains("modalities", "on_site")
    virtual = code_list_contains("modalities", "virtual")
    wants_on_site = request.modality in ("on_site", "either")
    wants_virtual = request.modality in ("virtual", "either")
    modality = Q(pk__in=[])
    area = Q(pk__in=[])
    if wants_on_site:
        modality |= on_site
        serves_county = Q(
            Exists(
                Consultant.counties_served.through.objects.filter(
                    consultant_id=OuterRef("pk"), county_id=program.county_id
                )
            )
        )
        reach = serves_county
        if program.latitude is not None and program.longitude is not None:
            # An unknown point is never within the radius. The latitude band is a cheap
            # necessary condition (a great circle is at least as long as its north-south
            # part), checked first so the trigonometry runs only for consultants near by.
            # (Q(**kwargs) would sort the conditions by name: they are chained to keep order.)
            reach |= (
                Q(base_latitude__isnull=False)
                & Q(base_longitude__isnull=False)
                & Q(latitude_band_miles__lte=F("travel_radius_miles") + 1)
                & Q(distance_miles__lte=F("travel_radius_miles"))
            )
        area |= on_site & reach
    if wants_virtual:
        modality |= virtual
        area |= virtual & Q(base_state=program.state)
    language = Q()
    if request.language_required and request.preferred_language_id:
        language = Q(
            Exists(
                Consultant.languages.through.objects.filter(
                    consultant_id=OuterRef("pk"), language_id=request.preferred_language_id
                )
            )
        )
    return [
        ("not_approved", Q(listing_status=Consultant.ListingStatus.APPROVED)),
        ("not_accepting", Q(accepting_new_requests=True)),
        (
            "at_capacity",
            Q(active_caseload__lt=F("max_caseload") - F("open_offers")),
        ),
        ("declined_before", ~Q(pk__in=declined) if declined else Q()),
        ("modality", modality),
        ("out_of_area", area),
        ("language", language),
    ]


def _with_distance(program: Program) -> QuerySet[Consultant]:
    """Consultants annotated with their base's distance from the program (`distance_miles`)
    and its north-south part (`latitude_band_miles`), NULL where their base is unknown. A
    program without coordinates gets no annotations: no constraint then reads them."""
    if program.latitude is None or program.longitude is None:
        return Consultant.objects.all()
    return Consultant.objects.annotate(
        distance_miles=geo.distance_miles_expression(
            program.latitude, program.longitude, "base_latitude", "base_longitude"
        ),
        latitude_band_miles=Abs(F("base_latitude") - program.latitude) * geo.MILES_PER_DEGREE,
    )


def match_candidates(
    request: ConsultationRequest, *, declined: frozenset[int] | None = None
) -> tuple[list[Consultant], dict[str, int]]:
    """The consultants who may be offered this request — every hard constraint applied in one
    query — and how many consultants each constraint excluded (each counted under the first
    constraint they fail). `declined`: the consultants who declined it before, when the caller
    has them already.

    One scan of the consultants names each one's first failure; the candidates (those with
    none) are then read by primary key, so the costly conditions run once per consultant."""
    if declined is None:
        declined = frozenset(declined_consultant_ids(request))
    stages = _hard_constraints(request, declined)
    # Each consultant under the first constraint they fail: one CASE, evaluated in order, so
    # the costly conditions (distance, counties) run only for those who passed the cheap ones.
    first_failure = Case(
        *[When(~condition, then=Value(code)) for code, condition in stages if condition],
        default=Value(""),
        output_field=CharField(),
    )
    counts = dict.fromkeys((code for code, _ in stages), 0)
    passed = []
    for pk, failure in (
        _with_distance(request.program)
        .annotate(failure=first_failure)
        .order_by()
        .values_list("pk", "failure")
    ):
        if failure:
            counts[failure] += 1
        else:
            passed.append(pk)
    candidates = (
        list(Consultant.objects.filter(pk__in=passed).only(*FACT_FIELDS).order_by("pk"))
        if passed
        else []
    )
    return candidates, counts


def ranked_matches(request: ConsultationRequest, *, weights=None) -> matching.Ranking:
    """The consultants who may take the request, best first, each with components and
    reasons, and the counts of those excluded by each hard constraint."""
    declined = frozenset(declined_consultant_ids(request))
    candidates, excluded = match_candidates(request, declined=declined)
    facts = _facts_of_request(request, declined)
    return matching.rank(
        facts,
        _consultant_facts(candidates),
        weights or settings.MATCHING_WEIGHTS,
        excluded=excluded,
    )


def open_requests_facts() -> list[matching.RequestFacts]:
    """Every submitted request, as matching facts (two queries, read as plain values: at
    national scale model instances would cost seconds)."""
    declined: dict[int, set[int]] = {}
    for request_id, consultant_id in RequestEvent.objects.filter(
        action=RequestEvent.Action.DECLINED, request__status=Status.SUBMITTED
    ).values_list("request_id", "consultant_id"):
        declined.setdefault(request_id, set()).add(consultant_id)
    rows = (
        ConsultationRequest.objects.filter(status=Status.SUBMITTED)
        .order_by("pk")
        .values_list(
            "pk",
            "program_id",
            "program__name",
            "program__state",
            "program__county_id",
            "program__county__name",
            "program__latitude",
            "program__longitude",
            "program__setting_type",
            "concerns",
            "modality",
            "preferred_language_id",
            "preferred_language__name",
            "language_required",
            "urgency",
            named=True,
        )
    )
    priority = ConsultationRequest.Urgency.PRIORITY
    return [
        matching.RequestFacts(
            id=row.pk,
            program_id=row.program_id,
            program_name=row.program__name,
            state=row.program__state,
            county_id=row.program__county_id,
            county_name=row.program__county__name,
            latitude=row.program__latitude,
            longitude=row.program__longitude,
            setting_type=row.program__setting_type,
            concerns=tuple(row.concerns),
            modality=row.modality,
            preferred_language=row.preferred_language_id,
            preferred_language_name=row.preferred_language__name,
            language_required=row.language_required,
            priority=row.urgency == priority,
            declined=frozenset(declined.get(row.pk, ())),
        )
        for row in rows
    ]


def matchable_consultants_facts() -> list[matching.ConsultantFacts]:
    """Every approved consultant, as matching facts (four queries)."""
    consultants = (
        Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
        .only(*FACT_FIELDS)
        .order_by("pk")
    )
    return _consultant_facts(list(consultants))


def consultant_names(ids) -> dict[int, str]:
    return dict(Consultant.objects.filter(pk__in=ids).values_list("pk", "display_name"))


def unmet_demand() -> dict:
    """Open requests no consultant may take, counted by county and by language: where the
    Alliance is missing consultants. Uses the batch's own feasibility rules."""
    requests = open_requests_facts()
    options, reasons = matching.batch_options(
        requests, matchable_consultants_facts(), settings.MATCHING_WEIGHTS
    )
    unmet = [r for r in requests if not options.get(r.id)]
    by_county: dict[tuple[str, str], int] = {}
    by_language: dict[str, int] = {}
    for r in unmet:
        key = (r.state, r.county_name)
        by_county[key] = by_county.get(key, 0) + 1
        language = r.preferred_language_name or r.preferred_language or "No preference"
        if r.preferred_language and r.language_required:
            language += " (required)"
        by_language[language] = by_language.get(language, 0) + 1
    return {
        "open_requests": len(requests),
        "unmet": len(unmet),
        "by_county": sorted(by_county.items(), key=lambda item: (-item[1], item[0])),
        "by_language": sorted(by_language.items(), key=lambda item: (-item[1], item[0])),
        "requests": [(r, reasons.get(r.id, [])) for r in unmet],
    }
