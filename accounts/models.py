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
