"""Demo consultation requests in every status, with their histories, contacts and outcomes.

Like the directory's records, every consultation is generated from its index and the seed, so
runs are deterministic and a second run only adds what is missing. Demo consultations are the
ones created by the programs' demo directors; the count of those is where a later run resumes.

Histories are written as the services would write them (the same events, in order, with the
same actors), and every consultant's counters (active caseload, open offers) are recomputed
from the consultations at the end, so the counters the services guard agree with the data.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.capacity import weekly_hours_expression
from consultations.models import ConsultationRequest, Contact, RequestEvent
from demo.bulk import analyze, insert_objects, reserve_ids
from demo.common import chunks, rng_for, weighted
from demo.data import (
    CLOSE_OUTCOMES,
    CONCERN_MIX,
    CONTACT_ACTIVITIES,
    CONTACT_MINUTES,
    DECLINE_REASONS,
    DESCRIPTIONS,
    FIRST_REQUESTS,
    FOCUS_MIX,
    REQUEST_MODALITIES,
    STATUS_MIX,
    WITHDRAW_REASONS,
)
from demo.equity import child_demographics
from demo.pools import ConsultantRow, Pools, ProgramRow
from demo.programs import DIRECTOR_PREFIX, PROGRAM_KEY
from directory.models import Consultant, Program, ProgramMembership
from directory.vocabularies import ClosureReason, Concern, FocusType, Modality

Status = ConsultationRequest.Status
Action = RequestEvent.Action

# Who acts on each step in the demo histories.
ACTOR_ROLES = {
    Action.SUBMITTED: RequestEvent.ActorRole.PROGRAM,
    Action.WITHDRAWN: RequestEvent.ActorRole.PROGRAM,
    Action.OFFERED: RequestEvent.ActorRole.ADMIN,
    Action.ACCEPTED: RequestEvent.ActorRole.CONSULTANT,
    Action.DECLINED: RequestEvent.ActorRole.CONSULTANT,
    Action.CLOSED: RequestEvent.ActorRole.CONSULTANT,
}
# How long ago a consultation was submitted, by the status it reaches: the newest statuses
# are the most recent, so open offers have not expired yet.
DAYS_AGO = {
    Status.SUBMITTED: (0.1, 20),
    Status.OFFERED: (2, 25),
    Status.ACTIVE: (15, 150),
    Status.CLOSED: (120, 600),
    Status.WITHDRAWN: (5, 200),
}


@dataclass
class ConsultationPlan:
    consultation: ConsultationRequest
    events: list[RequestEvent] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def plan_consultation(
    seed: int, index: int, status: str, pools: Pools, now: datetime
) -> ConsultationPlan | None:
    """Consultation `index`, taken to `status` as the services would take it; None when
    there is no program to file it. Every step draws from one generator in a fixed order:
    reordering them changes every consultation."""
    rng = rng_for(seed, "request", index)
    first = index <= len(FIRST_REQUESTS)
    if first:
        program_number, status = FIRST_REQUESTS[index - 1]
        program = pools.first_programs.get(PROGRAM_KEY.format(program_number))
    else:
        program = rng.choice(pools.programs) if pools.programs else None
    if program is None:
        return None
    consultation = _new_consultation(rng, program, status, now)
    if consultation.focus == FocusType.CHILD:
        for name, value in child_demographics(seed, index).items():
            setattr(consultation, name, value)
    story = _Story(rng, consultation, program, pools, now)
    if status == Status.WITHDRAWN:
        story.withdraw()
    elif status != Status.SUBMITTED:
        story.match(status, demo_consultant_first=first)
    return story.plan


def _new_consultation(
    rng: random.Random, program: ProgramRow, status: str, now: datetime
) -> ConsultationRequest:
    """A submitted consultation: what the program asks for, in its words."""
    focus = weighted(rng, FOCUS_MIX)[1]
    concerns = _pick_concerns(rng, focus)
    age = rng.randint(4, 60) if focus == FocusType.CHILD else None
    language, required = _language(rng, program)
    urgency = (
        ConsultationRequest.Urgency.PRIORITY
        if Concern.SUSPENSION_EXPULSION_RISK in concerns or rng.random() < 0.08
        else ConsultationRequest.Urgency.ROUTINE
    )
    consultation = ConsultationRequest(
        program_id=program.pk,
        created_by_id=program.director_id,
        focus=focus,
        concerns=concerns,
        child_age_months=age,
        parent_consent=focus == FocusType.CHILD,
        preferred_language_id=language,
        language_required=required,
        modality=weighted(rng, REQUEST_MODALITIES)[1],
        urgency=urgency,
        description=rng.choice(DESCRIPTIONS[focus]).format(age=age),
        status=Status.SUBMITTED,
    )
    # One draw for every status, whichever is used: the generator stays in step.
    days_ago = {key: rng.uniform(low, high) for key, (low, high) in DAYS_AGO.items()}[status]
    consultation.created_at = consultation.updated_at = now - timedelta(days=days_ago)
    return consultation


def _pick_concerns(rng: random.Random, focus: str) -> list[str]:
    table = CONCERN_MIX[focus]
    concerns = {weighted(rng, table)[1]}
    if rng.random() < 0.5:
        concerns.add(weighted(rng, table)[1])
    return sorted(concerns)


def _language(rng: random.Random, program: ProgramRow) -> tuple[str | None, bool]:
    """The preferred language (often the program's other language) and whether it is needed."""
    if program.home_language and rng.random() < 0.7:
        return program.home_language, rng.random() < 0.6
    if rng.random() < 0.3:
        return "en", False
    return None, False


class _Story:
    """One consultation's history as it is planned: the record, its events and contacts, and
    a clock that only moves forward (never past now)."""

    def __init__(self, rng, consultation, program: ProgramRow, pools: Pools, now: datetime):
        self.rng, self.pools, self.now, self.program = rng, pools, now, program
        self.consultation = consultation
        self.clock = consultation.created_at
        self.plan = ConsultationPlan(consultation)
        self.record(Action.SUBMITTED, program.director_id, "", Status.SUBMITTED)

    def later(self, low: float, high: float) -> datetime:
        self.clock = min(self.clock + timedelta(days=self.rng.uniform(low, high)), self.now)
        return self.clock

    def record(self, action, actor_id, from_status, to_status, *, consultant=None, note=""):
        event = RequestEvent(
            action=action,
            actor_id=actor_id,
            actor_role=ACTOR_ROLES[action],
            from_status=from_status,
            to_status=to_status,
            at=self.clock,
            consultant_id=consultant,
            note=note,
        )
        self.plan.events.append(event)
        self.consultation.status, self.consultation.updated_at = to_status, self.clock

    def withdraw(self) -> None:
        self.later(1, 10)
        note = self.rng.choice(WITHDRAW_REASONS)
        self.record(
            Action.WITHDRAWN,
            self.program.director_id,
            Status.SUBMITTED,
            Status.WITHDRAWN,
            note=note,
        )

    def match(self, status: str, *, demo_consultant_first: bool) -> None:
        """Offer to a consultant (after an earlier offer was declined, sometimes), then take
        it as far as `status`. Without a consultant who could take it, it stays submitted."""
        needs_place = status in (Status.ACTIVE, Status.OFFERED)  # an open offer holds a place
        declined = self.earlier_decline()
        demo = self.pools.demo_consultant
        if demo_consultant_first and demo is not None and (demo.free > 0 or not needs_place):
            consultant = demo
        else:
            consultant = self.pools.consultant_for(
                self.rng, self.program, needs_place=needs_place, exclude=declined
            )
        if consultant is None:  # nobody could take it: it waits in the queue
            del self.plan.events[1:]
            self.consultation.status = Status.SUBMITTED
            self.consultation.updated_at = self.consultation.created_at
            return
        self.consultation.consultant_id = consultant.pk
        if status == Status.OFFERED:
            self.open_offer(consultant)
            return
        end = self.engage(consultant, closes=status == Status.CLOSED)
        if status == Status.CLOSED:
            self.close(consultant, end)
        else:
            consultant.free -= 1

    def earlier_decline(self) -> set[int]:
        """One in five: an earlier offer, declined. Returns who declined."""
        if self.rng.random() >= 0.2:
            return set()
        decliner = self.pools.consultant_for(self.rng, self.program, needs_place=False)
        if decliner is None:
            return set()
        self.later(0.5, 3)
        self.record(
            Action.OFFERED,
            self.pools.admin_id,
            Status.SUBMITTED,
            Status.OFFERED,
            consultant=decliner.pk,
        )
        self.later(0.5, 3)
        self.record(
            Action.DECLINED,
            decliner.user_id,
            Status.OFFERED,
            Status.SUBMITTED,
            consultant=decliner.pk,
            note=self.rng.choice(DECLINE_REASONS),
        )
        return {decliner.pk}

    def offer(self, consultant: ConsultantRow) -> None:
        self.consultation.offered_at = self.clock
        self.record(
            Action.OFFERED,
            self.pools.admin_id,
            Status.SUBMITTED,
            Status.OFFERED,
            consultant=consultant.pk,
        )

    def open_offer(self, consultant: ConsultantRow) -> None:
        """An offer still waiting for an answer: recent enough not to have expired."""
        consultant.free -= 1
        expiry = settings.OFFER_EXPIRY_DAYS
        offered = self.now - timedelta(days=self.rng.uniform(0.05, max(expiry - 1, 0.5)))
        self.clock = max(self.clock, min(offered, self.now))
        self.offer(consultant)

    def engage(self, consultant: ConsultantRow, *, closes: bool) -> datetime:
        """Offered, accepted, then contacts until now (or until it closes). Returns the end."""
        self.later(0.5, 4)
        self.offer(consultant)
        self.later(0.2, 3)
        self.consultation.accepted_at = self.clock
        self.record(
            Action.ACCEPTED,
            consultant.user_id,
            Status.OFFERED,
            Status.ACTIVE,
            consultant=consultant.pk,
        )
        end = self.later(30, 120) if closes else self.now
        accepted = self.consultation.accepted_at
        self.plan.contacts = _contacts(self.rng, consultant, accepted, end)
        return end

    def close(self, consultant: ConsultantRow, end: datetime) -> None:
        _, reason, goals_met = weighted(self.rng, CLOSE_OUTCOMES)
        consultation = self.consultation
        consultation.closed_at, consultation.closure_reason = end, reason
        consultation.goals_met = goals_met
        if Concern.SUSPENSION_EXPULSION_RISK in consultation.concerns:
            consultation.suspension_prevented = (
                reason == ClosureReason.GOALS_MET or self.rng.random() < 0.3
            )
        self.record(
            Action.CLOSED,
            consultant.user_id,
            Status.ACTIVE,
            Status.CLOSED,
            consultant=consultant.pk,
            note=ClosureReason(reason).label,
        )


def _contacts(rng, consultant: ConsultantRow, accepted: datetime, end: datetime) -> list:
    """A contact every one to two weeks from a few days after acceptance until `end`."""
    contacts = []
    day = accepted + timedelta(days=rng.uniform(1, 6))
    while day < end:
        contacts.append(
            Contact(
                consultant_id=consultant.pk,
                date=timezone.localdate(day),
                minutes=rng.choice(CONTACT_MINUTES),
                activity=weighted(rng, CONTACT_ACTIVITIES)[1],
                modality=Modality.ON_SITE if rng.random() < 0.7 else Modality.VIRTUAL,
            )
        )
        day += timedelta(days=rng.uniform(5, 14))
    return contacts


def demo_consultation_count() -> int:
    return ConsultationRequest.objects.filter(
        created_by__username__startswith=DIRECTOR_PREFIX
    ).count()


def seed_consultations(
    *, count: int, open_count: int = 0, seed: int, admin, progress: Callable[[int], None]
) -> int:
    """Consultations 1..count in a realistic mix of statuses, then open_count more that wait
    in the queue (for matching at scale). Resumes after the demo consultations already there;
    returns how many were created."""
    total = count + open_count
    existing = demo_consultation_count()
    if existing >= total:
        return 0
    analyze(Program, ProgramMembership, Program.languages.through, Consultant)
    analyze(Consultant.counties_served.through, ConsultationRequest)
    pools = Pools.load(admin=admin, first_programs=2)
    now = timezone.now()
    created = 0
    for indices in chunks(range(existing + 1, total + 1)):
        plans = []
        for i in indices:
            status = (
                weighted(rng_for(seed, "request-status", i), STATUS_MIX)[1]
                if i <= count
                else Status.SUBMITTED
            )
            plan = plan_consultation(seed, i, status, pools, now)
            if plan is not None:
                plans.append(plan)
        with transaction.atomic():
            _insert(plans)
        created += len(plans)
        progress(len(indices))
    analyze(ConsultationRequest)
    recount_caseloads()
    return created


def _insert(plans: list[ConsultationPlan]) -> None:
    ids = reserve_ids(ConsultationRequest, len(plans))
    events, contacts = [], []
    for plan, pk in zip(plans, ids, strict=True):
        plan.consultation.pk = pk
        for event in plan.events:
            event.request_id = pk
            events.append(event)
        for contact in plan.contacts:
            contact.request_id = pk
            contacts.append(contact)
    insert_objects(ConsultationRequest, [plan.consultation for plan in plans])
    insert_objects(RequestEvent, events)
    insert_objects(Contact, contacts)


def _count(status: str):
    """How many consultations in `status` the consultant of the outer query has."""
    per_consultant = (
        ConsultationRequest.objects.filter(consultant=OuterRef("pk"), status=status)
        .order_by()
        .values("consultant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_consultant), Value(0))


def _hours():
    """The weekly hours the consultant of the outer query's offers and engagements take."""
    per_consultant = (
        ConsultationRequest.objects.filter(
            consultant=OuterRef("pk"), status__in=(Status.ACTIVE, Status.OFFERED)
        )
        .order_by()
        .values("consultant")
        .annotate(h=Sum(weekly_hours_expression()))
        .values("h")
    )
    return Coalesce(Subquery(per_consultant), Value(Decimal("0")))


def recount_caseloads() -> int:
    """Set every consultant's counters to what their consultations say: engagements under
    way, offers awaiting an answer and the weekly hours of both. Returns how many consultants
    were corrected."""
    active, offered, hours = _count(Status.ACTIVE), _count(Status.OFFERED), _hours()
    stale = Consultant.objects.annotate(active=active, offered=offered, hours=hours).filter(
        ~Q(active_caseload=F("active"))
        | ~Q(open_offers=F("offered"))
        | ~Q(hours_committed=F("hours"))
    )
    return stale.update(active_caseload=active, open_offers=offered, hours_committed=hours)
