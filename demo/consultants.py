"""Consultants' listings in every status, with their users, languages, counties and the review
history their status implies.

Consultant 1 is the demo consultant login and 2 the demo pending one; the others are found
again by username (demo-consultant-0003).
"""

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.bulk import insert_objects, insert_rows, reserve_ids
from demo.common import chunks, missing_indices, phone, rng_for, weighted
from demo.credentials import LEGACY_ENDORSEMENTS, Credentials, plan_credentials
from demo.data import (
    BIO_APPROACHES,
    BIO_OPENINGS,
    CONSULTANT_COMMUNITIES,
    CONSULTANT_MODALITIES,
    ENDORSEMENT_WEIGHTS,
    FIRST_NAMES,
    FIRST_STATUSES,
    LAST_NAMES,
    LICENSE_TYPE_WEIGHTS,
    MAX_CASELOADS,
    REJECTION_REASONS,
    STATUS_WEIGHTS,
    SUSPENSION_REASONS,
    TRAVEL_RADII,
)
from demo.geography import Geography
from demo.logins import DEMO_CONSULTANT, DEMO_PENDING
from demo.users import ensure_users
from directory.credentials import ConsultantEndorsement
from directory.ledger import LedgerEntry
from directory.models import Consultant, ListingDecision
from directory.vocabularies import LicenseType, Modality, SettingType, Specialty

User = get_user_model()
Status = Consultant.ListingStatus
Action = ListingDecision.Action
USERNAME_PREFIX = "demo-consultant-"


def consultant_username(index: int) -> str:
    if index == 1:
        return DEMO_CONSULTANT.username
    if index == 2:
        return DEMO_PENDING.username
    return f"{USERNAME_PREFIX}{index:04d}"


def consultant_index(username: str) -> int | None:
    """The index consultant_username() gave this username, or None."""
    if username == DEMO_CONSULTANT.username:
        return 1
    if username == DEMO_PENDING.username:
        return 2
    number = username.removeprefix(USERNAME_PREFIX)
    return int(number) if number != username and number.isdigit() else None


@dataclass
class ConsultantPlan:
    consultant: Consultant
    username: str
    names: tuple[str, str]
    languages: list[str]
    counties: list = field(default_factory=list)  # County
    history: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    # (action, from status, to status, reason, days ago)
    credentials: Credentials = field(default_factory=Credentials)


def plan_consultant(seed: int, index: int, geography: Geography, now: datetime) -> ConsultantPlan:
    """Consultant `index`: the same for a given seed on every run. The steps draw from one
    generator in a fixed order; reordering them changes every consultant."""
    rng = rng_for(seed, "consultant", index)
    first, last, languages = _person(rng)
    consultant = Consultant(display_name=f"{first} {last}")
    place, county, counties = _area(rng, consultant, geography)
    years = rng.randint(2, 25)
    consultant.license_type = rng.choices(LicenseType.values, weights=LICENSE_TYPE_WEIGHTS)[0]
    legacy = rng.choices(LEGACY_ENDORSEMENTS, weights=ENDORSEMENT_WEIGHTS)[0]
    status = consultant.listing_status = _status(rng, index)
    consultant.max_caseload = rng.choice(MAX_CASELOADS)
    bio = " ".join(
        (
            rng.choice(BIO_OPENINGS).format(years=years, place=county.name),
            *rng.sample(BIO_APPROACHES, 2),
        )
    )
    # Listings wait days, not years, for review.
    submitted_days = rng.randint(1, 21) if status == Status.PENDING else rng.randint(20, 900)
    _profile(rng, consultant, index, bio, (first, last), place.state)
    consultant.created_at = now - timedelta(days=submitted_days + rng.randint(0, 30))
    history = _review_history(rng, consultant, submitted_days, now)
    credentials = plan_credentials(seed, index, consultant, legacy, None, now)
    return ConsultantPlan(
        credentials=credentials,
        consultant=consultant,
        username=consultant_username(index),
        names=(first, last),
        languages=list(languages),
        counties=counties,
        history=history,
    )


def _person(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    """A name from one of the language communities, and the languages spoken."""
    _, community, languages = weighted(rng, CONSULTANT_COMMUNITIES)
    first = rng.choice(FIRST_NAMES[community])
    last = rng.choice(LAST_NAMES[community if community in LAST_NAMES else "en"])
    if rng.random() < 0.15:  # married and family names cross communities
        last = rng.choice(LAST_NAMES["en"])
    return first, last, languages


def _area(rng: random.Random, consultant: Consultant, geography: Geography):
    """Where the consultant is based, how they work and the counties they travel to."""
    place, county = rng.choice(geography.zips)
    modalities = weighted(rng, CONSULTANT_MODALITIES)[1]
    radius = rng.choice(TRAVEL_RADII)
    counties = (
        sorted({county, *geography.counties_within(place, radius)}, key=lambda c: c.pk)
        if Modality.ON_SITE in modalities
        else []
    )
    consultant.base_zip, consultant.base_state = place.zip, place.state
    consultant.base_latitude, consultant.base_longitude = place.latitude, place.longitude
    consultant.travel_radius_miles = radius
    consultant.modalities = list(modalities)
    return place, county, counties


def _status(rng: random.Random, index: int) -> str:
    if index in FIRST_STATUSES:
        return FIRST_STATUSES[index]
    statuses = list(STATUS_WEIGHTS)
    return rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0]


def _profile(rng, consultant: Consultant, index: int, bio: str, names, state: str) -> None:
    """The listing's public text, what the consultant offers and their contacts."""
    first, last = names
    handle = f"{first}.{last}".lower().replace(" ", "")
    handle = "".join(ch for ch in handle if ch.isascii() and (ch.isalnum() or ch == "."))
    consultant.bio = bio if consultant.listing_status != Status.DRAFT or rng.random() < 0.5 else ""
    consultant.setting_types = _sample(rng, SettingType.values[:-1], 2, 5)
    consultant.specialties = _sample(rng, Specialty.values, 2, 6)
    consultant.accepting_new_requests = index == 1 or rng.random() < 0.88
    consultant.public_email = f"{handle}.{index}@consult.demo.example.org"
    consultant.public_phone = phone(rng, state) if rng.random() < 0.7 else ""
    consultant.contact_email = f"{handle}.{index}@private.demo.example.org"
    consultant.contact_phone = phone(rng, state)


def _sample(rng: random.Random, values, low: int, high: int) -> list[str]:
    return sorted(rng.sample(list(values), rng.randint(low, min(high, len(values)))))


def _review_history(rng, consultant: Consultant, submitted_days: int, now: datetime) -> list:
    """The decisions that led to the listing's status, and the dates they set."""
    status = consultant.listing_status
    history = []
    if status != Status.DRAFT:
        history.append((Action.SUBMITTED, Status.DRAFT, Status.PENDING, "", submitted_days))
        consultant.submitted_at = now - timedelta(days=submitted_days)
    reviewed_days = max(submitted_days - rng.randint(1, 10), 0)
    if status in (Status.APPROVED, Status.SUSPENDED):
        history.append((Action.APPROVED, Status.PENDING, Status.APPROVED, "", reviewed_days))
        consultant.reviewed_at = now - timedelta(days=reviewed_days)
    if status == Status.SUSPENDED:
        suspended_days = rng.randint(0, reviewed_days)
        reason = rng.choice(SUSPENSION_REASONS)
        history.append(
            (Action.SUSPENDED, Status.APPROVED, Status.SUSPENDED, reason, suspended_days)
        )
        consultant.reviewed_at = now - timedelta(days=suspended_days)
    if status == Status.REJECTED:
        reason = rng.choice(REJECTION_REASONS)
        history.append((Action.REJECTED, Status.PENDING, Status.REJECTED, reason, reviewed_days))
        consultant.reviewed_at = now - timedelta(days=reviewed_days)
    consultant.updated_at = (
        consultant.reviewed_at or consultant.submitted_at or consultant.created_at
    )
    return history


def missing_consultants(count: int) -> tuple[Iterator[int], int]:
    """The indices 1..count of the consultants without a listing yet, and how many."""
    usernames = Consultant.objects.filter(user__username__startswith="demo-").values_list(
        "user__username", flat=True
    )
    indices = (consultant_index(name) for name in usernames.iterator(chunk_size=20_000))
    return missing_indices((i for i in indices if i is not None), max(count, 0))


def seed_consultants(
    indices: Iterable[int],
    *,
    seed: int,
    geography: Geography,
    reviewer,
    progress: Callable[[int], None],
) -> int:
    """Consultants with these indices, with their users, languages, counties and review
    history, a chunk at a time; returns how many were created."""
    now = timezone.now()
    created = 0
    for chunk in chunks(indices):
        plans = [plan_consultant(seed, i, geography, now) for i in chunk]
        with transaction.atomic():
            _insert(plans, reviewer=reviewer, now=now)
        created += len(plans)
        progress(len(plans))
    return created


def _insert(plans: list[ConsultantPlan], *, reviewer, now: datetime) -> None:
    users = ensure_users({p.username: p.names for p in plans}, role=User.Role.CONSULTANT)
    for plan, pk in zip(plans, reserve_ids(Consultant, len(plans)), strict=True):
        plan.consultant.pk = pk
        plan.consultant.user_id = users[plan.username]
        if plan.consultant.license_verified_at is not None:
            plan.consultant.license_verified_by_id = reviewer.pk
        for row in (*plan.credentials.endorsements, *plan.credentials.ledger):
            row.consultant_id = pk
        for row in plan.credentials.endorsements:
            row.verified_by_id = reviewer.pk if row.verified_at else None
    insert_objects(Consultant, [plan.consultant for plan in plans])
    insert_objects(ConsultantEndorsement, [e for p in plans for e in p.credentials.endorsements])
    insert_objects(LedgerEntry, [e for p in plans for e in p.credentials.ledger])
    insert_rows(
        Consultant.languages.through,
        ("consultant", "language"),
        [(p.consultant.pk, code) for p in plans for code in p.languages],
    )
    insert_rows(
        Consultant.counties_served.through,
        ("consultant", "county"),
        [(p.consultant.pk, county.pk) for p in plans for county in p.counties],
    )
    insert_objects(
        ListingDecision,
        [
            ListingDecision(
                consultant_id=p.consultant.pk,
                action=action,
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                actor_id=p.consultant.user_id if action == Action.SUBMITTED else reviewer.pk,
                created_at=now - timedelta(days=days),
            )
            for p in plans
            for action, from_status, to_status, reason, days in p.history
        ],
    )
