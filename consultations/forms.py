"""Forms of the consultation pages. They only shape input: the services check and write."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import MAX_CHILD_AGE_MONTHS, ConsultationRequest
from consultations.outcome_models import Exclusion
from directory.models import Consultant
from directory.selectors import language_list
from directory.vocabularies import ClosureReason, Concern, ContactActivity, FocusType, Modality
from iecmhc.forms import BoundedMultipleChoiceField

NAMES_WARNING = (
    "Never write the name of a child or a family, or anything else that could identify them "
    "(a birth date, an address, a photo). Describe what is happening, in which setting, and "
    "what would help."
)


class RequestForm(forms.Form):
    """A program asks for consultation; request_submit checks the privacy rules."""

    program = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        help_text="The program the consultant will work with.",
    )
    focus = forms.ChoiceField(
        label="Who is the consultation about?",
        choices=FocusType.choices,
        widget=forms.RadioSelect,
        initial=FocusType.CLASSROOM,
        help_text=(
            "Choose one child only when a parent has agreed to the consultation; a classroom or "
            "the whole program needs no consent."
        ),
    )
    child_age_months = forms.IntegerField(
        label="Child's age in months",
        min_value=0,
        max_value=MAX_CHILD_AGE_MONTHS,
        required=False,
        help_text=(
            "Only when the consultation is about one child: their age in months (for example "
            "30 for two and a half years). Never a name or a birth date. Leave empty otherwise."
        ),
    )
    parent_consent = forms.BooleanField(
        label="A parent consented to consultation about their child",
        required=False,
        help_text="Only when the consultation is about one child: required for that focus.",
    )
    concerns = BoundedMultipleChoiceField(
        label="What are your concerns?",
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every concern that applies; they decide which consultants fit best.",
    )
    description = forms.CharField(
        label="What is happening, and what would help?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        required=False,
        help_text=NAMES_WARNING,
    )
    preferred_language = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="No preference",
        help_text="The language of the staff or family the consultant will work with.",
    )
    language_required = forms.BooleanField(
        label="The consultant must speak this language",
        required=False,
        help_text="Only consultants who speak it will be matched: it may take longer.",
    )
    modality = forms.ChoiceField(
        label="How should the consultant work with you?",
        choices=ConsultationRequest.RequestModality.choices,
        widget=forms.RadioSelect,
        initial=ConsultationRequest.RequestModality.EITHER,
    )
    urgency = forms.ChoiceField(
        choices=ConsultationRequest.Urgency.choices,
        widget=forms.RadioSelect,
        initial=ConsultationRequest.Urgency.ROUTINE,
        help_text=(
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
        max_length=2000,
        help_text="Never write a child's or family's name.",
    )

    def __init__(self, *args, label="Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class ContactForm(forms.Form):
    """One piece of consultation work on an active engagement."""

    prefix = "contact"  # its fields share a page with the closing form's

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(min_value=1, max_value=720, help_text="From 1 to 720.")
    activity = forms.ChoiceField(
        label=_("What did the time go into?"),
        choices=[("", _("Choose an activity")), *ContactActivity.choices],
    )
    modality = forms.ChoiceField(choices=Modality.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="For your records. Never write a child's or family's name.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Don't know")]
_AS_BOOL = {"yes": True, "no": False, "unknown": None}


class CloseForm(forms.Form):
    """Closing an engagement with the outcomes the funders ask about (the request's page,
    with the prefix "close", and the admin's action)."""

    closure_reason = forms.ChoiceField(
        label="Why is the consultation ending?",
        choices=[("", "Choose a reason"), *ClosureReason.choices],
    )
    suspension_prevented = forms.TypedChoiceField(
        label="Was a suspension or expulsion prevented?",
        choices=YES_NO_UNKNOWN,
        coerce=_AS_BOOL.get,
        empty_value=None,
        required=False,  # unanswered is "Don't know"
        widget=forms.RadioSelect,
        initial="unknown",
    )
    goals_met = forms.TypedChoiceField(
        label="Were the goals met?",
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
        label="Closing note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Never write a child's or family's name.",
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ConsultationRequest.Status.choices], required=False
    )


class OfferForm(forms.Form):
    """Offer a request to one consultant (the Alliance's page and the admin's action);
    request_offer refuses a consultant who may not take it."""

    consultant = forms.ModelChoiceField(
        queryset=Consultant.objects.all(),
        help_text="An approved consultant. The API's ranked matches explain who fits best.",
    )

    def __init__(self, *args, approved_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if approved_only:  # the admin's drop-down lists only the consultants one may offer to
            self.fields["consultant"].queryset = Consultant.objects.filter(
                listing_status=Consultant.ListingStatus.APPROVED
            ).order_by("display_name")


class ReportRangeForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range must not be before its start.")
        return cleaned
