from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from directory.fields import CodeListField
from directory.regions import RURAL_RUCC_FROM
from directory.search import search_text_expression
from directory.validators import phone_validator, state_validator, zip_validator
from directory.vocabularies import (
    AgeGroup,
    LicenseType,
    Modality,
    ProgramLicenseType,
    SettingType,
    Specialty,
    TribalNation,
)
from iecmhc.constraints import CheckConstraint
from iecmhc.validators import SingleLineValidator

# Names appear in email subjects and page titles: one line, no control or text-direction
# characters (iecmhc.validators).
single_line = SingleLineValidator()


# Bounds of list inputs (every list input is bounded; see iecmhc.serializers): more than any
# one listing or program could name. Texas has the most counties of any state, 254.
MAX_COUNTIES_PER_STATE = 254
# More than the language vocabulary holds (tests/directory/test_list_inputs.py checks it).
MAX_LANGUAGES = 100


class County(models.Model):
    """A US county (or county equivalent), known by state and five-digit FIPS code."""

    name = models.CharField(max_length=100)
    state = models.CharField(max_length=2, validators=[state_validator])
    fips = models.CharField(max_length=5, unique=True)
    rucc_code = models.PositiveSmallIntegerField(
        _("Rural-Urban Continuum Code (2023)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("USDA ERS, 1-3 metro (urban), 4-9 nonmetro (rural)."),
    )  # fmt: skip

    class Meta:
        ordering = ["state", "name"]
        verbose_name_plural = "counties"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="county_state_name_unique"),
        ]

    def __str__(self):
        return f"{self.name}, {self.state}"

    @property
    def is_rural(self) -> bool | None:
        """Rural (nonmetro) or urban (metro) by the county's RUCC; None while it has none."""
        return None if self.rucc_code is None else self.rucc_code >= RURAL_RUCC_FROM


class Language(models.Model):
    """A language by ISO 639 code (639-1 where one exists, else 639-3: hmn, ase, ...)."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _hundredths(hours) -> int:
    return round(float(hours) * 100)


def lightest_weekly_hours() -> float:
    """The weight of a place when no request is in view: the lightest level's default hours
    (settings.ENGAGEMENT_DEFAULT_WEEKLY_HOURS), so "places free" counts the most that could fit."""
    return min(settings.ENGAGEMENT_DEFAULT_WEEKLY_HOURS.values())


def places_free(
    max_caseload: int,
    active_caseload: int,
    open_offers: int,
    hours_free: float | None = None,
    weekly_hours: float | None = None,
) -> int:
    """Places a new offer may take, by both limits: engagements and offers awaiting an answer
    each hold one place of the caseload, and their weekly hours hold hours of the week.

    `hours_free`: the hours a week the consultant stated less the hours committed (None when
    they stated none: only the caseload limits). `weekly_hours`: the weight of the request in
    view (ConsultationRequest.weekly_hours); without one, lightest_weekly_hours(). The one
    definition; ConsultantQuerySet.free_place_condition is its SQL form."""
    places = max(max_caseload - active_caseload - open_offers, 0)
    if hours_free is None:
        return places
    weight = _hundredths(lightest_weekly_hours() if weekly_hours is None else weekly_hours)
    return min(places, max(_hundredths(hours_free), 0) // max(weight, 1))


class ConsultantQuerySet(models.QuerySet):
    @staticmethod
    def free_place_condition(weekly_hours: float | None = None) -> models.Q:
        """places_free(..., weekly_hours) > 0 as a condition (for filters and matching's CASE
        of constraints): a place on the caseload, and the request's hours within those free."""
        weight = lightest_weekly_hours() if weekly_hours is None else weekly_hours
        weight = Decimal(_hundredths(weight)) / 100
        return models.Q(active_caseload__lt=models.F("max_caseload") - models.F("open_offers")) & (
            models.Q(hours_per_week__isnull=True)
            | models.Q(hours_per_week__gte=models.F("hours_committed") + weight)
        )

    def has_free_place(self, free: bool = True) -> "ConsultantQuerySet":
        """Listings with a place free (or, with free=False, without one)."""
        condition = self.free_place_condition()
        return self.filter(condition) if free else self.exclude(condition)

    def with_hours_free(self, hours: float) -> "ConsultantQuerySet":
        """Listings with at least `hours` a week free (or no hours stated)."""
        return self.filter(
            models.Q(hours_per_week__isnull=True)
            | models.Q(hours_per_week__gte=models.F("hours_committed") + Decimal(str(hours)))
        )


class Consultant(models.Model):
    """A consultant's directory listing: one per user, public only once approved."""

    class ListingStatus(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUSPENDED = "suspended", "Suspended"

    # Fields the public sees: an owner's change to any of these on an approved listing sends
    # it back for review. Capacity and availability are operational and change freely.
    PUBLIC_FIELDS = frozenset(
        {
            "display_name",
            "bio",
            "license_type",
            "license_state",
            "license_number",
            "license_expires",
            "languages",
            "counties_served",
            "base_zip",
            "travel_radius_miles",
            "modalities",
            "setting_types",
            "specialties",
            "public_email",
            "public_phone",
        }
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultant"
    )
    display_name = models.CharField(max_length=120, validators=[single_line])
    bio = models.TextField(blank=True, max_length=4000)
    license_type = models.CharField(max_length=32, choices=LicenseType.choices)
    # The licence (docs/domain.md, "Credentials"); verified by the Alliance on approval.
    license_state = models.CharField(
        _("licence state"), max_length=2, blank=True, validators=[state_validator]
    )
    license_number = models.CharField(
        _("licence number"), max_length=40, blank=True, validators=[single_line]
    )
    license_expires = models.DateField(_("licence expires"), null=True, blank=True)
    license_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    license_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    languages = models.ManyToManyField(Language, related_name="consultants", blank=True)
    counties_served = models.ManyToManyField(County, related_name="consultants", blank=True)
    base_zip = models.CharField(max_length=5, validators=[zip_validator])
    base_state = models.CharField(max_length=2, editable=False)
    base_latitude = models.FloatField(null=True, editable=False)
    base_longitude = models.FloatField(null=True, editable=False)
    travel_radius_miles = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(500)]
    )
    modalities = CodeListField(vocabulary=Modality)
    setting_types = CodeListField(vocabulary=SettingType)
    specialties = CodeListField(vocabulary=Specialty)
    max_caseload = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # Maintained only by the consultation services, under a lock on this row: engagements
    # under way, and offers awaiting an answer (each holds a place until accepted or lapsed).
    active_caseload = models.PositiveSmallIntegerField(default=0, editable=False)
    open_offers = models.PositiveSmallIntegerField(default=0, editable=False)
    # Capacity in hours (docs/domain.md, "Capacity"): what the consultant states (None: not
    # stated, only the caseload limits) and, kept by the consultation services under the same
    # lock, the weekly hours of their engagements and open offers.
    hours_per_week = models.DecimalField(
        _("hours a week available for consultation"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )
    hours_committed = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"), editable=False
    )
    accepting_new_requests = models.BooleanField(default=True)
    # The statewide brief-consultation team (docs/domain.md, "Waitlist and brief
    # consultation"): set by the Alliance; matching lets its members work virtually in any
    # county of their state (consultations.matching.rules.ConsultantFacts.offers_virtual).
    brief_team = models.BooleanField(
        _("statewide brief team"),
        default=False,
        help_text=_("Serves any county of the state virtually, for 1 to 3 sessions."),
    )
    listing_status = models.CharField(
        max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    public_email = models.EmailField(blank=True)
    public_phone = models.CharField(max_length=25, blank=True, validators=[phone_validator])
    # Private: shared with a program only once the consultant accepts its request.
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=25, blank=True, validators=[phone_validator])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Name and bio without accents, in lower case, kept by the database (directory.search).
    search_text = models.GeneratedField(
        expression=search_text_expression(), output_field=models.TextField(), db_persist=True
    )

    # The audit trail: who changed what, when. The caseload counters move with every offer
    # and answer (the requests' own history tells those), so they are left out of it.
    objects = ConsultantQuerySet.as_manager()

    history = HistoricalRecords(
        excluded_fields=[
            "active_caseload",
            "open_offers",
            "hours_committed",
            "updated_at",
            "search_text",
        ],
        m2m_fields=[languages, counties_served],
    )

    class Meta:
        ordering = ["display_name", "id"]
        permissions = [
            ("review_consultant", "Can approve, reject and suspend consultant listings"),
        ]
        indexes = [
            # The directory's page: approved listings in name order, read off the index.
            models.Index(
                fields=["listing_status", "display_name", "id"], name="consultant_status_name_idx"
            ),
            # The Alliance's list of every listing, in name order (issue 19).
            models.Index(fields=["display_name", "id"], name="consultant_name_idx"),
        ]
        constraints = [
            CheckConstraint(
                condition=models.Q(max_caseload__gte=1), name="consultant_max_caseload_positive"
            ),
            CheckConstraint(
                condition=models.Q(travel_radius_miles__lte=500),
                name="consultant_travel_radius_at_most_500",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_public(self) -> bool:
        return self.listing_status == self.ListingStatus.APPROVED

    @property
    def hours_free(self) -> Decimal | None:
        if self.hours_per_week is None:
            return None
        return self.hours_per_week - self.hours_committed

    @property
    def places_free(self) -> int:
        return places_free(
            self.max_caseload, self.active_caseload, self.open_offers, self.hours_free
        )

    def places_free_for(self, weekly_hours) -> int:
        """Places free for an engagement of `weekly_hours` (a request's weight)."""
        return places_free(
            self.max_caseload, self.active_caseload, self.open_offers, self.hours_free, weekly_hours
        )

    @property
    def license_verified(self) -> bool:
        return self.license_verified_at is not None


class Program(models.Model):
    """An early childhood setting that asks for consultation; its staff are its members."""

    name = models.CharField(max_length=200, validators=[single_line])
    setting_type = models.CharField(max_length=32, choices=SettingType.choices)
    # The state's license number: unique when given, the key the licensing list imports by.
    license_number = models.CharField(max_length=40, blank=True, validators=[single_line])
    street = models.CharField(max_length=200, blank=True, validators=[single_line])
    city = models.CharField(max_length=100, validators=[single_line])
    state = models.CharField(max_length=2, validators=[state_validator])
    zip = models.CharField(max_length=5, validators=[zip_validator])
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="programs")
    latitude = models.FloatField(null=True, editable=False)
    longitude = models.FloatField(null=True, editable=False)
    ages_served = CodeListField(vocabulary=AgeGroup)
    languages = models.ManyToManyField(Language, related_name="programs", blank=True)
    enrollment = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    phone = models.CharField(max_length=25, blank=True, validators=[phone_validator])
    email = models.EmailField(blank=True)
    # From the state's list of licensed programs (directory.program_import); blank for a
    # program that registered itself and is not on the list.
    license_type = models.CharField(
        max_length=32, choices=ProgramLicenseType.choices, blank=True, default=""
    )
    licensed_capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    licensed_age_min_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    licensed_age_max_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    accepts_subsidy = models.BooleanField(null=True, blank=True)
    quality_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # A program of a tribal nation: reports show it only as the nation's steward allows.
    tribal_affiliation = models.CharField(max_length=32, choices=TribalNation.choices, blank=True)
    # False once the program has left the state's list; it is kept, with its members and
    # requests, and comes back to life if it reappears.
    is_active = models.BooleanField(default=True)
    license_list_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProgramMembership", related_name="programs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[languages])

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["state", "county"]),
            # The programs list, in name order (issue 19).
            models.Index(fields=["name", "id"], name="program_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["license_number"],
                condition=~models.Q(license_number=""),
                name="program_license_number_unique",
                violation_error_message="Another program already has this license number.",
            ),
            CheckConstraint(
                condition=models.Q(quality_rating__isnull=True)
                | models.Q(quality_rating__gte=1, quality_rating__lte=5),
                name="program_quality_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city}, {self.state})"


class ProgramMembership(models.Model):
    """A user's membership of a program's staff (a user may belong to several programs)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.program}"


# Credentials and the renewal ledger: models of their own modules, registered here.
from directory.credentials import ConsultantEndorsement, CredentialReminder  # noqa: E402, F401
from directory.ledger import LedgerEntry  # noqa: E402, F401
from directory.regions import Region  # noqa: E402, F401

# The review history and the approval queue, in a module of their own (they need Consultant).
from directory.review_models import ListingDecision, ListingReviewQueue  # noqa: E402, F401
from directory.search_version import SearchVersion  # noqa: E402, F401
from directory.tribal import TribalDataSetting  # noqa: E402, F401
