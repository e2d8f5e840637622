"""Forms of the directory's pages. They only shape input: the services check and write."""

from django import forms

from directory.models import MAX_COUNTIES_PER_STATE, MAX_LANGUAGES, County, Language
from directory.vocabularies import (
    AgeGroup,
    Endorsement,
    LicenseType,
    Modality,
    SettingType,
    Specialty,
)
from iecmhc.forms import BoundedModelMultipleChoiceField, BoundedMultipleChoiceField


def _checkboxes(vocabulary, **kwargs) -> forms.MultipleChoiceField:
    return BoundedMultipleChoiceField(
        choices=vocabulary.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs
    )


class ListingForm(forms.Form):
    display_name = forms.CharField(
        max_length=120, help_text="As programs will see it, e.g. “Maria Lopez, LCSW”."
    )
    bio = forms.CharField(
        widget=forms.Textarea,
        max_length=4000,
        required=False,
        help_text="Your background, training and approach to consultation.",
    )
    license_type = forms.ChoiceField(choices=LicenseType.choices)
    imh_endorsement = forms.ChoiceField(
        label="IMH-E® endorsement", choices=Endorsement.choices, initial=Endorsement.NONE
    )
    languages = BoundedModelMultipleChoiceField(
        queryset=Language.objects.all(),
        max_choices=MAX_LANGUAGES,
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Every language you can consult in (hold Ctrl or ⌘ to choose several).",
    )
    base_zip = forms.RegexField(
        r"^[0-9]{5}$",
        label="ZIP code you travel from",
        error_messages={"invalid": "Enter a five-digit ZIP code."},
    )
    travel_radius_miles = forms.IntegerField(
        min_value=0, max_value=500, initial=30, label="How far you travel (miles)"
    )
    counties_served = BoundedModelMultipleChoiceField(
        queryset=County.objects.none(),
        max_choices=MAX_COUNTIES_PER_STATE,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Counties where you work on site, even beyond your travel radius.",
    )
    modalities = _checkboxes(Modality, label="How you work")
    setting_types = _checkboxes(SettingType, label="Settings you work with")
    specialties = _checkboxes(Specialty)
    max_caseload = forms.IntegerField(
        min_value=1, max_value=100, initial=12, help_text="Engagements you can carry at once."
    )
    accepting_new_requests = forms.BooleanField(required=False, initial=True)
    public_email = forms.EmailField(required=False, help_text="Shown in the directory.")
    public_phone = forms.CharField(
        max_length=25, required=False, help_text="Shown in the directory."
    )
    contact_email = forms.EmailField(
        required=False, help_text="Private: given to a program only once you accept its request."
    )
    contact_phone = forms.CharField(
        max_length=25, required=False, help_text="Private, like the email above."
    )

    def __init__(self, *args, state: str = "WI", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties_served"].queryset = County.objects.filter(state=state)


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=200)
    setting_type = forms.ChoiceField(choices=SettingType.choices, label="Kind of program")
    license_number = forms.CharField(max_length=40, required=False)
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(
        max_length=100, required=False, help_text="Filled from the ZIP code if left empty."
    )
    zip = forms.RegexField(
        r"^[0-9]{5}$",
        label="ZIP code",
        error_messages={"invalid": "Enter a five-digit ZIP code."},
        help_text="Your county comes from it.",
    )
    ages_served = _checkboxes(AgeGroup)
    languages = BoundedModelMultipleChoiceField(
        queryset=Language.objects.all(),
        max_choices=MAX_LANGUAGES,
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Languages your children's families speak at home.",
    )
    enrollment = forms.IntegerField(min_value=0, max_value=10000, required=False)
    phone = forms.CharField(max_length=25, required=False)
    email = forms.EmailField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The consultant receives this by email.",
    )
