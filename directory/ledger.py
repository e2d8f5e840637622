"""A consultant's renewal ledger (docs/domain.md, "Credentials"): the reflective supervision or
consultation (RSC) and the training they log once, and the renewal rule read from it.

The rule, for each endorsement that is endorsed: in its **endorsement year** (the twelve months
ending on its renewal date; without a renewal date, the twelve months ending today) the
consultant logged at least RENEWAL_TRAINING_HOURS of training and, for the categories of
ENDORSEMENTS_NEEDING_RSC (specialists, reflective supervisors and mentors), at least
RENEWAL_RSC_HOURS of RSC. Both bounds count: 15.00 hours meet the rule, 14.75 do not.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.vocabularies import (
    ENDORSEMENTS_NEEDING_RSC,
    EndorsementStatus,
    LedgerKind,
    SupervisionFormat,
)
from iecmhc.validators import SingleLineValidator

RENEWAL_TRAINING_HOURS = Decimal("15")
RENEWAL_RSC_HOURS = Decimal("12")


class LedgerEntry(models.Model):
    """One session of RSC (with its format and supervisor) or one training (with its title)."""

    consultant = models.ForeignKey(
        "directory.Consultant", on_delete=models.CASCADE, related_name="ledger_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    supervision_format = models.CharField(
        _("individual or group"), max_length=16, choices=SupervisionFormat.choices, blank=True
    )
    supervisor_name = models.CharField(
        _("supervisor's name"), max_length=120, blank=True, validators=[SingleLineValidator()]
    )
    title = models.CharField(
        _("training title"), max_length=200, blank=True, validators=[SingleLineValidator()]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["consultant", "date"], name="ledger_consultant_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.date}: {self.hours} h"


def endorsement_year(renewal_date: date | None, today: date) -> tuple[date, date]:
    """The first and last day of the endorsement year: the year ending on the renewal date
    (or today, without one). 29 February falls back to 28 February a year before."""
    end = renewal_date or today
    try:
        start = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 1, day=28)
    return start + timedelta(days=1), end


@dataclass(frozen=True)
class RenewalStatus:
    category: str
    start: date
    end: date
    training_hours: Decimal
    rsc_hours: Decimal
    needs_rsc: bool

    @property
    def training_met(self) -> bool:
        return self.training_hours >= RENEWAL_TRAINING_HOURS

    @property
    def rsc_met(self) -> bool:
        return not self.needs_rsc or self.rsc_hours >= RENEWAL_RSC_HOURS

    @property
    def met(self) -> bool:
        return self.training_met and self.rsc_met

    @property
    def training_needed(self) -> Decimal:
        return RENEWAL_TRAINING_HOURS

    @property
    def rsc_needed(self) -> Decimal:
        return RENEWAL_RSC_HOURS if self.needs_rsc else Decimal("0")


def renewal_status(
    entries, *, category: str, renewal_date: date | None, today: date
) -> RenewalStatus:
    """The renewal rule for one endorsement, over `entries` (LedgerEntry or anything with
    kind, date and hours)."""
    start, end = endorsement_year(renewal_date, today)
    totals = {LedgerKind.RSC: Decimal("0"), LedgerKind.TRAINING: Decimal("0")}
    for entry in entries:
        if start <= entry.date <= end:
            totals[entry.kind] += Decimal(entry.hours)
    return RenewalStatus(
        category=category,
        start=start,
        end=end,
        training_hours=totals[LedgerKind.TRAINING],
        rsc_hours=totals[LedgerKind.RSC],
        needs_rsc=category in ENDORSEMENTS_NEEDING_RSC,
    )


def renewal_statuses(consultant, entries, *, today: date) -> list[RenewalStatus]:
    """The renewal rule for each of the consultant's endorsed categories, over `entries`."""
    return [
        renewal_status(entries, category=e.category, renewal_date=e.renewal_date, today=today)
        for e in consultant.endorsements.filter(status=EndorsementStatus.ENDORSED)
    ]


CSV_HEADER = ["date", "kind", "hours", "individual_or_group", "supervisor", "training_title"]


def ledger_csv(entries) -> str:
    """The ledger as CSV, oldest first, for the consultant's renewal application. Cells that
    a spreadsheet would run as a formula are prefixed with an apostrophe."""

    def cell(value: str) -> str:
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for e in sorted(entries, key=lambda e: (e.date, e.pk or 0)):
        writer.writerow(
            [
                e.date.isoformat(),
                e.kind,
                f"{Decimal(e.hours):.2f}",
                e.supervision_format,
                cell(e.supervisor_name),
                cell(e.title),
            ]
        )
    return out.getvalue()
