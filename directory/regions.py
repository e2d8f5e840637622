"""Regions: named groups of counties that a state organises its services by; and a county's
rurality (docs/domain.md, "Regions" and "Rurality")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.validators import state_validator

# USDA Rural-Urban Continuum Codes: 1-3 are metro counties (urban), 4-9 nonmetro (rural).
RURAL_RUCC_FROM = 4


def rural_condition(county: str = "county") -> Q:
    """Rural, in SQL, for a query reaching a county through `county` (e.g. "program__county");
    `County.is_rural` is the same rule on one record. A county without a code is neither."""
    return Q(**{f"{county}__rucc_code__gte": RURAL_RUCC_FROM})


def urban_condition(county: str = "county") -> Q:
    return Q(**{f"{county}__rucc_code__lt": RURAL_RUCC_FROM})


class Region(models.Model):
    """A named group of counties that services are organised by (docs/domain.md, "Regions").

    A state has several schemes side by side (Wisconsin: the DCF child care licensing regions,
    the DHS public health regions and the CCR&R service areas); within one scheme a county
    belongs to one region. Filters and reports work by region as well as by county.
    """

    class Scheme(models.TextChoices):
        LICENSING = "licensing", _("Child care licensing region")
        PUBLIC_HEALTH = "public_health", _("Public health region")
        CCRR = "ccrr", _("Child care resource and referral area")

    state = models.CharField(max_length=2, validators=[state_validator])
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    counties = models.ManyToManyField("directory.County", related_name="regions", blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="The public source the assignment was checked on."
    )

    class Meta:
        ordering = ["state", "scheme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "scheme", "code"], name="region_state_scheme_code_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_scheme_display()})"


def counties_in_other_regions(*, state: str, scheme: str, counties, region_id=None):
    """Of `counties`, those already in another region of the same state and scheme: within
    one scheme a county belongs to one region."""
    others = Region.objects.filter(state=state, scheme=scheme)
    if region_id is not None:
        others = others.exclude(pk=region_id)
    taken = set(others.values_list("counties", flat=True))
    return [county for county in counties if county.pk in taken]
