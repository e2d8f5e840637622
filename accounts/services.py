from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from accounts.authentication import token_expired
from accounts.i18n import supported_language

User = get_user_model()


@transaction.atomic
def user_register(*, username: str, email: str, password: str, role: str) -> "User":
    """Create a program or consultant account. Alliance admins are never made here."""
    if role not in User.Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(User.Role.values)}."]})
    # Check what will be stored: Django normalises usernames (NFKC: "ﬁona" is "fiona").
    username = User.normalize_username(username)
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["A user with that username already exists."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with that email address already exists."]
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username, email=email, password=password, role=role
            )
    except IntegrityError:
        # Someone registered the same name or address between our check and our insert.
        raise ValidationError(
            {"username": ["A user with that username or email address already exists."]}
        ) from None


def user_token(*, user) -> Token:
    """The user's API token: the current one, or a new one if they have none or it expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    return user_token_rotate(user=user)


@transaction.atomic
def user_token_rotate(*, user) -> Token:
    """Replace the user's API token with a new one (the old key stops working at once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def user_token_revoke(*, user) -> None:
    """Sign the user's API clients out: their token stops working."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def user_password_set(*, user, password: str) -> None:
    """Set a new (already validated) password; the old sessions and API token stop working."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user_token_revoke(user=user)


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
