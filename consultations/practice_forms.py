"""Forms of an engagement's practice: its plan, its scores and its 30-day follow-up. They only
shape input: consultations.engagement, .measures and .followup check and write."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.outcome_models import Exclusion, Instrument, Timepoint
from directory.vocabularies import EngagementPhase


class PlanForm(forms.Form):
    prefix = "plan"

    goals = forms.CharField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("What the engagement aims at. Never write a child's or family's name."),
    )
    planned_weeks = forms.IntegerField(
        label=_("Planned weeks"),
        min_value=1,
        max_value=104,
        required=False,
        help_text=_("Typically 6 for one child to 14 for a classroom."),
    )
    planned_hours_per_week = forms.DecimalField(
        label=_("Planned hours a week"),
        min_value=Decimal("0.25"),
        max_value=Decimal("40"),
        decimal_places=2,
        required=False,
        help_text=_("Typically 1 to 6."),
    )
    phase = forms.ChoiceField(
        label=_("Phase"),
        choices=[("", _("Keep the current phase")), *EngagementPhase.choices],
        required=False,
        help_text=_("A phase moves on, never back."),
    )


class ScoreForm(forms.Form):
    prefix = "score"

    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.none(), empty_label=None
    )
    timepoint = forms.ChoiceField(label=_("Timepoint"), choices=Timepoint.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    total = forms.DecimalField(label=_("Total score"), max_digits=7, decimal_places=2)

    def __init__(self, *args, instruments=None, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.filter(
            pk__in=[i.pk for i in instruments or []]
        )


class FollowUpForm(forms.Form):
    prefix = "follow_up"

    maintained_in_program = forms.TypedChoiceField(
        label=_("Is the child still in the program?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce={"yes": True, "no": False}.get,
        widget=forms.RadioSelect,
    )
    exclusion = forms.ChoiceField(
        label=_("Any suspension or expulsion since closure?"),
        choices=Exclusion.choices,
        help_text=_("Count soft exclusions: sent home early, shortened days."),
    )
