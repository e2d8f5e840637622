"""The Alliance's reports in the API (Alliance admins only): reach by state, region and county."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import reach
from directory import geo
from directory.models import Region
from iecmhc.schema import FORBIDDEN
from iecmhc.serializers import StrictInputSerializer


class ReachQuerySerializer(StrictInputSerializer):
    date_from = serializers.DateField(required=False, help_text=_("First day (inclusive)."))
    date_to = serializers.DateField(required=False, help_text=_("Last day (inclusive)."))
    state = serializers.ChoiceField(choices=(), required=False, help_text=_("Two-letter code."))
    scheme = serializers.ChoiceField(choices=Region.Scheme.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = geo.known_states()

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("The end of the range must not be before its start.")]}
            )
        return attrs


class ReachRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField()
    licensed_programs = serializers.IntegerField()
    programs_requested = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text=_("0..1; null without programs."))
    licensed_places = serializers.IntegerField()
    places_reached = serializers.IntegerField()
    places_reached_share = serializers.FloatField(allow_null=True)
    requests = serializers.IntegerField(help_text=_("From programs on the licensing list."))
    requests_per_1000_places = serializers.FloatField(allow_null=True)
    other_requests = serializers.IntegerField(help_text=_("From programs not on the list."))


class ReachRegionSerializer(ReachRowSerializer):
    scheme = serializers.ChoiceField(choices=Region.Scheme.choices)


class ReachCountySerializer(ReachRowSerializer):
    far_below = serializers.BooleanField()


class ReachDefinitionSerializer(serializers.Serializer):
    far_below_fraction = serializers.FloatField()
    far_below_min_programs = serializers.IntegerField()
    text = serializers.CharField()


class ReachSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    definition = ReachDefinitionSerializer()
    states = ReachRowSerializer(many=True)
    regions = ReachRegionSerializer(many=True)
    counties = ReachCountySerializer(many=True)


def reach_payload(report: reach.Reach) -> dict:
    return {
        "date_from": report.date_from,
        "date_to": report.date_to,
        "definition": report.definition,
        "states": [reach.as_dict(r) for r in report.states],
        "regions": [reach.as_dict(r) for r in report.regions],
        "counties": [{**reach.as_dict(r), "far_below": r.far_below} for r in report.counties],
    }


@extend_schema(
    parameters=[ReachQuerySerializer],
    responses={200: ReachSerializer, 403: FORBIDDEN},
    summary="Reach of the licensed programs, by state, region and county (admins)",
)
class ReachView(APIView):
    """Which licensed programs asked for consultation in the period (docs/domain.md, "Reach")."""

    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    def get(self, request):
        query = ReachQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        report = reach.reach(**query.validated_data)
        return Response(ReachSerializer(reach_payload(report)).data)
