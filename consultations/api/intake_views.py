"""The front door's API: the public request (and its confirmation), phone intake, the
one-tap call, brief-team routing, and the first-contact report."""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import first_contact, first_contact_reports, intake, waitlist
from consultations.api.intake_serializers import (
    FirstContactReportSerializer,
    IntakeConfirmedSerializer,
    IntakeConfirmSerializer,
    PhoneIntakeSerializer,
    PublicIntakeSerializer,
    ReportRangeQuerySerializer,
)
from consultations.api.serializers import RequestSerializer
from consultations.permissions import access_consultation
from consultations.selectors import history_prefetch
from iecmhc.schema import CONFLICT, FORBIDDEN, TOO_MANY_REQUESTS
from iecmhc.throttling import IntakeThrottle

SENT = "If the details are complete, a link to confirm the request was emailed."


def _detail(request, consultation, status_code=status.HTTP_200_OK):
    prefetch_related_objects([consultation], history_prefetch())
    data = RequestSerializer(consultation, context={"request": request}).data
    return Response(data, status=status_code)


class PublicIntakeView(APIView):
    """Anyone: ask for a consultant without an account (confirmed by an emailed link)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Ask for a consultant without an account",
        request=PublicIntakeSerializer,
        responses={202: OpenApiResponse(description=SENT), 429: TOO_MANY_REQUESTS},
    )
    def post(self, request):
        data = PublicIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        throttle = IntakeThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        fields = dict(data.validated_data)
        if not fields.pop("website", ""):  # the honeypot: the same answer, and nothing done
            intake.intake_submit(data=fields)
        return Response({"detail": SENT}, status=status.HTTP_202_ACCEPTED)


class IntakeConfirmView(APIView):
    """Whoever holds the emailed link's token: confirm the request (idempotent)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Confirm a public request by its emailed token",
        request=IntakeConfirmSerializer,
        responses={201: IntakeConfirmedSerializer},
    )
    def post(self, request):
        data = IntakeConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = intake.intake_confirm(token=data.validated_data["token"])
        return Response(
            {
                "request": consultation.pk,
                "status": consultation.status,
                "follow_url": intake.follow_url(consultation),
            },
            status=status.HTTP_201_CREATED,
        )


class PhoneIntakeView(APIView):
    """Alliance: enter a request for a program (a phone call, a referral)."""

    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    @extend_schema(
        summary="Enter a request for a program (phone intake)",
        request=PhoneIntakeSerializer,
        responses={201: RequestSerializer, 403: FORBIDDEN},
    )
    def post(self, request):
        data = PhoneIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = intake.request_enter(actor=request.user, **data.validated_data)
        return _detail(request, created, status.HTTP_201_CREATED)


class FirstCallView(APIView):
    """The consultant it is offered or assigned to: log a phone call now (first contact)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Log a phone call (stops the first-contact clock)",
        request=None,
        responses={200: RequestSerializer, 409: CONFLICT},
    )
    def post(self, request, pk):
        consultation = access_consultation(request.user, pk)
        called = first_contact.request_log_call(actor=request.user, consultation=consultation)
        return _detail(request, called)


class BriefTeamView(APIView):
    """Alliance: route a waitlisted request to the best-fitting brief-team consultant."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Route a waitlisted request to the brief team",
        request=None,
        responses={200: RequestSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request, pk):
        consultation = access_consultation(request.user, pk)
        routed = waitlist.request_route_to_brief_team(actor=request.user, consultation=consultation)
        return _detail(request, routed)


class FirstContactReportView(APIView):
    """Alliance: time to first contact and share within target, the waitlist, the sources."""

    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    @extend_schema(
        summary="First contact, waitlist and referral sources",
        parameters=[ReportRangeQuerySerializer],
        responses={200: FirstContactReportSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        query = ReportRangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        span = query.validated_data
        data = {
            **first_contact_reports.first_contact_report(**span),
            "waitlist": first_contact_reports.waitlist_report(),
            "referral_sources": first_contact_reports.referral_sources(**span),
        }
        return Response(FirstContactReportSerializer(data).data)
