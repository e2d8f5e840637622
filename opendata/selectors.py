"""The listings the HSDS feed publishes: exactly the public directory's (its selector says
what is public), in a stable order for paging."""

from datetime import datetime

from django.db.models import QuerySet

from directory.models import Consultant
from directory.selectors import consultant_list_public
from opendata import hsds


def hsds_listings(*, modified_after: datetime | None = None) -> QuerySet[Consultant]:
    """Approved listings, oldest first (by id), changed on or after `modified_after` if given.
    Related rows (languages, counties) come prefetched."""
    qs = consultant_list_public().order_by("pk")
    if modified_after is not None:
        qs = qs.filter(updated_at__gte=modified_after)
    return qs


def hsds_listings_plain(*, modified_after: datetime | None = None) -> QuerySet[Consultant]:
    """As hsds_listings, with only the related rows a service's own fields read (its current
    endorsements, in `accreditations`)."""
    qs = hsds_listings(modified_after=modified_after).prefetch_related(None)
    return qs.prefetch_related("endorsements")


def hsds_listing_get(*, kind: str, record_id: str) -> Consultant | None:
    """The approved listing whose `kind` record ("service", "organization") has this id."""
    public = consultant_list_public().prefetch_related(None).order_by()
    for pk in public.values_list("pk", flat=True).iterator(chunk_size=2000):
        if hsds.hsds_id(kind, pk) == record_id:
            return hsds_listings().get(pk=pk)
    return None
