"""The directory's list (GET /api/v1/consultants/), served cheaply.

- The page is read with values(), not model instances, and serialized by hand into exactly what
  ConsultantSerializer gives (tests/directory/test_listing_page.py holds the two equal). A
  search's page and total come from one query (iecmhc.pagination.WindowCountPaginator); the
  languages and counties of the page's listings from one query each.
- Anonymous answers are cached per URL (scheme, host, path and query string), keyed on the
  listing version (directory.listing_version), which every write to a listing or a caseload
  changes: an approval or a filled place shows at once. A hit costs one cache read. Only
  successful pages are cached; a bad filter raises before the cache is written.
- A search by words alone (`q`, with no other filter than a listing status) is answered by the
  in-memory index (directory.search_index, PostgreSQL): one query for the search version, then
  the page's rows by key; its total is the index's.
"""

import functools
import hashlib

from django.core.cache import cache
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response

from directory import listing_version
from directory.api.serializers import ConsultantSerializer, EndorsementSerializer
from directory.credentials import ConsultantEndorsement
from directory.models import Consultant
from iecmhc.pagination import KeyedRows, PageNumberPagination, WindowCountPagination

# A missed bump (a bulk write from another process) is stale for at most this long.
CACHE_SECONDS = 300
RELATED = {"languages", "counties_served", "distance_miles"}
# Computed from a listing's columns by the listing's own rules (Consultant.hours_free,
# places_free, directory.credentials), on an unsaved instance built from the row.
COMPUTED = {"license_verified", "endorsements", "hours_free", "places_free"}
SOURCE_FIELDS = [
    "license_type",
    "license_expires",
    "license_verified_at",
    "max_caseload",
    "active_caseload",
    "open_offers",
    "hours_per_week",
    "hours_committed",
]
VALUE_FIELDS = list(
    dict.fromkeys(
        [n for n in ConsultantSerializer.Meta.fields if n not in RELATED | COMPUTED] + SOURCE_FIELDS
    )
)


def cache_key(request) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"directory:list:{digest}"


def list_response(view, request) -> Response:
    """The view's list action: a cached page for anonymous callers, else a fresh one."""
    if request.user.is_authenticated:
        return Response(_page_data(view, request))
    key = cache_key(request)
    found = cache.get_many([listing_version.KEY, key])
    version = found.get(listing_version.KEY) or listing_version.current()
    hit = found.get(key)
    if hit is not None and hit[0] == version:
        return Response(hit[1])
    data = _page_data(view, request)
    cache.set(key, (version, data), CACHE_SECONDS)
    return Response(data)


def _page_data(view, request) -> dict:
    base = view.get_queryset()
    keys = DjangoFilterBackend().get_filterset(request, base, view).ranked_by_index()
    if keys is not None:  # a search by words alone, answered by the index: rows by key
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            KeyedRows(base.prefetch_related(None).values(*VALUE_FIELDS), keys), request, view
        )
        return paginator.get_paginated_response(serialize_rows(rows)).data
    queryset = view.filter_queryset(base)
    with_distance = "distance_miles" in queryset.query.annotations
    fields = VALUE_FIELDS + (["distance_miles"] if with_distance else [])
    # A search or a distance orders by what it computes for every row it matches: the page and
    # the total then come from one pass. A plain or filtered list reads its page off an index and
    # stops after it, so a separate count is cheaper there.
    ranked = with_distance or "search_rank" in queryset.query.annotations
    paginator = WindowCountPagination() if ranked else PageNumberPagination()
    rows = paginator.paginate_queryset(
        queryset.prefetch_related(None).values(*fields), request, view=view
    )
    return paginator.get_paginated_response(serialize_rows(rows)).data


def serialize_rows(rows: list[dict]) -> list[dict]:
    """ConsultantSerializer's output for value rows, with their languages and counties."""
    ids = [row["id"] for row in rows]
    languages = _related(
        Consultant.languages.through, ids, "language_id", ("language__name", "language_id")
    )
    counties = _related(
        Consultant.counties_served.through,
        ids,
        "county_id",
        ("county__state", "county__name", "county_id"),
    )
    endorsements = _current_endorsements(ids)
    serializer, hours_field = _serializer()
    results = []
    for row in rows:
        listing = Consultant(**{name: row[name] for name in SOURCE_FIELDS})
        hours_free = listing.hours_free
        item = {}
        for name in ConsultantSerializer.Meta.fields:
            if name == "license_verified":
                item[name] = serializer.get_license_verified(listing)
            elif name == "endorsements":
                item[name] = endorsements.get(row["id"], [])
            elif name == "hours_free":
                item[name] = (
                    None if hours_free is None else hours_field.to_representation(hours_free)
                )
            elif name == "places_free":
                item[name] = listing.places_free
            elif name == "languages":
                item[name] = languages.get(row["id"], [])
            elif name == "counties_served":
                item[name] = counties.get(row["id"], [])
            elif name == "distance_miles":
                distance = row.get("distance_miles")
                item[name] = round(distance, 1) if distance is not None else None
            else:
                item[name] = row[name]
        results.append(item)
    return results


@functools.cache
def _serializer() -> tuple[ConsultantSerializer, object]:
    """A ConsultantSerializer and its hours_free field, built once per process: building its
    fields (DRF's model field mapping) was a fifth of an uncached page's time. Both are only
    read (get_license_verified and the field's to_representation keep no state)."""
    serializer = ConsultantSerializer()
    return serializer, serializer.fields["hours_free"]


def _current_endorsements(ids: list[int]) -> dict[int, list]:
    """{consultant id: their endorsements current today, as the serializer gives them}."""
    if not ids:
        return {}
    today = timezone.localdate()
    found: dict[int, list] = {}
    rows = ConsultantEndorsement.objects.filter(consultant_id__in=ids).order_by("category", "id")
    for endorsement in rows:
        if endorsement.is_current(today):
            found.setdefault(endorsement.consultant_id, []).append(endorsement)
    serializer = EndorsementSerializer(many=True)  # one for every listing on the page
    return {pk: serializer.to_representation(items) for pk, items in found.items()}


def _related(through, ids: list[int], column: str, order: tuple[str, ...]) -> dict[int, list]:
    """{consultant id: [related keys]} in the related model's own order, in one query."""
    related: dict[int, list] = {}
    if not ids:
        return related
    pairs = (
        through.objects.filter(consultant_id__in=ids)
        .order_by(*order)
        .values_list("consultant_id", column)
    )
    for consultant_id, key in pairs:
        related.setdefault(consultant_id, []).append(key)
    return related
