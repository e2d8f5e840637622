"""Consultants' credentials (docs/domain.md, "Credentials"): the licence, which lives on the
listing, and the IMH-E®/ECMH-E® endorsements, one row each; the rules that read their dates.

The rules are plain functions of dates, so matching (rules, facts, batch), the directory's
filters and the reminders read one definition each:

- a licence has **lapsed** the day after its expiry date (`license_lapsed`; in SQL,
  `license_current_condition`);
- an endorsement is **current** when it is endorsed and its renewal date has not passed, or
  while it is in process (`endorsement_current`);
- reminders go out 60 and 14 days before a licence expiry or renewal date, and to the Alliance
  on the day after it (`REMINDER_DAYS`, `reminder_due`).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.vocabularies import ENDORSEMENT_AGES, Endorsement, EndorsementStatus

# Days before a date that the consultant is reminded of it; "lapsed" goes to the Alliance.
REMINDER_DAYS = (60, 14)
LAPSED = "lapsed"


def license_lapsed(expires: date | None, today: date) -> bool:
    """A licence with an expiry date is valid through that day and lapsed after it; one with
    none (no clinical licence, or none given) never lapses."""
    return expires is not None and expires < today


def license_current_condition(today: date) -> models.Q:
    """not license_lapsed() as a condition on consultants (matching's SQL, the filters)."""
    return models.Q(license_expires__isnull=True) | models.Q(license_expires__gte=today)


def license_shown_verified(consultant, today: date) -> bool:
    """What the public directory says: "licence verified" when the Alliance verified a licence
    that has not lapsed."""
    return (
        consultant.license_verified_at is not None
        and consultant.license_type != "none"
        and not license_lapsed(consultant.license_expires, today)
    )


def license_verified_condition(today: date) -> models.Q:
    """license_shown_verified() as a condition on consultants (the directory's filter)."""
    return (
        models.Q(license_verified_at__isnull=False)
        & ~models.Q(license_type="none")
        & license_current_condition(today)
    )


def current_endorsement_condition(category: str, today: date) -> models.Q:
    """Consultants holding `category` current today (endorsement_current, in SQL)."""
    current = models.Q(endorsements__status=EndorsementStatus.IN_PROCESS) | models.Q(
        endorsements__renewal_date__isnull=True
    )
    current |= models.Q(endorsements__renewal_date__gte=today)
    return models.Q(endorsements__category=category) & current


def endorsement_current(status: str, renewal_date: date | None, today: date) -> bool:
    """Does an endorsement count today: endorsed and not past its renewal date, or in process."""
    if status == EndorsementStatus.IN_PROCESS:
        return True
    return renewal_date is None or renewal_date >= today


def reminder_due(deadline: date | None, today: date) -> str | None:
    """Which reminder of `deadline` is due today, if any: "60", "14" (days before; the latest
    step reached, so a missed run catches up with one email, not two) or "lapsed" (after)."""
    if deadline is None:
        return None
    if deadline < today:
        return LAPSED
    left = (deadline - today).days
    due = [days for days in REMINDER_DAYS if left <= days]
    return str(min(due)) if due else None


class ConsultantEndorsement(models.Model):
    """One endorsement category a consultant holds or is working towards, verified by the
    Alliance when it approves the listing; a change to a verified one sends the listing back
    to review (directory.credential_services)."""

    consultant = models.ForeignKey(
        "directory.Consultant", on_delete=models.CASCADE, related_name="endorsements"
    )
    category = models.CharField(
        _("category"),
        max_length=48,
        choices=[(c, label) for c, label in Endorsement.choices if c != Endorsement.NONE],
    )
    status = models.CharField(_("status"), max_length=16, choices=EndorsementStatus.choices)
    number = models.CharField(_("endorsement number"), max_length=40, blank=True)
    renewal_date = models.DateField(_("renewal date"), null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The fields whose change needs the Alliance to verify the endorsement again.
    VERIFIED_FIELDS = ("category", "status", "number", "renewal_date")

    class Meta:
        ordering = ["consultant", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultant", "category"], name="endorsement_consultant_category_unique"
            ),
        ]
        indexes = [models.Index(fields=["category", "status"], name="endorsement_category_idx")]

    def __str__(self):
        return f"{self.get_category_display()} ({self.get_status_display()})"

    @property
    def ages(self) -> str:
        return ENDORSEMENT_AGES[self.category]

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def is_current(self, today: date) -> bool:
        return endorsement_current(self.status, self.renewal_date, today)


class CredentialReminder(models.Model):
    """A reminder sent: one per credential, deadline and step ("60", "14", "lapsed"), so the
    periodic job sends each once however often it runs."""

    consultant = models.ForeignKey(
        "directory.Consultant", on_delete=models.CASCADE, related_name="credential_reminders"
    )
    credential = models.CharField(max_length=64)  # "license" or "endorsement:<category>"
    deadline = models.DateField()
    step = models.CharField(max_length=8)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultant", "credential", "deadline", "step"],
                name="credential_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.consultant_id} {self.credential} {self.deadline} ({self.step})"
