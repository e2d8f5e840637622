"""What consultation requests draw from, loaded once a run: the demo programs with their
directors, and the approved consultants with the places they have free.

There may be 800,000 programs, so they are held in flat arrays (a few bytes each), not as
objects; a row is built when a request draws it.
"""

import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, Subquery

from consultations.models import ConsultationRequest
from demo.logins import DEMO_CONSULTANT
from demo.programs import DIRECTOR_PREFIX, KEY_PREFIX, PROGRAM_KEY
from directory.models import Consultant, Program
from directory.vocabularies import Modality

Status = ConsultationRequest.Status


class ProgramRow(NamedTuple):
    pk: int
    state: str
    county_id: int
    home_language: str | None  # the first language other than English, if any
    director_id: int


class ProgramPool(Sequence):
    """The demo programs that have a director, in license number order (random.choice
    draws from it as from a list)."""

    def __init__(self):
        self._pk, self._county, self._director = array("q"), array("q"), array("q")
        self._state, self._language = array("H"), array("H")
        self._codes: list[str | None] = [None]  # states and languages, by number
        self._numbers: dict[str | None, int] = {None: 0}

    def _number(self, code: str | None) -> int:
        if code not in self._numbers:
            self._numbers[code] = len(self._codes)
            self._codes.append(code)
        return self._numbers[code]

    def append(self, row: ProgramRow) -> None:
        self._pk.append(row.pk)
        self._county.append(row.county_id)
        self._director.append(row.director_id)
        self._state.append(self._number(row.state))
        self._language.append(self._number(row.home_language))

    def __len__(self) -> int:
        return len(self._pk)

    def __getitem__(self, i: int) -> ProgramRow:
        if isinstance(i, slice):
            raise TypeError("ProgramPool does not slice")
        codes = self._codes
        return ProgramRow(
            self._pk[i],
            codes[self._state[i]],
            self._county[i],
            codes[self._language[i]],
            self._director[i],
        )


@dataclass
class ConsultantRow:
    pk: int
    user_id: int
    state: str
    counties: set[int]
    free: int  # places left: the caseload less active engagements and open offers
    virtual: bool


@dataclass
class Pools:
    programs: ProgramPool
    first_programs: dict[str, ProgramRow]  # the demo logins' programs, by license number
    consultants: dict[str, list[ConsultantRow]] = field(default_factory=dict)  # by state
    demo_consultant: ConsultantRow | None = None
    admin_id: int | None = None

    @classmethod
    def load(cls, *, admin, first_programs: int) -> "Pools":
        programs, first = _load_programs(first_programs)
        pools = cls(programs=programs, first_programs=first, admin_id=admin.pk)
        for row, username in _load_consultants():
            pools.consultants.setdefault(row.state, []).append(row)
            if username == DEMO_CONSULTANT.username:
                pools.demo_consultant = row
        return pools

    def consultant_for(
        self, rng: random.Random, program: ProgramRow, *, needs_place: bool, exclude=()
    ) -> ConsultantRow | None:
        """An approved consultant who could take this program: same county (or virtual in
        the state), with room when the request will become active."""
        candidates = [
            c
            for c in self.consultants.get(program.state, [])
            if (program.county_id in c.counties or c.virtual)
            and (c.free > 0 or not needs_place)
            and c.pk not in exclude
        ]
        return rng.choice(candidates) if candidates else None


def _load_programs(first: int) -> tuple[ProgramPool, dict[str, ProgramRow]]:
    """Every demo program with its director, streamed into a ProgramPool.

    The home language is the first other than English in code order: es, hmn, so, the order
    programs.py adds them in."""
    home_language = (
        Program.languages.through.objects.filter(program=OuterRef("pk"))
        .exclude(language="en")
        .order_by()
        .values("program")
        .annotate(first=Min("language"))
        .values("first")
    )
    rows = (
        Program.objects.filter(
            license_number__startswith=KEY_PREFIX,
            memberships__user__username__startswith=DIRECTOR_PREFIX,
        )
        .annotate(home_language=Subquery(home_language))
        .order_by("license_number")
        .values_list(
            "license_number", "pk", "state", "county_id", "home_language", "memberships__user_id"
        )
    )
    pool, by_key = ProgramPool(), {}
    first_keys = {PROGRAM_KEY.format(i) for i in range(1, first + 1)}
    for key, *values in rows.iterator(chunk_size=20_000):
        row = ProgramRow(*values)
        pool.append(row)
        if key in first_keys:
            by_key[key] = row
    return pool, by_key


def _load_consultants():
    """The approved consultants, by pk, with their counties and the places they have free."""
    approved = Consultant.objects.filter(listing_status=Consultant.ListingStatus.APPROVED)
    counties: dict[int, set[int]] = {}
    for consultant_id, county_id in Consultant.counties_served.through.objects.filter(
        consultant__listing_status=Consultant.ListingStatus.APPROVED
    ).values_list("consultant_id", "county_id"):
        counties.setdefault(consultant_id, set()).add(county_id)
    taken = Count("requests", filter=Q(requests__status__in=(Status.ACTIVE, Status.OFFERED)))
    rows = (
        approved.annotate(taken=taken)
        .order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "user__username",
            "base_state",
            "modalities",
            "max_caseload",
            "hours_per_week",
            "taken",
        )
    )
    # Hours as places: as many of the heaviest engagements as the hours a week hold.
    heaviest = max(settings.ENGAGEMENT_DEFAULT_WEEKLY_HOURS.values())
    for pk, user_id, username, state, modalities, max_caseload, hours, taken in rows:
        if hours is not None:
            max_caseload = min(max_caseload, int(float(hours) // heaviest))
        row = ConsultantRow(
            pk=pk,
            user_id=user_id,
            state=state,
            counties=counties.get(pk, set()),
            free=max_caseload - taken,
            virtual=Modality.VIRTUAL in modalities,
        )
        yield row, username
