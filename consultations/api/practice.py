"""The API of an engagement's practice (issue 15): its plan and dosage, its scores and its
30-day follow-up, as actions of the requests' viewset (RequestViewSet mixes this in)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from consultations import engagement, followup, measures
from consultations.outcome_models import (
    MAX_SUBSCALES,
    Exclusion,
    FollowUp,
    Instrument,
    Score,
    Timepoint,
)
from directory.vocabularies import EngagementPhase
from iecmhc.schema import CONFLICT, FORBIDDEN
from iecmhc.serializers import StrictInputSerializer


class PlanInputSerializer(StrictInputSerializer):
    goals = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    planned_weeks = serializers.IntegerField(min_value=1, max_value=104, required=False)
    planned_hours_per_week = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("40"),
        required=False,
    )
    phase = serializers.ChoiceField(choices=EngagementPhase.choices, required=False)


class DosageGroupSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=list(engagement.ACTIVITY_GROUPS))
    hours = serializers.FloatField()


class PlanSerializer(serializers.Serializer):
    goals = serializers.CharField()
    planned_weeks = serializers.IntegerField(allow_null=True)
    planned_hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True
    )
    weekly_hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    phase = serializers.CharField()
    planned_end_date = serializers.DateField(allow_null=True)
    planned_hours = serializers.FloatField(allow_null=True)
    delivered_hours = serializers.FloatField()
    delivered = DosageGroupSerializer(many=True)


def plan_data(consultation) -> dict:
    dose = engagement.dosage(consultation)
    return {
        "goals": consultation.goals,
        "planned_weeks": consultation.planned_weeks,
        "planned_hours_per_week": consultation.planned_hours_per_week,
        "weekly_hours": consultation.weekly_hours,
        "phase": consultation.phase,
        "planned_end_date": consultation.planned_end_date,
        "planned_hours": dose["planned"],
        "delivered_hours": dose["delivered"],
        "delivered": dose["groups"],
    }


class SubscalesField(serializers.DictField):
    """{subscale code: score}, at most MAX_SUBSCALES entries, counted before any is checked."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and len(data) > MAX_SUBSCALES:
            raise serializers.ValidationError(
                _("Give at most %(n)s subscales.") % {"n": MAX_SUBSCALES}
            )
        return super().to_internal_value(data)


class ScoreInputSerializer(StrictInputSerializer):
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.filter(active=True)
    )
    timepoint = serializers.ChoiceField(choices=Timepoint.choices)
    date = serializers.DateField()
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    subscales = SubscalesField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2),
        required=False,
        default=dict,
    )


class ScoreSerializer(serializers.ModelSerializer):
    instrument = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "instrument", "timepoint", "date", "total", "subscales", "created_at"]
        read_only_fields = fields


class FollowUpInputSerializer(StrictInputSerializer):
    maintained_in_program = serializers.BooleanField()
    exclusion = serializers.ChoiceField(choices=Exclusion.choices)


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["asked_at", "reminded_at", "answered_at", "maintained_in_program", "exclusion"]
        read_only_fields = fields


class PracticeActions:
    """Mixed into consultations.api.views.RequestViewSet (which provides get_object)."""

    @extend_schema(
        methods=["GET"], request=None, responses=PlanSerializer, summary="An engagement's plan"
    )
    @extend_schema(
        methods=["POST"],
        request=PlanInputSerializer,
        responses={200: PlanSerializer, 403: FORBIDDEN, 409: CONFLICT},
        summary="Record the plan or move the phase on (the assigned consultant)",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def plan(self, request, pk=None):
        consultation = self.get_object()
        if request.method == "POST":
            data = PlanInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            consultation = engagement.engagement_plan(
                actor=request.user, consultation=consultation, **data.validated_data
            )
        return Response(PlanSerializer(plan_data(consultation)).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: ScoreSerializer(many=True), 403: FORBIDDEN},
        summary="Scores (the consultant and the Alliance)",
    )
    @extend_schema(
        methods=["POST"],
        request=ScoreInputSerializer,
        responses={201: ScoreSerializer, 403: FORBIDDEN, 409: CONFLICT},
        summary="Record a score (the assigned consultant)",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def scores(self, request, pk=None):
        consultation = self.get_object()
        if request.method == "GET":
            if not measures.can_see_scores(request.user, consultation):
                raise PermissionDenied(_("Only the consultant and the Alliance see scores."))
            scores = Score.objects.filter(request=consultation).select_related("instrument")
            return Response(ScoreSerializer(scores, many=True).data)
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        score = measures.score_record(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FollowUpInputSerializer,
        responses={200: FollowUpSerializer, 403: FORBIDDEN, 409: CONFLICT},
        summary="Answer the 30-day follow-up (the consultant or an admin)",
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        consultation = self.get_object()
        data = FollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answered = followup.follow_up_answer(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        return Response(FollowUpSerializer(answered).data)
