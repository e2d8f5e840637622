import secrets
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed

from accounts.authentication import token_digest
from accounts.i18n import language_for, supported_language
from accounts.models import ApiToken
from iecmhc.emails import send_templated_email
from iecmhc.security import login_username

User = get_user_model()

# Signed-in API clients per user (each has its own token); the oldest beyond this go.
MAX_API_TOKENS_PER_USER = 10


def _email_in_use(email: str) -> bool:
    return bool(email) and User.objects.filter(email__iexact=email).exists()


def _notify_registration_attempt(email: str) -> None:
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        send_templated_email(
            to=owner.email,
            template="registration_attempt",
            context={"user": owner},
            language=language_for(owner),
        )


def registration_errors(*, username: str, password: str, role: str, email: str = "") -> dict:
    """What is wrong with a new account's username and password, by field (empty: nothing):
    the rule user_register applies, which the sign-up page also shows beside the form's own
    errors, so that every error shows in one round."""
    # Check what will be stored: Django normalises usernames (NFKC: "ﬁona" is "fiona").
    username = User.normalize_username(username)
    errors = {}
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        errors["username"] = exc.messages
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["A user with that username already exists."]
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    return errors


@transaction.atomic
def user_register(*, username: str, email: str, password: str, role: str) -> "User | None":
    """Create a program or consultant account. Alliance admins are never made here.

    An email address that already has an account makes no account, and returns None, but the
    caller must answer exactly as for a success: whether an address has an account is not for
    strangers to learn (password reset hides it too). Its owner is told by email instead."""
    if role not in User.Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(User.Role.values)}."]})
    errors = registration_errors(username=username, password=password, role=role, email=email)
    if errors:
        raise ValidationError(errors)
    username = User.normalize_username(username)
    if _email_in_use(email):
        make_password(password)  # the work of a real registration: no answer comes faster
        _notify_registration_attempt(email)
        return None
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username, email=email, password=password, role=role
            )
    except IntegrityError:
        # Someone registered the same name or address between our check and our insert.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                {"username": ["A user with that username already exists."]}
            ) from None
        _notify_registration_attempt(email)
        return None


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: its key, shown to the client once and never stored."""

    key: str
    token: ApiToken


class TokenRevoked(AuthenticationFailed):
    default_detail = "This token has already been replaced or revoked; sign in again."


def _lock_user(user) -> None:
    """Serialise a user's token changes: every token service takes this lock first, so two
    simultaneous calls for one account run one after the other."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _issue(user) -> IssuedToken:
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(user=user, digest=token_digest(key))
    expired = timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.filter(user=user, created__lt=expired).delete()
    keep = ApiToken.objects.filter(user=user).order_by("-created", "-pk")[:MAX_API_TOKENS_PER_USER]
    ApiToken.objects.filter(user=user).exclude(
        pk__in=list(keep.values_list("pk", flat=True))
    ).delete()
    return IssuedToken(key=key, token=token)


@transaction.atomic
def user_token_issue(*, user) -> IssuedToken:
    """Sign an API client in: a new token (one per client, so signing in on one does not sign
    another out). Expired tokens go, and beyond MAX_API_TOKENS_PER_USER the oldest."""
    _lock_user(user)
    return _issue(user)


@transaction.atomic
def user_token_rotate(*, user, token: ApiToken | None = None) -> IssuedToken:
    """Replace `token` (the one the caller signed in with) by a new one; the old key stops
    working at once. Without a token (a browser session), every token of the user goes.
    Rotating a token that a simultaneous call already replaced is refused (TokenRevoked), so
    every key handed out works."""
    _lock_user(user)
    if token is not None:
        deleted, _ = ApiToken.objects.filter(pk=token.pk, user=user).delete()
        if not deleted:
            raise TokenRevoked()
    else:
        ApiToken.objects.filter(user=user).delete()
    return _issue(user)


@transaction.atomic
def user_token_revoke(*, user, token: ApiToken | None = None) -> None:
    """Sign an API client out: `token` stops working; without one, every token of the user."""
    _lock_user(user)
    tokens = ApiToken.objects.filter(user=user)
    if token is not None:
        tokens = tokens.filter(pk=token.pk)
    tokens.delete()


@transaction.atomic
def user_password_set(*, user, password: str) -> None:
    """Set a new (already validated) password; the old sessions and API tokens stop working,
    and the account's login lockout ends (whoever locked it out no longer knows a password
    the owner uses; the lockouts by address stay)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user_token_revoke(user=user)
    axes_reset(username=login_username(None, {"username": user.username}))


def user_language_set(*, user, language: str) -> str:
    """Keep `language` (a code of settings.LANGUAGES) as the user's preferred language, for
    their pages and emails. Returns the code stored; refuses a language the site lacks."""
    code = supported_language(language)
    if code is None or code != language:
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    if user.preferred_language != code:
        user.preferred_language = code
        user.save(update_fields=["preferred_language"])
    return code
