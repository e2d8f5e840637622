"""Consultation requests and what happens to them: offers, engagements, contacts, closure.

Children and families are not users and their identity never enters the system: a request about
one child holds the child's age in months and the fact that a parent consented, nothing more.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.outcome_models import Exclusion, FollowUp, Instrument, Score  # noqa: F401
from consultations.version_models import MatchingVersion  # noqa: F401
from directory.fields import CodeListField
from directory.models import Consultant, Language, Program, phone_validator
from directory.vocabularies import (
    ClosureReason,
    Concern,
    ContactActivity,
    ContactType,
    EngagementPhase,
    FocusType,
    Modality,
    RaceEthnicity,
    ReferralSource,
    YesNoUnknown,
)
from iecmhc.constraints import CheckConstraint

MAX_CHILD_AGE_MONTHS = 96  # early childhood: birth to eight


def default_weekly_hours(focus: str) -> Decimal:
    """The hours a week an engagement at this level takes before its plan says otherwise."""
    return Decimal(str(settings.ENGAGEMENT_DEFAULT_WEEKLY_HOURS[focus]))


def weekly_hours(focus: str, planned_hours_per_week) -> Decimal:
    """An engagement's weight on a caseload: its plan's hours a week, else its level's default
    (ConsultationRequest.weekly_hours; matching reads it from plain values)."""
    if planned_hours_per_week is not None:
        return Decimal(planned_hours_per_week)
    return default_weekly_hours(focus)


class ConsultationRequest(models.Model):
    """A program's request for consultation, from submission to closure."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        OFFERED = "offered", _("Offered to a consultant")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        PRIORITY = "priority", _("Priority: a child at risk of suspension or expulsion")

    class RequestModality(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        VIRTUAL = "virtual", _("Virtual")
        EITHER = "either", _("On site or virtual")

    # The statuses in which a consultant is attached to the request.
    WITH_CONSULTANT = (Status.OFFERED, Status.ACTIVE, Status.CLOSED)
    OPEN = (Status.SUBMITTED, Status.OFFERED, Status.ACTIVE)

    # The workflow: the statuses each transition may start from. The services refuse any other
    # (StateConflict, 409) and the pages show a transition's button only from these.
    TRANSITIONS = {
        "offer": (Status.SUBMITTED,),
        "accept": (Status.OFFERED,),
        "decline": (Status.OFFERED,),
        "expire": (Status.OFFERED,),
        "withdraw": (Status.SUBMITTED, Status.OFFERED),
        "close": (Status.ACTIVE,),
        "log_contact": (Status.ACTIVE,),
        # The first-contact clock (consultations.first_contact): a call logged in one tap by
        # the consultant it is offered or assigned to.
        "log_call": (Status.OFFERED, Status.ACTIVE),
        # Waitlist and brief consultation (consultations.waitlist).
        "route_brief": (Status.SUBMITTED,),
    }

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_requests"
    )
    focus = models.CharField(max_length=16, choices=FocusType.choices)
    concerns = CodeListField(vocabulary=Concern)
    child_age_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_CHILD_AGE_MONTHS)],
        help_text=_("Only for a request about one child; never a name or birth date."),
    )
    parent_consent = models.BooleanField(
        default=False, help_text=_("A parent consented to consultation about their child.")
    )
    # A child's demographics, only with a parent's consent to record them (docs/domain.md,
    # "Equity"): categories with no identity, for the funder report's aggregates only.
    child_demographics_consent = models.BooleanField(default=False)
    child_race_ethnicity = CodeListField(vocabulary=RaceEthnicity)
    child_has_iep_ifsp = models.CharField(max_length=8, choices=YesNoUnknown.choices, blank=True)
    preferred_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language_required = models.BooleanField(default=False)
    modality = models.CharField(
        max_length=16, choices=RequestModality.choices, default=RequestModality.EITHER
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    description = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    # The consultant it is offered to (offered) or assigned to (active, closed).
    consultant = models.ForeignKey(
        Consultant, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Outcomes, set at closure.
    closure_reason = models.CharField(max_length=32, choices=ClosureReason.choices, blank=True)
    suspension_prevented = models.BooleanField(null=True, blank=True)
    goals_met = models.BooleanField(null=True, blank=True)
    closure_note = models.TextField(blank=True, max_length=2000)
    # For child-focused work, asked at closure (docs/domain.md, "Closure and follow-up").
    maintained_in_program = models.BooleanField(null=True, blank=True)
    exclusion = models.CharField(max_length=16, choices=Exclusion.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The front door (docs/domain.md): who brought the request, when the Alliance received it
    # (it may be entered later, after a phone call), and who entered it on the program's behalf.
    referral_source = models.CharField(
        max_length=32, choices=ReferralSource.choices, default=ReferralSource.PROGRAM_STAFF
    )
    received_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Alliance admin who entered the request for the program (phone intake).",
    )
    # How to reach the person who asked, when they gave a phone number (the public form, phone
    # intake): shown with the program's contacts.
    contact_phone = models.CharField(
        max_length=25, blank=True, validators=[phone_validator], editable=False
    )
    # The first-contact clock: the consultant's first logged contact of any kind.
    first_contact_at = models.DateTimeField(null=True, blank=True)
    # When first contact is due (consultations.first_contact: business days in the program's
    # state from received_at), and when the Alliance was told it is overdue (once).
    first_contact_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The waitlist (consultations.waitlist): since when no consultant can take the request,
    # why (consultants excluded by each hard constraint), and when a place may come free.
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    waitlist_reasons = models.JSONField(default=dict, blank=True, editable=False)
    waitlist_estimate = models.DateField(null=True, blank=True, editable=False)
    # Routed to the statewide brief team: 1 to 3 virtual sessions.
    brief = models.BooleanField(default=False, editable=False)

    # The engagement plan, recorded by the consultant on acceptance or in the first contacts.
    goals = models.TextField(blank=True, max_length=2000)
    planned_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    planned_hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("40"))],
    )
    phase = models.CharField(max_length=16, choices=EngagementPhase.choices, blank=True)

    # The audit trail of every field (the events above tell the workflow in words).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"], name="request_queue_idx"),
            models.Index(fields=["consultant", "status"], name="request_consultant_idx"),
            models.Index(fields=["program", "status"], name="request_program_idx"),
            # The lists, each in the order it sorts (issue 19): everyone's newest first, by
            # status (the API's ?status=), by program (a program's staff), a caseload.
            models.Index(fields=["-created_at", "-id"], name="request_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="request_status_new_idx"),
            models.Index(fields=["program", "-created_at", "-id"], name="request_program_new_idx"),
            models.Index(
                fields=["consultant", "status", "accepted_at", "id"], name="request_caseload_idx"
            ),
        ]
        constraints = [
            CheckConstraint(
                condition=~Q(focus=FocusType.CHILD)
                | Q(parent_consent=True, child_age_months__isnull=False),
                name="request_child_focus_needs_consent_and_age",
            ),
            CheckConstraint(
                condition=Q(focus=FocusType.CHILD) | Q(child_age_months__isnull=True),
                name="request_child_age_only_for_child_focus",
            ),
            CheckConstraint(
                condition=Q(child_demographics_consent=False, child_has_iep_ifsp="")
                | Q(focus=FocusType.CHILD, child_demographics_consent=True),
                name="request_child_demographics_need_child_focus_and_consent",
            ),
            CheckConstraint(
                condition=Q(status__in=["offered", "active", "closed"], consultant__isnull=False)
                | Q(status__in=["submitted", "withdrawn"], consultant__isnull=True),
                name="request_consultant_matches_status",
            ),
        ]

    def __str__(self):
        return f"Request #{self.pk} ({self.get_status_display()}) — {self.program.name}"

    def allows(self, transition: str) -> bool:
        """Whether the workflow allows `transition` from the current status (see TRANSITIONS)."""
        return self.status in self.TRANSITIONS[transition]

    def can_offer(self) -> bool:
        return self.allows("offer")

    def can_accept(self) -> bool:
        return self.allows("accept")

    def can_decline(self) -> bool:
        return self.allows("decline")

    def can_expire(self) -> bool:
        return self.allows("expire")

    def can_withdraw(self) -> bool:
        return self.allows("withdraw")

    def can_close(self) -> bool:
        return self.allows("close")

    def can_log_contact(self) -> bool:
        return self.allows("log_contact")

    def can_log_call(self) -> bool:
        return self.allows("log_call")

    def can_route_brief(self) -> bool:
        return self.allows("route_brief")

    @property
    def planned_end_date(self):
        """When the plan says the engagement ends: acceptance plus the planned weeks."""
        if self.accepted_at is None or self.planned_weeks is None:
            return None
        return timezone.localdate(self.accepted_at) + timedelta(weeks=self.planned_weeks)

    @property
    def weekly_hours(self) -> Decimal:
        """The hours a week this engagement takes: its plan's, or the default for its level."""
        return weekly_hours(self.focus, self.planned_hours_per_week)

    @property
    def is_priority(self) -> bool:
        return self.urgency == self.Urgency.PRIORITY

    @property
    def accepts_virtual(self) -> bool:
        return self.modality in (self.RequestModality.VIRTUAL, self.RequestModality.EITHER)

    @property
    def accepts_on_site(self) -> bool:
        return self.modality in (self.RequestModality.ON_SITE, self.RequestModality.EITHER)


class RequestEvent(models.Model):
    """One step of a request's history: who, when, what, from which status to which, why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Offer expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")
        FIRST_CONTACT = "first_contact", _("First contact")
        WAITLISTED = "waitlisted", _("Waitlisted")
        BRIEF_TEAM = "brief_team", _("Routed to the brief team")

    class ActorRole(models.TextChoices):
        PROGRAM = "program", _("Program staff")
        CONSULTANT = "consultant", _("Consultant")
        ADMIN = "admin", _("Alliance admin")
        SYSTEM = "system", _("System")

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    # None for the system (an offer's expiry).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request_events",
    )
    # The actor's role when they acted (history keeps it even if the role changes later).
    actor_role = models.CharField(max_length=16, choices=ActorRole.choices)
    # The consultant the step concerns (offered to, accepted by, declined by ...).
    consultant = models.ForeignKey(
        Consultant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(
        max_length=16, choices=ConsultationRequest.Status.choices, blank=True
    )
    to_status = models.CharField(max_length=16, choices=ConsultationRequest.Status.choices)
    note = models.TextField(blank=True, max_length=2000)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["consultant", "action"], name="event_consultant_action_idx"),
            # A request's history, in order (issue 19).
            models.Index(fields=["request", "at", "id"], name="event_request_at_idx"),
        ]

    def __str__(self):
        return f"#{self.request_id} {self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"


class Contact(models.Model):
    """One logged piece of consultation work on an active engagement."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="contacts"
    )
    consultant = models.ForeignKey(Consultant, on_delete=models.PROTECT, related_name="contacts")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    # What the time went into (docs/domain.md, "Contacts by activity"). Empty only on a
    # contact logged before activities as "other": its old type is kept below, unclassified.
    activity = models.CharField(max_length=32, choices=ContactActivity.choices, blank=True)
    # The type contacts had before activities: kept so that nothing of them is lost.
    contact_type = models.CharField(max_length=32, choices=ContactType.choices, blank=True)
    modality = models.CharField(max_length=16, choices=Modality.choices)
    note = models.TextField(blank=True, max_length=2000)
    # A note is the consultant's own (and the Alliance's, which supervises the work) unless
    # shared: the program never sees an unshared note (selectors.contact_list).
    shared_with_program = models.BooleanField(
        default=False,
        help_text=_("The program sees the note only when it is shared."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["consultant", "date"], name="contact_consultant_date_idx"),
            # A request's contacts, in order (issue 19).
            models.Index(fields=["request", "date", "id"], name="contact_request_date_idx"),
        ]
        constraints = [
            CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720), name="contact_minutes_in_range"
            ),
        ]

    def __str__(self):
        label = self.get_activity_display() or self.get_contact_type_display()
        return f"{label} on {self.date} ({self.minutes} min)"


class UnmetDemand(ConsultationRequest):
    """The admin's view of open requests no consultant may take (see reports.unmet_demand)."""

    class Meta:
        proxy = True
        verbose_name = _("unmet demand")
        verbose_name_plural = _("unmet demand")


class SubmissionKey(models.Model):
    """A key a client sent with a new request (the API's `Idempotency-Key` header, or the
    request page's one-time form token): the same key from the same user within
    SUBMISSION_KEY_HOURS returns the request it first made instead of making another."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_keys"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the body first sent with the key: the same key with another body is refused.
    fingerprint = models.CharField(max_length=64)
    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="submission_keys"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_key_user_key_unique")
        ]

    def __str__(self):
        return f"{self.key} → request #{self.request_id}"


class IntakeSubmission(models.Model):
    """A request from the public form (consultations.intake), waiting for its sender to confirm
    it by the emailed link. Only the link's SHA-256 digest is kept; the fields are kept as
    validated, and become a request (with its program and contact person) on confirmation."""

    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    request = models.OneToOneField(
        ConsultationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_submission",
    )

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="intake_expires_idx")]

    def __str__(self):
        return f"Public request from {self.email} ({self.created_at:%Y-%m-%d %H:%M})"
