"""A synthetic list of licensed child care programs, laid out like the state's export.

No real licensing file can be shipped, so the demo, the tests and the benchmark use this one:
deterministic for a seed, Wisconsin ZIP codes and counties, the license types, capacities,
ages, subsidy and quality ratings in plausible proportions. Every name and number is made up.
`manage.py make_program_list` writes it; directory/samples/ holds a small one.
"""

import csv
import random
from collections.abc import Iterator
from typing import TextIO

from directory import geo
from directory.program_rows import DEFAULT_COLUMNS

FIRST = (
    "Little", "Bright", "Sunny", "Happy", "Growing", "Tiny", "Busy", "Rainbow", "Kinder",
    "Wonder", "Giving Tree", "Acorn", "Maple", "Prairie", "Lakeshore", "Northwoods", "Cedar",
    "Willow", "Badger", "Meadow",
)  # fmt: skip
SECOND = (
    "Steps", "Sprouts", "Stars", "Hearts", "Explorers", "Learners", "Minds", "Hands",
    "Beginnings", "Friends", "Cubs", "Ducklings", "Seeds", "Dreamers",
)  # fmt: skip
CENTER_KINDS = ("Child Care Center", "Learning Center", "Early Learning", "Academy", "Preschool")
SURNAMES = (
    "Anderson", "Johnson", "Olson", "Schmidt", "Nelson", "Vang", "Lee", "Garcia", "Martinez",
    "Thao", "Miller", "Wilson", "Hernandez", "Xiong", "Larson", "Mueller", "Brown", "Hassan",
)  # fmt: skip
STREETS = (
    "Main", "Oak", "Park", "Washington", "Lake", "Elm", "Maple", "Cedar", "Hill", "Pine",
    "River", "Church", "Mill", "Center", "Prospect", "Madison", "Milwaukee", "Wisconsin",
)  # fmt: skip
SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct")
# (label in the file, share of programs, capacity range, minimum age range, maximum age range)
LICENSE_TYPES = (
    ("Licensed Group", 0.47, (20, 250), (1, 24), (60, 156)),
    ("Licensed Family", 0.30, (4, 8), (0, 12), (72, 156)),
    ("Certified Family", 0.18, (3, 6), (0, 12), (60, 156)),
    ("Licensed Day Camp", 0.05, (30, 150), (36, 60), (120, 180)),
)


def _license_type(rng: random.Random):
    pick, total = rng.random(), 0.0
    for entry in LICENSE_TYPES:
        total += entry[1]
        if pick < total:
            return entry
    return LICENSE_TYPES[-1]


def sample_rows(count: int, *, seed: int = 18, state: str = "WI") -> Iterator[dict]:
    """`count` rows of a licensing list, keyed by DEFAULT_COLUMNS' column names."""
    rng = random.Random(seed)
    places = geo.zips_in_state(state)
    cols = DEFAULT_COLUMNS
    for n in range(count):
        label, _, capacity, min_age, max_age = _license_type(rng)
        place = rng.choice(places)
        if label in ("Licensed Family", "Certified Family"):
            name = f"{rng.choice(SURNAMES)} Family Child Care"
        else:
            kind = "Day Camp" if label == "Licensed Day Camp" else rng.choice(CENTER_KINDS)
            name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {kind}"
        rated = label != "Certified Family" or rng.random() < 0.3
        yield {
            cols["license_number"]: str(1_000_000 + n * 7 + rng.randrange(7)),
            cols["name"]: name,
            cols["street"]: f"{rng.randrange(10, 9999)} {rng.choice(STREETS)} "
            f"{rng.choice(SUFFIXES)}",
            cols["city"]: place.city,
            cols["zip"]: place.zip,
            cols["county"]: place.county_name.removesuffix(" County"),
            cols["license_type"]: label,
            cols["capacity"]: rng.randint(*capacity),
            cols["age_min_months"]: rng.randint(*min_age),
            cols["age_max_months"]: rng.randint(*max_age),
            cols["accepts_subsidy"]: "Yes" if rng.random() < 0.72 else "No",
            cols["quality_rating"]: rng.choices((2, 3, 4, 5), weights=(30, 40, 18, 12))[0]
            if rated
            else "",
        }


def write_sample(out: TextIO, count: int, *, seed: int = 18, state: str = "WI") -> int:
    """Write a sample list of `count` programs as CSV to `out`; returns the rows written."""
    writer = csv.DictWriter(out, fieldnames=list(DEFAULT_COLUMNS.values()), lineterminator="\n")
    writer.writeheader()
    written = 0
    for row in sample_rows(count, seed=seed, state=state):
        writer.writerow(row)
        written += 1
    return written
