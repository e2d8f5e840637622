"""Where demo records are placed: the ZIP codes of the chosen states and their counties."""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from directory import geo
from directory.models import County
from directory.services import county_load_state

ALL_STATES = "all"
# The 50 states and DC: "all" in --states.
US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()


@dataclass
class Geography:
    """The ZIP codes of the chosen states with their loaded County, and county centroids."""

    zips: list[tuple[geo.ZipPlace, County]] = field(default_factory=list)
    by_county: dict[int, list[tuple[geo.ZipPlace, County]]] = field(default_factory=dict)
    centroids: dict[str, list[tuple[County, float, float]]] = field(default_factory=dict)
    county_order: list[int] = field(default_factory=list)  # county pks, sorted

    @classmethod
    def load(cls, states: list[str]) -> "Geography":
        """Load the states' counties (if missing), then place their ZIP codes in them."""
        for state in states:
            county_load_state(state=state)
        counties = {c.fips: c for c in County.objects.filter(state__in=states)}
        self = cls()
        by_county = defaultdict(list)
        for state in states:
            for place in geo.zips_in_state(state):
                county = counties.get(geo.county_fips(state, place.county_name) or "")
                if county is not None:
                    self.zips.append((place, county))
                    by_county[county.pk].append((place, county))
        self.by_county = dict(by_county)
        self.county_order = sorted(self.by_county)
        for rows in self.by_county.values():
            county = rows[0][1]
            lat = sum(p.latitude for p, _ in rows) / len(rows)
            lng = sum(p.longitude for p, _ in rows) / len(rows)
            self.centroids.setdefault(county.state, []).append((county, lat, lng))
        return self

    def place_for(self, rng: random.Random, index: int) -> tuple[geo.ZipPlace, County]:
        """The first programs take one county each, so every county has programs; the rest
        fall where ZIP codes are dense, as people do."""
        if index <= len(self.county_order):
            return rng.choice(self.by_county[self.county_order[index - 1]])
        return rng.choice(self.zips)

    def counties_within(self, place: geo.ZipPlace, radius: float) -> list[County]:
        return [
            county
            for county, lat, lng in self.centroids.get(place.state, [])
            if geo.distance_miles(place.latitude, place.longitude, lat, lng) <= radius
        ]
