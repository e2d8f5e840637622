"""A listing's credentials through the API: its endorsements (any number of the ten categories,
each verified by the Alliance) and the consultant's renewal ledger with the renewal status of
each endorsement. The same services as the credentials and ledger pages decide what may change.

Only the listing's owner and Alliance admins see these; to anyone else the listing's
credentials do not exist (404), whether or not its public listing does.
"""

from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from directory import credential_services as services
from directory import selectors
from directory.api.serializers import EndorsementPrivateSerializer
from directory.credential_forms import CATEGORIES
from directory.ledger import LedgerEntry, renewal_statuses
from directory.models import Consultant
from directory.permissions import can_view_consultant_private
from directory.vocabularies import EndorsementStatus, LedgerKind, SupervisionFormat


def _listing(request, pk) -> Consultant:
    """The listing whose credentials the user may see (owner, Alliance admin), else 404."""
    consultant = selectors.consultant_get(user=request.user, pk=pk)
    if not can_view_consultant_private(request.user, consultant):
        raise Http404(_("No such consultant."))
    return consultant


class EndorsementInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES)
    status = serializers.ChoiceField(choices=EndorsementStatus.choices)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    renewal_date = serializers.DateField(required=False, allow_null=True, default=None)


class LedgerEntryInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LedgerKind.choices)
    date = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24")
    )
    supervision_format = serializers.ChoiceField(
        choices=SupervisionFormat.choices, required=False, allow_blank=True, default=""
    )
    supervisor_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "date", "hours", "supervision_format", "supervisor_name", "title"]
        read_only_fields = fields


class RenewalStatusSerializer(serializers.Serializer):
    category = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    training_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    training_needed = serializers.DecimalField(max_digits=7, decimal_places=2)
    rsc_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    rsc_needed = serializers.DecimalField(max_digits=7, decimal_places=2)
    met = serializers.BooleanField()


class LedgerSerializer(serializers.Serializer):
    renewal = RenewalStatusSerializer(many=True)
    entries = LedgerEntrySerializer(many=True)


class EndorsementListView(APIView):
    """The listing's endorsements, verified or not (GET); add one or change one by category
    (POST). The owner's change to a verified endorsement sends an approved listing back to
    review; an Alliance admin's change is verified at once."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="A listing's endorsements", responses=EndorsementPrivateSerializer(many=True)
    )
    def get(self, request, pk):
        consultant = _listing(request, pk)
        return Response(EndorsementPrivateSerializer(consultant.endorsements.all(), many=True).data)

    @extend_schema(
        summary="Add or change an endorsement",
        request=EndorsementInputSerializer,
        responses={200: EndorsementPrivateSerializer, 201: EndorsementPrivateSerializer},
    )
    def post(self, request, pk):
        consultant = _listing(request, pk)
        data = EndorsementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = consultant.endorsements.filter(category=data.validated_data["category"]).exists()
        endorsement = services.endorsement_set(
            actor=request.user, consultant=consultant, **data.validated_data
        )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(EndorsementPrivateSerializer(endorsement).data, status=code)


class EndorsementDetailView(APIView):
    """Take an endorsement off the listing."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Remove an endorsement", request=None, responses={204: None})
    def delete(self, request, pk, category):
        consultant = _listing(request, pk)
        if not consultant.endorsements.filter(category=category).exists():
            raise Http404(_("The listing has no such endorsement."))
        services.endorsement_remove(actor=request.user, consultant=consultant, category=category)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _ledger(consultant: Consultant) -> dict:
    entries = list(consultant.ledger_entries.all())
    renewal = renewal_statuses(consultant, entries, today=timezone.localdate())
    return LedgerSerializer({"renewal": renewal, "entries": entries}).data


class LedgerView(APIView):
    """The renewal ledger: each endorsed category's progress in its endorsement year and the
    entries (GET, owner and Alliance admins); log reflective supervision or a training (POST,
    the consultant only)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="The renewal ledger", responses=LedgerSerializer)
    def get(self, request, pk):
        return Response(_ledger(_listing(request, pk)))

    @extend_schema(
        summary="Log supervision or training",
        request=LedgerEntryInputSerializer,
        responses={201: LedgerEntrySerializer},
    )
    def post(self, request, pk):
        consultant = _listing(request, pk)
        data = LedgerEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.ledger_entry_add(
            actor=request.user, consultant=consultant, **data.validated_data
        )
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class LedgerEntryView(APIView):
    """Delete one entry of the ledger (the consultant only)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Delete a ledger entry", request=None, responses={204: None})
    def delete(self, request, pk, entry):
        consultant = _listing(request, pk)
        found = consultant.ledger_entries.filter(pk=entry).first()
        if found is None:
            raise Http404(_("No such entry in the ledger."))
        services.ledger_entry_delete(actor=request.user, entry=found)
        return Response(status=status.HTTP_204_NO_CONTENT)
