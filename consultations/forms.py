"""Forms of the consultation pages. They only shape input: the services check and write."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import MAX_CHILD_AGE_MONTHS, ConsultationRequest
from consultations.outcome_models import Exclusion
from directory import geo
from directory.models import Consultant, Region
from directory.selectors import language_list
from directory.vocabularies import (
    ClosureReason,
    Concern,
    ContactActivity,
    FocusType,
    Modality,
    RaceEthnicity,
    YesNoUnknown,
)
from iecmhc.forms import BoundedMultipleChoiceField

NAMES_WARNING = _(
    "Never write the name of a child or a family, or anything else that could identify them "
    "(a birth date, an address, a photo). Describe what is happening, in which setting, and "
    "what would help."
)


CHILD_AGE_RANGE = _(
    "Give the age as a whole number of months, from 0 to 96 (eight years). "
    "For example, 30 for two and a half years."
)
MINUTES_RANGE = _("Give the time in minutes, from 1 to 720 (12 hours).")


class RequestForm(forms.Form):
    """A program asks for consultation; request_submit checks the privacy rules."""

    program = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        label=_("Program"),
        help_text=_("The program the consultant will work with."),
    )
    focus = forms.ChoiceField(
        label=_("Who is the consultation about?"),
        choices=FocusType.choices,
        widget=forms.RadioSelect,
        initial=FocusType.CLASSROOM,
        help_text=_(
            "Choose one child only when a parent has agreed to the consultation; a classroom or "
            "the whole program needs no consent."
        ),
    )
    child_age_months = forms.IntegerField(
        label=_("Child's age in months"),
        min_value=0,
        max_value=MAX_CHILD_AGE_MONTHS,
        required=False,
        error_messages={
            "invalid": CHILD_AGE_RANGE,
            "min_value": CHILD_AGE_RANGE,
            "max_value": CHILD_AGE_RANGE,
        },
        help_text=_(
            "Only when the consultation is about one child: their age in months (for example "
            "30 for two and a half years). Never a name or a birth date. Leave empty otherwise."
        ),
    )
    parent_consent = forms.BooleanField(
        label=_("A parent consented to consultation about their child"),
        required=False,
        help_text=_("Only when the consultation is about one child: required for that focus."),
    )
    child_demographics_consent = forms.BooleanField(
        label=_("A parent consented to record the child's race, ethnicity and IEP/IFSP"),
        required=False,
        help_text=_(
            "Optional, and only for one child: the Alliance reports them only as totals of ten "
            "children or more, never with a name."
        ),
    )
    child_race_ethnicity = BoundedMultipleChoiceField(
        label=_("Child's race and ethnicity"),
        choices=RaceEthnicity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("As the parent describes the child; choose all that apply."),
    )
    child_has_iep_ifsp = forms.ChoiceField(
        label=_("Does the child have an IEP or IFSP?"),
        choices=[("", _("Not asked")), *YesNoUnknown.choices],
        required=False,
    )
    concerns = BoundedMultipleChoiceField(
        error_messages={"required": _("Choose at least one concern.")},
        label=_("What are your concerns?"),
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every concern that applies; they decide which consultants fit best."),
    )
    description = forms.CharField(
        label=_("What is happening, and what would help?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        required=False,
        help_text=NAMES_WARNING,
    )
    preferred_language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=_("No preference"),
        help_text=_("The language of the staff or family the consultant will work with."),
    )
    language_required = forms.BooleanField(
        label=_("The consultant must speak this language"),
        required=False,
        help_text=_("Only consultants who speak it will be matched: it may take longer."),
    )
    modality = forms.ChoiceField(
        label=_("How should the consultant work with you?"),
        choices=ConsultationRequest.RequestModality.choices,
        widget=forms.RadioSelect,
        initial=ConsultationRequest.RequestModality.EITHER,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=ConsultationRequest.Urgency.choices,
        widget=forms.RadioSelect,
        initial=ConsultationRequest.Urgency.ROUTINE,
        help_text=_(
            "Priority means a child is at risk of suspension or expulsion from your program: "
            "these requests are matched first."
        ),
    )

    # One per page load: a second submission of the same page (a double click, a reload of
    # the result) returns the request the first made (consultations.submission). Not a field
    # of the request, so the view hands it to the service apart from the request's fields.
    form_token = forms.RegexField(
        r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput, label=""
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["preferred_language"].queryset = language_list()
        self.fields["form_token"].initial = uuid.uuid4().hex


class ReasonForm(forms.Form):
    """A reason, for withdrawing or declining a request."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
        max_length=2000,
        help_text=_("Never write a child's or family's name."),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label or _("Reason")


class ContactForm(forms.Form):
    """One piece of consultation work on an active engagement."""

    prefix = "contact"  # its fields share a page with the closing form's

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date of the contact, for example 2026-03-04.")},
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=720,
        help_text=_("From 1 to 720."),
        error_messages={
            "invalid": MINUTES_RANGE,
            "min_value": MINUTES_RANGE,
            "max_value": MINUTES_RANGE,
        },
    )
    activity = forms.ChoiceField(
        label=_("What did the time go into?"),
        choices=[("", _("Choose an activity")), *ContactActivity.choices],
    )
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_(
            "Only you and the Alliance read this note, unless you share it with the program. "
            "Never write a child's or family's name."
        ),
    )
    shared_with_program = forms.BooleanField(
        label=_("Share this note with the program"),
        required=False,
        help_text=_("The program's staff will read the note on the request's page."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Don't know"))]
_AS_BOOL = {"yes": True, "no": False, "unknown": None}


class CloseForm(forms.Form):
    """Closing an engagement with the outcomes the funders ask about (the request's page,
    with the prefix "close", and the admin's action)."""

    closure_reason = forms.ChoiceField(
        label=_("Why is the consultation ending?"),
        choices=[("", _("Choose a reason")), *ClosureReason.choices],
    )
    suspension_prevented = forms.TypedChoiceField(
        label=_("Was a suspension or expulsion prevented?"),
        choices=YES_NO_UNKNOWN,
        coerce=_AS_BOOL.get,
        empty_value=None,
        required=False,  # unanswered is "Don't know"
        widget=forms.RadioSelect,
        initial="unknown",
    )
    goals_met = forms.TypedChoiceField(
        label=_("Were the goals met?"),
        choices=YES_NO_UNKNOWN,
        coerce=_AS_BOOL.get,
        empty_value=None,
        required=False,  # unanswered is "Don't know"
        widget=forms.RadioSelect,
        initial="unknown",
    )
    maintained_in_program = forms.TypedChoiceField(
        label=_("Only about one child: is the child still in the program?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_AS_BOOL.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    exclusion = forms.ChoiceField(
        label=_("Only about one child: was there any suspension or expulsion?"),
        choices=[("", _("Not about one child")), *Exclusion.choices],
        required=False,
        help_text=_("Count soft exclusions: sent home early, shortened days."),
    )
    note = forms.CharField(
        label=_("Closing note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Never write a child's or family's name."),
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *ConsultationRequest.Status.choices],
        required=False,
    )


class OfferForm(forms.Form):
    """Offer a request to one consultant (the Alliance's page and the admin's action);
    request_offer refuses a consultant who may not take it."""

    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=Consultant.objects.all(),
        help_text=_("An approved consultant. The API's ranked matches explain who fits best."),
    )

    def __init__(self, *args, approved_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if approved_only:  # the admin's drop-down lists only the consultants one may offer to
            self.fields["consultant"].queryset = Consultant.objects.filter(
                listing_status=Consultant.ListingStatus.APPROVED
            ).order_by("display_name")


class ReportRangeForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range must not be before its start."))
        return cleaned


class ReachForm(ReportRangeForm):
    """The reach report's range, and optionally one state and one scheme of regions."""

    state = forms.ChoiceField(label=_("State"), required=False, choices=())
    scheme = forms.ChoiceField(
        label=_("Regions"),
        required=False,
        choices=[("", _("Every scheme")), *Region.Scheme.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Every state"))] + [
            (code, code) for code in geo.known_states()
        ]

    def reach_options(self) -> dict:
        """The keyword arguments of reach.reach(), from the cleaned data."""
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "state": data.get("state") or None,
            "scheme": data.get("scheme") or None,
        }
