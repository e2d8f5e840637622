"""Consultants' credentials, hours a week and renewal ledgers for the demo: licences current,
soon to lapse and lapsed, endorsements for either ages (endorsed or in process, some past
renewal) and a year of reflective supervision and training for the endorsed.

Each consultant's draws come from a generator of their own (kind "credentials"), so adding
this left every other demo value as it was.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from demo.common import rng_for
from directory.credentials import ConsultantEndorsement
from directory.ledger import LedgerEntry
from directory.models import Consultant
from directory.vocabularies import (
    ENDORSEMENTS_NEEDING_RSC,
    EndorsementStatus,
    LedgerKind,
    LicenseType,
    SupervisionFormat,
)

# The endorsement codes the demo drew before endorsements were rows (weights ENDORSEMENT_WEIGHTS).
LEGACY_ENDORSEMENTS = (
    "none",
    "infant_family_associate",
    "infant_family_specialist",
    "infant_mental_health_specialist",
    "infant_mental_health_mentor",
)
HOURS_PER_WEEK = (Decimal("10"), Decimal("12"), Decimal("15"), Decimal("20"), Decimal("25"))
TRAININGS = (
    "Pyramid Model: promoting social-emotional competence",
    "Trauma-informed care in early childhood settings",
    "Reflective practice for consultants",
    "Infant and early childhood mental health diagnosis (DC:0-5)",
    "Implicit bias and culturally responsive consultation",
    "Supporting children at risk of expulsion",
)
SUPERVISORS = ("Dr. Ana Ruiz", "Pa Vang", "Grace Thompson", "Dr. Samuel Okafor")


@dataclass
class Credentials:
    endorsements: list[ConsultantEndorsement] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)


def _licence(rng: random.Random, consultant: Consultant, today: date, index: int) -> None:
    if consultant.license_type == LicenseType.NONE:
        return
    consultant.license_state = consultant.base_state
    consultant.license_number = f"{rng.randint(1000, 99999)}-{rng.randint(100, 999)}"
    # Mostly current; some lapse within 60 days (reminders), some have lapsed. Consultant 3
    # is always soon to lapse and 4 lapsed, so the demo shows both.
    kind = {3: "soon", 4: "lapsed"}.get(index) or rng.choices(
        ("current", "soon", "lapsed"), weights=(85, 10, 5)
    )[0]
    days = {"current": (61, 720), "soon": (3, 60), "lapsed": (-45, -1)}[kind]
    consultant.license_expires = today + timedelta(days=rng.randint(*days))


def plan_credentials(
    seed: int, index: int, consultant: Consultant, legacy: str, reviewer_id: int, now: datetime
) -> Credentials:
    """The consultant's licence details and hours (set on `consultant`), endorsements and
    ledger. `legacy`: the endorsement code drawn by the consultant's own generator."""
    rng = rng_for(seed, "credentials", index)
    today = now.date()
    _licence(rng, consultant, today, index)
    consultant.hours_per_week = rng.choice(HOURS_PER_WEEK)
    verified = consultant.listing_status in (
        Consultant.ListingStatus.APPROVED,
        Consultant.ListingStatus.SUSPENDED,
    )
    if verified and consultant.license_expires is not None:
        consultant.license_verified_at = consultant.reviewed_at
        consultant.license_verified_by_id = reviewer_id
    result = Credentials()
    if index == 1 and legacy == "none":  # the demo consultant login shows a ledger
        legacy = "infant_mental_health_specialist"
    if legacy == "none":
        return result
    categories = [legacy]
    if rng.random() < 0.5:  # the early childhood counterpart, too
        categories.append(legacy.replace("infant_mental_health", "early_childhood_mental_health"))
        categories[-1] = categories[-1].replace("infant_family", "early_childhood_family")
    for category in categories:
        in_process = rng.random() < 0.2
        renewal = None if in_process else today + timedelta(days=rng.randint(-20, 365))
        result.endorsements.append(
            ConsultantEndorsement(
                category=category,
                status=EndorsementStatus.IN_PROCESS if in_process else EndorsementStatus.ENDORSED,
                number="" if in_process else f"E-{rng.randint(10000, 99999)}",
                renewal_date=renewal,
                verified_at=consultant.reviewed_at if verified else None,
                verified_by_id=reviewer_id if verified else None,
            )
        )
    needs_rsc = any(c in ENDORSEMENTS_NEEDING_RSC for c in categories)
    for _ in range(rng.randint(3, 14)):
        day = today - timedelta(days=rng.randint(0, 360))
        if needs_rsc and rng.random() < 0.6:
            entry = LedgerEntry(
                kind=LedgerKind.RSC,
                date=day,
                hours=Decimal(rng.choice(("1.00", "1.50", "2.00"))),
                supervision_format=rng.choice(SupervisionFormat.values),
                supervisor_name=rng.choice(SUPERVISORS),
            )
        else:
            entry = LedgerEntry(
                kind=LedgerKind.TRAINING,
                date=day,
                hours=Decimal(rng.choice(("1.50", "3.00", "6.00"))),
                title=rng.choice(TRAININGS),
            )
        result.ledger.append(entry)
    return result
