"""Every scoped or filtered read of the directory."""

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.lookups import Exact
from django.http import Http404

from accounts.roles import is_alliance_admin
from directory import geo, search
from directory.models import Consultant, County, Language, Program, Region
from directory.permissions import can_view_consultant_private
from directory.vocabularies import LANGUAGE_ENDONYMS


def code_list_contains(field: str, code: str) -> Q:
    """Rows whose CodeListField `field` holds `code`, on PostgreSQL or SQLite.

    PostgreSQL uses jsonb containment. SQLite has no JSON containment lookup, so we match the
    quoted code in the stored JSON text; codes are validated snake_case words, so '"code"'
    can only match a whole element.
    """
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": f'"{code}"'})


def _consultant_base() -> QuerySet[Consultant]:
    return Consultant.objects.prefetch_related("languages", "counties_served", "endorsements")


def consultant_list(*, user) -> QuerySet[Consultant]:
    """Listings a user may browse: approved ones, or every listing for Alliance admins."""
    qs = _consultant_base()
    if is_alliance_admin(user):
        return qs
    return qs.filter(listing_status=Consultant.ListingStatus.APPROVED)


def consultant_list_public() -> QuerySet[Consultant]:
    """Approved listings: what the public directory shows."""
    return _consultant_base().filter(listing_status=Consultant.ListingStatus.APPROVED)


def status_scope(qs: QuerySet[Consultant]) -> tuple[bool, str | None]:
    """(True, status) when `qs` is every listing with that listing_status and no other
    condition (consultant_list_public, or consultant_list for anyone but an admin, maybe filtered
    by the same status); (True, None) when it is every listing (an admin's consultant_list);
    (False, None) for anything else."""
    where, query = qs.query.where, qs.query
    if where.negated or query.distinct or query.combinator is not None:
        return False, None
    status_field = Consultant._meta.get_field("listing_status")
    statuses = set()
    for child in where.children:
        if not (isinstance(child, Exact) and getattr(child.lhs, "target", None) is status_field):
            return False, None
        statuses.add(str(child.rhs))
    if len(statuses) > 1 or (statuses and where.connector != "AND"):
        return False, None
    return True, (statuses.pop() if statuses else None)


def consultant_get(*, user, pk) -> Consultant:
    """A listing the user may see (approved; their own; any for admins), else 404."""
    visible = Q(listing_status=Consultant.ListingStatus.APPROVED)
    if is_alliance_admin(user):
        visible = Q()
    elif user is not None and user.is_authenticated:
        visible |= Q(user=user)
    try:
        consultant = _consultant_base().filter(visible).get(pk=pk)
    except (Consultant.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consultant.") from None
    # The detail shows the review history to owners and admins only: fetched, with its
    # actors, for them alone.
    if can_view_consultant_private(user, consultant):
        prefetch_related_objects([consultant], "decisions__actor")
    return consultant


def consultant_near(
    qs: QuerySet[Consultant], *, latitude: float, longitude: float, radius_miles: float
) -> QuerySet[Consultant]:
    """Consultants based within `radius_miles` of a point, nearest first, with distance_miles."""
    box = geo.bounding_box(latitude, longitude, radius_miles)
    return (
        qs.filter(
            base_latitude__gte=box["min_lat"],
            base_latitude__lte=box["max_lat"],
            base_longitude__gte=box["min_lng"],
            base_longitude__lte=box["max_lng"],
        )
        .annotate(
            distance_miles=geo.distance_miles_expression(
                latitude, longitude, "base_latitude", "base_longitude"
            )
        )
        .filter(distance_miles__lte=radius_miles)
        .order_by("distance_miles", "id")
    )


def consultant_search(qs: QuerySet[Consultant], *, text: str) -> QuerySet[Consultant]:
    """Listings whose name or bio holds every word of `text`, whatever the case and accents,
    those with more of the words in their name first (directory.search)."""
    return search.search(qs, text=text)


# A consultant sees a program while one of its requests is offered to or assigned to them.
ENGAGED_STATUSES = ("offered", "active")


def program_list(*, user) -> QuerySet[Program]:
    """Programs a user may see: their own (as a member), those engaged with them (as a
    consultant), or every program (admins)."""
    qs = Program.objects.select_related("county").prefetch_related("languages")
    if is_alliance_admin(user):
        return qs
    if user is None or not user.is_authenticated:
        return qs.none()
    engaged = Program.objects.filter(
        requests__consultant__user=user, requests__status__in=ENGAGED_STATUSES
    ).values("pk")
    return qs.filter(Q(memberships__user=user) | Q(pk__in=engaged)).distinct()


def program_get(*, user, pk) -> Program:
    """A program the user may see, else 404."""
    try:
        return program_list(user=user).get(pk=pk)
    except (Program.DoesNotExist, ValueError, TypeError):
        raise Http404("No such program.") from None


def served_states() -> list[str]:
    """The states the service works in: those whose counties are loaded
    (services.county_load_state), e.g. ["WI"]."""
    return list(County.objects.order_by("state").values_list("state", flat=True).distinct())


def listing_counties(state: str) -> QuerySet[County]:
    """The counties a listing based in `state` may choose: its own state's when the service
    works there; else (a consultant living across a border) those of every state served, so
    that an out-of-state ZIP code never leaves the list empty."""
    own = County.objects.filter(state=state)
    if own.exists():
        return own
    return County.objects.filter(state__in=served_states()).order_by("state", "name")


def county_list(*, state: str | None = None) -> QuerySet[County]:
    qs = County.objects.all()
    if state:
        qs = qs.filter(state=state.upper())
    return qs


def region_list(*, state: str | None = None, scheme: str | None = None) -> QuerySet[Region]:
    """Regions with their counties (one more query for all of them)."""
    qs = Region.objects.prefetch_related(Prefetch("counties", County.objects.only("pk")))
    if state:
        qs = qs.filter(state=state.upper())
    if scheme:
        qs = qs.filter(scheme=scheme)
    return qs


def county_for_place(place: geo.ZipPlace) -> County | None:
    """The loaded County a ZIP code lies in: by FIPS code, else by name within the state."""
    fips = geo.county_fips(place.state, place.county_name)
    if fips is not None:
        county = County.objects.filter(fips=fips).first()
        if county is not None:
            return county
    key = geo.county_key(place.county_name)
    for county in County.objects.filter(state=place.state):
        if geo.county_key(county.name) == key:
            return county
    return None


def language_list() -> QuerySet[Language]:
    return Language.objects.all()


def language_choices() -> QuerySet[Language]:
    """The languages in the order a reader scans them: by each one's own name (the name the
    forms and filters show, directory.vocabularies.language_name)."""
    own_name = Case(
        *[When(code=code, then=Value(name)) for code, name in LANGUAGE_ENDONYMS.items()],
        default=F("name"),
        output_field=CharField(),
    )
    return Language.objects.order_by(own_name, "code")
