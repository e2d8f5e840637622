"""The what-if planner's forms: hypothetical consultants (a bounded formset) and the real
consultants to take out. Each hypothetical is checked by consultations.whatif.hypothetical,
the same check the API runs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consultations import whatif
from directory import geo
from directory.models import MAX_COUNTIES_PER_STATE, MAX_LANGUAGES, County
from directory.selectors import language_choices
from directory.vocabularies import Modality, SettingType, Specialty
from iecmhc.forms import BoundedModelMultipleChoiceField, BoundedMultipleChoiceField
from iecmhc.validators import single_line


def _county_key(name: str) -> str:
    name = " ".join(name.split()).lower()
    return name.removesuffix(" county")


class HypotheticalForm(forms.Form):
    label = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=80,
        validators=[single_line],
        help_text=_("For the results only, e.g. “Hmong speaker in Wausau”."),
    )
    state = forms.ChoiceField(label=_("State of the counties"), initial="WI", choices=())
    counties = forms.CharField(
        label=_("Counties served"),
        required=False,
        max_length=4000,
        help_text=_("County names in that state, separated by commas, e.g. Marathon, Portage."),
    )
    zip = forms.RegexField(
        label=_("Base ZIP code"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": _("Enter a five-digit US ZIP code.")},
    )
    travel_radius_miles = forms.IntegerField(
        label=_("Travel radius (miles)"),
        required=False,
        min_value=0,
        max_value=whatif.MAX_RADIUS_MILES,
        help_text=_("From the ZIP code, for on-site work."),
    )
    languages = BoundedModelMultipleChoiceField(
        queryset=language_choices(),
        to_field_name="code",
        max_choices=MAX_LANGUAGES,
        required=False,
        label=_("Languages spoken"),
        widget=forms.CheckboxSelectMultiple,
    )
    specialties = BoundedMultipleChoiceField(
        label=_("Specialties"),
        choices=Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    modalities = BoundedMultipleChoiceField(
        label=_("Works"),
        choices=Modality.choices,
        initial=Modality.values,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    setting_types = BoundedMultipleChoiceField(
        label=_("Settings (none chosen: every setting)"),
        choices=SettingType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Places (requests they could take)"),
        initial=12,
        min_value=1,
        max_value=whatif.MAX_CAPACITY,
    )

    hours_per_week = forms.DecimalField(
        label=_("Hours a week (optional)"),
        help_text=_("Each engagement counts its level's weekly hours against them."),
        required=False,
        min_value=whatif.MIN_HOURS,
        max_value=whatif.MAX_HOURS,
        max_digits=5,
        decimal_places=2,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [(s, s) for s in geo.known_states()]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        counties = self._counties(data.get("state", ""), data.get("counties", ""))
        if self.errors:
            return data
        try:
            data["hypothetical"] = whatif.hypothetical(
                label=data.get("label", ""),
                counties=counties,
                zip=data.get("zip", ""),
                travel_radius_miles=data.get("travel_radius_miles") or 0,
                languages=[language.code for language in data.get("languages", [])],
                specialties=data.get("specialties", []),
                modalities=data.get("modalities", []),
                setting_types=data.get("setting_types", []),
                capacity=data["capacity"],
                hours_per_week=data.get("hours_per_week"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return data

    def _counties(self, state: str, text: str) -> list[County]:
        names = [name for name in (part.strip() for part in text.split(",")) if name]
        if len(names) > MAX_COUNTIES_PER_STATE:
            self.add_error(
                "counties", _("Name at most %(n)s counties.") % {"n": MAX_COUNTIES_PER_STATE}
            )
            return []
        known = {_county_key(c.name): c for c in County.objects.filter(state=state)}
        unknown = [name for name in names if _county_key(name) not in known]
        if unknown:
            self.add_error(
                "counties",
                _("Not a county of %(state)s: %(names)s.")
                % {"state": state, "names": ", ".join(unknown)},
            )
            return []
        return list(dict.fromkeys(known[_county_key(name)] for name in names))


HypotheticalFormSet = forms.formset_factory(
    HypotheticalForm,
    extra=2,
    max_num=whatif.MAX_HYPOTHETICALS,
    absolute_max=whatif.MAX_HYPOTHETICALS,
    validate_max=True,
)


class RemoveForm(forms.Form):
    remove = BoundedModelMultipleChoiceField(
        queryset=whatif.removable_consultants().order_by("display_name", "pk"),
        max_choices=whatif.MAX_REMOVALS,
        required=False,
        label=_("Take out real consultants"),
        help_text=_("As if they stopped taking requests."),
        widget=forms.CheckboxSelectMultiple,
    )


def planner_forms(data=None) -> tuple:
    """The planner's formset of hypothetical consultants and its removal form."""
    return HypotheticalFormSet(data, prefix="add"), RemoveForm(data)
