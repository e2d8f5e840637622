from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    MeSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from accounts.models import ApiToken
from accounts.services import (
    user_register,
    user_token_issue,
    user_token_revoke,
    user_token_rotate,
)
from iecmhc.throttling import RegistrationThrottle, TokenThrottle

User = get_user_model()


def _signed_with(request) -> ApiToken | None:
    """The token the request is signed with (None for a browser session)."""
    return request.auth if isinstance(request.auth, ApiToken) else None


class RegisterView(APIView):
    """Create a program or consultant account."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [RegistrationThrottle]

    @extend_schema(request=RegisterInputSerializer, responses={201: RegisterOutputSerializer})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_register(**data.validated_data)
        # The same answer whether or not an account was made (see user_register): what was
        # asked for, as it is stored. The new account's id is at /me/ once signed in.
        created = {
            "username": User.normalize_username(data.validated_data["username"]),
            "role": data.validated_data["role"],
        }
        return Response(RegisterOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class LockedOut(Throttled):
    default_detail = "Too many failed logins for this account or from this address."


class TokenView(APIView):
    """POST: exchange a username and password for a new API token (one per client; the key is
    shown only now). DELETE: revoke the token the request is signed with."""

    throttle_classes = [TokenThrottle]

    def _signing_in(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    def get_authenticators(self):
        # Signing in needs no credentials (a stale session or token must not get in the way).
        return [] if self._signing_in() else super().get_authenticators()

    def get_permissions(self):
        return [permissions.AllowAny()] if self._signing_in() else super().get_permissions()

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer},
        summary="Sign in: a username and password for an API token",
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,  # django-axes counts failures on the Django request
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise LockedOut(
                detail=(
                    "Too many failed logins for this account or from this address. "
                    f"Try again in {minutes} minutes, or reset your password."
                ),
                wait=settings.AXES_COOLOFF_TIME.total_seconds(),
            )
        if user is None:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with the provided credentials."]}
            )
        return Response(TokenOutputSerializer({"token": user_token_issue(user=user).key}).data)

    @extend_schema(request=None, responses={204: None}, summary="Sign out: revoke the token")
    def delete(self, request):
        user_token_revoke(user=request.user, token=_signed_with(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRotateView(APIView):
    """Replace the caller's API token with a new one; the old one stops working at once."""

    @extend_schema(request=None, responses={200: TokenOutputSerializer})
    def post(self, request):
        issued = user_token_rotate(user=request.user, token=_signed_with(request))
        return Response(TokenOutputSerializer({"token": issued.key}).data)


class MeView(APIView):
    """The signed-in user, their role, listing and programs."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
