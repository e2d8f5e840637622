"""Child care programs DEMO-P-000001.., each with a director who is a member of it.

A program is found again by its license number (DEMO-P-000001), its director by username
(demo-director-000001).
"""

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.bulk import insert_objects, insert_rows, reserve_ids
from demo.common import chunks, missing_indices, phone, rng_for, street, weighted
from demo.data import (
    CENTER_KINDS,
    CENTER_WORDS,
    FIRST_NAMES,
    HMONG_COUNTIES,
    LAST_NAMES,
    PROGRAM_SETTINGS,
    SOMALI_COUNTIES,
    STREET_NAMES,
)
from demo.equity import program_equity
from demo.geography import Geography
from demo.users import ensure_users
from directory import geo
from directory.models import County, Program, ProgramMembership
from directory.vocabularies import AgeGroup, SettingType

User = get_user_model()

KEY_PREFIX = "DEMO-P-"
PROGRAM_KEY = KEY_PREFIX + "{:06d}"
DIRECTOR_PREFIX = "demo-director-"


@dataclass
class ProgramPlan:
    program: Program
    languages: list[str]
    director: str  # username
    director_names: tuple[str, str]


def plan_program(seed: int, index: int, geography: Geography, now: datetime) -> ProgramPlan:
    """Program `index`: the same for a given seed on every run."""
    rng = rng_for(seed, "program", index)
    place, county = geography.place_for(rng, index)
    _, setting_type, (low, high) = weighted(rng, PROGRAM_SETTINGS)
    created_at = now - timedelta(days=rng.randrange(30, 1500))
    program = Program(
        name=_program_name(rng, setting_type, place, county),
        setting_type=setting_type,
        license_number=PROGRAM_KEY.format(index),
        street=street(rng),
        city=place.city,
        state=place.state,
        zip=place.zip,
        county=county,
        latitude=place.latitude,
        longitude=place.longitude,
        ages_served=_program_ages(rng, setting_type),
        enrollment=rng.randrange(low, high + 1),
        phone=phone(rng, place.state),
        email=f"director.{index:06d}@demo.example.org",
        created_at=created_at,
        updated_at=created_at,
        **program_equity(seed, index, county.name, setting_type),
    )
    languages = _program_languages(rng, county)
    last = rng.choice(LAST_NAMES["en"])
    first = rng.choice(FIRST_NAMES["en"])
    return ProgramPlan(program, languages, f"{DIRECTOR_PREFIX}{index:06d}", (first, last))


def _program_name(rng: random.Random, setting: str, place: geo.ZipPlace, county: County) -> str:
    city = place.city
    county_name = county.name.removesuffix(" County")
    if setting == SettingType.CHILD_CARE_CENTER:
        return f"{rng.choice(CENTER_WORDS)} {rng.choice(CENTER_KINDS)}"
    if setting == SettingType.FAMILY_CHILD_CARE:
        last = rng.choice(LAST_NAMES[rng.choice(("en", "en", "en", "es", "hmn"))])
        return rng.choice(
            (
                f"{last} Family Child Care",
                f"{rng.choice(CENTER_WORDS)} Family Child Care",
                f"{last} Home Daycare",
            )
        )
    if setting == SettingType.HEAD_START:
        return rng.choice(
            (f"{county_name} County Head Start", f"{city} Early Head Start", f"{city} Head Start")
        )
    if setting == SettingType.PUBLIC_PRESCHOOL:
        return f"{rng.choice(STREET_NAMES)} Elementary 4K"
    if setting == SettingType.HOME_VISITING:
        return rng.choice(
            (
                f"{county_name} County Parents as Teachers",
                f"{county_name} County Healthy Families",
                f"{county_name} County Nurse-Family Partnership",
            )
        )
    if setting == SettingType.HEALTH_CLINIC:
        return rng.choice(
            (f"{city} Pediatrics", f"{city} Family Medicine Clinic", f"{city} Community Health")
        )
    return f"{city} Family Resource Center"


def _program_languages(rng: random.Random, county: County) -> list[str]:
    name = county.name.removesuffix(" County")
    languages = ["en"]
    if rng.random() < 0.22:
        languages.append("es")
    if rng.random() < (0.25 if name in HMONG_COUNTIES else 0.02):
        languages.append("hmn")
    if rng.random() < (0.12 if name in SOMALI_COUNTIES else 0.005):
        languages.append("so")
    return languages


def _program_ages(rng: random.Random, setting: str) -> list[str]:
    if setting in (SettingType.HOME_VISITING, SettingType.HEALTH_CLINIC):
        return [AgeGroup.INFANT, AgeGroup.TODDLER, AgeGroup.PRESCHOOL]
    if setting == SettingType.PUBLIC_PRESCHOOL:
        return [AgeGroup.PRESCHOOL]
    ages = [AgeGroup.TODDLER, AgeGroup.PRESCHOOL]
    if rng.random() < 0.7:
        ages.append(AgeGroup.INFANT)
    if rng.random() < 0.3:
        ages.append(AgeGroup.SCHOOL_AGE)
    return ages


def missing_programs(count: int) -> tuple[Iterator[int], int]:
    """The indices 1..count of the programs not there yet, and how many there are.

    One count answers the usual cases (nothing there, everything there): license numbers
    DEMO-P-... are seed_demo's own, one a program. Otherwise the keys are read in a stream,
    one byte an index."""
    if count <= 0:
        return iter(()), 0
    keys = Program.objects.filter(
        license_number__startswith=KEY_PREFIX, license_number__lte=PROGRAM_KEY.format(count)
    )
    present = keys.count()
    if present == 0:
        return iter(range(1, count + 1)), count
    if present == count:
        return iter(()), 0
    numbers = keys.values_list("license_number", flat=True).iterator(chunk_size=20_000)
    return missing_indices(
        (int(key[len(KEY_PREFIX) :]) for key in numbers if key[len(KEY_PREFIX) :].isdigit()),
        count,
    )


def seed_programs(
    indices: Iterable[int], *, seed: int, geography: Geography, progress: Callable[[int], None]
) -> int:
    """Programs with these indices, each with its languages and director, a chunk at a
    time; returns how many were created."""
    now = timezone.now()
    created = 0
    for chunk in chunks(indices):
        plans = [plan_program(seed, i, geography, now) for i in chunk]
        with transaction.atomic():
            _insert(plans)
        created += len(plans)
        progress(len(plans))
    return created


def _insert(plans: list[ProgramPlan]) -> None:
    for plan, pk in zip(plans, reserve_ids(Program, len(plans)), strict=True):
        plan.program.pk = pk
    insert_objects(Program, [plan.program for plan in plans])
    insert_rows(
        Program.languages.through,
        ("program", "language"),
        [(plan.program.pk, code) for plan in plans for code in plan.languages],
    )
    directors = ensure_users(
        {plan.director: plan.director_names for plan in plans}, role=User.Role.PROGRAM
    )
    insert_objects(
        ProgramMembership,
        [
            ProgramMembership(program_id=plan.program.pk, user_id=directors[plan.director])
            for plan in plans
        ],
    )


def add_demo_program_memberships(user, *, count: int = 2) -> None:
    """The demo program login staffs the first `count` demo programs."""
    keys = [PROGRAM_KEY.format(i) for i in range(1, count + 1)]
    for program in Program.objects.filter(license_number__in=keys):
        ProgramMembership.objects.get_or_create(program=program, user=user)
