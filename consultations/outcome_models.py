"""What an engagement achieved: scores on standard measures, and the 30-day follow-up.

Imported by consultations.models (the app's models), kept apart to follow the domain. Scores
only, at the instrument's level: never a child's name, birth date or answers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.vocabularies import FocusType
from iecmhc.constraints import CheckConstraint

MAX_SUBSCALES = 12


def validate_subscale_codes(value) -> None:
    """The subscales an instrument reports: a short list of distinct lower-case codes."""
    if not isinstance(value, list) or len(value) > MAX_SUBSCALES:
        raise ValidationError(_("Give at most %(n)s subscale codes.") % {"n": MAX_SUBSCALES})
    for code in value:
        if not (isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 40):
            raise ValidationError(_("A subscale code is letters, digits and underscores."))
        if code != code.lower():
            raise ValidationError(_("A subscale code is lower case."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each subscale code appears once."))


class Instrument(models.Model):
    """A standard measure in the catalogue (docs/domain.md, "Measures"): its level and the range
    of its scores. The six of the domain are loaded by a data migration; admins edit them."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, validators=[MaxLengthValidator(200)])
    level = models.CharField(max_length=16, choices=FocusType.choices)
    scale = models.CharField(
        max_length=200, blank=True, help_text=_("What a score means, e.g. T-score or percent.")
    )
    min_score = models.DecimalField(max_digits=7, decimal_places=2)
    max_score = models.DecimalField(max_digits=7, decimal_places=2)
    subscales = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_subscale_codes],
        help_text=_("The codes of the subscales it reports, each scored in the same range."),
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            CheckConstraint(
                condition=models.Q(min_score__lt=models.F("max_score")),
                name="instrument_range_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if (
            self.min_score is not None
            and self.max_score is not None
            and self.min_score >= self.max_score
        ):
            raise ValidationError(
                {"max_score": _("The top of the range must be above its bottom.")}
            )

    def in_range(self, value) -> bool:
        return self.min_score <= value <= self.max_score


class Exclusion(models.TextChoices):
    """Whether a child was excluded from care, counting the "soft" exclusions."""

    NONE = "none", _("No exclusion")
    SOFT = "soft", _("A soft exclusion (sent home early, shortened days)")
    SUSPENSION = "suspension", _("A suspension")
    EXPULSION = "expulsion", _("An expulsion")


class Timepoint(models.TextChoices):
    PRE = "pre", _("Before (pre)")
    POST = "post", _("After (post)")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Score(models.Model):
    """One instrument's scores on an engagement at one timepoint: a total and subscales."""

    request = models.ForeignKey(
        "consultations.ConsultationRequest", on_delete=models.CASCADE, related_name="scores"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="scores")
    timepoint = models.CharField(max_length=16, choices=Timepoint.choices)
    date = models.DateField()
    total = models.DecimalField(max_digits=7, decimal_places=2)
    # {subscale code: score}, only codes the instrument lists, each in its range.
    subscales = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument__name", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "instrument", "timepoint"],
                name="score_one_per_engagement_instrument_timepoint",
            ),
        ]

    def __str__(self):
        return f"{self.instrument.code} {self.timepoint}: {self.total}"


class FollowUp(models.Model):
    """The question asked thirty days after a child-focused engagement closed, and its answer:
    is the child still in the program, and was there any exclusion since?"""

    request = models.OneToOneField(
        "consultations.ConsultationRequest", on_delete=models.CASCADE, related_name="follow_up"
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    maintained_in_program = models.BooleanField(null=True, blank=True)
    exclusion = models.CharField(max_length=16, choices=Exclusion.choices, blank=True)

    def __str__(self):
        return f"Follow-up of #{self.request_id}"
