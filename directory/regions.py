"""Regions: named groups of counties that a state organises its services by."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.validators import state_validator


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
