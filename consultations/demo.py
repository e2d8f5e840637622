"""Demo consultation requests in every status, with their histories, contacts and outcomes.

Like directory.demo, every request is generated from its index and the seed, so runs are
deterministic and a second run only adds what is missing. Demo requests are the ones created by
the programs' demo directors; the count of those is where a later run resumes.

Histories are written as the services would write them (the same events, in order, with the
same actors), and every consultant's active caseload is recomputed from the active requests at
the end, so the counter the accept service guards always agrees with the data.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from consultations.models import ConsultationRequest, Contact, RequestEvent
from directory.demo import (
    DEMO_CONSULTANT,
    PROGRAM_KEY,
    bulk_create_dated,
    chunks,
    rng_for,
    weighted,
)
from directory.models import Consultant, Program, ProgramMembership
from directory.vocabularies import ClosureReason, Concern, ContactType, FocusType, Modality

Status = ConsultationRequest.Status
Action = RequestEvent.Action
DIRECTOR_PREFIX = "demo-director-"

# The first requests tell the demo's story on the demo logins' programs and listing.
FIRST_REQUESTS = (
    (1, Status.SUBMITTED),
    (1, Status.OFFERED),
    (2, Status.ACTIVE),
    (1, Status.CLOSED),
    (2, Status.WITHDRAWN),
    (2, Status.SUBMITTED),
)
STATUS_MIX = (
    (34, Status.SUBMITTED),
    (12, Status.OFFERED),
    (26, Status.ACTIVE),
    (22, Status.CLOSED),
    (6, Status.WITHDRAWN),
)
FOCUS_MIX = ((40, FocusType.CHILD), (45, FocusType.CLASSROOM), (15, FocusType.PROGRAM))
CONCERN_MIX = {
    FocusType.CHILD: (
        (30, Concern.CHALLENGING_BEHAVIOR),
        (14, Concern.SUSPENSION_EXPULSION_RISK),
        (10, Concern.TRAUMA_EXPOSURE),
        (10, Concern.SEPARATION_ATTACHMENT),
        (10, Concern.DEVELOPMENTAL_CONCERN),
        (10, Concern.FAMILY_STRESS),
        (8, Concern.SOCIAL_EMOTIONAL_SKILLS),
        (8, Concern.TRANSITIONS),
    ),
    FocusType.CLASSROOM: (
        (30, Concern.CHALLENGING_BEHAVIOR),
        (20, Concern.CLASSROOM_CLIMATE),
        (20, Concern.SOCIAL_EMOTIONAL_SKILLS),
        (15, Concern.TRANSITIONS),
        (15, Concern.STAFF_STRESS),
    ),
    FocusType.PROGRAM: (
        (35, Concern.STAFF_STRESS),
        (25, Concern.CLASSROOM_CLIMATE),
        (20, Concern.CAREGIVER_MENTAL_HEALTH),
        (20, Concern.SOCIAL_EMOTIONAL_SKILLS),
    ),
}
DESCRIPTIONS = {
    FocusType.CHILD: (
        "A {age}-month-old in our toddler room hits and bites during transitions; staff are "
        "worn out and the family is worried.",
        "A child of {age} months cries for most of the morning since starting with us and "
        "cannot settle at nap time.",
        "A {age}-month-old throws toys and runs from the group; we have had to call the "
        "parent to pick up early several times.",
    ),
    FocusType.CLASSROOM: (
        "Our infant room has two new teachers and the afternoons feel chaotic.",
        "The preschool room has frequent conflicts at free play; we would like help with "
        "routines and coaching for the teaching team.",
        "Since a staffing change the toddler group struggles with transitions to outdoors.",
    ),
    FocusType.PROGRAM: (
        "Staff turnover has been high this year and morale is low; we want to support our team.",
        "We want to build a whole-program approach to social-emotional learning.",
    ),
}
DECLINE_REASONS = (
    "My caseload is full until next month.",
    "The program is beyond my travel area.",
    "I do not speak the family's language.",
)
WITHDRAW_REASONS = (
    "We found support through our county's Birth to 3 program.",
    "The child has left our program.",
    "The situation has settled; we will ask again if needed.",
)
CLOSE_OUTCOMES = (
    (55, ClosureReason.GOALS_MET, True),
    (15, ClosureReason.PROGRAM_ENDED, None),
    (10, ClosureReason.CHILD_LEFT_PROGRAM, None),
    (8, ClosureReason.REFERRED_ELSEWHERE, False),
    (7, ClosureReason.NO_RESPONSE, False),
    (5, ClosureReason.FAMILY_DECLINED, False),
)


@dataclass
class _ProgramRow:
    pk: int
    state: str
    county_id: int
    languages: tuple[str, ...]
    director_id: int


@dataclass
class _ConsultantRow:
    pk: int
    user_id: int
    state: str
    counties: set[int]
    languages: set[str]
    free: int
    virtual: bool


@dataclass
class _Pools:
    """What the generator draws from, loaded once: programs and approved consultants."""

    programs: list[_ProgramRow]
    by_key: dict[str, _ProgramRow]
    consultants: dict[str, list[_ConsultantRow]] = field(default_factory=dict)
    demo_consultant: _ConsultantRow | None = None
    admin_id: int | None = None

    @classmethod
    def load(cls, *, admin) -> "_Pools":
        directors = dict(
            ProgramMembership.objects.filter(user__username__startswith=DIRECTOR_PREFIX)
            .order_by("program_id", "id")
            .values_list("program_id", "user_id")
        )
        languages: dict[int, list[str]] = {}
        for program_id, code in Program.languages.through.objects.values_list(
            "program_id", "language_id"
        ):
            languages.setdefault(program_id, []).append(code)
        programs, by_key = [], {}
        rows = Program.objects.filter(license_number__startswith="DEMO-P-").order_by(
            "license_number"
        )
        for pk, key, state, county_id in rows.values_list(
            "pk", "license_number", "state", "county_id"
        ):
            if pk not in directors:
                continue
            row = _ProgramRow(pk, state, county_id, tuple(languages.get(pk, ())), directors[pk])
            programs.append(row)
            by_key[key] = row
        pools = cls(programs=programs, by_key=by_key, admin_id=admin.pk)
        approved = Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
        active = dict(
            ConsultationRequest.objects.filter(status=Status.ACTIVE)
            .values("consultant")
            .annotate(n=Count("id"))
            .values_list("consultant", "n")
        )
        counties: dict[int, set[int]] = {}
        for consultant_id, county_id in Consultant.counties_served.through.objects.values_list(
            "consultant_id", "county_id"
        ):
            counties.setdefault(consultant_id, set()).add(county_id)
        spoken: dict[int, set[str]] = {}
        for consultant_id, code in Consultant.languages.through.objects.values_list(
            "consultant_id", "language_id"
        ):
            spoken.setdefault(consultant_id, set()).add(code)
        for c in approved.select_related("user").order_by("pk"):
            row = _ConsultantRow(
                pk=c.pk,
                user_id=c.user_id,
                state=c.base_state,
                counties=counties.get(c.pk, set()),
                languages=spoken.get(c.pk, set()),
                free=c.max_caseload - active.get(c.pk, 0),
                virtual=Modality.VIRTUAL in c.modalities,
            )
            pools.consultants.setdefault(c.base_state, []).append(row)
            if c.user.username == DEMO_CONSULTANT.username:
                pools.demo_consultant = row
        return pools

    def consultant_for(
        self, rng: random.Random, program: _ProgramRow, *, needs_place: bool, exclude=()
    ) -> _ConsultantRow | None:
        """An approved consultant who could take this program: same county (or virtual in
        the state), with room when the request will become active."""
        candidates = [
            c
            for c in self.consultants.get(program.state, [])
            if (program.county_id in c.counties or c.virtual)
            and (c.free > 0 or not needs_place)
            and c.pk not in exclude
        ]
        return rng.choice(candidates) if candidates else None


@dataclass
class _Plan:
    request: ConsultationRequest
    events: list[RequestEvent]
    contacts: list[Contact]


def _pick_concerns(rng: random.Random, focus: str) -> list[str]:
    table = CONCERN_MIX[focus]
    first = weighted(rng, table)[1]
    concerns = {first}
    if rng.random() < 0.5:
        concerns.add(weighted(rng, table)[1])
    return sorted(concerns)


def _plan_request(seed: int, index: int, status: str, pools: _Pools, now: datetime) -> _Plan | None:
    rng = rng_for(seed, "request", index)
    if index <= len(FIRST_REQUESTS):
        program_number, status = FIRST_REQUESTS[index - 1]
        program = pools.by_key.get(PROGRAM_KEY.format(program_number))
    else:
        program = rng.choice(pools.programs) if pools.programs else None
    if program is None:
        return None
    focus = weighted(rng, FOCUS_MIX)[1]
    concerns = _pick_concerns(rng, focus)
    age = rng.randint(4, 60) if focus == FocusType.CHILD else None
    home_language = next((code for code in program.languages if code != "en"), None)
    language, required = None, False
    if home_language and rng.random() < 0.7:
        language, required = home_language, rng.random() < 0.6
    elif rng.random() < 0.3:
        language = "en"
    urgency = (
        ConsultationRequest.Urgency.PRIORITY
        if Concern.SUSPENSION_EXPULSION_RISK in concerns or rng.random() < 0.08
        else ConsultationRequest.Urgency.ROUTINE
    )
    request = ConsultationRequest(
        program_id=program.pk,
        created_by_id=program.director_id,
        focus=focus,
        concerns=concerns,
        child_age_months=age,
        parent_consent=focus == FocusType.CHILD,
        preferred_language_id=language,
        language_required=required,
        modality=weighted(
            rng,
            (
                (60, ConsultationRequest.RequestModality.EITHER),
                (30, ConsultationRequest.RequestModality.ON_SITE),
                (10, ConsultationRequest.RequestModality.VIRTUAL),
            ),
        )[1],
        urgency=urgency,
        description=rng.choice(DESCRIPTIONS[focus]).format(age=age),
        status=Status.SUBMITTED,
    )
    # Timeline, newest statuses most recent: offers must still be open (not yet expired).
    days_ago = {
        Status.SUBMITTED: rng.uniform(0.1, 20),
        Status.OFFERED: rng.uniform(2, 25),
        Status.ACTIVE: rng.uniform(15, 150),
        Status.CLOSED: rng.uniform(120, 600),
        Status.WITHDRAWN: rng.uniform(5, 200),
    }[status]
    created = now - timedelta(days=days_ago)
    request.created_at = request.updated_at = created
    events = [_event(Action.SUBMITTED, program.director_id, "", Status.SUBMITTED, created)]
    contacts: list[Contact] = []
    clock = created

    def later(low: float, high: float, *, limit: datetime = now) -> datetime:
        nonlocal clock
        clock = min(clock + timedelta(days=rng.uniform(low, high)), limit)
        return clock

    if status == Status.WITHDRAWN:
        at = later(1, 10)
        events.append(
            _event(
                Action.WITHDRAWN,
                program.director_id,
                Status.SUBMITTED,
                Status.WITHDRAWN,
                at,
                note=rng.choice(WITHDRAW_REASONS),
            )
        )
        request.status, request.updated_at = Status.WITHDRAWN, at
        return _Plan(request, events, contacts)
    if status == Status.SUBMITTED:
        return _Plan(request, events, contacts)

    needs_place = status in (Status.ACTIVE, Status.OFFERED)  # an open offer holds a place
    declined = set()
    if rng.random() < 0.2:  # an earlier offer was declined
        decliner = pools.consultant_for(rng, program, needs_place=False)
        if decliner is not None:
            declined.add(decliner.pk)
            at = later(0.5, 3)
            events.append(
                _event(
                    Action.OFFERED,
                    pools.admin_id,
                    Status.SUBMITTED,
                    Status.OFFERED,
                    at,
                    consultant=decliner.pk,
                )
            )
            at = later(0.5, 3)
            events.append(
                _event(
                    Action.DECLINED,
                    decliner.user_id,
                    Status.OFFERED,
                    Status.SUBMITTED,
                    at,
                    consultant=decliner.pk,
                    note=rng.choice(DECLINE_REASONS),
                )
            )
    demo = pools.demo_consultant
    if index <= len(FIRST_REQUESTS) and demo is not None and (demo.free > 0 or not needs_place):
        consultant = demo
    else:
        consultant = pools.consultant_for(rng, program, needs_place=needs_place, exclude=declined)
    if consultant is None:  # nobody could take it: it waits in the queue
        events = events[:1]
        return _Plan(request, events, contacts)

    request.consultant_id = consultant.pk
    if status == Status.OFFERED:
        consultant.free -= 1
        # Offers stay open for OFFER_EXPIRY_DAYS; make this one recent enough to answer.
        expiry = settings.OFFER_EXPIRY_DAYS
        offered = now - timedelta(days=rng.uniform(0.05, max(expiry - 1, 0.5)))
        clock = max(clock, min(offered, now))
        request.status, request.offered_at = Status.OFFERED, clock
        events.append(
            _event(
                Action.OFFERED,
                pools.admin_id,
                Status.SUBMITTED,
                Status.OFFERED,
                clock,
                consultant=consultant.pk,
            )
        )
        request.updated_at = clock
        return _Plan(request, events, contacts)

    request.offered_at = later(0.5, 4)
    events.append(
        _event(
            Action.OFFERED,
            pools.admin_id,
            Status.SUBMITTED,
            Status.OFFERED,
            request.offered_at,
            consultant=consultant.pk,
        )
    )
    request.accepted_at = later(0.2, 3)
    events.append(
        _event(
            Action.ACCEPTED,
            consultant.user_id,
            Status.OFFERED,
            Status.ACTIVE,
            request.accepted_at,
            consultant=consultant.pk,
        )
    )
    request.status = Status.ACTIVE
    end = now if status == Status.ACTIVE else later(30, 120)
    day = request.accepted_at + timedelta(days=rng.uniform(1, 6))
    while day < end:
        contacts.append(
            Contact(
                consultant_id=consultant.pk,
                date=timezone.localdate(day),
                minutes=rng.choice((30, 45, 60, 60, 90, 120)),
                contact_type=weighted(
                    rng,
                    (
                        (30, ContactType.OBSERVATION),
                        (30, ContactType.STAFF_CONSULTATION),
                        (15, ContactType.FAMILY_CONSULTATION),
                        (12, ContactType.REFLECTIVE_CONSULTATION),
                        (8, ContactType.TRAINING),
                        (5, ContactType.PLANNING),
                    ),
                )[1],
                modality=Modality.ON_SITE if rng.random() < 0.7 else Modality.VIRTUAL,
            )
        )
        day += timedelta(days=rng.uniform(5, 14))
    if status == Status.ACTIVE:
        consultant.free -= 1
        request.updated_at = request.accepted_at
        return _Plan(request, events, contacts)

    _, reason, goals_met = weighted(rng, CLOSE_OUTCOMES)
    request.status, request.closed_at = Status.CLOSED, end
    request.closure_reason = reason
    request.goals_met = goals_met
    if Concern.SUSPENSION_EXPULSION_RISK in concerns:
        request.suspension_prevented = reason == ClosureReason.GOALS_MET or rng.random() < 0.3
    request.updated_at = end
    events.append(
        _event(
            Action.CLOSED,
            consultant.user_id,
            Status.ACTIVE,
            Status.CLOSED,
            end,
            consultant=consultant.pk,
            note=ClosureReason(reason).label,
        )
    )
    return _Plan(request, events, contacts)


# Who acts on each step in the demo histories.
ACTOR_ROLES = {
    Action.SUBMITTED: RequestEvent.ActorRole.PROGRAM,
    Action.WITHDRAWN: RequestEvent.ActorRole.PROGRAM,
    Action.OFFERED: RequestEvent.ActorRole.ADMIN,
    Action.ACCEPTED: RequestEvent.ActorRole.CONSULTANT,
    Action.DECLINED: RequestEvent.ActorRole.CONSULTANT,
    Action.CLOSED: RequestEvent.ActorRole.CONSULTANT,
}


def _event(action, actor_id, from_status, to_status, at, *, consultant=None, note=""):
    return RequestEvent(
        action=action,
        actor_id=actor_id,
        actor_role=ACTOR_ROLES[action],
        from_status=from_status,
        to_status=to_status,
        at=at,
        consultant_id=consultant,
        note=note,
    )


def demo_request_count() -> int:
    return ConsultationRequest.objects.filter(
        created_by__username__startswith=DIRECTOR_PREFIX
    ).count()


def seed_requests(
    *,
    count: int,
    open_count: int = 0,
    seed: int,
    admin,
    progress: Callable[[int], None],
) -> int:
    """Requests 1..count in a realistic mix of statuses, then open_count more that wait in
    the queue (for matching at scale). Resumes after the demo requests already there."""
    total = count + open_count
    existing = demo_request_count()
    if existing >= total:
        return 0
    pools = _Pools.load(admin=admin)
    now = timezone.now()
    created = 0
    for indices in chunks(list(range(existing + 1, total + 1))):
        plans = []
        for i in indices:
            status = (
                weighted(rng_for(seed, "request-status", i), STATUS_MIX)[1]
                if i <= count
                else Status.SUBMITTED
            )
            plan = _plan_request(seed, i, status, pools, now)
            if plan is not None:
                plans.append(plan)
        with transaction.atomic():
            bulk_create_dated(
                ConsultationRequest, [p.request for p in plans], ("created_at", "updated_at")
            )
            events, contacts = [], []
            for plan in plans:
                for event in plan.events:
                    event.request_id = plan.request.pk
                    events.append(event)
                for contact in plan.contacts:
                    contact.request_id = plan.request.pk
                    contacts.append(contact)
            RequestEvent.objects.bulk_create(events, batch_size=2000)
            Contact.objects.bulk_create(contacts, batch_size=2000)
        created += len(plans)
        progress(len(indices))
    recount_caseloads()
    return created


def recount_caseloads() -> int:
    """Set every consultant's counters to what their requests say: engagements under way and
    offers awaiting an answer. Returns how many consultants were corrected."""
    counts = Consultant.objects.annotate(
        active=Count("requests", filter=Q(requests__status=Status.ACTIVE)),
        offered=Count("requests", filter=Q(requests__status=Status.OFFERED)),
    ).values_list("pk", "active", "offered", "active_caseload", "open_offers")
    stale = [
        Consultant(pk=pk, active_caseload=active, open_offers=offered)
        for pk, active, offered, active_now, offered_now in counts
        if (active, offered) != (active_now, offered_now)
    ]
    Consultant.objects.bulk_update(stale, ["active_caseload", "open_offers"], batch_size=2000)
    return len(stale)
