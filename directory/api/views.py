from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import selectors, services
from directory.api import listing_page
from directory.api.serializers import (
    ConsultantInputSerializer,
    ConsultantPrivateSerializer,
    ConsultantSerializer,
    CountySerializer,
    LanguageSerializer,
    ProgramInputSerializer,
    ProgramSerializer,
    ReasonSerializer,
    RegionSerializer,
    VocabulariesSerializer,
)
from directory.filters import ConsultantFilter
from directory.geo import known_states
from directory.models import Region
from directory.permissions import (
    can_create_consultant,
    can_create_program,
    can_edit_consultant,
    can_edit_program,
    can_view_consultant_private,
)
from directory.vocabularies import PUBLISHED
from iecmhc.schema import CONFLICT


@extend_schema(
    parameters=[OpenApiParameter("state", str, description="Two-letter state code, e.g. WI")],
    responses=CountySerializer(many=True),
)
class CountyListView(APIView):
    """US counties known to the service (Wisconsin's are always loaded)."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        state = request.query_params.get("state", "").strip().upper()
        if state and state not in known_states():
            raise ValidationError({"state": [f"{state[:10]} is not a US state code."]})
        counties = selectors.county_list(state=state or None)
        return Response(CountySerializer(counties, many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter("state", str, description="Two-letter state code, e.g. WI"),
        OpenApiParameter("scheme", str, enum=Region.Scheme.values),
    ],
    responses=RegionSerializer(many=True),
)
class RegionListView(APIView):
    """Named groups of counties (Wisconsin's licensing, public health and CCR&R regions), the
    values of the request filters' `region`."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        state = request.query_params.get("state", "").strip().upper()
        if state and state not in known_states():
            raise ValidationError({"state": [f"{state[:10]} is not a US state code."]})
        scheme = request.query_params.get("scheme", "").strip()
        if scheme and scheme not in Region.Scheme.values:
            raise ValidationError(
                {"scheme": [_("Choose one of: %s.") % ", ".join(Region.Scheme.values)]}
            )
        regions = selectors.region_list(state=state or None, scheme=scheme or None)
        return Response(RegionSerializer(regions, many=True).data)


@extend_schema(responses=LanguageSerializer(many=True))
class LanguageListView(APIView):
    """Languages by ISO 639 code."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        return Response(LanguageSerializer(selectors.language_list(), many=True).data)


@extend_schema(responses=VocabulariesSerializer)
class VocabularyView(APIView):
    """Every controlled vocabulary: stable codes with display labels."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        data = {
            name: [{"code": code, "label": str(label)} for code, label in choices.choices]
            for name, choices in PUBLISHED.items()
        }
        return Response(VocabulariesSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Search the directory of approved consultants"),
    retrieve=extend_schema(
        summary="A consultant's listing",
        # The public listing, or for its owner and admins the private one (a superset):
        # the components of the list (Consultant) and of the owner's writes (ConsultantPrivate).
        responses={
            200: {
                "anyOf": [
                    {"$ref": "#/components/schemas/ConsultantPrivate"},
                    {"$ref": "#/components/schemas/Consultant"},
                ]
            }
        },
        description="Owners and admins also receive private contacts and review history.",
    ),
    create=extend_schema(
        summary="Create my listing (draft)",
        request=ConsultantInputSerializer,
        responses={201: ConsultantPrivateSerializer, 409: CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Edit a listing",
        request=ConsultantInputSerializer,
        responses=ConsultantPrivateSerializer,
    ),
)
class ConsultantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ConsultantSerializer
    filterset_class = ConsultantFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        # Reads are the public directory; every write needs a signed-in user (the services
        # decide the rest). AllowAny also tells the schema that anyone may read.
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.consultant_list(user=self.request.user)

    def get_object(self):
        return selectors.consultant_get(user=self.request.user, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return listing_page.list_response(self, request)

    def _detail(self, consultant, *, status_code=status.HTTP_200_OK, fresh=False):
        # Re-read through the selector so the response carries fresh prefetched relations,
        # unless the listing was just read by it (fresh).
        if not fresh:
            consultant = selectors.consultant_get(user=self.request.user, pk=consultant.pk)
        if can_view_consultant_private(self.request.user, consultant):
            serializer = ConsultantPrivateSerializer(consultant, context={"request": self.request})
        else:
            serializer = ConsultantSerializer(consultant)
        return Response(serializer.data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object(), fresh=True)

    def create(self, request, *args, **kwargs):
        if not can_create_consultant(request.user):  # the role first, then the body
            raise PermissionDenied("Only consultant accounts can create a listing.")
        data = ConsultantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultant = services.consultant_create(actor=request.user, **data.validated_data)
        return self._detail(consultant, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        consultant = self.get_object()
        if not can_edit_consultant(request.user, consultant):
            raise PermissionDenied("Only the listing's owner or an Alliance admin may edit it.")
        data = ConsultantInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        consultant = services.consultant_update(
            actor=request.user, consultant=consultant, **data.validated_data
        )
        return self._detail(consultant)

    def update(self, request, *args, **kwargs):  # PUT is not part of the contract
        return self.http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: ConsultantPrivateSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Owner: send a draft or rejected listing for review (→ pending)."""
        consultant = services.consultant_submit(actor=request.user, consultant=self.get_object())
        return self._detail(consultant)

    @extend_schema(request=None, responses={200: ConsultantPrivateSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Admin: approve a pending listing (→ approved), or reinstate a suspended one."""
        consultant = services.consultant_approve(actor=request.user, consultant=self.get_object())
        return self._detail(consultant)

    @extend_schema(
        request=ReasonSerializer, responses={200: ConsultantPrivateSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Admin: reject a pending listing with a reason (→ rejected)."""
        return self._review_with_reason(request, services.consultant_reject)

    @extend_schema(
        request=ReasonSerializer, responses={200: ConsultantPrivateSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Admin: suspend a listing with a reason (→ suspended; hidden everywhere)."""
        return self._review_with_reason(request, services.consultant_suspend)

    def _review_with_reason(self, request, service):
        consultant = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service checks the actor first and then that a reason was given.
        consultant = service(
            actor=request.user, consultant=consultant, reason=data.validated_data.get("reason", "")
        )
        return self._detail(consultant)


@extend_schema_view(
    create=extend_schema(request=ProgramInputSerializer, responses={201: ProgramSerializer}),
    partial_update=extend_schema(request=ProgramInputSerializer, responses=ProgramSerializer),
)
class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Early childhood programs: members, engaged consultants and admins see them."""

    serializer_class = ProgramSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.program_list(user=self.request.user)

    def get_object(self):
        return selectors.program_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        if not can_create_program(request.user):  # the role first, then the body
            raise PermissionDenied("Only program accounts can register a program.")
        data = ProgramInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.program_create(actor=request.user, **data.validated_data)
        program = selectors.program_get(user=request.user, pk=program.pk)
        return Response(ProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        program = self.get_object()
        if not can_edit_program(request.user, program):
            raise PermissionDenied("Only the program's members or an Alliance admin may edit it.")
        data = ProgramInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        program = services.program_update(
            actor=request.user, program=program, **data.validated_data
        )
        program = selectors.program_get(user=request.user, pk=program.pk)
        return Response(ProgramSerializer(program).data)

    def update(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)
