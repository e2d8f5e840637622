"""Tribal data governance (docs/domain.md, "Tribal nations"): how much each nation's data the
reports may show, as that nation's designated data steward decided. The Alliance records the
decision; a nation with no decision recorded is hidden."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.vocabularies import TribalNation
from iecmhc.validators import single_line


class TribalReporting(models.TextChoices):
    HIDDEN = "hidden", _("Hidden: counted only in one total of tribal programs not shown")
    AGGREGATE_ONLY = "aggregate_only", _("In totals only, never in a row of their own")
    FULL = "full", _("Shown like any other program")


class TribalDataSetting(models.Model):
    """One nation's reporting decision, with its data steward and who recorded it when."""

    nation = models.CharField(_("nation"), max_length=32, choices=TribalNation.choices, unique=True)
    reporting = models.CharField(
        _("reporting"),
        max_length=16,
        choices=TribalReporting.choices,
        default=TribalReporting.HIDDEN,
    )
    steward = models.CharField(
        _("data steward"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("The person or office the nation designated to decide on its data."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nation"]
        verbose_name = _("tribal data setting")
        verbose_name_plural = _("tribal data settings")

    def __str__(self):
        return f"{self.get_nation_display()}: {self.get_reporting_display()}"


def reporting_by_nation() -> dict[str, str]:
    """Every nation's reporting level (HIDDEN where the Alliance recorded nothing)."""
    levels = dict.fromkeys(TribalNation.values, TribalReporting.HIDDEN.value)
    levels.update(TribalDataSetting.objects.values_list("nation", "reporting"))
    return levels
