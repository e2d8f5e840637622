"""The funder report (docs/domain.md, "Equity"; issue 15): for any date range, what the Alliance
hands to DCF, broken down by one dimension at a time, with small cells suppressed.

Engagements served in the range are those accepted on or before its end and not closed before its
start. Any cell counting children or programs below settings.REPORT_MIN_CELL (10) shows "<10";
when a column would have a single suppressed cell, the next smallest cell of that column is
suppressed too (complementary suppression), so no cell can be recovered from the total by
subtraction. Hours and measures count no one and are not suppressed.
"""

import statistics
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from consultations.engagement import ACTIVITY_GROUPS, group_sums
from consultations.models import ConsultationRequest, Contact, Score
from directory.vocabularies import FocusType, ReferralSource, SettingType
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status
SUPPRESSED = "<10"

# dimension: (the path from a request to its value, the label of a value)
BREAKDOWNS = {
    "county": ("program__county__name", None),
    "language": ("preferred_language__name", None),
    "setting_type": ("program__setting_type", dict(SettingType.choices)),
    "level": ("focus", dict(FocusType.choices)),
}
BREAKDOWN_LABELS = {
    "county": _("County"),
    "language": _("Language"),
    "setting_type": _("Setting type"),
    "level": _("Level"),
}
# Columns that count children or programs: these are suppressed.
PEOPLE_COLUMNS = (
    "children",
    "classrooms",
    "programs",
    "kept_at_closure",
    "kept_at_30_days",
)
COLUMNS = (
    *PEOPLE_COLUMNS,
    *(f"hours_{group}" for group in ACTIVITY_GROUPS),
    "scores",
    "median_days_to_first_contact",
)
COLUMN_LABELS = {
    "children": _("Children served"),
    "classrooms": _("Classrooms served"),
    "programs": _("Programs served"),
    "kept_at_closure": _("Children kept in care at closure"),
    "kept_at_30_days": _("Children kept in care at 30 days"),
    "hours_classroom": _("Hours in the classroom"),
    "hours_meetings": _("Hours in meetings"),
    "hours_other": _("Other hours"),
    "scores": _("Measures completed"),
    "median_days_to_first_contact": _("Median days to first contact"),
}


def min_cell() -> int:
    return getattr(settings, "REPORT_MIN_CELL", 10)


def served(date_from: date | None, date_to: date | None):
    qs = ConsultationRequest.objects.filter(status__in=(Status.ACTIVE, Status.CLOSED))
    if date_to:
        qs = qs.filter(accepted_at__date__lte=date_to)
    if date_from:
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=date_from))
    return qs


def _between(qs, field: str, date_from, date_to):
    if date_from:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def _keyed(rows, key: str) -> dict:
    return {row.pop(key): row for row in rows.order_by()}


def suppress(rows: list[dict], columns=PEOPLE_COLUMNS, threshold: int | None = None) -> list:
    """Rows with each small count (1 to threshold-1) shown as "<10", and complementary
    suppression within each column: never exactly one suppressed cell in a column."""
    threshold = threshold or min_cell()
    out = [dict(row) for row in rows]
    for column in columns:
        small = [r for r in out if 0 < r[column] < threshold]
        for row in small:
            row[column] = SUPPRESSED
        if len(small) == 1:
            rest = [r for r in out if isinstance(r[column], int) and r[column] > 0]
            if rest:
                min(rest, key=lambda r: r[column])[column] = SUPPRESSED
    return out


def funder_report(
    *, date_from: date | None = None, date_to: date | None = None, by: str = "county"
) -> dict:
    """The report's tables: rows by the chosen dimension (suppressed) and their totals,
    requests by referral source, and measures by instrument."""
    path, labels = BREAKDOWNS[by]
    engagements = served(date_from, date_to)
    counts = _keyed(
        engagements.values(key=F(path)).annotate(
            children=Count("id", filter=Q(focus=FocusType.CHILD)),
            classrooms=Count("id", filter=Q(focus=FocusType.CLASSROOM)),
            programs=Count("program", distinct=True),
        ),
        "key",
    )
    closed = _between(
        engagements.filter(status=Status.CLOSED, focus=FocusType.CHILD),
        "closed_at__date",
        date_from,
        date_to,
    )
    kept = _keyed(
        closed.values(key=F(path)).annotate(
            kept_at_closure=Count("id", filter=Q(maintained_in_program=True)),
            kept_at_30_days=Count("id", filter=Q(follow_up__maintained_in_program=True)),
        ),
        "key",
    )
    contacts = _between(Contact.objects.filter(request__in=engagements), "date", date_from, date_to)
    hours = _keyed(contacts.values(key=F(f"request__{path}")).annotate(**group_sums()), "key")
    scores_in_range = _between(
        Score.objects.filter(request__in=engagements), "date", date_from, date_to
    )
    scores = _keyed(
        scores_in_range.values(key=F(f"request__{path}")).annotate(n=Count("id")), "key"
    )
    first_days = _days_to_first_contact(path, date_from, date_to)
    rows = []
    for key in sorted(set(counts) | set(hours), key=lambda k: (k is None, str(k))):
        c, k, h = counts.get(key, {}), kept.get(key, {}), hours.get(key, {})
        days = first_days.get(key, [])
        rows.append(
            {
                "label": _label(key, labels),
                "children": c.get("children", 0),
                "classrooms": c.get("classrooms", 0),
                "programs": c.get("programs", 0),
                "kept_at_closure": k.get("kept_at_closure", 0),
                "kept_at_30_days": k.get("kept_at_30_days", 0),
                **{f"hours_{g}": minutes_to_hours(h.get(f"minutes_{g}")) for g in ACTIVITY_GROUPS},
                "scores": scores.get(key, {}).get("n", 0),
                "median_days_to_first_contact": round(statistics.median(days), 1) if days else None,
            }
        )
    totals = {column: _total(rows, column) for column in COLUMNS}
    totals["programs"] = engagements.values("program").distinct().count()
    totals["label"] = _("All")
    return {
        "by": by,
        "by_label": BREAKDOWN_LABELS[by],
        "columns": [(c, COLUMN_LABELS[c]) for c in COLUMNS],
        "rows": suppress(rows),
        "totals": suppress([totals])[0],
        "referrals": _referrals(date_from, date_to),
        "measures": _measures(scores_in_range),
    }


def _label(key, labels) -> str:
    if key is None:
        return str(_("Not recorded"))
    return str(labels.get(key, key)) if labels else str(key)


def _total(rows, column):
    values = [row[column] for row in rows if row[column] is not None]
    if column == "median_days_to_first_contact":
        return None
    total = sum(values)
    return round(total, 2) if isinstance(total, float) else total


def _days_to_first_contact(path, date_from, date_to) -> dict:
    qs = _between(
        ConsultationRequest.objects.filter(first_contact_at__isnull=False),
        "received_at__date",
        date_from,
        date_to,
    )
    days: dict = {}
    for key, received, first in qs.values_list(path, "received_at", "first_contact_at"):
        days.setdefault(key, []).append((first - received).total_seconds() / 86400)
    return days


def _referrals(date_from, date_to) -> list:
    qs = _between(ConsultationRequest.objects.all(), "received_at__date", date_from, date_to)
    counts = dict(qs.values_list("referral_source").annotate(n=Count("id")).order_by())
    rows = [
        {"label": str(label), "requests": counts.get(code, 0)}
        for code, label in ReferralSource.choices
    ]
    return suppress(rows, columns=("requests",))


def _measures(scores) -> list:
    """Per instrument: scores completed, engagements with both pre and post, mean change."""
    totals: dict = {}
    for request_id, code, name, timepoint, total in scores.values_list(
        "request_id", "instrument__code", "instrument__name", "timepoint", "total"
    ):
        entry = totals.setdefault(code, {"label": name, "completed": 0, "pairs": {}})
        entry["completed"] += 1
        entry["pairs"].setdefault(request_id, {})[timepoint] = total
    rows = []
    for _code, entry in sorted(totals.items()):
        changes = [
            p["post"] - p["pre"] for p in entry["pairs"].values() if "pre" in p and "post" in p
        ]
        rows.append(
            {
                "label": entry["label"],
                "completed": entry["completed"],
                "pre_post_pairs": len(changes),
                "mean_change": round(float(sum(changes)) / len(changes), 2) if changes else None,
            }
        )
    return rows
