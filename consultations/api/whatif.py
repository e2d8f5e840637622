"""The what-if planner in the API (Alliance admins): POST hypothetical consultants and real
ones to take out; the answer is the difference the same optimal batch would make. Nothing is
saved."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import whatif
from directory.api.serializers import language_list_field
from directory.models import MAX_COUNTIES_PER_STATE, County
from directory.vocabularies import Modality, SettingType, Specialty
from iecmhc.schema import FORBIDDEN
from iecmhc.serializers import RelatedListField, StrictInputSerializer, code_list_field


class HypotheticalSerializer(StrictInputSerializer):
    label = serializers.CharField(max_length=80, required=False, allow_blank=True)
    counties = RelatedListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        queryset=County.objects.all(),
        max_length=MAX_COUNTIES_PER_STATE,
        required=False,
        help_text=_("County ids (as in /api/v1/counties/)."),
    )
    zip = serializers.RegexField(r"^[0-9]{5}$", required=False, allow_blank=True)
    travel_radius_miles = serializers.IntegerField(
        min_value=0, max_value=whatif.MAX_RADIUS_MILES, required=False
    )
    languages = language_list_field()
    specialties = code_list_field(Specialty, required=False)
    modalities = code_list_field(Modality, required=False)
    setting_types = code_list_field(
        SettingType, required=False, help_text=_("None: every setting.")
    )
    capacity = serializers.IntegerField(min_value=1, max_value=whatif.MAX_CAPACITY, default=12)
    hours_per_week = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=whatif.MIN_HOURS,
        max_value=whatif.MAX_HOURS,
        required=False,
        allow_null=True,
        help_text=_("Hours a week they would work; none: the places alone limit them."),
    )

    def validate(self, attrs):
        data = dict(attrs)
        data["languages"] = [language.code for language in data.get("languages", [])]
        data.setdefault("modalities", Modality.values)
        try:
            return whatif.hypothetical(**data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc


class HypotheticalListField(serializers.ListField):
    """At most MAX_HYPOTHETICALS, counted before any is checked; two alike are two consultants
    (unlike BoundedListField, which folds duplicates)."""

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class WhatIfInputSerializer(StrictInputSerializer):
    add = HypotheticalListField(
        child=HypotheticalSerializer(), max_length=whatif.MAX_HYPOTHETICALS, default=list
    )
    remove = RelatedListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        queryset=whatif.removable_consultants(),
        max_length=whatif.MAX_REMOVALS,
        default=list,
        help_text=_("Ids of approved consultants to take out."),
    )


class TallySerializer(serializers.Serializer):
    name = serializers.CharField()
    newly_served = serializers.IntegerField()
    no_longer_served = serializers.IntegerField()


class TakenRequestSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    county = serializers.CharField()
    language = serializers.CharField()
    priority = serializers.BooleanField()
    score = serializers.FloatField()


class TakenSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Negative: hypothetical."))
    label = serializers.CharField()
    capacity = serializers.IntegerField()
    assigned = serializers.IntegerField()
    waitlisted = TakenRequestSerializer(many=True)


class BatchSummarySerializer(serializers.Serializer):
    served = serializers.IntegerField()
    priority_served = serializers.IntegerField()
    waiting = serializers.IntegerField()
    total_score = serializers.FloatField()


class WhatIfSerializer(serializers.Serializer):
    now = BatchSummarySerializer()
    with_change = BatchSummarySerializer()
    score_change = serializers.FloatField()
    newly_served = serializers.ListField(child=serializers.IntegerField())
    no_longer_served = serializers.ListField(child=serializers.IntegerField())
    by_county = TallySerializer(many=True)
    by_language = TallySerializer(many=True)
    by_priority = TallySerializer(many=True)
    hypotheticals = TakenSerializer(many=True)
    removed = serializers.ListField(child=serializers.IntegerField())
    seconds = serializers.DictField(child=serializers.FloatField())


def _summary(run) -> dict:
    return {
        "served": len(run.assignments),
        "priority_served": run.priority_matched,
        "waiting": len(run.unmatched),
        "total_score": run.total_score,
    }


def _tally(rows) -> list[dict]:
    return [{"name": n, "newly_served": g, "no_longer_served": lost} for n, g, lost in rows]


def what_if_payload(result) -> dict:
    from consultations.matching.whatif import language_label

    return {
        "now": _summary(result.baseline),
        "with_change": _summary(result.scenario),
        "score_change": result.score_change,
        "newly_served": [r.id for r in result.newly_served],
        "no_longer_served": [r.id for r in result.no_longer_served],
        "by_county": _tally(result.by_county()),
        "by_language": _tally(result.by_language()),
        "by_priority": _tally(result.by_priority()),
        "hypotheticals": [
            {
                "id": t.consultant_id,
                "label": t.label,
                "capacity": t.capacity,
                "assigned": t.assigned,
                "waitlisted": [
                    {
                        "request": r.id,
                        "county": f"{r.county_name}, {r.state}",
                        "language": language_label(r),
                        "priority": r.priority,
                        "score": score,
                    }
                    for r, score in t.waitlisted
                ],
            }
            for t in result.taken
        ],
        "removed": result.removed,
        "seconds": result.seconds,
    }


@extend_schema(
    request=WhatIfInputSerializer,
    responses={200: WhatIfSerializer, 403: FORBIDDEN},
    summary="What if these consultants were recruited, or those gone? (admins; saves nothing)",
)
class WhatIfView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    def post(self, request):
        data = WhatIfInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = whatif.matching_what_if(
            actor=request.user,
            add=data.validated_data["add"],
            remove=[c.pk for c in data.validated_data["remove"]],
        )
        return Response(WhatIfSerializer(what_if_payload(result)).data)
