"""A realistic, deterministic demo directory: programs, consultants and their review histories.

Every record is generated from its own index and the seed (random.Random(f"{seed}:kind:i")), so
the data set is the same on every machine, a larger run extends a smaller one, and a second run
only fills in what is missing. Records are found again by natural keys: a program's license
number (DEMO-P-000001) and a user's username (demo-consultant-0001).

Bulk inserts bypass the services on purpose: the services validate and notify one record at a
time, which is right for users and far too slow for 200,000 programs. What the services would
derive (state and coordinates from the ZIP code, the county, the decision history) is derived
here the same way, from directory.geo.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from directory import geo
from directory.models import Consultant, County, ListingDecision, Program, ProgramMembership
from directory.services import county_load_state
from directory.vocabularies import (
    AgeGroup,
    Endorsement,
    LicenseType,
    Modality,
    SettingType,
    Specialty,
)

User = get_user_model()
Status = Consultant.ListingStatus
Action = ListingDecision.Action

BATCH = 2000
PROGRAM_KEY = "DEMO-P-{:06d}"
ALL_STATES = "all"
# The 50 states and DC: "all" in --states.
US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    description: str


DEMO_ADMIN = DemoLogin(
    "demo-admin", "demo-admin-2026", "Alliance admin", "approves listings, matches requests"
)
DEMO_PROGRAM = DemoLogin(
    "demo-program", "demo-program-2026", "Program staff", "member of two programs"
)
DEMO_CONSULTANT = DemoLogin(
    "demo-consultant", "demo-consultant-2026", "Consultant", "approved listing"
)
DEMO_PENDING = DemoLogin(
    "demo-pending", "demo-pending-2026", "Consultant", "listing waiting for review"
)
DEMO_LOGINS = (DEMO_ADMIN, DEMO_PROGRAM, DEMO_CONSULTANT, DEMO_PENDING)

# Consultant 1 and 2 belong to the demo consultant logins; 1..5 cover every listing status.
FIRST_STATUSES = {
    1: Status.APPROVED,
    2: Status.PENDING,
    3: Status.DRAFT,
    4: Status.REJECTED,
    5: Status.SUSPENDED,
}
STATUS_WEIGHTS = {
    Status.APPROVED: 74,
    Status.PENDING: 9,
    Status.DRAFT: 6,
    Status.REJECTED: 6,
    Status.SUSPENDED: 5,
}
REJECTION_REASONS = (
    "Please add your license number and the counties you can travel to.",
    "Your bio does not yet describe your infant and early childhood mental health training.",
    "We could not verify your endorsement; please contact the Alliance office.",
)
SUSPENSION_REASONS = (
    "On leave until spring; listing hidden at the consultant's request.",
    "License renewal pending verification.",
)

# --- names ---------------------------------------------------------------------------------

FIRST_NAMES = {
    "en": (
        "Emily Sarah Jessica Amanda Megan Rachel Laura Heather Katie Nicole Anna Molly Erin "
        "Beth Kristin Jennifer Michael David Mark Daniel Tom Lisa Karen Julie Amy Grace"
    ).split(),
    "es": (
        "María Ana Lucía Carmen Rosa Gabriela Isabel Sofía Elena Verónica Alejandra Daniela "
        "José Luis Carlos Miguel Juan Alejandro"
    ).split(),
    "hmn": "Mai Pa Kia Yer Nou Bao Chia Der Pang Youa Tou Fue Cher Lue Kou".split(),
    "so": "Amina Hodan Fadumo Hawa Ayaan Sahra Ifrah Mohamed Abdi Ahmed".split(),
    "ar": "Layla Noor Rania Yasmin Omar Khaled".split(),
}
LAST_NAMES = {
    "en": (
        "Anderson Johnson Olson Nelson Schmidt Miller Larson Peterson Meyer Schultz Hansen "
        "Wagner Becker Klein Thompson Brown Jensen Hoffmann Koch Lawrence Walker Wilson Baker "
        "Martin Clark Lewis Wood Carlson Erickson Kowalski Nowak Zielinski"
    ).split(),
    "es": (
        "García Hernández López Martínez González Rodríguez Pérez Sánchez Ramírez Torres "
        "Flores Rivera Gómez Díaz Morales Ortiz Castillo Vargas"
    ).split(),
    "hmn": "Vang Xiong Yang Lee Thao Her Moua Lor Vue Chang Khang Hang".split(),
    "so": "Ali Hassan Mohamed Abdi Farah Ahmed Omar Yusuf Warsame".split(),
    "ar": "Haddad Khalil Nasser Saleh Mansour".split(),
}
# Language communities of consultants: (weight, first-name pool, languages spoken).
CONSULTANT_COMMUNITIES = (
    (66, "en", ("en",)),
    (18, "es", ("en", "es")),
    (8, "hmn", ("en", "hmn")),
    (3, "so", ("en", "so")),
    (2, "ar", ("en", "ar")),
    (3, "en", ("en", "ase")),
)

CENTER_WORDS = (
    "Little Sprouts|Busy Bees|Bright Beginnings|Kids Kingdom|Tiny Treasures|Rainbow|Sunshine|"
    "Growing Minds|Acorn|Butterfly|Little Explorers|Discovery|Kinder Haus|Wonder Years|"
    "Creative Kids|Small Wonders|Happy Hearts|Little Lambs|Stepping Stones|Building Blocks|"
    "Apple Tree|Prairie|Lakeshore|North Woods|Cherry Blossom|Cornerstone|Harbor|Meadowbrook"
).split("|")
CENTER_KINDS = (
    "Child Care Center",
    "Learning Center",
    "Early Learning Academy",
    "Child Development Center",
    "Early Education Center",
    "Preschool & Child Care",
)
STREET_NAMES = (
    "Main|Oak|Maple|Elm|Park|Lake|Church|Washington|Lincoln|Madison|Jefferson|Mill|River|"
    "Highland|Cedar|Pine|Walnut|Center|School|Spring|Prospect|Grand|Wisconsin|Commerce"
).split("|")
STREET_KINDS = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Way")
AREA_CODES = {"WI": ("262", "414", "608", "715", "920", "534", "274")}

# Programs: (weight, setting type, enrollment range, ages served choices).
PROGRAM_SETTINGS = (
    (40, SettingType.CHILD_CARE_CENTER, (24, 180)),
    (28, SettingType.FAMILY_CHILD_CARE, (4, 12)),
    (10, SettingType.HEAD_START, (30, 220)),
    (8, SettingType.PUBLIC_PRESCHOOL, (20, 160)),
    (8, SettingType.HOME_VISITING, (15, 120)),
    (5, SettingType.HEALTH_CLINIC, (200, 3000)),
    (1, SettingType.OTHER, (10, 60)),
)
# Counties with large Hmong, Somali and Spanish-speaking communities in Wisconsin.
HMONG_COUNTIES = {"Marathon", "Eau Claire", "La Crosse", "Outagamie", "Sheboygan", "Milwaukee"}
SOMALI_COUNTIES = {"Barron", "Dane", "Milwaukee", "Brown"}

BIO_OPENINGS = (
    "I have worked alongside infant and toddler teachers for {years} years.",
    "A former preschool teacher, I have been an early childhood mental health consultant for "
    "{years} years.",
    "For {years} years I have supported child care providers and home visitors in {place}.",
    "I came to infant mental health through {years} years of home visiting with young families.",
)
BIO_APPROACHES = (
    "My approach is relationship-based: I observe, listen, and plan next steps with the "
    "adults who know the children best.",
    "I use reflective consultation to help staff understand what a child's behavior is saying.",
    "I focus on practical classroom strategies that prevent suspension and expulsion.",
    "I work with programs on the Pyramid Model and on calm, predictable routines.",
    "I help teams care for themselves so they can care for the children.",
)


def rng_for(seed: int, kind: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{kind}:{index}")


def weighted(rng: random.Random, table):
    return rng.choices(table, weights=[row[0] for row in table])[0]


def _phone(rng: random.Random, state: str) -> str:
    area = rng.choice(AREA_CODES.get(state, ("555",)))
    return f"{area}-555-01{rng.randrange(100):02d}"


def _street(rng: random.Random) -> str:
    return f"{rng.randrange(100, 9900)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"


# --- geography -----------------------------------------------------------------------------


@dataclass
class Geography:
    """The ZIP codes of the chosen states with their loaded County, and county centroids."""

    zips: list[tuple[geo.ZipPlace, County]] = field(default_factory=list)
    by_county: dict[int, list[tuple[geo.ZipPlace, County]]] = field(default_factory=dict)
    centroids: dict[str, list[tuple[County, float, float]]] = field(default_factory=dict)

    @classmethod
    def load(cls, states: list[str]) -> "Geography":
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
        for rows in self.by_county.values():
            county = rows[0][1]
            lat = sum(p.latitude for p, _ in rows) / len(rows)
            lng = sum(p.longitude for p, _ in rows) / len(rows)
            self.centroids.setdefault(county.state, []).append((county, lat, lng))
        return self

    def place_for(self, rng: random.Random, index: int) -> tuple[geo.ZipPlace, County]:
        """The first programs take one county each, so every county has programs; the rest
        fall where ZIP codes are dense, as people do."""
        counties = sorted(self.by_county)
        if index <= len(counties):
            return rng.choice(self.by_county[counties[index - 1]])
        return rng.choice(self.zips)

    def counties_within(self, place: geo.ZipPlace, radius: float) -> list[County]:
        return [
            county
            for county, lat, lng in self.centroids.get(place.state, [])
            if geo.distance_miles(place.latitude, place.longitude, lat, lng) <= radius
        ]


# --- users ---------------------------------------------------------------------------------


def ensure_demo_logins() -> dict[str, "User"]:
    """The four demo accounts with their known passwords (reset if someone changed them)."""
    users = {}
    group = Group.objects.filter(name="Alliance admins").first()
    review = Permission.objects.get(
        content_type__app_label="directory", codename="review_consultant"
    )
    for login in DEMO_LOGINS:
        is_admin = login is DEMO_ADMIN
        role = (
            ""
            if is_admin
            else (User.Role.PROGRAM if login is DEMO_PROGRAM else User.Role.CONSULTANT)
        )
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": f"{login.username}@demo.example.org",
                "role": role,
                "is_staff": is_admin,
                "first_name": login.username.split("-")[1].title(),
                "last_name": "Demo",
            },
        )
        if created or not user.check_password(login.password):
            user.set_password(login.password)
            user.save(update_fields=["password"])
        if is_admin:
            if group is not None:
                user.groups.add(group)
            user.user_permissions.add(review)
        users[login.username] = user
    return users


def _bulk_users(usernames: list[str], role: str, names: dict[str, tuple[str, str]]) -> dict:
    """Create the missing users (no usable password: they are data, not logins)."""
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = []
    for username in usernames:
        if username in existing:
            continue
        first, last = names.get(username, ("", ""))
        user = User(
            username=username,
            email=f"{username}@demo.example.org",
            role=role,
            first_name=first,
            last_name=last,
        )
        user.set_unusable_password()
        missing.append(user)
    User.objects.bulk_create(missing, batch_size=BATCH)
    if missing:
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    return existing


def bulk_create_dated(model, objects: list, fields: tuple[str, ...]) -> None:
    """bulk_create, then restore the generated dates that auto_now(_add) overwrote."""
    dates = [tuple(getattr(obj, name) for name in fields) for obj in objects]
    model.objects.bulk_create(objects, batch_size=BATCH)  # sets pks (RETURNING)
    for obj, values in zip(objects, dates, strict=True):
        for name, value in zip(fields, values, strict=True):
            setattr(obj, name, value)
    model.objects.bulk_update(objects, list(fields), batch_size=BATCH)


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- programs ------------------------------------------------------------------------------


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


def seed_programs(
    *, count: int, seed: int, geography: Geography, progress: Callable[[int], None]
) -> int:
    """Programs DEMO-P-000001..count, each with a director; returns how many were created."""
    existing = set(
        Program.objects.filter(license_number__startswith="DEMO-P-").values_list(
            "license_number", flat=True
        )
    )
    todo = [i for i in range(1, count + 1) if PROGRAM_KEY.format(i) not in existing]
    now = timezone.now()
    created = 0
    for chunk in chunks(todo):
        programs, languages, directors, director_of = [], {}, {}, {}
        for i in chunk:
            rng = rng_for(seed, "program", i)
            place, county = geography.place_for(rng, i)
            setting = weighted(rng, PROGRAM_SETTINGS)
            _, setting_type, (low, high) = setting
            key = PROGRAM_KEY.format(i)
            created_at = now - timedelta(days=rng.randrange(30, 1500))
            programs.append(
                Program(
                    name=_program_name(rng, setting_type, place, county),
                    setting_type=setting_type,
                    license_number=key,
                    street=_street(rng),
                    city=place.city,
                    state=place.state,
                    zip=place.zip,
                    county=county,
                    latitude=place.latitude,
                    longitude=place.longitude,
                    ages_served=_program_ages(rng, setting_type),
                    enrollment=rng.randrange(low, high + 1),
                    phone=_phone(rng, place.state),
                    email=f"director.{i:06d}@demo.example.org",
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
            languages[key] = _program_languages(rng, county)
            last = rng.choice(LAST_NAMES["en"])
            username = f"demo-director-{i:06d}"
            directors[username] = (rng.choice(FIRST_NAMES["en"]), last)
            director_of[username] = key
        with transaction.atomic():
            bulk_create_dated(Program, programs, ("created_at", "updated_at"))
            saved = {p.license_number: p for p in programs}
            Program.languages.through.objects.bulk_create(
                [
                    Program.languages.through(program_id=saved[key].pk, language_id=code)
                    for key, codes in languages.items()
                    for code in codes
                ],
                batch_size=BATCH,
            )
            users = _bulk_users(list(directors), User.Role.PROGRAM, directors)
            ProgramMembership.objects.bulk_create(
                [
                    ProgramMembership(program=saved[director_of[username]], user=user)
                    for username, user in users.items()
                ],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        created += len(chunk)
        progress(len(chunk))
    return created


def add_demo_program_memberships(user, *, count: int = 2) -> None:
    """The demo program login staffs the first `count` demo programs."""
    keys = [PROGRAM_KEY.format(i) for i in range(1, count + 1)]
    for program in Program.objects.filter(license_number__in=keys):
        ProgramMembership.objects.get_or_create(program=program, user=user)


# --- consultants ---------------------------------------------------------------------------


def consultant_username(index: int) -> str:
    if index == 1:
        return DEMO_CONSULTANT.username
    if index == 2:
        return DEMO_PENDING.username
    return f"demo-consultant-{index:04d}"


def _sample(rng: random.Random, values, low: int, high: int) -> list[str]:
    return sorted(rng.sample(list(values), rng.randint(low, min(high, len(values)))))


def _consultant_status(rng: random.Random, index: int) -> str:
    if index in FIRST_STATUSES:
        return FIRST_STATUSES[index]
    statuses = list(STATUS_WEIGHTS)
    return rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0]


@dataclass
class _ConsultantPlan:
    consultant: Consultant
    username: str
    names: tuple[str, str]
    languages: list[str]
    counties: list[County]
    history: list[tuple[str, str, str, str, int]]  # action, from, to, reason, days ago


def _plan_consultant(seed: int, index: int, geography: Geography, now) -> _ConsultantPlan:
    rng = rng_for(seed, "consultant", index)
    _, community, languages = weighted(rng, CONSULTANT_COMMUNITIES)
    first = rng.choice(FIRST_NAMES[community])
    last = rng.choice(LAST_NAMES[community if community in LAST_NAMES else "en"])
    if rng.random() < 0.15:  # married and family names cross communities
        last = rng.choice(LAST_NAMES["en"])
    place, county = rng.choice(geography.zips)
    modalities = weighted(
        rng,
        (
            (60, [Modality.ON_SITE, Modality.VIRTUAL]),
            (30, [Modality.ON_SITE]),
            (10, [Modality.VIRTUAL]),
        ),
    )[1]
    radius = rng.choice((15, 20, 25, 30, 40, 50, 60, 75))
    counties = (
        sorted({county, *geography.counties_within(place, radius)}, key=lambda c: c.pk)
        if Modality.ON_SITE in modalities
        else []
    )
    years = rng.randint(2, 25)
    license_type = rng.choices(LicenseType.values, weights=(30, 30, 12, 8, 8, 4, 8))[0]
    endorsement = rng.choices(Endorsement.values, weights=(25, 15, 25, 28, 7))[0]
    status = _consultant_status(rng, index)
    max_caseload = rng.choice((6, 8, 10, 12, 12, 15, 20))
    handle = f"{first}.{last}".lower().replace(" ", "")
    handle = "".join(ch for ch in handle if ch.isascii() and (ch.isalnum() or ch == "."))
    bio = " ".join(
        (
            rng.choice(BIO_OPENINGS).format(years=years, place=county.name),
            *rng.sample(BIO_APPROACHES, 2),
        )
    )
    # Listings wait days, not years, for review.
    submitted_days = rng.randint(1, 21) if status == Status.PENDING else rng.randint(20, 900)
    consultant = Consultant(
        display_name=f"{first} {last}",
        bio=bio if status != Status.DRAFT or rng.random() < 0.5 else "",
        license_type=license_type,
        imh_endorsement=endorsement,
        base_zip=place.zip,
        base_state=place.state,
        base_latitude=place.latitude,
        base_longitude=place.longitude,
        travel_radius_miles=radius,
        modalities=modalities,
        setting_types=_sample(rng, SettingType.values[:-1], 2, 5),
        specialties=_sample(rng, Specialty.values, 2, 6),
        max_caseload=max_caseload,
        accepting_new_requests=index == 1 or rng.random() < 0.88,
        listing_status=status,
        public_email=f"{handle}.{index}@consult.demo.example.org",
        public_phone=_phone(rng, place.state) if rng.random() < 0.7 else "",
        contact_email=f"{handle}.{index}@private.demo.example.org",
        contact_phone=_phone(rng, place.state),
        created_at=now - timedelta(days=submitted_days + rng.randint(0, 30)),
    )
    history = []
    if status != Status.DRAFT:
        history.append((Action.SUBMITTED, Status.DRAFT, Status.PENDING, "", submitted_days))
        consultant.submitted_at = now - timedelta(days=submitted_days)
    reviewed_days = max(submitted_days - rng.randint(1, 10), 0)
    if status in (Status.APPROVED, Status.SUSPENDED):
        history.append((Action.APPROVED, Status.PENDING, Status.APPROVED, "", reviewed_days))
        consultant.reviewed_at = now - timedelta(days=reviewed_days)
    if status == Status.SUSPENDED:
        suspended_days = rng.randint(0, reviewed_days)
        reason = rng.choice(SUSPENSION_REASONS)
        history.append(
            (Action.SUSPENDED, Status.APPROVED, Status.SUSPENDED, reason, suspended_days)
        )
        consultant.reviewed_at = now - timedelta(days=suspended_days)
    if status == Status.REJECTED:
        reason = rng.choice(REJECTION_REASONS)
        history.append((Action.REJECTED, Status.PENDING, Status.REJECTED, reason, reviewed_days))
        consultant.reviewed_at = now - timedelta(days=reviewed_days)
    consultant.updated_at = (
        consultant.reviewed_at or consultant.submitted_at or consultant.created_at
    )
    return _ConsultantPlan(
        consultant=consultant,
        username=consultant_username(index),
        names=(first, last),
        languages=list(languages),
        counties=counties,
        history=history,
    )


def seed_consultants(
    *, count: int, seed: int, geography: Geography, reviewer, progress: Callable[[int], None]
) -> int:
    """Consultants 1..count with their users, languages, counties and review history."""
    usernames = {consultant_username(i): i for i in range(1, count + 1)}
    have_listing = set(
        Consultant.objects.filter(user__username__in=list(usernames)).values_list(
            "user__username", flat=True
        )
    )
    todo = [i for name, i in usernames.items() if name not in have_listing]
    now = timezone.now()
    created = 0
    for chunk in chunks(todo):
        plans = [_plan_consultant(seed, i, geography, now) for i in chunk]
        with transaction.atomic():
            users = _bulk_users(
                [p.username for p in plans],
                User.Role.CONSULTANT,
                {p.username: p.names for p in plans},
            )
            consultants = []
            for plan in plans:
                plan.consultant.user = users[plan.username]
                consultants.append(plan.consultant)
            bulk_create_dated(Consultant, consultants, ("created_at", "updated_at"))
            Consultant.languages.through.objects.bulk_create(
                [
                    Consultant.languages.through(consultant_id=p.consultant.pk, language_id=code)
                    for p in plans
                    for code in p.languages
                ],
                batch_size=BATCH,
            )
            Consultant.counties_served.through.objects.bulk_create(
                [
                    Consultant.counties_served.through(
                        consultant_id=p.consultant.pk, county_id=county.pk
                    )
                    for p in plans
                    for county in p.counties
                ],
                batch_size=BATCH,
            )
            decisions = [
                ListingDecision(
                    consultant=p.consultant,
                    action=action,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    actor=p.consultant.user if action == Action.SUBMITTED else reviewer,
                    created_at=now - timedelta(days=days),
                )
                for p in plans
                for action, from_status, to_status, reason, days in p.history
            ]
            bulk_create_dated(ListingDecision, decisions, ("created_at",))
        created += len(chunk)
        progress(len(chunk))
    return created
