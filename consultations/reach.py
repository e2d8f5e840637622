"""Reach: which of the state's licensed programs asked for consultation in a period, by county,
by region and by state (docs/domain.md, "Reach").

- The universe is the licensing list as last imported (directory.program_import): programs the
  list has named (`license_list_seen_at` set) and that are still on it (`is_active`). Programs
  that registered themselves and are not on the list are outside it; their requests are
  counted apart (`other_requests`), never in the shares.
- A program *requested* in the period when it submitted at least one request then, whatever
  became of it (offered, active, closed or withdrawn). Dates compare local dates, inclusive,
  like every report.
- Places are licensed capacity (children's places); a program on the list without a capacity
  counts as a program with no places.
- A county is *far below* its state when its share of programs that requested is under
  FAR_BELOW_FRACTION of the state's share and it has at least FAR_BELOW_MIN_PROGRAMS licensed
  programs (fewer are too few to judge: one request more or less would swing the share). A
  state whose share is zero has no county far below it.

Tribal programs count as their nation's steward allows (docs/domain.md, "Tribal nations"):
programs of a hidden nation are left out; those of a nation that allows aggregates only count
in their state's row and never in a county's or a region's.

One query for the tribal settings, then three grouped queries for the counties and three
for the aggregate-only programs, whatever the number of programs; regions add one.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from consultations.funder_breakdowns import affiliated, tribal_levels
from consultations.models import ConsultationRequest
from consultations.reports import _submitted_between
from directory.models import County, Program, Region

FAR_BELOW_FRACTION = 0.5  # under half the state's share of programs that requested...
FAR_BELOW_MIN_PROGRAMS = 10  # ...with at least this many licensed programs to judge by


@dataclass
class ReachRow:
    """The reach of one area (a county, a region or a state) in the period."""

    key: str  # a county's FIPS code, a region's "state/scheme/code", a state's code
    name: str
    state: str
    licensed_programs: int = 0
    programs_requested: int = 0
    licensed_places: int = 0
    places_reached: int = 0
    requests: int = 0  # from licensed programs
    other_requests: int = 0  # from programs not on the list
    scheme: str = ""  # regions only
    far_below: bool = False  # counties only (see the module's docstring)

    @property
    def share(self) -> float | None:
        """Share of licensed programs that requested, 0..1 (None without programs)."""
        if not self.licensed_programs:
            return None
        return self.programs_requested / self.licensed_programs

    @property
    def scheme_label(self) -> str:
        return str(Region.Scheme(self.scheme).label) if self.scheme else ""

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)

    @property
    def places_percent(self) -> float | None:
        if not self.licensed_places:
            return None
        return round(self.places_reached / self.licensed_places * 100, 1)

    @property
    def requests_per_1000_places(self) -> float | None:
        if not self.licensed_places:
            return None
        return round(self.requests * 1000 / self.licensed_places, 2)

    def add(self, other: "ReachRow") -> None:
        for name in NUMBERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


NUMBERS = (
    "licensed_programs",
    "programs_requested",
    "licensed_places",
    "places_reached",
    "requests",
    "other_requests",
)


@dataclass
class Reach:
    date_from: date | None
    date_to: date | None
    counties: list[ReachRow]
    regions: list[ReachRow]
    states: list[ReachRow]
    definition: dict = field(default_factory=dict)

    @property
    def licensed_programs(self) -> int:
        return sum(row.licensed_programs for row in self.states)

    @property
    def far_below(self) -> list[ReachRow]:
        return [row for row in self.counties if row.far_below]


def licensed_programs():
    """The universe: programs on the state's licensing list as last imported."""
    return Program.objects.filter(is_active=True, license_list_seen_at__isnull=False)


def is_far_below(county: ReachRow, state: ReachRow) -> bool:
    """The highlighting rule (see the module's docstring)."""
    if county.licensed_programs < FAR_BELOW_MIN_PROGRAMS or not state.share:
        return False
    return county.share < FAR_BELOW_FRACTION * state.share


def reach(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    state: str | None = None,
    scheme: str | None = None,
) -> Reach:
    """Reach in the period (inclusive local dates; open-ended where None), by county (every
    county with a licensed program or a request), by region (every region of `scheme`, or of
    every scheme) and by state; only `state` when given."""
    in_period = _submitted_between(ConsultationRequest.objects.all(), date_from, date_to)
    programs = licensed_programs()
    if state:
        in_period = in_period.filter(program__county__state=state)
        programs = programs.filter(county__state=state)
    # Tribal programs as their nation's steward allows (consultations.funder_breakdowns):
    # hidden ones nowhere, aggregate_only ones in their state's row only.
    hidden, aggregate = tribal_levels()
    programs = programs.exclude(affiliated(hidden))
    in_period = in_period.exclude(affiliated(hidden, "program__"))
    aggregate_only, asked_by = affiliated(aggregate), affiliated(aggregate, "program__")
    rows = _county_rows(programs.exclude(aggregate_only), in_period, in_period.exclude(asked_by))
    counties = sorted(rows.values(), key=lambda r: (r.state, r.name))

    states: dict[str, ReachRow] = {}
    in_states = _county_rows(programs.filter(aggregate_only), in_period, in_period.filter(asked_by))
    for r in [*counties, *in_states.values()]:
        states.setdefault(r.state, ReachRow(key=r.state, name=r.state, state=r.state)).add(r)
    for r in counties:
        r.far_below = is_far_below(r, states[r.state])

    return Reach(
        date_from=date_from,
        date_to=date_to,
        counties=counties,
        regions=_regions(rows, state=state, scheme=scheme),
        states=sorted(states.values(), key=lambda r: r.state),
        definition=definition(),
    )


def _county_rows(programs, in_period, requests) -> dict[int, ReachRow]:
    """By county id: the licensed `programs` and which of them asked in the period (any request
    of `in_period`), and the period's `requests`."""
    # IN (the period's programs) rather than a correlated EXISTS: PostgreSQL hashes the
    # subquery once instead of probing it for every program.
    did_ask = Q(pk__in=in_period.values("program_id"))
    rows: dict[int, ReachRow] = {}

    def row(county_id: int) -> ReachRow:
        return rows.setdefault(county_id, ReachRow(key="", name="", state=""))

    for item in (
        programs.values("county_id")
        .annotate(
            n=Count("id"),
            places=Coalesce(Sum("licensed_capacity"), 0),
            asked=Count("id", filter=did_ask),
            reached=Coalesce(Sum("licensed_capacity", filter=did_ask), 0),
        )
        .order_by()
    ):
        r = row(item["county_id"])
        r.licensed_programs, r.licensed_places = item["n"], item["places"]
        r.programs_requested, r.places_reached = item["asked"], item["reached"]
    listed = Q(program__is_active=True, program__license_list_seen_at__isnull=False)
    for item in (
        requests.values("program__county_id")
        .annotate(listed=Count("id", filter=listed), other=Count("id", filter=~listed))
        .order_by()
    ):
        r = row(item["program__county_id"])
        r.requests, r.other_requests = item["listed"], item["other"]
    for county in County.objects.filter(pk__in=rows).only("name", "state", "fips"):
        r = rows[county.pk]
        r.key, r.name, r.state = county.fips, county.name, county.state
    return rows


def _regions(rows: dict[int, ReachRow], *, state, scheme) -> list[ReachRow]:
    """Each region's rows added up from its counties' (none when no region is loaded)."""
    regions = Region.objects.all()
    if state:
        regions = regions.filter(state=state)
    if scheme:
        regions = regions.filter(scheme=scheme)
    result: dict[int, ReachRow] = {}
    for region in regions.order_by("state", "scheme", "name"):
        result[region.pk] = ReachRow(
            key=f"{region.state}/{region.scheme}/{region.code}",
            name=region.name,
            state=region.state,
            scheme=region.scheme,
        )
    for region_id, county_id in Region.counties.through.objects.filter(
        region_id__in=result
    ).values_list("region_id", "county_id"):
        if county_id in rows:
            result[region_id].add(rows[county_id])
    return list(result.values())


def definition() -> dict:
    """The rule the highlighting follows, for the page, the API and the CSV's readers."""
    return {
        "far_below_fraction": FAR_BELOW_FRACTION,
        "far_below_min_programs": FAR_BELOW_MIN_PROGRAMS,
        "text": str(
            _(
                "A county is far below its state when its share of licensed programs that "
                "requested consultation is under %(percent)s%% of the state's share, and it "
                "has at least %(programs)s licensed programs."
            )
            % {"percent": round(FAR_BELOW_FRACTION * 100), "programs": FAR_BELOW_MIN_PROGRAMS}
        ),
    }


# --- as a table (the CSV export and the API's shape) ------------------------------------------

CSV_HEADER = (
    "level",
    "state",
    "scheme",
    "key",
    "name",
    "licensed_programs",
    "programs_requested",
    "share_percent",
    "licensed_places",
    "places_reached",
    "places_reached_percent",
    "requests",
    "requests_per_1000_places",
    "requests_from_programs_not_on_list",
    "far_below_state",
)


def table_rows(report: Reach) -> Iterator[tuple]:
    """Every state, region and county row of the report, in CSV_HEADER's columns."""
    for level, rows in (("state", report.states), ("region", report.regions)):
        yield from (_cells(level, r) for r in rows)
    yield from (_cells("county", r) for r in report.counties)


def _cells(level: str, r: ReachRow) -> tuple:
    return (
        level,
        r.state,
        r.scheme,
        r.key,
        r.name,
        r.licensed_programs,
        r.programs_requested,
        _blank(r.percent),
        r.licensed_places,
        r.places_reached,
        _blank(r.places_percent),
        r.requests,
        _blank(r.requests_per_1000_places),
        r.other_requests,
        ("yes" if r.far_below else "no") if level == "county" else "",
    )


def _blank(value):
    return "" if value is None else value


def as_dict(r: ReachRow) -> dict:
    """One row for the API."""
    return {
        "key": r.key,
        "name": r.name,
        "state": r.state,
        **({"scheme": r.scheme} if r.scheme else {}),
        **{name: getattr(r, name) for name in NUMBERS},
        "share": None if r.share is None else round(r.share, 4),
        "places_reached_share": None
        if r.places_percent is None
        else round(r.places_reached / r.licensed_places, 4),
        "requests_per_1000_places": r.requests_per_1000_places,
    }


def chart_rows(rows: Iterable[ReachRow]) -> list[tuple[str, float, bool]]:
    """(label, percent of programs that requested, far below) for the bar chart."""
    return [(f"{r.name}, {r.state}", r.percent or 0.0, r.far_below) for r in rows]
