"""The funder report (docs/domain.md, "Equity"; issue 15): for any date range, what the Alliance
hands to DCF, broken down by the dimensions it chooses (consultations.funder_breakdowns), each
in a table of its own with small cells suppressed.

Engagements served in the range are those accepted on or before its end and not closed before its
start. Any cell counting children or programs below settings.REPORT_MIN_CELL (10) shows "<10";
when a column would have a single suppressed cell, the next smallest cell of that column is
suppressed too (complementary suppression), so no cell can be recovered from the total by
subtraction. Hours and measures count no one and are not suppressed. Tribal nations' programs
appear only as each nation's steward allows (see consultations.funder_breakdowns).
"""

import statistics
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from consultations.engagement import ACTIVITY_GROUPS, group_sums
from consultations.funder_breakdowns import (
    TOTAL,
    Dimension,
    affiliated,
    dimension,
    sort_key,
    tribal_levels,
)
from consultations.models import ConsultationRequest, Contact, Score
from directory.models import Region
from directory.vocabularies import FocusType, ReferralSource
from iecmhc.units import minutes_to_hours

Status = ConsultationRequest.Status
SUPPRESSED = "<10"

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
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    by: str | list[str] = "county",
    scheme: str = Region.Scheme.LICENSING,
) -> dict:
    """The report's tables: one per dimension in `by` (suppressed) with the totals, requests by
    referral source, measures by instrument, and the tribal programs not shown."""
    breakdowns = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    hidden_nations, aggregate_nations = tribal_levels()
    hidden = affiliated(hidden_nations, "program__")
    aggregate_only = affiliated(aggregate_nations, "program__")
    engagements = served(date_from, date_to).exclude(hidden)
    requests = ConsultationRequest.objects.exclude(hidden)
    span = (date_from, date_to)
    [totals] = _table(TOTAL, engagements, requests, span) or [_row(str(TOTAL.label))]
    tables = []
    for code in breakdowns:
        dim = dimension(code, scheme=scheme)
        if dim.place:  # aggregate_only nations in the totals, never in a place's row
            rows = _table(
                dim, engagements.exclude(aggregate_only), requests.exclude(aggregate_only), span
            )
            rows = suppress([*rows, _remainder(totals, rows)])[:-1]
        else:
            rows = suppress(_table(dim, engagements, requests, span))
        tables.append({"by": code, "by_label": dim.label, "rows": rows})
    not_shown = served(date_from, date_to).filter(hidden).values("program").distinct().count()
    return {
        "breakdowns": breakdowns,
        "scheme": scheme,
        "columns": [(c, COLUMN_LABELS[c]) for c in COLUMNS],
        "tables": tables,
        "totals": suppress([totals])[0],
        "referrals": _referrals(requests, date_from, date_to),
        "measures": _measures(
            _between(Score.objects.filter(request__in=engagements), "date", date_from, date_to)
        ),
        "tribal_programs_not_shown": suppress([{"n": not_shown}], columns=("n",))[0]["n"],
    }


def _remainder(totals: dict, rows: list[dict]) -> dict:
    """What the totals hold beyond the rows (aggregate_only tribal programs): never shown, but
    suppressed like a row, so that no shown cell can be worked out from it."""
    return {c: totals[c] - sum(row[c] for row in rows) for c in PEOPLE_COLUMNS}


def _table(dim: Dimension, engagements, requests, span) -> list[dict]:
    """One row per row label of `dim`: the children, classrooms and programs of `engagements`,
    who was kept in care, their hours by activity group, their measures, and the days to first
    contact of `requests` received in the range."""
    date_from, date_to = span
    path, sums = dim.path, defaultdict(lambda: defaultdict(int))
    programs, days = defaultdict(set), defaultdict(list)

    def add(items, aggregates: dict, prefix: str = "") -> None:
        for item in items.values(raw=F(prefix + path)).annotate(**aggregates).order_by():
            raw = item.pop("raw")
            for label in dim.rows_of(raw):
                for name, value in item.items():
                    sums[label][name] += value or 0

    add(
        engagements,
        {
            "children": Count("id", filter=Q(focus=FocusType.CHILD)),
            "classrooms": Count("id", filter=Q(focus=FocusType.CLASSROOM)),
        },
    )
    for raw, program in engagements.values_list(path, "program_id").distinct().order_by():
        for label in dim.rows_of(raw):
            programs[label].add(program)
    closed = engagements.filter(status=Status.CLOSED, focus=FocusType.CHILD)
    add(
        _between(closed, "closed_at__date", date_from, date_to),
        {
            "kept_at_closure": Count("id", filter=Q(maintained_in_program=True)),
            "kept_at_30_days": Count("id", filter=Q(follow_up__maintained_in_program=True)),
        },
    )
    contacts = _between(Contact.objects.filter(request__in=engagements), "date", date_from, date_to)
    add(contacts, group_sums(), prefix="request__")
    scores = _between(Score.objects.filter(request__in=engagements), "date", date_from, date_to)
    add(scores, {"scores": Count("id")}, prefix="request__")
    first = _between(
        requests.filter(first_contact_at__isnull=False), "received_at__date", date_from, date_to
    )
    for raw, received, at in first.values_list(path, "received_at", "first_contact_at"):
        for label in dim.rows_of(raw):
            days[label].append((at - received).total_seconds() / 86400)
    return [
        _row(label, sums[label], programs[label], days[label])
        for label in sorted(sums, key=sort_key(dim))
    ]


def _row(label: str, sums: dict | None = None, programs=(), days=()) -> dict:
    sums = sums or defaultdict(int)
    return {
        "label": label,
        "children": sums["children"],
        "classrooms": sums["classrooms"],
        "programs": len(programs),
        "kept_at_closure": sums["kept_at_closure"],
        "kept_at_30_days": sums["kept_at_30_days"],
        **{f"hours_{g}": minutes_to_hours(sums[f"minutes_{g}"]) for g in ACTIVITY_GROUPS},
        "scores": sums["scores"],
        "median_days_to_first_contact": round(statistics.median(days), 1) if days else None,
    }


def _referrals(requests, date_from, date_to) -> list:
    qs = _between(requests, "received_at__date", date_from, date_to)
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
