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
from demo.bulk import update_objects
from demo.common import chunks, rng_for
from directory.models import Consultant, Language
from directory.vocabularies import ReferralSource

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
    # The consultant calls once offered the request (from the offers page), often within hours.
    engaged = consultation.accepted_at is not None or rng.random() < 0.5
    reached = consultation.offered_at if engaged else None
    if reached is not None and consultation.status != Status.WITHDRAWN:
        late = rng.random() < 0.1
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
            update_objects(ConsultationRequest, batch, FIELDS)
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
    consultants = matching.matchable_consultants_facts()
    unmatched = []
    # In chunks, until enough are found: a request's options do not depend on the others', and
    # every open request's at once would hold gigabytes at four times national.
    for facts in chunks(matching.open_requests_facts(), 2000):
        options, _ = matching.batch_options(facts, consultants)
        unmatched += [r for r in facts if not options.get(r.id)]
        if len(unmatched) >= MAX_WAITLISTED:
            break
    unmatched = unmatched[:MAX_WAITLISTED]
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


# Languages nobody in the demo speaks: a few submitted requests require one, and wait.
WAITLIST_LANGUAGES = ("so", "kar", "win")  # Somali, Karen, Ho-Chunk


def add_waitlist_examples() -> int:
    """Make the first few submitted demo requests require a language nobody speaks."""
    examples = ConsultationRequest.objects.filter(
        status=Status.SUBMITTED, language_required=True, preferred_language__in=WAITLIST_LANGUAGES
    )
    if examples.exists():
        return 0
    languages = Language.objects.in_bulk(list(WAITLIST_LANGUAGES))
    submitted = ConsultationRequest.objects.filter(status=Status.SUBMITTED).order_by("pk")
    changed = []
    for consultation, code in zip(submitted[:3], WAITLIST_LANGUAGES, strict=False):
        if code in languages:
            consultation.preferred_language = languages[code]
            consultation.language_required = True
            changed.append(consultation)
    ConsultationRequest.objects.bulk_update(changed, ["preferred_language", "language_required"])
    return len(changed)


def seed_intake(*, seed: int, admin) -> int:
    return (
        fill_front_door(seed=seed, admin=admin)
        + form_brief_team()
        + add_waitlist_examples()
        + waitlist_unmatched()
    )
