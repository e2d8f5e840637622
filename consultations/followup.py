"""Closure of child-focused work and its 30-day follow-up (docs/domain.md, "Closure and
follow-up").

Closing an engagement about one child asks whether the child is still in the program and
whether any exclusion happened (a suspension, an expulsion, or a "soft" one: sent home early,
shortened days). Thirty days after closure the consultant (or the Alliance, when the consultant
has left) is asked the same two questions once, and reminded once if unanswered; the answer is
kept as the engagement's follow-up.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin
from consultations.notifications import notify_alliance, notify_consultant
from consultations.outcome_models import Exclusion, FollowUp
from consultations.permissions import is_assigned_consultant
from directory.vocabularies import FocusType
from iecmhc.exceptions import StateConflict

FOLLOW_UP_AFTER = timedelta(days=30)
REMINDER_AFTER = timedelta(days=7)


def check_child_outcome(consultation, maintained_in_program, exclusion) -> None:
    """Set the child's outcome on a request being closed: both answers for child-focused work,
    neither for any other level (ValidationError otherwise)."""
    errors = {}
    if consultation.focus == FocusType.CHILD:
        if maintained_in_program is None:
            errors["maintained_in_program"] = [_("Say whether the child is still in the program.")]
        if exclusion not in Exclusion.values:
            errors["exclusion"] = [_("Say whether any suspension or expulsion happened.")]
    else:
        if maintained_in_program is not None or exclusion:
            errors["maintained_in_program"] = [_("Only work about one child records this.")]
    if errors:
        raise ValidationError(errors)
    consultation.maintained_in_program = maintained_in_program
    consultation.exclusion = exclusion or ""


def schedule_follow_up(consultation) -> None:
    """A closed child-focused engagement gets its (unasked) follow-up."""
    if consultation.focus == FocusType.CHILD:
        FollowUp.objects.get_or_create(request=consultation)


def can_answer_follow_up(user, consultation) -> bool:
    return is_alliance_admin(user) or is_assigned_consultant(user, consultation)


def _consultant_gone(consultation) -> bool:
    consultant = consultation.consultant
    return consultant is None or not consultant.user.is_active


def _ask(follow_up, template: str) -> None:
    consultation = follow_up.request
    if _consultant_gone(consultation):
        notify_alliance(consultation, template)
    else:
        notify_consultant(consultation.consultant, consultation, template)


def send_due_follow_ups(*, now=None) -> dict:
    """Ask each follow-up due (30 days after closure) once, and remind once those asked
    REMINDER_AFTER ago and still unanswered. Each in its own transaction, the row locked and
    re-read, so two runs never ask twice. Returns {"asked": n, "reminded": n}."""
    now = now or timezone.now()
    due = FollowUp.objects.filter(
        asked_at__isnull=True,
        answered_at__isnull=True,
        request__closed_at__lte=now - FOLLOW_UP_AFTER,
    ).values_list("pk", flat=True)
    late = FollowUp.objects.filter(
        asked_at__lte=now - REMINDER_AFTER, reminded_at__isnull=True, answered_at__isnull=True
    ).values_list("pk", flat=True)
    done = {"asked": 0, "reminded": 0}
    for pk in list(due):
        with transaction.atomic():
            follow_up = _lock(pk)
            if follow_up.asked_at is None and follow_up.answered_at is None:
                follow_up.asked_at = now
                follow_up.save(update_fields=["asked_at"])
                _ask(follow_up, "follow_up_due")
                done["asked"] += 1
    for pk in list(late):
        with transaction.atomic():
            follow_up = _lock(pk)
            if follow_up.reminded_at is None and follow_up.answered_at is None:
                follow_up.reminded_at = now
                follow_up.save(update_fields=["reminded_at"])
                _ask(follow_up, "follow_up_reminder")
                done["reminded"] += 1
    return done


def _lock(pk):
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("request__program", "request__consultant__user")
        .get(pk=pk)
    )


@transaction.atomic
def follow_up_answer(
    *, actor, consultation, maintained_in_program: bool | None, exclusion: str
) -> FollowUp:
    """The consultant (or an Alliance admin) answers the 30-day follow-up of a closed
    child-focused engagement. Before closure, or for other levels: a 400 (ValidationError)."""
    if not can_answer_follow_up(actor, consultation):
        raise PermissionDenied(_("Only the consultant or an Alliance admin may answer it."))
    follow_up = FollowUp.objects.select_for_update().filter(request=consultation).first()
    if follow_up is None:
        raise ValidationError(
            {"non_field_errors": [_("Only a closed engagement about one child has a follow-up.")]}
        )
    if follow_up.asked_at is None and timezone.now() < consultation.closed_at + FOLLOW_UP_AFTER:
        raise ValidationError(
            {"non_field_errors": [_("The follow-up is due thirty days after closure.")]}
        )
    if follow_up.answered_at is not None:
        raise StateConflict(_("The follow-up is already answered."))
    errors = {}
    if maintained_in_program is None:
        errors["maintained_in_program"] = [_("Say whether the child is still in the program.")]
    if exclusion not in Exclusion.values:
        errors["exclusion"] = [_("Say whether any suspension or expulsion happened.")]
    if errors:
        raise ValidationError(errors)
    follow_up.maintained_in_program = maintained_in_program
    follow_up.exclusion = exclusion
    follow_up.answered_at = timezone.now()
    follow_up.answered_by = actor
    follow_up.save()
    return follow_up
