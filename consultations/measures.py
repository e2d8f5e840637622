"""Scores on standard measures (docs/domain.md, "Measures"): recording them, and the change
from pre to post that the engagement's page and the reports show.

A score is a number at an instrument's level (a child's DECA on a child-focused engagement, a
classroom's TPOT on a classroom engagement): never a child's name, birth date or answers.
"""

from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_alliance_admin
from consultations.models import ConsultationRequest
from consultations.outcome_models import MAX_SUBSCALES, Instrument, Score, Timepoint
from consultations.permissions import is_assigned_consultant
from iecmhc.exceptions import StateConflict

Status = ConsultationRequest.Status


def can_record_score(user, consultation) -> bool:
    return is_assigned_consultant(user, consultation)


def can_see_scores(user, consultation) -> bool:
    return is_alliance_admin(user) or is_assigned_consultant(user, consultation)


def instruments_for(consultation) -> list[Instrument]:
    return list(Instrument.objects.filter(active=True, level=consultation.focus))


def _check_subscales(instrument: Instrument, subscales) -> dict:
    if subscales in (None, ""):
        return {}
    if not isinstance(subscales, dict) or len(subscales) > MAX_SUBSCALES:
        raise ValidationError(
            {"subscales": [_("Give at most %(n)s subscales.") % {"n": MAX_SUBSCALES}]}
        )
    unknown = sorted(set(subscales) - set(instrument.subscales))
    if unknown:
        raise ValidationError(
            {"subscales": [_("Unknown subscale: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    clean = {}
    for code, value in subscales.items():
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = None
        if number is None or isinstance(value, bool) or not instrument.in_range(number):
            raise ValidationError(
                {
                    "subscales": [
                        _("%(code)s must be a number from %(low)s to %(high)s.")
                        % {"code": code, "low": instrument.min_score, "high": instrument.max_score}
                    ]
                }
            )
        clean[code] = float(number)
    return clean


@transaction.atomic
def score_record(
    *,
    actor,
    consultation: ConsultationRequest,
    instrument: Instrument,
    timepoint: str,
    date: date_type,
    total: Decimal,
    subscales: dict | None = None,
) -> Score:
    """The assigned consultant records one instrument's scores at one timepoint, on an active
    engagement (or a closed one, for post and follow-up) at the instrument's level."""
    consultation = ConsultationRequest.objects.select_for_update(of=("self",), no_key=True).get(
        pk=consultation.pk
    )
    if not can_record_score(actor, consultation):
        raise PermissionDenied(_("Only the assigned consultant may record scores."))
    if consultation.status not in (Status.ACTIVE, Status.CLOSED):
        raise StateConflict(_("Scores are recorded on an engagement, once accepted."))
    errors = {}
    if instrument.level != consultation.focus:
        errors["instrument"] = [
            _("This instrument measures at the %(level)s level, not this engagement's.")
            % {"level": instrument.get_level_display()}
        ]
    elif not instrument.active:
        errors["instrument"] = [_("This instrument is no longer in use.")]
    if timepoint not in Timepoint.values:
        errors["timepoint"] = [_("Choose pre, post or follow-up.")]
    elif timepoint == Timepoint.PRE and consultation.status == Status.CLOSED:
        errors["timepoint"] = [_("A pre score is recorded before the engagement closes.")]
    if total is None or not instrument.in_range(total):
        errors["total"] = [
            _("The total must be from %(low)s to %(high)s.")
            % {"low": instrument.min_score, "high": instrument.max_score}
        ]
    if date > timezone.localdate():
        errors["date"] = [_("A score cannot be in the future.")]
    elif consultation.accepted_at and date < timezone.localdate(consultation.accepted_at):
        errors["date"] = [_("A score cannot be before the engagement started.")]
    if errors:
        raise ValidationError(errors)
    subscales = _check_subscales(instrument, subscales)
    if Score.objects.filter(
        request=consultation, instrument=instrument, timepoint=timepoint
    ).exists():
        raise ValidationError(
            {"timepoint": [_("This instrument already has a score at this timepoint.")]}
        )
    score = Score(
        request=consultation,
        instrument=instrument,
        timepoint=timepoint,
        date=date,
        total=total,
        subscales=subscales,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError as exc:  # the same score recorded concurrently
        raise ValidationError(
            {"timepoint": [_("This instrument already has a score at this timepoint.")]}
        ) from exc
    return score


def score_changes(consultation) -> list[dict]:
    """For each instrument scored on the engagement: its pre, post and follow-up totals and
    the change from pre to post (None until both are in)."""
    rows: dict[int, dict] = {}
    for score in Score.objects.filter(request=consultation).select_related("instrument"):
        row = rows.setdefault(
            score.instrument_id,
            {"instrument": score.instrument, "pre": None, "post": None, "follow_up": None},
        )
        row[score.timepoint] = score.total
    for row in rows.values():
        row["change"] = (
            row["post"] - row["pre"] if row["pre"] is not None and row["post"] is not None else None
        )
    return sorted(rows.values(), key=lambda row: row["instrument"].name)
