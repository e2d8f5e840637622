from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who signs in: a program's staff member, a consultant, or Alliance staff.

    Alliance admins are staff users holding the `directory.review_consultant` permission
    (see accounts.roles); they are never created through registration.
    """

    class Role(models.TextChoices):
        PROGRAM = "program", "Program staff"
        CONSULTANT = "consultant", "Consultant"

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
