"""The approved directory as Open Referral's Human Services Data Specification (HSDS 3.0).

Plain data in and out: each function takes a listing (as the public directory's selector
returns it) and gives the HSDS objects it becomes. What leaves the service is only what the
public directory shows (directory.api.serializers.ConsultantSerializer): never the private
contacts, the caseload details or the review history. The mapping is documented in
docs/hsds.md.

Identifiers: HSDS wants UUIDs. Ours are derived, uuid5 of a project namespace and
"<kind>:<primary key>[:<part>]", so they never change and need no column of their own; a
consumer's delta sync (`modified_after`) keeps matching records across runs.
"""

import uuid
from datetime import UTC

from django.utils import timezone

from directory.models import Consultant
from directory.vocabularies import Endorsement, Modality, SettingType, Specialty

HSDS_VERSION = "3.0"
# Everything the feed identifies lives under this namespace (uuid5 of the project's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://wi-aimh.org/iecmhc/hsds")
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/"
# Consultants do not record ages: IECMHC serves children from birth until they start school,
# the ages its endorsements cover (infant, 0-3, and early childhood, 3-6). HSDS ages are years.
MINIMUM_AGE, MAXIMUM_AGE = 0, 6
SERVICE_NAME = "Infant and early childhood mental health consultation"
ELIGIBILITY = (
    "Early childhood programs (child care centers, family child care, Head Start, preschools, "
    "home visiting) and the teachers, children and families they serve, in the counties listed."
)
APPLICATION_PROCESS = (
    "A program asks for consultation through the Alliance's matching service, which offers the "
    "request to a consultant with a free place."
)
TAXONOMY_NAME = "Wisconsin IECMHC directory vocabulary"
TAXONOMY_VERSION = "1"
# The vocabularies published as taxonomy terms: (code prefix, parent term's name, choices).
TAXONOMY_VOCABULARIES = (
    ("specialty", "Specialties", Specialty),
    ("setting_type", "Early childhood settings served", SettingType),
    ("endorsement", "IMH-E® endorsements", Endorsement),
)
# An extension field (not part of HSDS 3.0): how many new requests the consultant can take now.
PLACES_FREE_FIELD = "x_places_free"


def hsds_id(kind: str, *parts) -> str:
    """The stable UUID of one HSDS record."""
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *(str(p) for p in parts)])))


def _timestamp(value) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _drop_empty(record: dict) -> dict:
    """HSDS fields are optional: leave out what we do not know rather than send ""/null."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


# --- the taxonomy ---------------------------------------------------------------------------


def taxonomy() -> dict:
    return {
        "id": hsds_id("taxonomy", "iecmhc"),
        "name": TAXONOMY_NAME,
        "description": (
            "The specialties, early childhood settings and infant mental health endorsements "
            "the Wisconsin IECMHC consultant directory describes its consultants with."
        ),
        "version": TAXONOMY_VERSION,
    }


def _term_code(prefix: str, code: str) -> str:
    return f"{prefix}.{code}"


def taxonomy_terms() -> list[dict]:
    """Every term of the taxonomy: one parent per vocabulary, its codes beneath."""
    taxonomy_id = hsds_id("taxonomy", "iecmhc")
    terms = []
    for prefix, label, choices in TAXONOMY_VOCABULARIES:
        parent_id = hsds_id("taxonomy_term", prefix)
        terms.append(
            {
                "id": parent_id,
                "code": prefix,
                "name": label,
                "description": str(label),
                "taxonomy": TAXONOMY_NAME,
                "taxonomy_id": taxonomy_id,
                "language": "en",
            }
        )
        for choice in choices:
            if choices is Endorsement and choice == Endorsement.NONE:
                continue
            terms.append(
                {
                    "id": term_id(prefix, choice.value),
                    "code": _term_code(prefix, choice.value),
                    "name": str(choice.label),
                    "description": f"{label}: {choice.label}",
                    "parent_id": parent_id,
                    "taxonomy": TAXONOMY_NAME,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                }
            )
    return terms


def term_id(prefix: str, code: str) -> str:
    return hsds_id("taxonomy_term", _term_code(prefix, code))


TERMS_BY_ID = {term["id"]: term for term in taxonomy_terms()}


# --- a listing's records ------------------------------------------------------------------


def organization(consultant: Consultant) -> dict:
    """A consultant is their own practice: the organization that provides the service."""
    return _drop_empty(
        {
            "id": hsds_id("organization", consultant.pk),
            "name": consultant.display_name,
            "description": consultant.bio
            or f"{consultant.display_name}: infant and early childhood mental health consultant.",
            "email": consultant.public_email,
        }
    )


def service(consultant: Consultant) -> dict:
    """The one-to-one fields of a listing's service (the list endpoints' shape)."""
    accepting = public_places_free(consultant) > 0
    return _drop_empty(
        {
            "id": hsds_id("service", consultant.pk),
            "organization_id": hsds_id("organization", consultant.pk),
            "name": f"{SERVICE_NAME}: {consultant.display_name}",
            "description": consultant.bio or SERVICE_NAME,
            "email": consultant.public_email,
            # Not taking requests now (full, or paused by the consultant): temporarily closed.
            "status": "active" if accepting else "temporarily closed",
            "eligibility_description": ELIGIBILITY,
            "application_process": APPLICATION_PROCESS,
            "minimum_age": MINIMUM_AGE,
            "maximum_age": MAXIMUM_AGE,
            "accreditations": _accreditations(consultant),
            "assured_date": timezone.localdate(consultant.reviewed_at).isoformat()
            if consultant.reviewed_at
            else None,
            "last_modified": _timestamp(consultant.updated_at),
            "organization": organization(consultant),
        }
    ) | {PLACES_FREE_FIELD: public_places_free(consultant)}


def public_places_free(consultant: Consultant) -> int:
    """Places free as far as the public may know: none when the directory shows the listing as
    not taking requests, else the maximum caseload less the engagements under way (both public).
    Offers awaiting an answer also hold places, but how many there are is not public."""
    if not (consultant.accepting_new_requests and consultant.places_free > 0):
        return 0
    return max(consultant.max_caseload - consultant.active_caseload, 0)


def _accreditations(c: Consultant) -> str:
    parts = [str(c.get_license_type_display())]
    parts += [f"{e.get_category_display()} ({e.get_status_display()})" for e in _current(c)]
    return "; ".join(parts)


def _current(consultant: Consultant) -> list:
    """The endorsements that count today (directory.credentials), as the directory shows them."""
    today = timezone.localdate()
    return [e for e in consultant.endorsements.all() if e.is_current(today)]


def languages(consultant: Consultant) -> list[dict]:
    return [
        {
            "id": hsds_id("language", consultant.pk, language.code),
            "service_id": hsds_id("service", consultant.pk),
            "name": language.name,
            "code": language.code,
        }
        for language in consultant.languages.all()
    ]


def service_areas(consultant: Consultant) -> list[dict]:
    """Each county served, by name and FIPS code (also in the Census Bureau's geography id)."""
    return [
        {
            "id": hsds_id("service_area", consultant.pk, county.fips),
            "service_id": hsds_id("service", consultant.pk),
            "name": f"{county.name}, {county.state}",
            "description": f"County FIPS code {county.fips}",
            "uri": f"https://data.census.gov/profile?g=0500000US{county.fips}",
        }
        for county in consultant.counties_served.all()
    ]


def location(consultant: Consultant, modality: str) -> dict:
    """On-site work is a physical location (the consultant's base, within their travel
    radius); virtual work a virtual one."""
    if modality == Modality.ON_SITE:
        return _drop_empty(
            {
                "id": hsds_id("location", consultant.pk, modality),
                "location_type": "physical",
                "organization_id": hsds_id("organization", consultant.pk),
                "name": f"On site, within {consultant.travel_radius_miles} miles of ZIP code "
                f"{consultant.base_zip}",
                "description": "The consultant comes to the program.",
                "latitude": consultant.base_latitude,
                "longitude": consultant.base_longitude,
            }
        )
    return {
        "id": hsds_id("location", consultant.pk, modality),
        "location_type": "virtual",
        "organization_id": hsds_id("organization", consultant.pk),
        "name": "Virtual",
        "description": "Consultation by video and phone.",
    }


def service_at_location(consultant: Consultant, modality: str) -> dict:
    return {
        "id": hsds_id("service_at_location", consultant.pk, modality),
        "service_id": hsds_id("service", consultant.pk),
        "location_id": hsds_id("location", consultant.pk, modality),
        "description": str(Modality(modality).label),
        "location": location(consultant, modality),
    }


MODALITIES = frozenset(Modality.values)


def listing_modalities(consultant: Consultant) -> list[str]:
    return [m for m in consultant.modalities or [] if m in MODALITIES]


def service_at_locations(consultant: Consultant) -> list[dict]:
    return [service_at_location(consultant, m) for m in listing_modalities(consultant)]


def attributes(consultant: Consultant) -> list[dict]:
    """The listing's specialties, settings and endorsement, as terms of the taxonomy."""
    codes = [("specialty", c) for c in consultant.specialties]
    codes += [("setting_type", c) for c in consultant.setting_types]
    codes += [("endorsement", e.category) for e in _current(consultant)]
    out = []
    for prefix, code in codes:
        tid = term_id(prefix, code)
        term = TERMS_BY_ID.get(tid)
        if term is None:  # a code retired from the vocabulary
            continue
        out.append(
            {
                "id": hsds_id("attribute", consultant.pk, prefix, code),
                "link_id": hsds_id("service", consultant.pk),
                "link_entity": "service",
                "link_type": prefix,
                "taxonomy_term_id": tid,
                "taxonomy_term": term,
            }
        )
    return out


def service_full(consultant: Consultant) -> dict:
    """A listing's service with everything related to it (the /services/{id} shape)."""
    return service(consultant) | {
        "languages": languages(consultant),
        "service_areas": service_areas(consultant),
        "service_at_locations": service_at_locations(consultant),
        "attributes": attributes(consultant),
    }
