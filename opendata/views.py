"""The HSDS 3.0 feed: read-only and public, at /api/hsds/ (docs/hsds.md).

These views speak HSDS, not this API's own conventions: HSDS's page body and parameters
(`page`, `per_page`, `modified_after`), HSDS records. They are left out of /api/schema/; the
feed's contract is the HSDS OpenAPI document its root names.
"""

import math
from datetime import datetime, time

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from opendata import datapackage, hsds
from opendata.selectors import hsds_listing_get, hsds_listings, hsds_listings_plain

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


def _int_param(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number from {low} to {high}."]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [f"Enter a whole number from {low} to {high}."]})
    return value


def modified_after_param(request) -> datetime | None:
    """`modified_after`: an ISO 8601 date or date-time (no zone: the service's time zone)."""
    raw = request.query_params.get("modified_after")
    if raw is None or raw == "":
        return None
    message = "Enter an ISO 8601 date or date-time, e.g. 2025-01-31T12:00:00Z."
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time.min) if day is not None else None
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 9999:
        raise ValidationError({"modified_after": [message]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def page_body(request, total: int, items_for) -> dict:
    """HSDS's page: `items_for(offset, limit)` gives the records of the page asked for."""
    page = _int_param(request, "page", default=1, low=1, high=MAX_PAGE)
    per_page = _int_param(request, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)
    total_pages = max(math.ceil(total / per_page), 1)
    contents = items_for((page - 1) * per_page, per_page) if page <= total_pages else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


class HSDSView(APIView):
    """Public and read-only: no authentication is read, so a stale token does not matter."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


@extend_schema(exclude=True)
class RootView(HSDSView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": hsds.PROFILE_URL,
                "openapi_url": hsds.OPENAPI_URL,
                "description": (
                    "Wisconsin's directory of approved infant and early childhood mental health "
                    "consultants, as Open Referral HSDS 3.0."
                ),
                "publisher": {"name": "Wisconsin Alliance for Infant Mental Health"},
            }
        )


def _queryset_page(request, qs, to_record) -> dict:
    return page_body(
        request,
        qs.count(),
        lambda offset, limit: [to_record(c) for c in qs[offset : offset + limit]],
    )


@extend_schema(exclude=True)
class ServiceListView(HSDSView):
    def get(self, request):
        qs = hsds_listings_plain(modified_after=modified_after_param(request))
        return Response(_queryset_page(request, qs, hsds.service))


@extend_schema(exclude=True)
class ServiceDetailView(HSDSView):
    def get(self, request, record_id: str):
        consultant = hsds_listing_get(kind="service", record_id=record_id)
        if consultant is None:
            raise Http404("No such service.")
        return Response(hsds.service_full(consultant))


@extend_schema(exclude=True)
class OrganizationListView(HSDSView):
    def get(self, request):
        qs = hsds_listings_plain(modified_after=modified_after_param(request))
        return Response(_queryset_page(request, qs, hsds.organization))


@extend_schema(exclude=True)
class OrganizationDetailView(HSDSView):
    def get(self, request, record_id: str):
        consultant = hsds_listing_get(kind="organization", record_id=record_id)
        if consultant is None:
            raise Http404("No such organization.")
        return Response(hsds.organization(consultant))


@extend_schema(exclude=True)
class ServiceAtLocationListView(HSDSView):
    """One record per listing and way of working (on site, virtual)."""

    def get(self, request):
        qs = hsds_listings_plain(modified_after=modified_after_param(request))
        # Paged over (listing, modality) pairs; the pairs of every listing are few and small.
        pairs = [
            (pk, modality)
            for pk, modalities in qs.values_list("pk", "modalities")
            for modality in modalities or []
            if modality in hsds.MODALITIES
        ]

        def items(offset, limit):
            page = pairs[offset : offset + limit]
            listings = {c.pk: c for c in qs.filter(pk__in={pk for pk, _ in page})}
            return [hsds.service_at_location(listings[pk], modality) for pk, modality in page]

        return Response(page_body(request, len(pairs), items))


@extend_schema(exclude=True)
class TaxonomyListView(HSDSView):
    def get(self, request):
        modified_after_param(request)  # accepted (and checked) for symmetry; always all
        records = [hsds.taxonomy()]
        return Response(page_body(request, len(records), lambda o, n: records[o : o + n]))


@extend_schema(exclude=True)
class TaxonomyTermListView(HSDSView):
    def get(self, request):
        modified_after_param(request)
        records = hsds.taxonomy_terms()
        return Response(page_body(request, len(records), lambda o, n: records[o : o + n]))


@extend_schema(exclude=True)
class DatapackageView(HSDSView):
    """The whole feed as HSDS's tabular format: a zip of CSV files and datapackage.json."""

    def get(self, request):
        body = datapackage.build_zip(hsds_listings())
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="iecmhc-hsds-datapackage.zip"'
        return response
