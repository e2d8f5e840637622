import hashlib
import json
import re

from django.core.exceptions import PermissionDenied
from django.db.models import Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAllianceAdmin
from consultations import batch_offers, matching, selectors, services, submission
from consultations.api.practice import PracticeActions
from consultations.api.serializers import (
    CaseloadSerializer,
    CloseInputSerializer,
    ContactInputSerializer,
    ContactSerializer,
    MatchesQuerySerializer,
    MatchesSerializer,
    MatchingRunInputSerializer,
    MatchingRunSerializer,
    OfferInputSerializer,
    ReasonInputSerializer,
    RequestInputSerializer,
    RequestSerializer,
    StatusSerializer,
)
from consultations.engagement import with_dosage
from consultations.filters import RequestFilter
from consultations.locks import unread_request
from consultations.models import ConsultationRequest
from consultations.permissions import (
    access_consultation,
    can_offer_requests,
    can_request_consultation,
    listing_of,
)
from directory.selectors import program_list
from iecmhc.schema import CONFLICT, FORBIDDEN, TOO_MANY_REQUESTS, UNPROCESSABLE
from iecmhc.serializers import represent
from iecmhc.throttling import RequestCreationThrottle


@extend_schema_view(
    list=extend_schema(summary="Consultation requests I may see"),
    retrieve=extend_schema(summary="A consultation request with its history"),
    create=extend_schema(
        summary="Request consultation for my program",
        request=RequestInputSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Optional, e.g. a UUID. Sent again by the same user within 24 hours, it "
                    "returns the request first made with it (201, nothing new is made); with "
                    "a different body it is refused with 422."
                ),
            )
        ],
        responses={201: RequestSerializer, 422: UNPROCESSABLE, 429: TOO_MANY_REQUESTS},
    ),
)
class RequestViewSet(
    PracticeActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Programs' requests for consultation and their workflow (see consultations.services)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = RequestSerializer
    filterset_class = RequestFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.request_list(user=self.request.user)

    def get_object(self):
        # Only the detail shows the history and hours as read; an action hands the request to
        # its service, which re-reads it under a lock, and _detail then reads the history once.
        detailed = self.action == "retrieve"
        return access_consultation(self.request.user, self.kwargs["pk"], detailed=detailed)

    def _key(self):
        """The request by its key alone, for a service that reads it once, under its lock, and
        answers 404 there if the user may not see it (consultations.locks.unread_request)."""
        return unread_request(self.request.user, self.kwargs["pk"])

    def _detail(self, consultation, *, status_code=status.HTTP_200_OK):
        """The request as the service left it. The service re-read its row under the lock, so
        it is not read again: only its history (and, once closed, its hours) are added."""
        prefetch_related_objects([consultation], selectors.history_prefetch())
        closed = consultation.status == ConsultationRequest.Status.CLOSED
        if closed and not hasattr(consultation, "contact_minutes"):  # else read with the row
            consultation.contact_minutes = consultation.contacts.aggregate(
                total=Coalesce(Sum("minutes"), 0)
            )["total"]
        return Response(self.get_serializer(consultation).data, status=status_code)

    def create(self, request, *args, **kwargs):
        if not can_request_consultation(request.user):
            raise PermissionDenied(_("Only program staff can request consultation."))
        key = _idempotency_key(request)
        if key is not None and selectors.submission_for(user=request.user, key=key):
            # A repeat: the first answer again (or 422 for another body), before the body is
            # validated or the rate limit counts it.
            first, _new = submission.request_submit_once(
                actor=request.user, key=key, fingerprint=body_fingerprint(request.data)
            )
            return self._detail(first, status_code=status.HTTP_201_CREATED)
        data = RequestInputSerializer(
            data=request.data,
            programs=program_list(user=request.user).filter(memberships__user=request.user),
        )
        data.is_valid(raise_exception=True)
        # Counted once the request is valid: correcting a mistake costs nothing.
        throttle = RequestCreationThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        if key is None:
            created = services.request_submit(actor=request.user, **data.validated_data)
        else:
            created, _new = submission.request_submit_once(
                actor=request.user,
                key=key,
                fingerprint=body_fingerprint(request.data),
                **data.validated_data,
            )
        return self._detail(created, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=OfferInputSerializer, responses={200: RequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def offer(self, request, pk=None):
        """Admin: offer a submitted request to a consultant (→ offered)."""
        consultation = self._key()
        data = OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offered = services.request_offer(
            actor=request.user,
            consultation=consultation,
            consultant=data.validated_data["consultant"],
        )
        return self._detail(offered)

    @extend_schema(
        parameters=[MatchesQuerySerializer],
        responses={200: MatchesSerializer, 403: FORBIDDEN},
        summary="Ranked, explained matches for a request (admins)",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def matches(self, request, pk=None):
        """Admin: consultants who may take the request, best first, with each score's
        components and reasons, and how many consultants each hard constraint excluded."""
        consultation = access_consultation(
            request.user,
            pk,
            may=lambda user, _consultation: can_offer_requests(user),
            denied=_("Only Alliance admins see matches."),
            detailed=False,
            only=matching.REQUEST_FIELDS,
        )
        query = MatchesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ranking = matching.ranked_matches(consultation, limit=query.validated_data["limit"])
        data = {
            "count": ranking.count,
            "results": [vars_of(m) for m in ranking.matches],
            "excluded": ranking.excluded,
        }
        return Response(represent(MatchesSerializer, data))

    @extend_schema(request=None, responses={200: RequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The offered consultant: accept (→ active). 409 when the caseload is full."""
        accepted = services.request_accept(actor=request.user, consultation=self._key())
        return self._detail(accepted)

    @extend_schema(request=ReasonInputSerializer, responses={200: StatusSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The offered consultant: decline with a reason (→ submitted; never offered again)."""
        consultation = self._key()
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declined = services.request_decline(
            actor=request.user,
            consultation=consultation,
            reason=data.validated_data.get("reason", ""),
        )
        # The decliner never sees the request again: answer with its new status only.
        return Response(StatusSerializer(declined).data)

    @extend_schema(request=ReasonInputSerializer, responses={200: RequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Program staff: withdraw a request not yet accepted, with a reason (→ withdrawn)."""
        consultation = self.get_object()
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawn = services.request_withdraw(
            actor=request.user,
            consultation=consultation,
            reason=data.validated_data.get("reason", ""),
        )
        return self._detail(withdrawn)

    @extend_schema(request=CloseInputSerializer, responses={200: RequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The assigned consultant or an admin: close with outcomes (→ closed)."""
        consultation = self.get_object()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        closed = services.request_close(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        return self._detail(closed)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=ContactSerializer(many=True),
        summary="Contacts logged on a request",
    )
    @extend_schema(
        methods=["POST"],
        request=ContactInputSerializer,
        responses={201: ContactSerializer, 409: CONFLICT},
        summary="Log a contact (the assigned consultant)",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def contacts(self, request, pk=None):
        consultation = self.get_object()
        if request.method == "GET":
            contacts = selectors.contact_list(consultation=consultation, user=request.user)
            return Response(ContactSerializer(contacts, many=True).data)
        data = ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_log(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as a header allows


def _idempotency_key(request) -> str | None:
    """The `Idempotency-Key` header: None when absent, 400 when not 1-255 visible ASCII."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise ValidationError(
            {"Idempotency-Key": [_("Send 1 to 255 visible ASCII characters, e.g. a UUID.")]}
        )
    return key


def body_fingerprint(data) -> str:
    """The same body gives the same fingerprint, whatever the order of its keys."""
    if hasattr(data, "lists"):  # a form's QueryDict
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def vars_of(match) -> dict:
    return {name: getattr(match, name) for name in match.__slots__}


@extend_schema(
    request=MatchingRunInputSerializer,
    responses=MatchingRunSerializer,
    summary="Assign every open request optimally (admins); a dry run previews",
)
class MatchingRunView(APIView):
    """Admin: the optimal batch assignment of all submitted requests. With `dry_run: false`
    each assignment becomes an offer (emailed like any other)."""

    permission_classes = [permissions.IsAuthenticated, IsAllianceAdmin]

    def post(self, request):
        data = MatchingRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = batch_offers.matching_run(
            actor=request.user,
            dry_run=data.validated_data["dry_run"],
            compare=data.validated_data["compare"],
        )
        payload = {
            **{
                name: getattr(run, name)
                for name in (
                    "dry_run",
                    "assignments",
                    "total_score",
                    "greedy_total_score",
                    "upper_bound",
                    "priority_matched",
                    "offered",
                    "seconds",
                )
            },
            "unmatched": [{"request": r, "reasons": why} for r, why in run.unmatched.items()],
            "skipped": [{"request": r, "reason": why} for r, why in run.skipped.items()],
        }
        return Response(MatchingRunSerializer(payload).data)


@extend_schema(
    responses={200: CaseloadSerializer, 403: FORBIDDEN}, summary="My caseload (consultants)"
)
class CaseloadView(APIView):
    """A consultant's capacity, open offers, engagements and hours this month."""

    permission_classes = [permissions.IsAuthenticated]

    def get(self, request):
        listing = listing_of(request.user)
        if listing is None:
            raise PermissionDenied(_("Only consultants with a listing have a caseload."))
        data = selectors.caseload(consultant=listing)
        data["engagements"] = with_dosage(data["engagements"])
        return Response(CaseloadSerializer(data, context={"request": request}).data)
