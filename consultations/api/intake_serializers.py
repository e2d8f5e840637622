"""The front door's API inputs and outputs (consultations.intake, first_contact_reports)."""

from rest_framework import serializers

from consultations.api.serializers import RequestInputSerializer
from directory.models import Program, phone_validator, zip_validator
from directory.vocabularies import ReferralSource, SettingType
from iecmhc.validators import single_line


class _RequestFieldsSerializer(RequestInputSerializer):
    """The request's own fields, as the signed-in API takes them, without `program`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["program"]


class PublicIntakeSerializer(_RequestFieldsSerializer):
    license_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, validators=[single_line]
    )
    program_name = serializers.CharField(max_length=200, validators=[single_line])
    zip = serializers.CharField(max_length=5, validators=[zip_validator])
    setting_type = serializers.ChoiceField(choices=SettingType.choices)
    street = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[single_line]
    )
    city = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[single_line]
    )
    first_name = serializers.CharField(max_length=150, validators=[single_line])
    last_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, validators=[single_line]
    )
    email = serializers.EmailField()
    phone = serializers.CharField(
        max_length=25, required=False, allow_blank=True, validators=[phone_validator]
    )
    referral_source = serializers.ChoiceField(
        choices=ReferralSource.choices, required=False, default=ReferralSource.PROGRAM_STAFF
    )
    website = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Leave empty (a honeypot)."
    )


class IntakeConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class IntakeConfirmedSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    status = serializers.CharField()
    follow_url = serializers.CharField()


class PhoneIntakeSerializer(_RequestFieldsSerializer):
    contact_email = serializers.EmailField()
    contact_first_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, validators=[single_line]
    )
    contact_last_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, validators=[single_line]
    )
    contact_phone = serializers.CharField(
        max_length=25, required=False, allow_blank=True, validators=[phone_validator]
    )
    referral_source = serializers.ChoiceField(
        choices=ReferralSource.choices, required=False, default=ReferralSource.ALLIANCE_PHONE
    )
    received_at = serializers.DateTimeField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # _RequestFieldsSerializer removed the member-scoped program; this one is any program.
        self.fields["program"] = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all())


class GroupSummarySerializer(serializers.Serializer):
    group = serializers.CharField()
    requests = serializers.IntegerField()
    contacted = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    within_target = serializers.IntegerField()
    share_within_target = serializers.FloatField(allow_null=True)


class SummarySerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    contacted = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    within_target = serializers.IntegerField()
    share_within_target = serializers.FloatField(allow_null=True)


class CountSerializer(serializers.Serializer):
    group = serializers.CharField()
    requests = serializers.IntegerField()


class WaitlistReportSerializer(serializers.Serializer):
    waitlisted = serializers.IntegerField()
    by_county = CountSerializer(many=True)
    by_language = CountSerializer(many=True)


class ReferralCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requests = serializers.IntegerField()


class FirstContactReportSerializer(serializers.Serializer):
    overall = SummarySerializer()
    by_county = GroupSummarySerializer(many=True)
    by_region = GroupSummarySerializer(many=True)
    by_language = GroupSummarySerializer(many=True)
    by_urgency = GroupSummarySerializer(many=True)
    regions_loaded = serializers.BooleanField()
    waitlist = WaitlistReportSerializer()
    referral_sources = ReferralCountSerializer(many=True)


class ReportRangeQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        if (
            attrs.get("date_from")
            and attrs.get("date_to")
            and attrs["date_from"] > attrs["date_to"]
        ):
            raise serializers.ValidationError({"date_to": ["The end comes before the start."]})
        return attrs
