"""What matching reads from the database: the facts of consultations and consultants (plain
data for `rules` and `batch`), and the hard constraints in SQL form (`hard_constraints`), which
pick one consultation's candidates out of every consultant in one query."""

import json
import operator

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast
from django.utils import timezone

from consultations.matching.rules import (
    EXCLUSIONS,
    ConsultantFacts,
    Ranking,
    RequestFacts,
    rank,
    request_ages,
    score_weights,
)
from consultations.models import ConsultationRequest, RequestEvent, weekly_hours
from directory import geo
from directory.credentials import (
    ConsultantEndorsement,
    endorsement_current,
    license_current_condition,
    license_lapsed,
)
from directory.models import Consultant, ConsultantQuerySet, Program
from directory.selectors import code_list_contains
from iecmhc.compiled import Bound, CompiledLookup

Status = ConsultationRequest.Status


def _declines():
    return RequestEvent.objects.filter(action=RequestEvent.Action.DECLINED)


def declined_events(consultation: ConsultationRequest) -> QuerySet:
    """The ids of the consultants who declined this consultation, as a query."""
    return _declines().filter(request=consultation).values_list("consultant_id", flat=True)


_DECLINED = CompiledLookup(
    lambda request: _declines().filter(request=request).values_list("consultant_id", flat=True),
    request=RequestEvent._meta.get_field("request"),
)


def declined_events_sql(consultation: ConsultationRequest) -> Bound:
    """declined_events' SQL (compiled once per process), for matching's version query."""
    return _DECLINED.bind(request=consultation.pk)


def declined_consultant_ids(consultation: ConsultationRequest) -> set[int]:
    """Consultants who declined this consultation: it is never offered to them again."""
    return set(declined_events(consultation))


def declined_by(consultant_id: int) -> Exists:
    """The same rule in SQL, for a query of requests: the consultant declined this one."""
    return Exists(_declines().filter(request=OuterRef("pk"), consultant_id=consultant_id))


# What matching reads of a consultation: each RequestFacts field, from its path, in the
# fields' order (open_requests_facts builds the facts by position).
REQUEST_PATHS = {
    "id": "pk",
    "program_id": "program_id",
    "program_name": "program__name",
    "state": "program__state",
    "county_id": "program__county_id",
    "county_name": "program__county__name",
    "latitude": "program__latitude",
    "longitude": "program__longitude",
    "setting_type": "program__setting_type",
    "concerns": "concerns",
    "modality": "modality",
    "preferred_language": "preferred_language_id",
    "preferred_language_name": "preferred_language__name",
    "language_required": "language_required",
    "priority": "urgency",
}
# Read to work out a consultation's weight and ages (RequestFacts.weekly_hours and .ages).
WEIGHT_AND_AGE_PATHS = (
    "focus",
    "planned_hours_per_week",
    "child_age_months",
    "program__ages_served",
)

# The same reads as model fields, for `QuerySet.only` (with select_related("program__county",
# "preferred_language")): a relation's key by the relation's name.
REQUEST_FIELDS = tuple(
    dict.fromkeys(
        path.removesuffix("_id")
        for path in (*REQUEST_PATHS.values(), *WEIGHT_AND_AGE_PATHS)
        if path != "pk"
    )
)


def _request_facts(facts: dict, weight_and_age: tuple, declined: frozenset[int]) -> RequestFacts:
    """RequestFacts from `facts`, a consultation's value at each of REQUEST_PATHS by name, and
    its values at WEIGHT_AND_AGE_PATHS."""
    facts["concerns"] = tuple(facts["concerns"])
    facts["priority"] = facts["priority"] == ConsultationRequest.Urgency.PRIORITY
    weekly, ages = _weight_and_ages(*weight_and_age)
    return RequestFacts(**facts, declined=declined, weekly_hours=weekly, ages=ages)


def _weight_and_ages(focus, planned, child_age, ages_served) -> tuple[float, frozenset[str]]:
    """A consultation's weekly hours (its weight) and the ages it concerns, from its values
    at WEIGHT_AND_AGE_PATHS."""
    return float(weekly_hours(focus, planned)), request_ages(focus, child_age, ages_served)


def _walk(instance, path: str):
    for name in path.split("__"):
        instance = None if instance is None else getattr(instance, name)
    return instance


def request_facts(consultation: ConsultationRequest, declined: frozenset[int]) -> RequestFacts:
    """The facts of one consultation (read with its program, county and language)."""
    return _request_facts(
        {name: _walk(consultation, path) for name, path in REQUEST_PATHS.items()},
        tuple(_walk(consultation, path) for path in WEIGHT_AND_AGE_PATHS),
        declined,
    )


# The fields of a listing that matching reads (see consultant_facts).
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
    "hours_per_week",
    "hours_committed",
    "license_expires",
    "listing_status",
    "accepting_new_requests",
    "brief_team",
)


def consultant_facts(consultants: list[Consultant], ids=None) -> list[ConsultantFacts]:
    """Facts of these consultants: four queries, whatever their number. `ids`: a query of
    their ids (a subquery rather than thousands of parameters), or None for their list."""
    ids = [c.pk for c in consultants] if ids is None else ids
    today = timezone.localdate()
    endorsements: dict[int, list[tuple[str, str]]] = {}
    for cid, category, status, renewal in (
        ConsultantEndorsement.objects.filter(consultant_id__in=ids)
        .order_by("consultant_id", "category")
        .values_list("consultant_id", "category", "status", "renewal_date")
    ):
        if endorsement_current(status, renewal, today):
            endorsements.setdefault(cid, []).append((category, status))
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
        ConsultantFacts(
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
            endorsements=tuple(endorsements.get(c.pk, ())),
            license_lapsed=license_lapsed(c.license_expires, today),
            hours_available=None if c.hours_per_week is None else float(c.hours_per_week),
            hours_committed=float(c.hours_committed),
            approved=c.is_public,
            accepting=c.accepting_new_requests,
            brief_team=c.brief_team,
            programs_served=frozenset(served.get(c.pk, ())),
            county_names=county_names,
        )
        for c in consultants
    ]


# --- the hard constraints in SQL -------------------------------------------------------------


def virtual_condition() -> Q:
    """Works virtually: lists it, or is on the brief team (rules.ConsultantFacts.offers_virtual)."""
    return code_list_contains("modalities", "virtual") | Q(brief_team=True)


def hard_constraints(consultation: ConsultationRequest, declined: frozenset[int]) -> list[tuple]:
    """The hard constraints of rules.exclusion as (code, Q) in EXCLUSIONS order, for a
    queryset annotated by `_with_distance` from the program."""
    program = consultation.program
    on_site = code_list_contains("modalities", "on_site")
    virtual = virtual_condition()
    modality = Q(pk__in=[])
    area = Q(pk__in=[])
    if consultation.modality in ("on_site", "either"):
        modality |= on_site
        reach = Q(
            Exists(
                Consultant.counties_served.through.objects.filter(
                    consultant_id=OuterRef("pk"), county_id=program.county_id
                )
            )
        )
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
    if consultation.modality in ("virtual", "either"):
        modality |= virtual
        area |= virtual & Q(base_state=program.state)
    language = Q()
    if consultation.language_required and consultation.preferred_language_id:
        language = Q(
            Exists(
                Consultant.languages.through.objects.filter(
                    consultant_id=OuterRef("pk"), language_id=consultation.preferred_language_id
                )
            )
        )
    conditions = {
        "not_approved": Q(listing_status=Consultant.ListingStatus.APPROVED),
        "credential_lapsed": license_current_condition(timezone.localdate()),
        "not_accepting": Q(accepting_new_requests=True),
        "at_capacity": ConsultantQuerySet.free_place_condition(consultation.weekly_hours),
        "declined_before": ~Q(pk__in=declined) if declined else Q(),
        "modality": modality,
        "out_of_area": area,
        "language": language,
    }
    return [(code, conditions[code]) for code in EXCLUSIONS]


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
    consultation: ConsultationRequest, *, declined: frozenset[int] | None = None
) -> tuple[list[Consultant], dict[str, int]]:
    """The consultants who may be offered this consultation — every hard constraint applied in
    one query — and how many consultants each constraint excluded (each counted under the
    first constraint they fail). `declined`: the consultants who declined it before, when the
    caller has them already.

    One scan of the consultants names each one's first failure; the candidates (those with
    none) are then read by primary key, so the costly conditions run once per consultant."""
    if declined is None:
        declined = frozenset(declined_consultant_ids(consultation))
    stages = hard_constraints(consultation, declined)
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
        _with_distance(consultation.program)
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


def ranked_matches_in_sql(
    consultation: ConsultationRequest, *, weights=None, declined: frozenset[int] | None = None
) -> Ranking:
    """The consultants who may take the consultation, best first, each with components and
    reasons, and the counts of those excluded by each hard constraint: the hard constraints in
    SQL over every consultant, the candidates ranked by `rules.rank`. The reference of the
    snapshot (snapshot.ranked_matches, which matching uses), and what it falls back on."""
    if declined is None:
        declined = frozenset(declined_consultant_ids(consultation))
    candidates, excluded = match_candidates(consultation, declined=declined)
    return rank(
        request_facts(consultation, declined),
        consultant_facts(candidates),
        weights or score_weights(),
        excluded=excluded,
    )


# --- every open consultation at once ---------------------------------------------------------


# The JSON lists of a consultation, read as text and parsed once per distinct text (a few
# dozen combinations among tens of thousands of consultations).
_JSON_PATHS = {"concerns": "_concerns_json", "program__ages_served": "_ages_served_json"}


def open_requests_facts() -> list[RequestFacts]:
    """Every submitted consultation, as matching facts (two queries, read as plain tuples: at
    national scale model instances would cost seconds)."""
    declined: dict[int, set[int]] = {}
    for consultation_id, consultant_id in RequestEvent.objects.filter(
        action=RequestEvent.Action.DECLINED, request__status=Status.SUBMITTED
    ).values_list("request_id", "consultant_id"):
        declined.setdefault(consultation_id, set()).add(consultant_id)
    paths = tuple(dict.fromkeys((*REQUEST_PATHS.values(), *WEIGHT_AND_AGE_PATHS)))
    rows = (
        ConsultationRequest.objects.filter(status=Status.SUBMITTED)
        .annotate(**{name: Cast(path, TextField()) for path, name in _JSON_PATHS.items()})
        .order_by("pk")
        .values_list(*(_JSON_PATHS.get(path, path) for path in paths))
    )
    position = {path: k for k, path in enumerate(paths)}
    # Each row's values at REQUEST_PATHS (RequestFacts' first fields, in order) and at
    # WEIGHT_AND_AGE_PATHS (the JSON list of ages served as its text), picked in C; a
    # RequestFacts built from them by position (at four times national scale, 83,000 of them:
    # a dict of names each would cost half a second more).
    names = tuple(REQUEST_PATHS)
    pick = operator.itemgetter(*(position[path] for path in REQUEST_PATHS.values()))
    pick_weight_and_age = operator.itemgetter(*(position[path] for path in WEIGHT_AND_AGE_PATHS))
    at_concerns, at_priority = names.index("concerns"), names.index("priority")
    ages_served = WEIGHT_AND_AGE_PATHS.index("program__ages_served")
    at_id = position["pk"]
    concerns: dict[str | None, tuple] = {}  # parsed once per distinct text
    parsed: dict[str | None, list] = {None: None}
    known: dict = {}
    priority = ConsultationRequest.Urgency.PRIORITY
    no_declines = frozenset()
    facts = []
    for row in rows:
        values = list(pick(row))
        text = values[at_concerns]
        if text not in concerns:
            concerns[text] = tuple(_parsed(parsed, text))
        values[at_concerns] = concerns[text]
        values[at_priority] = values[at_priority] == priority
        weight_and_age = pick_weight_and_age(row)  # with the ages served as text: a key
        if weight_and_age not in known:  # worked out once per distinct key
            parts = list(weight_and_age)
            parts[ages_served] = _parsed(parsed, parts[ages_served])
            known[weight_and_age] = _weight_and_ages(*parts)
        weekly, ages = known[weight_and_age]
        at = row[at_id]
        facts.append(
            RequestFacts(
                *values,
                frozenset(declined[at]) if at in declined else no_declines,
                weekly,
                ages,
            )
        )
    return facts


def matchable_consultants_facts() -> list[ConsultantFacts]:
    """Every approved consultant, as matching facts (five queries; the listings read as plain
    rows, not model instances, which at four times national scale cost half a second)."""
    approved = Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
    text = {name: Cast(name, TextField()) for name in _LIST_FIELDS}
    rows = (
        approved.annotate(**{f"_{name}_json": cast for name, cast in text.items()})
        .order_by("pk")
        .values_list("pk", *(f"_{n}_json" if n in text else n for n in FACT_FIELDS))
    )
    # Each distinct list, parsed and frozen once (consultant_facts' frozenset() of a
    # frozenset is the frozenset itself).
    frozen: dict[str | None, frozenset] = {None: None}
    listings = []
    for values in rows:
        listing = _Listing()
        for name, value in zip(_Listing.__slots__, values, strict=True):
            if name in text:
                if value not in frozen:
                    frozen[value] = frozenset(json.loads(value))
                value = frozen[value]
            setattr(listing, name, value)
        listings.append(listing)
    return consultant_facts(listings, ids=approved.values("pk"))


# A listing's code lists (JSON), read as text and parsed once per distinct text.
_LIST_FIELDS = ("modalities", "setting_types", "specialties")


class _Listing:
    """What consultant_facts reads of a listing, from a row of FACT_FIELDS."""

    __slots__ = ("pk", *FACT_FIELDS)
    ListingStatus = Consultant.ListingStatus
    is_public = Consultant.is_public


def _parsed(parsed: dict, text: str | None):
    """The JSON `text` parsed, once per distinct text (`parsed`: those seen; None: None)."""
    if text not in parsed:
        parsed[text] = json.loads(text)
    return parsed[text]
