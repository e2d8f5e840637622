from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory import geo
from directory.credentials import ConsultantEndorsement, license_shown_verified
from directory.models import (
    MAX_COUNTIES_PER_STATE,
    MAX_LANGUAGES,
    Consultant,
    County,
    Language,
    ListingDecision,
    Program,
    Region,
    phone_validator,
)
from directory.permissions import can_review_listings
from directory.vocabularies import (
    AgeGroup,
    LicenseType,
    Modality,
    SettingType,
    Specialty,
    TribalNation,
)
from iecmhc.serializers import (
    NestedOnce,
    RelatedListField,
    StrictInputSerializer,
    code_list_field,
)

ALLIANCE = _("the Alliance")
ZIP_REGEX = r"^[0-9]{5}(-[0-9]{4})?$"  # ASCII digits only, not any Unicode digit
ZIP_MESSAGE = {"invalid": "Enter a US ZIP code: five digits, or ZIP+4."}


def language_list_field() -> RelatedListField:
    return RelatedListField(
        child=serializers.CharField(max_length=12),
        queryset=Language.objects.all(),
        to_field="code",
        max_length=MAX_LANGUAGES,
        required=False,
    )


class CountySerializer(serializers.ModelSerializer):
    is_rural = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="RUCC 4-9; null without a code."
    )

    class Meta:
        model = County
        fields = ["id", "name", "state", "fips", "rucc_code", "is_rural"]


class RegionSerializer(serializers.ModelSerializer):
    counties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["id", "state", "scheme", "code", "name", "counties", "source"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class VocabularyEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class VocabulariesSerializer(serializers.Serializer):
    setting_types = VocabularyEntrySerializer(many=True)
    ages_served = VocabularyEntrySerializer(many=True)
    specialties = VocabularyEntrySerializer(many=True)
    concerns = VocabularyEntrySerializer(many=True)
    modalities = VocabularyEntrySerializer(many=True)
    focus_types = VocabularyEntrySerializer(many=True)
    license_types = VocabularyEntrySerializer(many=True)
    endorsements = VocabularyEntrySerializer(many=True)
    endorsement_statuses = VocabularyEntrySerializer(many=True)
    closure_reasons = VocabularyEntrySerializer(many=True)
    contact_types = VocabularyEntrySerializer(many=True)
    contact_activities = VocabularyEntrySerializer(many=True)
    referral_sources = VocabularyEntrySerializer(many=True)
    engagement_phases = VocabularyEntrySerializer(many=True)
    tribal_nations = VocabularyEntrySerializer(many=True)
    race_ethnicity = VocabularyEntrySerializer(many=True)
    yes_no_unknown = VocabularyEntrySerializer(many=True)


class EndorsementSerializer(serializers.ModelSerializer):
    """An endorsement as the public sees it (only current ones are shown to the public)."""

    class Meta:
        model = ConsultantEndorsement
        fields = ["category", "status", "renewal_date"]
        read_only_fields = fields


class EndorsementPrivateSerializer(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = ConsultantEndorsement
        fields = ["category", "status", "number", "renewal_date", "verified", "verified_at"]
        read_only_fields = fields


class ConsultantSerializer(NestedOnce, serializers.ModelSerializer):
    """A listing as the public directory shows it."""

    languages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    counties_served = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    distance_miles = serializers.SerializerMethodField()
    license_verified = serializers.SerializerMethodField()
    endorsements = serializers.SerializerMethodField()
    hours_free = serializers.DecimalField(
        max_digits=6, decimal_places=2, read_only=True, allow_null=True
    )
    places_free = serializers.IntegerField(read_only=True)

    def get_license_verified(self, consultant) -> bool:
        """Verified by the Alliance and not lapsed today."""
        return license_shown_verified(consultant, timezone.localdate())

    @extend_schema_field(EndorsementSerializer(many=True))
    def get_endorsements(self, consultant):
        """The endorsements that are current today."""
        today = timezone.localdate()
        current = [e for e in consultant.endorsements.all() if e.is_current(today)]
        return self.nested(EndorsementSerializer, many=True).to_representation(current)

    class Meta:
        model = Consultant
        fields = [
            "id",
            "display_name",
            "bio",
            "license_type",
            "license_verified",
            "endorsements",
            "languages",
            "counties_served",
            "base_zip",
            "travel_radius_miles",
            "modalities",
            "setting_types",
            "specialties",
            "max_caseload",
            "active_caseload",
            "hours_per_week",
            "hours_free",
            "places_free",
            "accepting_new_requests",
            "listing_status",
            "public_email",
            "public_phone",
            "distance_miles",
        ]
        read_only_fields = fields
        # Read-only fields drop allow_blank, but a listing may have no public email: without
        # this the schema would promise a valid email address where "" comes back.
        extra_kwargs = {"public_email": {"allow_blank": True}}

    def get_distance_miles(self, consultant) -> float | None:
        """Miles from `near_zip`, when the list was searched by distance."""
        distance = getattr(consultant, "distance_miles", None)
        return round(distance, 1) if distance is not None else None


class ListingDecisionSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ListingDecision
        fields = ["at", "actor", "action", "from_status", "to_status", "reason"]
        read_only_fields = fields

    def get_actor(self, decision) -> str:
        """Usernames are for the Alliance: the listing's owner reads "the Alliance" for its
        reviewers and the listing's name for their own steps."""
        request = self.context.get("request")
        if request is not None and can_review_listings(request.user):
            return decision.actor.username if decision.actor else "system"
        if decision.actor_id is not None and decision.actor_id == decision.consultant.user_id:
            return decision.consultant.display_name
        return str(ALLIANCE)


class ConsultantPrivateSerializer(ConsultantSerializer):
    """A listing as its owner and the Alliance see it: private contacts and review history."""

    decisions = ListingDecisionSerializer(many=True, read_only=True)
    all_endorsements = EndorsementPrivateSerializer(
        source="endorsements", many=True, read_only=True
    )

    class Meta(ConsultantSerializer.Meta):
        fields = [
            *ConsultantSerializer.Meta.fields,
            "contact_email",
            "contact_phone",
            "license_state",
            "license_number",
            "license_expires",
            "license_verified_at",
            "all_endorsements",
            "hours_committed",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
            "decisions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **ConsultantSerializer.Meta.extra_kwargs,
            "contact_email": {"allow_blank": True},
        }


class ConsultantInputSerializer(StrictInputSerializer):
    display_name = serializers.CharField(max_length=120)
    bio = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    license_type = serializers.ChoiceField(choices=LicenseType.choices)
    license_state = serializers.RegexField(
        r"^[A-Z]{2}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("Enter a two-letter state code, e.g. WI.")},
    )
    license_number = serializers.CharField(max_length=40, allow_blank=True, required=False)
    license_expires = serializers.DateField(required=False, allow_null=True)
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=1, max_value=60, required=False, allow_null=True
    )
    languages = language_list_field()
    counties_served = RelatedListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        queryset=County.objects.all(),
        max_length=MAX_COUNTIES_PER_STATE,
        required=False,
    )
    base_zip = serializers.RegexField(ZIP_REGEX, error_messages=ZIP_MESSAGE)
    travel_radius_miles = serializers.IntegerField(min_value=0, max_value=500, required=False)
    modalities = code_list_field(Modality, required=False)
    setting_types = code_list_field(SettingType, required=False)
    specialties = code_list_field(Specialty, required=False)
    max_caseload = serializers.IntegerField(min_value=1, max_value=100, required=False)
    accepting_new_requests = serializers.BooleanField(required=False)
    public_email = serializers.EmailField(allow_blank=True, required=False)
    public_phone = serializers.CharField(
        max_length=25, allow_blank=True, required=False, validators=[phone_validator]
    )
    contact_email = serializers.EmailField(allow_blank=True, required=False)
    contact_phone = serializers.CharField(
        max_length=25, allow_blank=True, required=False, validators=[phone_validator]
    )

    def validate_base_zip(self, value):
        return geo.normalize_zip(value)


class ReasonSerializer(StrictInputSerializer):
    """The reason is required; the service says so after checking who is asking."""

    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ProgramSerializer(serializers.ModelSerializer):
    languages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "setting_type",
            "license_number",
            "street",
            "city",
            "state",
            "zip",
            "county",
            "county_name",
            "ages_served",
            "languages",
            "enrollment",
            "phone",
            "email",
            "tribal_affiliation",
            "accepts_subsidy",
            "quality_rating",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        # Read-only fields drop allow_blank, as for a listing's public email.
        extra_kwargs = {"email": {"allow_blank": True}, "tribal_affiliation": {"allow_blank": True}}


class ProgramInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    setting_type = serializers.ChoiceField(choices=SettingType.choices)
    license_number = serializers.CharField(max_length=40, allow_blank=True, required=False)
    street = serializers.CharField(max_length=200, allow_blank=True, required=False)
    city = serializers.CharField(max_length=100, allow_blank=True, required=False)
    state = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Enter a two-letter state code, e.g. WI."},
    )
    zip = serializers.RegexField(ZIP_REGEX, error_messages=ZIP_MESSAGE)
    county = serializers.PrimaryKeyRelatedField(
        queryset=County.objects.all(), required=False, allow_null=True
    )
    ages_served = code_list_field(AgeGroup, required=False)
    languages = language_list_field()
    enrollment = serializers.IntegerField(
        min_value=0, max_value=10000, required=False, allow_null=True
    )
    phone = serializers.CharField(
        max_length=25, allow_blank=True, required=False, validators=[phone_validator]
    )
    email = serializers.EmailField(allow_blank=True, required=False)
    tribal_affiliation = serializers.ChoiceField(
        choices=TribalNation.choices,
        allow_blank=True,
        required=False,
        help_text="A code of the `tribal_nations` vocabulary, or empty.",
    )

    def validate_zip(self, value):
        return geo.normalize_zip(value)

    def validate_state(self, value):
        return value.upper()
