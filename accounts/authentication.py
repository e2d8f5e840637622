import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiToken


def token_digest(key: str) -> str:
    """What is stored of a token: the SHA-256 of its key."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_expired(token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, found by the key's digest (the key itself is never
    stored); a token stops working API_TOKEN_DAYS after it was issued, and the client asks
    for a new one with its username and password."""

    model = ApiToken

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(digest=token_digest(key))
        except ApiToken.DoesNotExist:
            raise AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        if token_expired(token):
            raise AuthenticationFailed(
                "This token has expired; request a new one at /api/v1/auth/token/."
            )
        return token.user, token
