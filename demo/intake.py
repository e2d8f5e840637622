"""The front door in the demo: every demo request gets a referral source (each source appears),
a received time (phone intakes were received before they were entered, by the demo Alliance
admin), its first-contact target and, for those a consultant has reached, a first contact,
some late; submitted requests past their target stay overdue. A few virtual consultants form
the statewide brief team, and requests no consultant can take are waitlisted with their
reasons. Idempotent: a second run finds nothing to fill and returns at once.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from consultations import matching, waitlist
from consultations.first_contact import first_contact_due
from consultations.models import ConsultationRequest
from demo.common import chunks, rng_for
from directory.models import Consultant, Language, Program
from directory.vocabularies import Concern, FocusType, ReferralSource

Status = ConsultationRequest.Status
SOURCES = list(ReferralSource.values)
BRIEF_TEAM_SIZE = 3
MAX_WAITLISTED = 200  # each is ranked on its own: enough to show, quick at national scale
FIELDS = [
    "referral_source",
    "received_at",
    "entered_by",
    "first_contact_due_at",
    "first_contact_at",
]


def _front_door(consultation, index: int, *, seed: int, admin) -> None:
    rng = rng_for(seed, "intake", consultation.pk)
    source = SOURCES[index % len(SOURCES)]
    consultation.referral_source = source
    consultation.received_at = consultation.created_at
    if source == ReferralSource.ALLIANCE_PHONE:
        consultation.entered_by = admin
        consultation.received_at -= timedelta(hours=rng.uniform(1, 30))
    consultation.first_contact_due_at = first_contact_due(
        consultation.received_at, consultation.urgency, consultation.program.state
    )
    reached = consultation.accepted_at or (consultation.offered_at if rng.random() < 0.5 else None)
    if reached is not None and consultation.status != Status.WITHDRAWN:
        late = rng.random() < 0.2
        if late:
            at = consultation.first_contact_due_at + timedelta(hours=rng.uniform(2, 72))
        else:
            at = reached + timedelta(hours=rng.uniform(0.5, 20))
        consultation.first_contact_at = min(
            max(at, consultation.received_at + timedelta(minutes=30)), timezone.now()
        )


def fill_front_door(*, seed: int, admin) -> int:
    todo = ConsultationRequest.objects.filter(first_contact_due_at__isnull=True).order_by("pk")
    filled = 0
    index = ConsultationRequest.objects.filter(first_contact_due_at__isnull=False).count()
    for pks in chunks(list(todo.values_list("pk", flat=True)), 2000):
        batch = list(
            ConsultationRequest.objects.filter(pk__in=pks).select_related("program").order_by("pk")
        )
        for consultation in batch:
            _front_door(consultation, index, seed=seed, admin=admin)
            index += 1
        with transaction.atomic():
            ConsultationRequest.objects.bulk_update(batch, FIELDS)
        filled += len(batch)
    return filled


def form_brief_team() -> int:
    if Consultant.objects.filter(brief_team=True).exists():
        return 0
    virtual = [
        c.pk
        for c in Consultant.objects.filter(
            listing_status=Consultant.ListingStatus.APPROVED, base_state="WI"
        ).order_by("pk")[:200]
        if "virtual" in c.modalities
    ][:BRIEF_TEAM_SIZE]
    return Consultant.objects.filter(pk__in=virtual).update(brief_team=True)


def waitlist_unmatched() -> int:
    """Waitlist (without emails: the demo's programs are not real) the submitted requests no
    consultant may take, as the periodic job would."""
    if ConsultationRequest.objects.filter(waitlisted_at__isnull=False).exists():
        return 0
    facts = matching.open_requests_facts()
    options, _ = matching.batch_options(facts, matching.matchable_consultants_facts())
    unmatched = [r for r in facts if not options.get(r.id)][:MAX_WAITLISTED]
    if not unmatched:
        return 0
    full = waitlist.full_consultants_facts()
    consultations = ConsultationRequest.objects.in_bulk([r.id for r in unmatched])
    marked = []
    for facts_of in unmatched:
        consultation = consultations[facts_of.id]
        ranking = matching.ranked_matches(consultation)
        consultation.waitlist_reasons = {k: n for k, n in ranking.excluded.items() if n}
        consultation.waitlist_estimate = waitlist.estimate(facts_of, full)
        consultation.waitlisted_at = consultation.received_at + timedelta(hours=1)
        marked.append(consultation)
    ConsultationRequest.objects.bulk_update(
        marked, ["waitlist_reasons", "waitlist_estimate", "waitlisted_at"]
    )
    return len(marked)


# Requests nobody in the demo can take (nobody speaks the language): the waitlist's examples.
WAITLIST_EXAMPLES = (
    ("so", "Somali-speaking families in the toddler room; staff need help with separation."),
    ("kar", "Karen-speaking families have joined the program; teachers ask for guidance."),
    ("win", "A Ho-Chunk language immersion classroom asks for a consultant who speaks it."),
)
EXAMPLE_MARK = "[waitlist example] "


def add_waitlist_examples(*, admin) -> int:
    if ConsultationRequest.objects.filter(description__startswith=EXAMPLE_MARK).exists():
        return 0
    programs = list(
        Program.objects.filter(memberships__isnull=False, state="WI").distinct().order_by("pk")[:3]
    )
    languages = Language.objects.in_bulk([code for code, _ in WAITLIST_EXAMPLES])
    made = []
    for program, (code, text) in zip(programs, WAITLIST_EXAMPLES, strict=False):
        if code not in languages:
            continue
        received = timezone.now() - timedelta(days=len(made) + 3)
        made.append(
            ConsultationRequest(
                program=program,
                created_by=program.memberships.order_by("pk").first().user,
                focus=FocusType.CLASSROOM,
                concerns=[Concern.SEPARATION_ATTACHMENT],
                preferred_language=languages[code],
                language_required=True,
                description=EXAMPLE_MARK + text,
                referral_source=ReferralSource.ALLIANCE_PHONE,
                entered_by=admin,
                received_at=received,
                first_contact_due_at=first_contact_due(received, "routine", program.state),
            )
        )
    ConsultationRequest.objects.bulk_create(made)
    return len(made)


def seed_intake(*, seed: int, admin) -> int:
    return (
        fill_front_door(seed=seed, admin=admin)
        + form_brief_team()
        + add_waitlist_examples(admin=admin)
        + waitlist_unmatched()
    )
