from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.models import MAX_CHILD_AGE_MONTHS, ConsultationRequest, Contact, RequestEvent
from consultations.outcome_models import Exclusion
from consultations.permissions import (
    can_see_child_demographics,
    can_see_consultant_contacts,
    can_see_program_contacts,
    member_program_ids,
)
from consultations.selectors import request_history
from directory.models import Consultant, Language, Program
from directory.vocabularies import (
    ClosureReason,
    Concern,
    ContactActivity,
    FocusType,
    Modality,
    RaceEthnicity,
    YesNoUnknown,
)
from iecmhc.serializers import NestedOnce, StrictInputSerializer, code_list_field
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status


class ProgramSummarySerializer(serializers.ModelSerializer):
    """What anyone who sees a request sees of its program."""

    county = serializers.PrimaryKeyRelatedField(read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Program
        fields = ["id", "name", "setting_type", "city", "state", "zip", "county", "county_name"]
        # Output only. Read-only fields also keep the model's validators out of the schema:
        # drf-spectacular documents an inverse-match RegexValidator (single_line) as a pattern
        # every valid name would have to match.
        read_only_fields = fields


class ProgramContactSerializer(ProgramSummarySerializer):
    """The summary plus the contacts, which a request's `program_detail` holds only when the
    viewer may contact the program: the schema documents them as optional."""

    street = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.EmailField(required=False, allow_blank=True)

    class Meta(ProgramSummarySerializer.Meta):
        fields = [*ProgramSummarySerializer.Meta.fields, "street", "phone", "email"]


class ConsultantSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Consultant
        fields = ["id", "display_name", "public_email", "public_phone"]
        read_only_fields = fields  # output only (see ProgramSummarySerializer)
        extra_kwargs = {"public_email": {"allow_blank": True}}  # read-only drops allow_blank


class ConsultantContactSerializer(ConsultantSummarySerializer):
    """The summary plus the private contacts, optional in the schema as for programs."""

    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False)

    class Meta(ConsultantSummarySerializer.Meta):
        fields = [*ConsultantSummarySerializer.Meta.fields, "contact_email", "contact_phone"]


class RequestEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = RequestEvent
        fields = ["at", "action", "actor", "actor_role", "from_status", "to_status", "note"]

    def get_actor(self, event) -> str:
        """As consultations.selectors.request_history names them for the viewer."""
        return event.actor_label


class OutcomeSerializer(serializers.Serializer):
    closure_reason = serializers.CharField()
    suspension_prevented = serializers.BooleanField(allow_null=True)
    goals_met = serializers.BooleanField(allow_null=True)
    note = serializers.CharField(source="closure_note")
    hours = serializers.FloatField()
    maintained_in_program = serializers.BooleanField(allow_null=True)
    exclusion = serializers.CharField()


DEMOGRAPHICS = ("child_demographics_consent", "child_race_ethnicity", "child_has_iep_ifsp")


class RequestSerializer(NestedOnce, serializers.ModelSerializer):
    """A request as its viewer may see it: contacts of the other side only when the
    privacy rules allow (see consultations.permissions)."""

    preferred_language = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    consultant = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    program_detail = serializers.SerializerMethodField()
    consultant_detail = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    planned_end_date = serializers.DateField(read_only=True, allow_null=True)
    phase = serializers.CharField(read_only=True, help_text="An engagement phase, or empty.")
    # A child's consented demographics: null unless the viewer is an Alliance admin or the
    # consultant who accepted the engagement (permissions.can_see_child_demographics).
    child_demographics_consent = serializers.BooleanField(read_only=True, allow_null=True)
    child_race_ethnicity = serializers.ListField(
        child=serializers.ChoiceField(choices=RaceEthnicity.choices),
        read_only=True,
        allow_null=True,
        help_text="Codes of the `race_ethnicity` vocabulary.",
    )
    child_has_iep_ifsp = serializers.CharField(
        read_only=True, allow_null=True, help_text="yes, no, unknown, or empty."
    )

    class Meta:
        model = ConsultationRequest
        fields = [
            "id",
            "program",
            "program_detail",
            "focus",
            "concerns",
            "child_age_months",
            "parent_consent",
            *DEMOGRAPHICS,
            "preferred_language",
            "language_required",
            "modality",
            "urgency",
            "description",
            "status",
            "consultant",
            "consultant_detail",
            "offered_at",
            "accepted_at",
            "closed_at",
            "outcome",
            "goals",
            "planned_weeks",
            "planned_hours_per_week",
            "phase",
            "planned_end_date",
            "events",
            "created_at",
            "updated_at",
            # The front door, the first-contact clock and the waitlist (issue 14).
            "referral_source",
            "received_at",
            "first_contact_due_at",
            "first_contact_at",
            "waitlisted_at",
            "waitlist_reasons",
            "waitlist_estimate",
            "brief",
        ]
        read_only_fields = fields

    @property
    def _user(self):
        return self.context["request"].user

    @property
    def _member_of(self) -> frozenset[int]:
        """The viewer's programs, looked up once per response rather than once per row."""
        if "member_of" not in self.context:
            self.context["member_of"] = member_program_ids(self._user)
        return self.context["member_of"]

    def to_representation(self, consultation):
        data = super().to_representation(consultation)
        if not can_see_child_demographics(self._user, consultation):
            data.update(dict.fromkeys(DEMOGRAPHICS))
        return data

    @extend_schema_field(ProgramContactSerializer)
    def get_program_detail(self, consultation):
        if can_see_program_contacts(self._user, consultation, member_of=self._member_of):
            return self.nested(ProgramContactSerializer).to_representation(consultation.program)
        return self.nested(ProgramSummarySerializer).to_representation(consultation.program)

    @extend_schema_field(ConsultantContactSerializer(allow_null=True))
    def get_consultant_detail(self, consultation):
        if consultation.consultant is None:
            return None
        if can_see_consultant_contacts(self._user, consultation, member_of=self._member_of):
            serializer = self.nested(ConsultantContactSerializer)
        else:
            serializer = self.nested(ConsultantSummarySerializer)
        return serializer.to_representation(consultation.consultant)

    @extend_schema_field(RequestEventSerializer(many=True))
    def get_events(self, consultation):
        history = request_history(consultation=consultation, user=self._user)
        return self.nested(RequestEventSerializer, many=True).to_representation(history)

    @extend_schema_field(OutcomeSerializer(allow_null=True))
    def get_outcome(self, consultation):
        if consultation.status != Status.CLOSED:
            return None
        consultation.hours = minutes_to_hours(consultation.contact_minutes)
        return self.nested(OutcomeSerializer).to_representation(consultation)


class RequestInputSerializer(StrictInputSerializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.none())
    focus = serializers.ChoiceField(choices=FocusType.choices)
    concerns = code_list_field(Concern, min_length=1)
    child_age_months = serializers.IntegerField(
        min_value=0, max_value=MAX_CHILD_AGE_MONTHS, required=False, allow_null=True
    )
    parent_consent = serializers.BooleanField(required=False, default=False)
    # Only with focus "child" and the parent's consent (consultations.privacy).
    child_demographics_consent = serializers.BooleanField(required=False, default=False)
    child_race_ethnicity = code_list_field(RaceEthnicity, required=False)
    child_has_iep_ifsp = serializers.ChoiceField(
        choices=YesNoUnknown.choices, required=False, allow_blank=True
    )
    preferred_language = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), required=False, allow_null=True
    )
    language_required = serializers.BooleanField(required=False, default=False)
    modality = serializers.ChoiceField(
        choices=ConsultationRequest.RequestModality.choices, required=False
    )
    urgency = serializers.ChoiceField(choices=ConsultationRequest.Urgency.choices, required=False)
    description = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="What is happening and what would help. Never write a child's or family's name.",
    )

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programs is not None:
            self.fields["program"].queryset = programs


class OfferInputSerializer(StrictInputSerializer):
    # The consultant's id: the offer service reads the listing once, under its lock, and
    # answers 400 on this field when there is none.
    consultant = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class StatusSerializer(serializers.Serializer):
    """What a consultant learns after declining: the request is no longer theirs to see."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)


class ReasonInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False)


class CloseInputSerializer(StrictInputSerializer):
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices)
    suspension_prevented = serializers.BooleanField(required=False, allow_null=True, default=None)
    goals_met = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    # Only for an engagement about one child (consultations.followup.check_child_outcome).
    maintained_in_program = serializers.BooleanField(required=False, allow_null=True, default=None)
    exclusion = serializers.ChoiceField(
        choices=Exclusion.choices, required=False, allow_blank=True, default=""
    )


class ContactSerializer(serializers.ModelSerializer):
    # Empty for a contact of the old type "other" (activity) or logged since (contact_type).
    activity = serializers.CharField(read_only=True)
    contact_type = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "date",
            "minutes",
            "activity",
            "contact_type",
            "modality",
            "note",
            "shared_with_program",
            "created_at",
        ]
        read_only_fields = fields


class ContactInputSerializer(StrictInputSerializer):
    date = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=720)
    activity = serializers.ChoiceField(choices=ContactActivity.choices)
    modality = serializers.ChoiceField(choices=Modality.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    # The note is the consultant's and the Alliance's unless shared (selectors.contact_list).
    shared_with_program = serializers.BooleanField(required=False, default=False)


class DosageSerializer(serializers.Serializer):
    """Hours delivered by group (in the classroom, meetings, other) against the plan's."""

    classroom = serializers.FloatField()
    meetings = serializers.FloatField()
    other = serializers.FloatField()
    planned = serializers.FloatField(allow_null=True)


class EngagementSerializer(serializers.ModelSerializer):
    program = ProgramContactSerializer(read_only=True)
    hours = serializers.SerializerMethodField()
    contact_count = serializers.IntegerField(read_only=True)
    planned_end_date = serializers.DateField(read_only=True, allow_null=True)
    phase = serializers.CharField(read_only=True, help_text="An engagement phase, or empty.")
    dosage = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationRequest
        fields = [
            "id",
            "program",
            "focus",
            "concerns",
            "urgency",
            "modality",
            "accepted_at",
            "hours",
            "contact_count",
            "phase",
            "planned_end_date",
            "dosage",
        ]

    def get_hours(self, engagement) -> float:
        return minutes_to_hours(engagement.minutes)

    @extend_schema_field(DosageSerializer)
    def get_dosage(self, engagement) -> dict:
        dose = engagement.dosage
        return {
            **{row["group"]: row["hours"] for row in dose["groups"]},
            "planned": dose["planned"],
        }


class CaseloadSerializer(serializers.Serializer):
    max_caseload = serializers.IntegerField()
    active_caseload = serializers.IntegerField()
    places_free = serializers.IntegerField()
    accepting_new_requests = serializers.BooleanField()
    open_offers = serializers.IntegerField()
    engagements = EngagementSerializer(many=True)
    hours_this_month = serializers.FloatField()


class MatchSerializer(serializers.Serializer):
    consultant = serializers.IntegerField(source="consultant_id")
    display_name = serializers.CharField()
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField())
    reach = serializers.ChoiceField(choices=["county", "radius", "virtual"])
    distance_miles = serializers.FloatField(allow_null=True)


class MatchesSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Consultants who may take the request.")
    results = MatchSerializer(many=True, help_text="Best first (up to `limit`).")
    excluded = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How many consultants each hard constraint excluded, by reason code.",
    )


class MatchesQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=25, required=False)


class MatchingRunInputSerializer(StrictInputSerializer):
    dry_run = serializers.BooleanField(
        default=True, required=False, help_text="Preview only (the default); false makes offers."
    )
    compare = serializers.BooleanField(
        default=False,
        required=False,
        help_text="Also work out a greedy assignment's total (greedy_total_score), for comparison.",
    )


class AssignmentSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request_id")
    consultant = serializers.IntegerField(source="consultant_id")
    score = serializers.FloatField()


class UnmatchedSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class SkippedSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    reason = serializers.CharField()


class MatchingRunSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    assignments = AssignmentSerializer(many=True)
    unmatched = UnmatchedSerializer(many=True)
    total_score = serializers.FloatField()
    greedy_total_score = serializers.FloatField(
        allow_null=True,
        help_text="What assigning each request in turn to its best free consultant would score "
        "(null unless compare was asked).",
    )
    upper_bound = serializers.FloatField(
        help_text="Every request with its best consultant, ignoring capacity."
    )
    priority_matched = serializers.IntegerField()
    offered = serializers.ListField(child=serializers.IntegerField())
    skipped = SkippedSerializer(many=True)
    seconds = serializers.DictField(child=serializers.FloatField())
