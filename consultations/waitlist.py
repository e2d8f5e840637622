"""The waitlist and the statewide brief team (docs/domain.md, "Waitlist and brief
consultation").

A submitted request no consultant may take is waitlisted: the hard constraints that ruled each
consultant out are kept as counts (matching's own exclusion codes), the program is told what
it waits for ("a consultant who speaks Hmong"), and, where it can be computed, when a place may
come free: the earliest planned end (acceptance + planned weeks) of an engagement of a
consultant who would fit but for a full caseload. No such plan, no estimate: never a guess.

The Alliance routes a waitlisted request to the brief team in one step: the best-fitting
brief-team consultant, for virtual work, is offered it (services.request_offer) and the request
is marked brief (1 to 3 sessions).
"""

from dataclasses import replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin
from consultations import matching
from consultations.matching.facts import consultant_facts, request_facts
from consultations.models import ConsultationRequest, RequestEvent
from consultations.notifications import notify_program
from directory.models import Consultant
from iecmhc.exceptions import StateConflict

Status = ConsultationRequest.Status

# What a program waits for, by the constraint that ruled consultants out.
WAITING_FOR = {
    "not_accepting": _("is taking new requests"),
    "at_capacity": _("has a place free on their caseload"),
    "modality": _("works the way you asked for"),
    "out_of_area": _("serves your county, or works virtually in your state"),
    "language": _("speaks {language}"),
}


def waiting_for(consultation: ConsultationRequest) -> list[str]:
    """ "Waiting for a consultant who …": the reasons, most consultants first."""
    reasons = sorted(consultation.waitlist_reasons.items(), key=lambda item: (-item[1], item[0]))
    language = consultation.preferred_language.name if consultation.preferred_language else ""
    return [
        str(WAITING_FOR[code]).format(language=language)
        for code, n in reasons
        if n and code in WAITING_FOR
    ]


def _fits_but_for_capacity(facts, consultants) -> list[int]:
    """Consultants who would fit the request were a place free on their caseload."""
    return [
        c.id
        for c in consultants
        if c.places_free <= 0
        and matching.exclusion(facts, replace(c, active_caseload=0, open_offers=0)) is None
    ]


def estimate(facts, full_consultants) -> date | None:
    """When the first place may come free among the consultants who would fit but for a full
    caseload: the earliest planned end of one of their engagements (not before today), or None
    when none of them has a plan to compute it from."""
    ids = _fits_but_for_capacity(facts, full_consultants)
    if not ids:
        return None
    engagements = ConsultationRequest.objects.filter(
        consultant_id__in=ids,
        status=Status.ACTIVE,
        accepted_at__isnull=False,
        planned_weeks__isnull=False,
    ).only("accepted_at", "planned_weeks")
    ends = [e.planned_end_date for e in engagements]
    return max(min(ends), timezone.localdate()) if ends else None


def full_consultants_facts():
    """The approved, accepting consultants with no place free, as matching facts."""
    full = Consultant.objects.filter(
        listing_status=Consultant.ListingStatus.APPROVED, accepting_new_requests=True
    ).has_free_place(False)
    return consultant_facts(list(full.only(*matching.facts.FACT_FIELDS)))


@transaction.atomic
def request_waitlist_check(*, consultation: ConsultationRequest, full=None, now=None) -> bool:
    """Waitlist a submitted request nobody may take (or take it off the list once someone
    may). Returns whether it is waitlisted now. The program is told once, when it is first
    waitlisted."""
    from consultations.services import _event, _lock_request

    consultation = _lock_request(consultation)
    if consultation.status != Status.SUBMITTED:
        return False
    ranking = matching.ranked_matches(consultation)
    if ranking.matches:
        if consultation.waitlisted_at is not None:
            consultation.waitlisted_at = None
            consultation.waitlist_reasons = {}
            consultation.waitlist_estimate = None
            consultation.save(
                update_fields=[
                    "waitlisted_at",
                    "waitlist_reasons",
                    "waitlist_estimate",
                    "updated_at",
                ]
            )
        return False
    declined = frozenset(matching.declined_consultant_ids(consultation))
    facts = request_facts(consultation, declined)
    first = consultation.waitlisted_at is None
    consultation.waitlist_reasons = {code: n for code, n in ranking.excluded.items() if n}
    consultation.waitlist_estimate = estimate(
        facts, full if full is not None else full_consultants_facts()
    )
    consultation.waitlisted_at = consultation.waitlisted_at or now or timezone.now()
    consultation.save(
        update_fields=["waitlisted_at", "waitlist_reasons", "waitlist_estimate", "updated_at"]
    )
    if first:
        _event(
            consultation,
            action=RequestEvent.Action.WAITLISTED,
            actor=None,
            from_status=Status.SUBMITTED,
            # The reasons' codes: selectors.event_note names them in the reader's language.
            note="; ".join(f"{code} ({n})" for code, n in consultation.waitlist_reasons.items()),
        )
        notify_program(consultation, "request_waitlisted", waiting_for=waiting_for(consultation))
    return True


def refresh_waitlist(*, now=None) -> int:
    """Check every submitted request against the consultants as they are now (the batch's
    feasibility finds the candidates at once); returns how many are waitlisted."""
    with matching.gc_paused():
        facts = matching.open_requests_facts()
        options, _reasons = matching.batch_options(facts, matching.matchable_consultants_facts())
    listed = set(
        ConsultationRequest.objects.filter(
            status=Status.SUBMITTED, waitlisted_at__isnull=False
        ).values_list("pk", flat=True)
    )
    to_check = [r.id for r in facts if not options.get(r.id) or r.id in listed]
    full = full_consultants_facts() if to_check else []
    waitlisted = 0
    for consultation in ConsultationRequest.objects.filter(pk__in=to_check).order_by("pk"):
        waitlisted += request_waitlist_check(consultation=consultation, full=full, now=now)
    return waitlisted


def brief_team_ranking(consultation: ConsultationRequest) -> matching.Ranking:
    """The brief team's members who may take the request as virtual brief consultation."""
    declined = frozenset(matching.declined_consultant_ids(consultation))
    facts = replace(request_facts(consultation, declined), modality="virtual")
    team = Consultant.objects.filter(brief_team=True).only(*matching.facts.FACT_FIELDS)
    return matching.rank(facts, consultant_facts(list(team.order_by("pk"))))


@transaction.atomic
def request_route_to_brief_team(*, actor, consultation: ConsultationRequest):
    """Alliance: offer a waitlisted request to the best-fitting brief-team consultant, for 1
    to 3 virtual sessions."""
    from consultations.services import _check_transition, _event, request_offer

    if not is_alliance_admin(actor):
        raise PermissionDenied(_("Only Alliance admins route requests to the brief team."))
    _check_transition(consultation, "route_brief")
    if consultation.waitlisted_at is None:
        raise StateConflict(_("Only a waitlisted request is routed to the brief team."))
    ranking = brief_team_ranking(consultation)
    if not ranking.matches:
        raise StateConflict(_("No brief-team consultant can take it now."))
    consultant = Consultant.objects.get(pk=ranking.matches[0].consultant_id)
    consultation = request_offer(actor=actor, consultation=consultation, consultant=consultant)
    consultation.brief = True
    consultation.save(update_fields=["brief", "updated_at"])
    _event(
        consultation,
        action=RequestEvent.Action.BRIEF_TEAM,
        actor=actor,
        from_status=Status.SUBMITTED,
        consultant=consultant,  # its note, in the reader's language: selectors.event_note
    )
    return consultation


def reasons_for_alliance(consultation: ConsultationRequest) -> list[str]:
    """The exclusion counts in matching's words, most consultants first."""
    reasons = sorted(consultation.waitlist_reasons.items(), key=lambda item: (-item[1], item[0]))
    return [f"{matching.EXCLUSIONS.get(code, code)} ({n})" for code, n in reasons if n]
