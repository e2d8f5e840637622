"""Forms of the directory's pages. They only shape input: the services check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import MAX_COUNTIES_PER_STATE, MAX_LANGUAGES, County
from directory.selectors import language_choices, listing_counties, served_states
from directory.vocabularies import (
    AgeGroup,
    LicenseType,
    Modality,
    SettingType,
    Specialty,
    TribalNation,
    language_name,
)
from iecmhc.forms import (
    BoundedModelMultipleChoiceField,
    BoundedMultipleChoiceField,
    whole_number_messages,
)

ZIP_INVALID = _("Enter a five-digit ZIP code.")
SHOWN_IN_DIRECTORY = _("Shown in the directory.")


def _checkboxes(vocabulary, **kwargs) -> forms.MultipleChoiceField:
    return BoundedMultipleChoiceField(
        choices=vocabulary.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs
    )


class LanguagesField(BoundedModelMultipleChoiceField):
    """Languages by code, each shown by its own name ("Español", "Hmoob")."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=language_choices(), max_choices=MAX_LANGUAGES, to_field_name="code", **kwargs
        )

    def label_from_instance(self, obj):
        return language_name(obj.code, obj.name)


class ListingForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("As programs will see it, e.g. “Maria Lopez, LCSW”."),
    )
    bio = forms.CharField(
        label=_("Bio"),
        widget=forms.Textarea,
        max_length=4000,
        required=False,
        help_text=_("Your background, training and approach to consultation."),
    )
    # A required choice starts empty: nobody's answer is chosen for them (issue 17).
    license_type = forms.ChoiceField(
        label=_("License type"),
        choices=[("", _("Choose your license type")), *LicenseType.choices],
    )
    license_state = forms.RegexField(
        r"^[A-Z]{2}$",
        label=_("Licence state"),
        max_length=2,
        required=False,
        error_messages={"invalid": _("Enter a two-letter state code, e.g. WI.")},
    )
    license_number = forms.CharField(label=_("Licence number"), max_length=40, required=False)
    license_expires = forms.DateField(
        label=_("Licence expires"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The Alliance verifies your licence; changing it sends the listing to review."),
    )
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every language you can consult in."),
    )
    base_zip = forms.RegexField(
        r"^[0-9]{5}$",
        label=_("ZIP code you travel from"),
        error_messages={"invalid": ZIP_INVALID},
    )
    travel_radius_miles = forms.IntegerField(
        min_value=0,
        max_value=500,
        initial=30,
        label=_("How far you travel (miles)"),
        error_messages=whole_number_messages(0, 500),
    )
    counties_served = BoundedModelMultipleChoiceField(
        label=_("Counties served"),
        queryset=County.objects.none(),
        max_choices=MAX_COUNTIES_PER_STATE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Counties where you work on site, even beyond your travel radius."),
    )
    modalities = _checkboxes(Modality, label=_("How you work"))
    setting_types = _checkboxes(SettingType, label=_("Settings you work with"))
    specialties = _checkboxes(Specialty, label=_("Specialties"))
    max_caseload = forms.IntegerField(
        label=_("Max caseload"),
        min_value=1,
        max_value=100,
        initial=12,
        error_messages=whole_number_messages(1, 100),
        help_text=_("Engagements you can carry at once."),
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours a week available for consultation"),
        min_value=1,
        max_value=60,
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("Each engagement's planned hours count against these (Wisconsin asks 10+)."),
    )
    accepting_new_requests = forms.BooleanField(
        label=_("Accepting new requests"), required=False, initial=True
    )
    public_email = forms.EmailField(
        label=_("Public email"), required=False, help_text=SHOWN_IN_DIRECTORY
    )
    public_phone = forms.CharField(
        label=_("Public phone"), max_length=25, required=False, help_text=SHOWN_IN_DIRECTORY
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_("Private: given to a program only once you accept its request."),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=25,
        required=False,
        help_text=_("Private, like the email above."),
    )

    def __init__(self, *args, state: str = "WI", **kwargs):
        super().__init__(*args, **kwargs)
        counties = self.fields["counties_served"]
        counties.queryset = listing_counties(state)
        if state not in served_states():  # counties of every state served: say which
            counties.label_from_instance = lambda county: f"{county.name}, {county.state}"


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    setting_type = forms.ChoiceField(
        choices=[("", _("Choose the kind of program")), *SettingType.choices],
        label=_("Kind of program"),
    )
    license_number = forms.CharField(label=_("License number"), max_length=40, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        help_text=_("Filled from the ZIP code if left empty."),
    )
    zip = forms.RegexField(
        r"^[0-9]{5}$",
        label=_("ZIP code"),
        error_messages={"invalid": ZIP_INVALID},
        help_text=_("Your county comes from it."),
    )
    ages_served = _checkboxes(AgeGroup, label=_("Ages served"))
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages your children's families speak at home."),
    )
    enrollment = forms.IntegerField(
        label=_("Enrollment"),
        min_value=0,
        max_value=10000,
        required=False,
        error_messages=whole_number_messages(0, 10000),
    )
    phone = forms.CharField(label=_("Phone"), max_length=25, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    tribal_affiliation = forms.ChoiceField(
        label=_("Tribal nation"),
        choices=[("", _("None")), *TribalNation.choices],
        required=False,
        help_text=_(
            "If your program belongs to one of Wisconsin's tribal nations: reports show its "
            "data only as the nation's data steward allows."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The consultant receives this by email."),
    )
