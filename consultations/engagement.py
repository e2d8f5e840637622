"""An engagement's plan and its dosage (docs/domain.md, "Engagement plan" and "Contacts by
activity").

The assigned consultant records the plan (goals, planned weeks, planned hours a week) on or after
acceptance and moves the phase on. Dosage is delivered against planned hours, split into the
three groups funders ask about: in the classroom, meetings, and other.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from consultations.models import ConsultationRequest, Contact
from consultations.permissions import is_assigned_consultant
from directory.vocabularies import ContactActivity, EngagementPhase
from iecmhc.exceptions import StateConflict
from iecmhc.units import minutes_to_hours

A = ContactActivity
# The one place an activity's group is decided. A contact of the old type "other" has no
# activity (the data migration keeps its type): it counts with "other".
ACTIVITY_GROUPS = {
    "classroom": (A.CLASSROOM_OBSERVATION, A.CLASSROOM_COACHING),
    "meetings": (A.STAFF_MEETING, A.FAMILY_MEETING, A.REFLECTIVE_CONSULTATION),
    "other": (A.TRAINING, A.PLANNING, A.PHONE_OR_EMAIL, ""),
}
GROUP_LABELS = {
    "classroom": _("In the classroom"),
    "meetings": _("Meetings"),
    "other": _("Other"),
}
PHASE_ORDER = list(EngagementPhase.values)


def group_of(activity: str) -> str:
    for group, activities in ACTIVITY_GROUPS.items():
        if activity in activities:
            return group
    return "other"


def group_sums(prefix: str = "") -> dict:
    """Aggregations of minutes by group, for .annotate()/.aggregate() over contacts (prefix
    "contacts__" from requests)."""
    return {
        f"minutes_{group}": Sum(
            f"{prefix}minutes", filter=Q(**{f"{prefix}activity__in": list(activities)})
        )
        for group, activities in ACTIVITY_GROUPS.items()
    }


def planned_hours(consultation: ConsultationRequest) -> float | None:
    """The hours the plan holds in all: planned weeks times hours a week (None without weeks)."""
    if consultation.planned_weeks is None:
        return None
    return float(round(consultation.weekly_hours * consultation.planned_weeks, 2))


def dosage(consultation: ConsultationRequest, minutes_by_group: dict | None = None) -> dict:
    """Delivered hours by group and in all, against the plan's hours."""
    if minutes_by_group is None:
        minutes_by_group = Contact.objects.filter(request=consultation).aggregate(**group_sums())
    groups = [
        {
            "group": group,
            "label": GROUP_LABELS[group],
            "hours": minutes_to_hours(minutes_by_group.get(f"minutes_{group}")),
        }
        for group in ACTIVITY_GROUPS
    ]
    return {
        "groups": groups,
        "delivered": round(sum(row["hours"] for row in groups), 2),
        "planned": planned_hours(consultation),
        "planned_end_date": consultation.planned_end_date,
    }


def can_plan_engagement(user, consultation) -> bool:
    return is_assigned_consultant(user, consultation)


@transaction.atomic
def engagement_plan(
    *,
    actor,
    consultation: ConsultationRequest,
    goals: str | None = None,
    planned_weeks: int | None = None,
    planned_hours_per_week: Decimal | None = None,
    phase: str | None = None,
) -> ConsultationRequest:
    """The assigned consultant records or changes the plan of an active engagement and moves
    its phase on (never back). Fields left out (None) keep their value."""
    # The consultant's row is locked first (the services' order): new planned hours change the
    # hours their caseload commits (consultations.capacity), recounted below.
    from consultations.services import _lock_with_consultant, _save_counters

    consultant, consultation = _lock_with_consultant(consultation)
    if not can_plan_engagement(actor, consultation):
        raise PermissionDenied(_("Only the assigned consultant may plan the engagement."))
    if consultation.status != ConsultationRequest.Status.ACTIVE:
        raise StateConflict(_("Only an active engagement has a plan to change."))
    if phase:
        current = consultation.phase or PHASE_ORDER[0]
        if phase not in PHASE_ORDER:
            raise ValidationError({"phase": [_("Choose a phase.")]})
        if PHASE_ORDER.index(phase) < PHASE_ORDER.index(current):
            raise ValidationError({"phase": [_("A phase moves on, never back.")]})
        consultation.phase = phase
    elif not consultation.phase:
        consultation.phase = EngagementPhase.INITIATION
    if goals is not None:
        consultation.goals = goals.strip()
    if planned_weeks is not None:
        consultation.planned_weeks = planned_weeks
    if planned_hours_per_week is not None:
        consultation.planned_hours_per_week = planned_hours_per_week
    consultation.full_clean(validate_unique=False, validate_constraints=False)
    consultation.save(
        update_fields=["goals", "planned_weeks", "planned_hours_per_week", "phase", "updated_at"]
    )
    if consultant is not None:
        _save_counters(consultant)  # after the plan, so its hours are counted
    return consultation


def with_dosage(engagements) -> list:
    """Set `.dosage` on each engagement of a list, from one query of their contacts."""
    engagements = list(engagements)
    rows = (
        Contact.objects.filter(request__in=[e.pk for e in engagements])
        .values("request_id")
        .annotate(**group_sums())
        .order_by()
    )
    by_request = {row["request_id"]: row for row in rows}
    for e in engagements:
        e.dosage = dosage(e, by_request.get(e.pk, {}))
    return engagements
