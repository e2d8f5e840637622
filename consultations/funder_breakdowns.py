"""The dimensions the funder report breaks its figures down by (docs/domain.md, "Equity"), and
how tribal nations' data governance shapes them ("Tribal nations").

A dimension reads one value from each request (`path`) and names the rows that value counts in
(`rows_of`): one row for most, one per category for a child's race and ethnicity (a child of
several categories counts in each, so those rows add up to more than the total). Rows are
named by their labels, in the reader's language; a value not recorded has its own row.

Tribal programs appear only as each nation's steward allows (directory.tribal):
- hidden (the default): left out of every table, its totals and its other figures; the report
  gives one count of the programs not shown, suppressed like any cell;
- aggregate_only: counted in every total, and in the rows of dimensions that do not name a
  place; never in a county or region row, which could single a nation out (the rest of the
  column is suppressed as if those engagements were one more small cell, when needed);
- full: shown like any other program.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Region
from directory.regions import RURAL_RUCC_FROM
from directory.tribal import TribalReporting, reporting_by_nation
from directory.vocabularies import FocusType, RaceEthnicity, SettingType, YesNoUnknown

NOT_RECORDED = _("Not recorded")


@dataclass
class Dimension:
    label: str
    path: str  # from a request to the value it is broken down by
    rows_of: Callable[[object], list[str]]
    place: bool = False  # a county or region: aggregate_only tribal programs stay out of rows
    order: list[str] = field(default_factory=list)  # rows in this order first, others by name


def _one(labels: dict | None = None) -> Callable[[object], list[str]]:
    def rows_of(value) -> list[str]:
        if value is None or value == "":
            return [str(NOT_RECORDED)]
        return [str(labels.get(value, value)) if labels else str(value)]

    return rows_of


def _rurality(rucc) -> list[str]:
    if rucc is None:
        return [str(_("Unknown"))]
    return [str(_("Rural")) if rucc >= RURAL_RUCC_FROM else str(_("Urban"))]


def _subsidy(accepts) -> list[str]:
    if accepts is None:
        return [str(_("Unknown"))]
    return [str(_("Accepts subsidy")) if accepts else str(_("Does not accept subsidy"))]


def _race(codes) -> list[str]:
    labels = dict(RaceEthnicity.choices)
    return [str(labels.get(code, code)) for code in codes or []] or [str(NOT_RECORDED)]


def _regions(scheme: str) -> Dimension:
    names = {}
    for county_id, name in Region.objects.filter(scheme=scheme).values_list("counties__id", "name"):
        if county_id is not None:
            names[county_id] = name
    none = str(_("No region"))
    label = _("Region (%(scheme)s)") % {"scheme": Region.Scheme(scheme).label}
    return Dimension(
        label, "program__county_id", lambda county_id: [names.get(county_id, none)], place=True
    )


BREAKDOWN_LABELS = {
    "county": _("County"),
    "region": _("Region"),
    "language": _("Language"),
    "setting_type": _("Setting type"),
    "level": _("Level"),
    "rurality": _("Rural or urban county"),
    "subsidy": _("Child care subsidy accepted"),
    "race_ethnicity": _("Child's race and ethnicity (where consented)"),
    "iep_ifsp": _("Child has an IEP or IFSP (where consented)"),
}
MAX_BREAKDOWNS = len(BREAKDOWN_LABELS)


def dimension(code: str, *, scheme: str = Region.Scheme.LICENSING) -> Dimension:
    """The dimension `code` names (a key of BREAKDOWN_LABELS); regions of `scheme`."""
    label = BREAKDOWN_LABELS[code]
    if code == "region":
        return _regions(scheme)
    if code == "county":
        return Dimension(label, "program__county__name", _one(), place=True)
    if code == "language":
        return Dimension(label, "preferred_language__name", _one())
    if code == "setting_type":
        return Dimension(label, "program__setting_type", _one(dict(SettingType.choices)))
    if code == "level":
        return Dimension(label, "focus", _one(dict(FocusType.choices)))
    if code == "rurality":
        order = [str(_("Rural")), str(_("Urban")), str(_("Unknown"))]
        return Dimension(label, "program__county__rucc_code", _rurality, order=order)
    if code == "subsidy":
        order = [str(_("Accepts subsidy")), str(_("Does not accept subsidy")), str(_("Unknown"))]
        return Dimension(label, "program__accepts_subsidy", _subsidy, order=order)
    if code == "race_ethnicity":
        order = [str(label) for _code, label in RaceEthnicity.choices]
        return Dimension(label, "child_race_ethnicity", _race, order=order)
    if code == "iep_ifsp":
        order = [str(label) for _code, label in YesNoUnknown.choices]
        return Dimension(label, "child_has_iep_ifsp", _one(dict(YesNoUnknown.choices)), order=order)
    raise KeyError(code)


# The whole report in one row: its totals.
TOTAL = Dimension(_("All"), "focus", lambda _value: [str(_("All"))])


def sort_key(dim: Dimension) -> Callable[[str], tuple]:
    not_recorded = {str(NOT_RECORDED), str(_("No region")), str(_("Unknown"))}
    return lambda label: (
        dim.order.index(label) if label in dim.order else len(dim.order),
        label in not_recorded,
        label,
    )


# --- tribal data governance --------------------------------------------------------------------


def tribal_levels() -> tuple[list[str], list[str]]:
    """The nations whose programs are hidden, and those reported in aggregates only (one query)."""
    levels = reporting_by_nation()
    return (
        [nation for nation, level in levels.items() if level == TribalReporting.HIDDEN],
        [nation for nation, level in levels.items() if level == TribalReporting.AGGREGATE_ONLY],
    )


def affiliated(nations: list[str], prefix: str = "") -> Q:
    """Programs of one of `nations` (with a prefix, rows reaching a program by it)."""
    return Q(**{f"{prefix}tribal_affiliation__in": nations})
