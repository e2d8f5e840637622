"""Offline US geography: ZIP codes (the `zipcodes` package), counties (the `addfips` package's
Census county list) and great-circle distances, in Python and as a database expression."""

import csv
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import SimpleNamespace

import zipcodes
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Least, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.8
# Miles along a meridian per degree of latitude: no two points are closer than this times
# the difference of their latitudes.
MILES_PER_DEGREE = EARTH_RADIUS_MILES * math.pi / 180


@dataclass(frozen=True)
class ZipPlace:
    zip: str
    city: str
    state: str
    county_name: str
    latitude: float
    longitude: float


def normalize_zip(value: str) -> str:
    """'53703-1234' -> '53703'."""
    return (value or "").strip()[:5]


@lru_cache(maxsize=65536)
def zip_lookup(zip_code: str) -> ZipPlace | None:
    """The place of a five-digit US ZIP code, or None when it is not a known ZIP."""
    zip_code = normalize_zip(zip_code)
    if len(zip_code) != 5 or not (zip_code.isascii() and zip_code.isdigit()):
        return None
    try:
        matches = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    if not matches:
        return None
    return _place(zip_code, matches[0])


def _place(zip_code: str, m: dict) -> ZipPlace | None:
    """The place of one record of the `zipcodes` table."""
    try:
        latitude, longitude = float(m["lat"]), float(m["long"])
    except (KeyError, TypeError, ValueError):
        return None
    return ZipPlace(
        zip=zip_code,
        city=m.get("city", "").title(),
        state=m.get("state", ""),
        county_name=m.get("county", ""),
        latitude=latitude,
        longitude=longitude,
    )


def warm_up() -> None:
    """Load the ZIP code table now (a server does this before it takes requests)."""
    zip_lookup("53703")


def zips_in_state(state: str) -> list[ZipPlace]:
    """Every active standard ZIP code of a state, sorted (for demo data)."""
    places = []
    for m in zipcodes.filter_by(state=state, zip_code_type="STANDARD", active=True):
        place = _place(m["zip_code"], m)  # not zip_lookup: each of those scans the table
        if place is not None:
            places.append(place)
    return sorted(places, key=lambda p: p.zip)


def county_key(name: str) -> str:
    """A spelling-insensitive key for county names ('St. Croix County' == 'Saint Croix')."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()  # Doña -> Dona
    key = name.lower().replace("saint ", "st. ").replace("ste. ", "sainte ")
    key = key.removeprefix("municipality of ").removeprefix("city and borough of ")
    for suffix in (
        " county",
        " parish",
        " city and borough",
        " borough",
        " census area",
        " municipality",
        " municipio",
    ):
        key = key.removesuffix(suffix)
    return "".join(ch for ch in key if ch.isalnum())


@dataclass(frozen=True)
class CountyRecord:
    state: str
    fips: str
    name: str


@lru_cache(maxsize=1)
def _state_postal_by_fips() -> dict[str, str]:
    with resources.files("addfips").joinpath("data/states.csv").open(encoding="utf-8") as f:
        return {row["fips"]: row["postal"] for row in csv.DictReader(f)}


# The Census list gives some counties under two names (a rename, or a borough and its county);
# these are the current official names. The other names still match ZIP codes' county names.
OFFICIAL_COUNTY_NAMES = {
    "02158": "Kusilvak Census Area",
    "02195": "Petersburg Borough",
    "11001": "District of Columbia",
    "36005": "Bronx County",
    "36047": "Kings County",
    "36061": "New York County",
    "36085": "Richmond County",
    "46102": "Oglala Lakota County",
    "60030": "Rose Atoll District",
}


@lru_cache(maxsize=1)
def _census_county_rows() -> tuple[CountyRecord, ...]:
    postal = _state_postal_by_fips()
    path = resources.files("addfips").joinpath("data/counties_2020.csv")
    with path.open(encoding="utf-8") as f:
        return tuple(
            CountyRecord(
                state=postal[row["statefp"]],
                fips=row["statefp"] + row["countyfp"],
                name=row["name"],
            )
            for row in csv.DictReader(f)
            if row["statefp"] in postal
        )


# Alaska split the Valdez-Cordova Census Area in 2019; the list shipped with addfips predates it.
ADDED_COUNTIES = (
    CountyRecord(state="AK", fips="02063", name="Chugach Census Area"),
    CountyRecord(state="AK", fips="02066", name="Copper River Census Area"),
)
RETIRED_COUNTIES = frozenset({"02261"})  # Valdez-Cordova Census Area


@lru_cache(maxsize=1)
def all_counties() -> tuple[CountyRecord, ...]:
    """Every US county from the 2020 Census list shipped with `addfips`, once each, with
    Alaska's 2019 change applied."""
    seen = {}
    for row in (*_census_county_rows(), *ADDED_COUNTIES):
        if row.fips in RETIRED_COUNTIES:
            continue
        if row.fips not in seen:
            name = OFFICIAL_COUNTY_NAMES.get(row.fips, row.name)
            seen[row.fips] = CountyRecord(state=row.state, fips=row.fips, name=name)
    return tuple(seen.values())


@lru_cache(maxsize=1)
def _fips_by_county_key() -> dict[tuple[str, str], str]:
    rows = (*_census_county_rows(), *ADDED_COUNTIES)
    return {
        (row.state, county_key(row.name)): row.fips
        for row in rows
        if row.fips not in RETIRED_COUNTIES
    }


def county_fips(state: str, county_name: str) -> str | None:
    """The FIPS code of a county named in any of its Census spellings ('St. Croix County',
    'Saint Croix', 'Shannon County' for Oglala Lakota), or None."""
    return _fips_by_county_key().get((state, county_key(county_name)))


def counties_of_state(state: str) -> list[CountyRecord]:
    return [c for c in all_counties() if c.state == state]


def known_states() -> list[str]:
    return sorted(set(_state_postal_by_fips().values()))


# The great-circle (haversine) distance is written once, in `_haversine`, over the operations
# of the form it is computed in: plain floats, numpy arrays (the batch) or SQL (the queries).
_FLOAT_OPS = SimpleNamespace(
    radians=math.radians, sin=math.sin, cos=math.cos, asin=math.asin, sqrt=math.sqrt, least=min
)
_SQL_OPS = SimpleNamespace(
    radians=Radians,
    sin=Sin,
    cos=Cos,
    asin=ASin,
    sqrt=Sqrt,
    least=lambda a, b: Least(Value(a, output_field=FloatField()), b),
)


def _haversine(ops, lat1, lon1, lat2, lon2):
    p1, p2 = ops.radians(lat1), ops.radians(lat2)
    dp, dl = p2 - p1, ops.radians(lon2 - lon1)
    h = ops.sin(dp / 2) ** 2.0 + ops.cos(p1) * ops.cos(p2) * ops.sin(dl / 2) ** 2.0
    return 2 * EARTH_RADIUS_MILES * ops.asin(ops.least(1.0, ops.sqrt(h)))


def distance_miles(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle distance in miles, or None when a point is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    return _haversine(_FLOAT_OPS, lat1, lon1, lat2, lon2)


def distance_miles_array(lat1, lon1, lat2, lon2):
    """The same distance over numpy arrays (broadcast; NaN where a point is unknown)."""
    import numpy as np

    ops = SimpleNamespace(
        radians=np.radians, sin=np.sin, cos=np.cos, asin=np.arcsin, sqrt=np.sqrt, least=np.minimum
    )
    return _haversine(ops, lat1, lon1, lat2, lon2)


def distance_miles_expression(latitude: float, longitude: float, lat_field: str, lng_field: str):
    """The same distance from a point to two model fields, as a database expression."""
    point = [Value(float(v), output_field=FloatField()) for v in (latitude, longitude)]
    return _haversine(_SQL_OPS, *point, F(lat_field), F(lng_field))


def bounding_box(latitude: float, longitude: float, radius_miles: float) -> dict[str, float]:
    """A lat/lng box that contains the whole circle, for an index-friendly prefilter.

    The circle is widest in longitude away from the equator, not at its centre's latitude:
    its half-width is asin(sin(r/R) / cos(lat)) (the whole globe's longitudes near a pole).
    """
    angular = radius_miles / EARTH_RADIUS_MILES
    margin = 1e-6  # degrees (~10 cm): rounding must never cut the circle's edge off
    dlat = math.degrees(angular) + margin
    ratio = math.sin(angular) / max(math.cos(math.radians(latitude)), 1e-9)
    dlng = (math.degrees(math.asin(ratio)) if ratio < 1 else 180.0) + margin
    return {
        "min_lat": latitude - dlat,
        "max_lat": latitude + dlat,
        "min_lng": longitude - dlng,
        "max_lng": longitude + dlng,
    }
