"""The first-contact and waitlist reports (docs/domain.md, "First contact"; the Alliance's
report page and GET /api/v1/reports/first-contact/).

For the requests received in the range whose first contact was due by now (or came): the
median hours from receipt to first contact (of those contacted), and the share contacted
within target (contacted in time, of those contacted or overdue), by county, region, language
and urgency. The waitlist: submitted requests waitlisted now, by county and language.
"""

import statistics
from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from consultations.models import ConsultationRequest
from directory.models import Region

Status = ConsultationRequest.Status
NO_PREFERENCE = "No preference"


def _rows(date_from: date | None, date_to: date | None, now):
    qs = ConsultationRequest.objects.filter(
        Q(first_contact_at__isnull=False) | Q(first_contact_due_at__lte=now)
    ).exclude(status=Status.WITHDRAWN, first_contact_at__isnull=True)
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs.values(
        "received_at",
        "first_contact_at",
        "first_contact_due_at",
        "urgency",
        "program__county_id",
        "program__county__name",
        "program__county__state",
        "preferred_language__name",
    )


def _summary(rows: list[dict]) -> dict:
    hours = [
        (r["first_contact_at"] - r["received_at"]).total_seconds() / 3600
        for r in rows
        if r["first_contact_at"] is not None
    ]
    within = sum(
        1
        for r in rows
        if r["first_contact_at"] is not None
        and r["first_contact_due_at"] is not None
        and r["first_contact_at"] <= r["first_contact_due_at"]
    )
    return {
        "requests": len(rows),
        "contacted": len(hours),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
        "within_target": within,
        "share_within_target": round(within / len(rows), 3) if rows else None,
    }


def _grouped(groups: dict[str, list[dict]]) -> list[dict]:
    return [{"group": name, **_summary(rows)} for name, rows in sorted(groups.items())]


def _region_labels() -> dict[int, list[str]]:
    """County id → "Region (scheme)" of every region it belongs to (none while no region
    data is loaded)."""
    labels: dict[int, list[str]] = defaultdict(list)
    for region in Region.objects.prefetch_related("counties"):
        for county in region.counties.all():
            labels[county.pk].append(f"{region.name} ({region.get_scheme_display()})")
    return labels


def first_contact_report(*, date_from: date | None = None, date_to: date | None = None) -> dict:
    now = timezone.now()
    rows = list(_rows(date_from, date_to, now))
    regions = _region_labels()
    by = {name: defaultdict(list) for name in ("county", "region", "language", "urgency")}
    urgency_labels = dict(ConsultationRequest.Urgency.choices)
    for r in rows:
        by["county"][f"{r['program__county__name']}, {r['program__county__state']}"].append(r)
        for label in regions.get(r["program__county_id"], ()):
            by["region"][label].append(r)
        by["language"][r["preferred_language__name"] or NO_PREFERENCE].append(r)
        by["urgency"][str(urgency_labels[r["urgency"]])].append(r)
    return {
        "overall": _summary(rows),
        **{f"by_{name}": _grouped(groups) for name, groups in by.items()},
        "regions_loaded": bool(regions),
    }


def waitlist_report() -> dict:
    """Requests waitlisted now, by county and by language (most first)."""
    rows = ConsultationRequest.objects.filter(
        status=Status.SUBMITTED, waitlisted_at__isnull=False
    ).values("program__county__name", "program__county__state", "preferred_language__name")
    by_county: dict[str, int] = defaultdict(int)
    by_language: dict[str, int] = defaultdict(int)
    total = 0
    for r in rows:
        total += 1
        by_county[f"{r['program__county__name']}, {r['program__county__state']}"] += 1
        by_language[r["preferred_language__name"] or NO_PREFERENCE] += 1

    def ordered(counts):
        return [
            {"group": k, "requests": n}
            for k, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
        ]

    return {
        "waitlisted": total,
        "by_county": ordered(by_county),
        "by_language": ordered(by_language),
    }


def referral_sources(*, date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """Requests received in the range by referral source (every source, zero counts too)."""
    from directory.vocabularies import ReferralSource

    qs = ConsultationRequest.objects.all()
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    counts = defaultdict(int)
    for source in qs.values_list("referral_source", flat=True):
        counts[source] += 1
    return [
        {"code": code, "label": str(label), "requests": counts.get(code, 0)}
        for code, label in ReferralSource.choices
    ]
