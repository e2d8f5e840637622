from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iecmhc.validators import single_line, single_script


class User(AbstractUser):
    """A person who signs in: a program's staff member, a consultant, or Alliance staff.

    Alliance admins are staff users holding the `directory.review_consultant` permission
    (see accounts.roles); they are never created through registration.
    """

    class Role(models.TextChoices):
        PROGRAM = "program", "Program staff"
        CONSULTANT = "consultant", "Consultant"

    # Usernames and names reach other people's screens (the Alliance's pages, emails): no
    # control or text-direction characters, and a username in one alphabet, so no look-alike
    # of another user's ("vіctim" with a Cyrillic і).
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[UnicodeUsernameValidator(), single_script],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[single_line]
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text="Chosen at registration. Blank for Alliance staff.",
    )
    # A code of settings.LANGUAGES (accounts.i18n checks it), or blank for the site's default:
    # the pages and the emails the user gets are in it.
    preferred_language = models.CharField(
        max_length=12,
        blank=True,
        default="",
        help_text="The language of the user's pages and emails; blank for the site's default.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
            ),
        ]

    def __str__(self):
        return self.username


class ApiToken(models.Model):
    """An API client's credential, kept only as the SHA-256 digest of its key: the key is shown
    once, when issued, so a copy of the database holds no working credential. A key is 160
    random bits, so a fast hash is enough (there is nothing to guess, unlike a password).

    A user may hold a few (one per signed-in client, see accounts.services.user_token_issue);
    each stops working API_TOKEN_DAYS after it was issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created"], name="apitoken_user_created")]

    def __str__(self):
        return f"API token of {self.user} issued {self.created:%Y-%m-%d}"
