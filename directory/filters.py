"""Directory filters (django-filter), shared by the API and the web pages."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory import geo, search_index
from directory.credentials import current_endorsement_condition, license_verified_condition
from directory.models import Consultant, ConsultantQuerySet, County, Language
from directory.selectors import (
    code_list_contains,
    consultant_near,
    consultant_search,
    status_scope,
)
from directory.vocabularies import Endorsement, Modality, SettingType, Specialty

DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 500


class ConsultantFilterForm(forms.Form):
    """Checks near_zip and radius_miles together; the ZIP's place is kept as `near_place`
    (not in cleaned_data, whose every key django-filter treats as a filter)."""

    near_place: geo.ZipPlace | None = None

    def clean(self):
        cleaned = super().clean()
        near_zip = cleaned.get("near_zip")
        radius = cleaned.get("radius_miles")
        if radius is not None and not near_zip and "near_zip" not in self.errors:
            self.add_error("near_zip", _("Give a ZIP code to search around."))
        if near_zip:
            place = geo.zip_lookup(near_zip)
            if place is None:
                self.add_error(
                    "near_zip", _("%(zip)s is not a known US ZIP code.") % {"zip": near_zip}
                )
            else:
                self.near_place = place
        return cleaned


class ConsultantFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(),
        field_name="counties_served",
        label=_("Serves county"),
        empty_label=_("Any county"),
    )
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(),
        to_field_name="code",
        field_name="languages",
        label=_("Language"),
        empty_label=_("Any language"),
    )
    specialty = django_filters.ChoiceFilter(
        choices=Specialty.choices, method="filter_code", label=_("Specialty"), empty_label=_("Any")
    )
    setting_type = django_filters.ChoiceFilter(
        choices=SettingType.choices,
        method="filter_code",
        label=_("Works with"),
        empty_label=_("Any"),
    )
    modality = django_filters.ChoiceFilter(
        choices=Modality.choices,
        method="filter_code",
        label=_("Works"),
        empty_label=_("On site or virtual"),
    )
    accepting = django_filters.ChoiceFilter(
        choices=[("true", _("Yes, with room")), ("false", _("No"))],
        empty_label=_("Either"),
        method="filter_accepting",
        label=_("Accepting new requests (and has room on the caseload)"),
    )
    near_zip = django_filters.CharFilter(
        method="filter_noop",
        max_length=10,
        label=_("Based near this ZIP code"),
    )
    radius_miles = django_filters.NumberFilter(
        method="filter_noop",
        min_value=1,
        max_value=MAX_RADIUS_MILES,
        label=format_lazy(
            _("Within miles of the ZIP code (default {miles})"), miles=DEFAULT_RADIUS_MILES
        ),
    )
    endorsement = django_filters.ChoiceFilter(
        choices=[(c, label) for c, label in Endorsement.choices if c != Endorsement.NONE],
        method="filter_endorsement",
        label=_("Current endorsement"),
        empty_label=_("Any"),
    )
    license_verified = django_filters.BooleanFilter(
        method="filter_license_verified",
        label=_("Licence verified by the Alliance"),
        widget=forms.CheckboxInput,
    )
    hours_free = django_filters.NumberFilter(
        method="filter_hours_free",
        min_value=0.25,
        max_value=60,
        label=_("Hours a week free, at least"),
    )
    q = django_filters.CharFilter(method="filter_text", max_length=200, label=_("Name or bio"))
    listing_status = django_filters.ChoiceFilter(choices=Consultant.ListingStatus.choices)

    class Meta:
        model = Consultant
        fields = []
        form = ConsultantFilterForm

    _code_fields = {
        "specialty": "specialties",
        "setting_type": "setting_types",
        "modality": "modalities",
    }

    def filter_code(self, queryset, name, value):
        return queryset.filter(code_list_contains(self._code_fields[name], value))

    def filter_accepting(self, queryset, name, value):
        # Taking requests: accepting them and a place free (an open offer holds one).
        room = Q(accepting_new_requests=True) & ConsultantQuerySet.free_place_condition()
        return queryset.filter(room) if value == "true" else queryset.exclude(room)

    def filter_endorsement(self, queryset, name, value):
        return queryset.filter(current_endorsement_condition(value, timezone.localdate()))

    def filter_license_verified(self, queryset, name, value):
        if not value:  # an unticked box filters nothing
            return queryset
        return queryset.filter(license_verified_condition(timezone.localdate()))

    def filter_hours_free(self, queryset, name, value):
        return queryset.with_hours_free(value)

    def filter_text(self, queryset, name, value):
        return consultant_search(queryset, text=value)

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def ranked_by_index(self) -> list[int] | None:
        """The keys of the listings a search by words alone matches (within a listing status
        or none), best first, from the in-memory index (directory.search_index); None when
        the index does not answer: another filter, bad input, a query or a database the index
        leaves to SQL. The answer equals filter_queryset's."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.form.cleaned_data
        others = (v for name, v in data.items() if name not in ("q", "listing_status"))
        if not data.get("q") or any(v not in (None, "", False) for v in others):
            return None
        if self.form.near_place is not None:
            return None
        status = data.get("listing_status")
        base = self.queryset.filter(listing_status=status) if status else self.queryset
        simple, status = status_scope(base)
        return search_index.ranked(data["q"], status) if simple else None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        place = self.form.near_place
        if place is not None:
            radius = self.form.cleaned_data.get("radius_miles") or DEFAULT_RADIUS_MILES
            queryset = consultant_near(
                queryset,
                latitude=place.latitude,
                longitude=place.longitude,
                radius_miles=float(radius),
            )
        return queryset
