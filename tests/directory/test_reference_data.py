"""Reference data (docs/api.md, "Reference data"): counties, languages, vocabularies; the
load_counties command; and the offline geography of directory.geo."""

import io
import math
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from directory import geo
from directory.models import County, Program
from tests.conftest import ROLES
from tests.factories import ProgramFactory

COUNTIES = "/api/v1/counties/"
LANGUAGES = "/api/v1/languages/"
VOCABULARIES = "/api/v1/vocabularies/"

MADISON = (43.0775, -89.3831)  # ZIP 53703
MILWAUKEE = (43.0389, -87.9065)  # ZIP 53202

# docs/domain.md, "Vocabularies", verbatim.
DOMAIN_VOCABULARIES = {
    "setting_types": "child_care_center, family_child_care, head_start, public_preschool, "
    "home_visiting, health_clinic, other",
    "ages_served": "infant, toddler, preschool, school_age",
    "focus_types": "child, classroom, program, community",
    "concerns": "challenging_behavior, suspension_expulsion_risk, trauma_exposure, "
    "separation_attachment, social_emotional_skills, developmental_concern, family_stress, "
    "caregiver_mental_health, staff_stress, classroom_climate, transitions",
    "specialties": "challenging_behavior, trauma_informed_care, attachment_relationships, "
    "social_emotional_development, developmental_disabilities, family_engagement, "
    "caregiver_mental_health, reflective_practice, staff_wellbeing, classroom_practices, "
    "cultural_responsiveness",
    "modalities": "on_site, virtual",
    "license_types": "lcsw, lpc, lmft, psychologist, counselor_in_training, other, none",
    "endorsements": "none, infant_family_associate, infant_family_specialist, "
    "infant_family_reflective_supervisor, infant_mental_health_specialist, "
    "infant_mental_health_mentor, early_childhood_family_associate, "
    "early_childhood_family_specialist, early_childhood_family_reflective_supervisor, "
    "early_childhood_mental_health_specialist, early_childhood_mental_health_mentor",
    "endorsement_statuses": "in_process, endorsed",
    "contact_types": "observation, staff_consultation, family_consultation, "
    "reflective_consultation, training, planning, other",
    "contact_activities": "classroom_observation, classroom_coaching, staff_meeting, "
    "family_meeting, reflective_consultation, training, planning, phone_or_email",
    "referral_sources": "program_staff, family, home_visitor, help_me_grow, birth_to_3, "
    "two_one_one, head_start, alliance_phone, other",
    "engagement_phases": "initiation, exploration, planning, implementation, transition",
    "closure_reasons": "goals_met, program_ended, child_left_program, family_declined, "
    "no_response, referred_elsewhere, consultant_unavailable, other",
    "tribal_nations": "bad_river, forest_county_potawatomi, ho_chunk, lac_courte_oreilles, "
    "lac_du_flambeau, menominee, oneida, red_cliff, sokaogon, st_croix, stockbridge_munsee",
    "race_ethnicity": "american_indian_alaska_native, asian, black, hispanic_latino, "
    "middle_eastern_north_african, native_hawaiian_pacific_islander, white",
    "yes_no_unknown": "yes, no, unknown",
}
DOMAIN_LANGUAGES = ("en", "es", "hmn", "so", "ar", "zh", "ru", "vi", "fr", "ase")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",")]


def load_counties(*args) -> str:
    out = io.StringIO()
    call_command("load_counties", *args, stdout=out)
    return out.getvalue()


# --- /counties/ -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_counties_are_open_to_every_role(world, role):
    response = world.client(role).get(COUNTIES, {"state": "WI"})

    assert response.status_code == 200
    assert len(response.json()) == 72


def test_wisconsin_has_its_72_counties_with_fips_codes(db, anon_client):
    rows = anon_client.get(COUNTIES, {"state": "WI"}).json()

    assert len(rows) == 72
    assert all(set(row) == {"id", "name", "state", "fips", "rucc_code", "is_rural"} for row in rows)
    assert {row["state"] for row in rows} == {"WI"}
    fips = [row["fips"] for row in rows]
    assert len(set(fips)) == 72
    assert all(re.fullmatch(r"55\d{3}", f) for f in fips)
    # Every Wisconsin county has an odd FIPS code from 55001 to 55141, plus Menominee (55078).
    assert set(fips) == {f"55{n:03d}" for n in range(1, 142, 2)} | {"55078"}
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)


@pytest.mark.parametrize(
    ("name", "fips"),
    [
        ("Dane County", "55025"),
        ("Menominee County", "55078"),
        ("Milwaukee County", "55079"),
        ("Marathon County", "55073"),
        ("St. Croix County", "55109"),
        ("Fond du Lac County", "55039"),
        ("Adams County", "55001"),
        ("Wood County", "55141"),
    ],
)
def test_wisconsin_county_fips(db, anon_client, name, fips):
    rows = anon_client.get(COUNTIES, {"state": "WI"}).json()

    by_name = {row["name"]: row for row in rows}
    assert by_name[name]["fips"] == fips
    assert by_name[name]["id"] == County.objects.get(fips=fips).pk


def test_counties_without_state_lists_every_loaded_county(db, anon_client):
    load_counties("--state", "MN")

    rows = anon_client.get(COUNTIES).json()

    assert len(rows) == 72 + 87
    assert {row["state"] for row in rows} == {"MN", "WI"}


@pytest.mark.parametrize("state", ["MN", "mn", " MN "])
def test_counties_state_filter(db, anon_client, state):
    load_counties("--state", "MN")

    rows = anon_client.get(COUNTIES, {"state": state}).json()

    assert len(rows) == 87
    assert {row["state"] for row in rows} == {"MN"}
    assert {"Hennepin County", "Ramsey County", "Lake of the Woods County"} <= {
        row["name"] for row in rows
    }


def test_counties_of_a_known_state_not_loaded_is_empty(db, anon_client):
    response = anon_client.get(COUNTIES, {"state": "IA"})

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("state", ["XX", "Wisconsin", "55", "W", "W%", "WI,MN", "x" * 300])
def test_counties_bad_state_is_400(db, anon_client, state):
    response = anon_client.get(COUNTIES, {"state": state})

    assert response.status_code == 400
    assert list(response.json()) == ["state"]


# --- /languages/ ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_languages_are_open_to_every_role(world, role):
    response = world.client(role).get(LANGUAGES)

    assert response.status_code == 200
    rows = response.json()
    assert all(set(row) == {"code", "name"} for row in rows)
    assert set(DOMAIN_LANGUAGES) <= {row["code"] for row in rows}


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "English"),
        ("es", "Spanish"),
        ("hmn", "Hmong"),
        ("so", "Somali"),
        ("ase", "American Sign Language"),
        ("ar", "Arabic"),
    ],
)
def test_language_codes_are_iso_639(db, anon_client, code, name):
    rows = {row["code"]: row["name"] for row in anon_client.get(LANGUAGES).json()}

    assert rows[code] == name


def test_language_codes_are_lowercase_and_unique(db, anon_client):
    rows = anon_client.get(LANGUAGES).json()

    found = [row["code"] for row in rows]
    assert len(found) == len(set(found))
    assert all(re.fullmatch(r"[a-z]{2,3}", code) for code in found)


# --- /vocabularies/ ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_vocabularies_are_open_to_every_role(world, role):
    response = world.client(role).get(VOCABULARIES)

    assert response.status_code == 200
    assert set(DOMAIN_VOCABULARIES) <= set(response.json())


@pytest.mark.parametrize("name", sorted(DOMAIN_VOCABULARIES))
def test_each_vocabulary_has_the_domain_codes_with_labels(db, anon_client, name):
    entries = anon_client.get(VOCABULARIES).json()[name]

    assert [entry["code"] for entry in entries] == codes(DOMAIN_VOCABULARIES[name])
    for entry in entries:
        assert set(entry) == {"code", "label"}
        assert SNAKE_CASE.match(entry["code"])
        assert isinstance(entry["label"], str)
        assert entry["label"].strip()
        assert entry["label"] != entry["code"]


@pytest.mark.parametrize(
    ("name", "code", "label"),
    [
        ("setting_types", "head_start", "Head Start / Early Head Start"),
        ("modalities", "on_site", "On site"),
        ("concerns", "suspension_expulsion_risk", "Risk of suspension or expulsion"),
        ("license_types", "lcsw", "Licensed clinical social worker (LCSW)"),
    ],
)
def test_vocabulary_labels(db, anon_client, name, code, label):
    entries = anon_client.get(VOCABULARIES).json()[name]

    assert {e["code"]: e["label"] for e in entries}[code] == label


def test_contract_vocabulary_names_are_all_there(db, anon_client):
    contract = {
        "setting_types",
        "specialties",
        "concerns",
        "modalities",
        "focus_types",
        "license_types",
        "endorsements",
        "closure_reasons",
        "contact_types",
    }

    assert contract <= set(anon_client.get(VOCABULARIES).json())


@pytest.mark.parametrize("path", [COUNTIES, LANGUAGES, VOCABULARIES])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_reference_data_is_read_only(world, path, method, role):
    before = (County.objects.count(), County.objects.order_by("pk").first().name)

    response = getattr(world.client(role), method)(path, {"name": "Nowhere", "state": "WI"})

    assert response.status_code == 405
    assert (County.objects.count(), County.objects.order_by("pk").first().name) == before


# --- manage.py load_counties ------------------------------------------------------------------


def test_load_counties_minnesota_then_again_creates_nothing(db):
    first = load_counties("--state", "MN")

    assert County.objects.filter(state="MN").count() == 87
    assert "MN: 87 new counties" in first
    assert County.objects.get(fips="27053").name == "Hennepin County"
    assert County.objects.get(fips="27123").name == "Ramsey County"
    snapshot = list(County.objects.order_by("pk").values_list("pk", "fips", "name", "state"))

    second = load_counties("--state", "MN")

    assert "MN: 0 new counties" in second
    assert "Loaded 0 new counties." in second
    assert list(County.objects.order_by("pk").values_list("pk", "fips", "name", "state")) == (
        snapshot
    )


def test_load_counties_of_wisconsin_changes_nothing(db):
    before = list(County.objects.order_by("pk").values_list("pk", "fips", "name", "state"))

    out = load_counties("--state", "wi")

    assert "WI: 0 new counties" in out
    assert list(County.objects.order_by("pk").values_list("pk", "fips", "name", "state")) == before


def test_load_counties_several_states(db):
    out = load_counties("--state", "MN", "--state", "IA")

    assert County.objects.filter(state="IA").count() == 99
    assert County.objects.filter(state="MN").count() == 87
    assert "Loaded 186 new counties." in out


def test_load_counties_renames_to_the_official_name(db):
    County.objects.create(fips="46102", name="Shannon County", state="SD")

    out = load_counties("--state", "SD")

    assert County.objects.get(fips="46102").name == "Oglala Lakota County"
    assert County.objects.filter(state="SD").count() == 66
    assert "SD: 65 new counties" in out


def test_load_counties_all_states(db):
    load_counties("--state", "ALL")

    assert County.objects.count() == len(geo.all_counties())
    assert County.objects.filter(state="CA").count() == 58
    assert County.objects.filter(state="TX").count() == 254
    assert County.objects.get(fips="11001").name == "District of Columbia"
    assert County.objects.get(fips="35013").name == "Doña Ana County"


@pytest.mark.parametrize("state", ["XX", "ZZ", "Wisconsin", ""])
def test_load_counties_bad_state_is_a_command_error(db, state):
    before = County.objects.count()

    with pytest.raises(CommandError):
        load_counties("--state", state)

    assert County.objects.count() == before


def test_load_counties_requires_a_state(db):
    with pytest.raises(CommandError):
        load_counties()


# --- directory.geo: ZIP codes -----------------------------------------------------------------


def test_zip_lookup_known():
    place = geo.zip_lookup("53703")

    assert place == geo.ZipPlace(
        zip="53703",
        city="Madison",
        state="WI",
        county_name="Dane County",
        latitude=43.0775,
        longitude=-89.3831,
    )


@pytest.mark.parametrize(
    ("zip_code", "city", "state", "county_name"),
    [
        ("54401", "Wausau", "WI", "Marathon County"),
        ("54135", "Keshena", "WI", "Menominee County"),
        ("55401", "Minneapolis", "MN", "Hennepin County"),
        ("88001", "Las Cruces", "NM", "Dona Ana County"),
        ("57770", "Pine Ridge", "SD", "Oglala Lakota County"),
    ],
)
def test_zip_lookup_places(zip_code, city, state, county_name):
    place = geo.zip_lookup(zip_code)

    assert (place.zip, place.city, place.state, place.county_name) == (
        zip_code,
        city,
        state,
        county_name,
    )
    assert -180 < place.longitude < 0 < place.latitude < 90


@pytest.mark.parametrize("zip_code", ["53703-1234", " 53703 ", "53703-0000"])
def test_zip_lookup_zip_plus_four_and_spaces(zip_code):
    assert geo.zip_lookup(zip_code) == geo.zip_lookup("53703")


@pytest.mark.parametrize("zip_code", ["00000", "99999", "00001"])
def test_zip_lookup_unknown(zip_code):
    assert geo.zip_lookup(zip_code) is None


@pytest.mark.parametrize(
    "zip_code",
    [
        "",
        "5370",
        "ABCDE",
        "5370A",
        "-1234",
        "     ",
        "53 03",
        pytest.param("５３７０３", id="fullwidth-digits"),
        pytest.param("٥٣٧٠٣", id="arabic-indic-digits"),
        pytest.param("⁵³⁷⁰³", id="superscript-digits"),
    ],
)
def test_zip_lookup_malformed(zip_code):
    assert geo.zip_lookup(zip_code) is None


def test_normalize_zip():
    assert geo.normalize_zip(" 53703-1234 ") == "53703"
    assert geo.normalize_zip(None) == ""


# --- directory.geo: counties ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("St. Croix County", "Saint Croix"),
        ("St. Croix County", "St Croix"),
        ("St. Croix County", "ST. CROIX COUNTY"),
        ("Doña Ana County", "Dona Ana"),
        ("Fond du Lac County", "Fond Du Lac"),
        ("La Crosse County", "LaCrosse"),
        ("Ste. Genevieve County", "Sainte Genevieve"),
        ("St. Louis County", "Saint Louis"),
        ("Anchorage Municipality", "Municipality of Anchorage"),
        ("Orleans Parish", "Orleans"),
        ("Bethel Census Area", "Bethel"),
        ("Denali Borough", "Denali"),
    ],
)
def test_county_key_spellings_agree(a, b):
    assert geo.county_key(a) == geo.county_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Green County", "Green Lake County"),
        ("St. Louis County", "St. Louis city"),
        ("Baltimore County", "Baltimore city"),
        ("Adams County", "Ada County"),
    ],
)
def test_county_key_keeps_different_counties_apart(a, b):
    assert geo.county_key(a) != geo.county_key(b)


@pytest.mark.parametrize(
    ("state", "name", "fips"),
    [
        ("WI", "Dane County", "55025"),
        ("WI", "Dane", "55025"),
        ("WI", "Menominee County", "55078"),
        ("MI", "Menominee County", "26109"),
        ("WI", "St. Croix County", "55109"),
        ("WI", "Saint Croix", "55109"),
        ("SD", "Shannon County", "46102"),
        ("SD", "Oglala Lakota County", "46102"),
        ("NM", "Doña Ana County", "35013"),
        ("NM", "Dona Ana County", "35013"),
        ("NM", "Dona Ana", "35013"),
        ("DC", "District of Columbia", "11001"),
        ("MO", "St. Louis city", "29510"),
        ("MO", "Saint Louis County", "29189"),
        ("LA", "Orleans Parish", "22071"),
        ("AK", "Juneau City and Borough", "02110"),
        pytest.param(
            "AK",
            "City and Borough of Juneau",
            "02110",
        ),
        pytest.param(
            "PR",
            "San Juan",
            "72127",
        ),
    ],
)
def test_county_fips(state, name, fips):
    assert geo.county_fips(state, name) == fips


@pytest.mark.parametrize(
    ("state", "name"),
    [("WI", "Hennepin County"), ("MN", "Dane County"), ("XX", "Dane"), ("WI", "")],
)
def test_county_fips_unknown(state, name):
    assert geo.county_fips(state, name) is None


@pytest.mark.parametrize(
    ("state", "count"), [("WI", 72), ("MN", 87), ("IA", 99), ("TX", 254), ("DC", 1)]
)
def test_counties_of_state(state, count):
    records = geo.counties_of_state(state)

    assert len(records) == count
    assert len({r.fips for r in records}) == count
    assert len({r.name for r in records}) == count


def test_official_names_win_over_alternate_census_names():
    by_fips = {c.fips: c.name for c in geo.all_counties()}

    assert by_fips["46102"] == "Oglala Lakota County"
    assert by_fips["11001"] == "District of Columbia"
    assert by_fips["55109"] == "St. Croix County"
    assert len(by_fips) == len(geo.all_counties())


def test_alaska_has_chugach_census_area():
    by_fips = {c.fips: c.name for c in geo.counties_of_state("AK")}

    assert by_fips.get("02063") == "Chugach Census Area"
    assert "02261" not in by_fips
    assert geo.county_fips("AK", geo.zip_lookup("99686").county_name) == "02063"


def test_every_wisconsin_zip_resolves_to_a_loaded_county(db):
    """The data migration and the ZIP data agree: every Wisconsin ZIP finds its county."""
    loaded = set(County.objects.filter(state="WI").values_list("fips", flat=True))

    for place in geo.zips_in_state("WI"):
        assert geo.county_fips("WI", place.county_name) in loaded, place


# --- directory.geo: distances -----------------------------------------------------------------


def test_distance_madison_to_milwaukee():
    miles = geo.distance_miles(*MADISON, *MILWAUKEE)

    assert 72 < miles < 80
    assert miles == pytest.approx(geo.distance_miles(*MILWAUKEE, *MADISON))


@pytest.mark.parametrize(
    ("a", "b", "miles"),
    [
        (MADISON, MADISON, 0.0),
        ((0.0, 0.0), (0.0, 1.0), 2 * math.pi * geo.EARTH_RADIUS_MILES / 360),
        ((0.0, 0.0), (0.0, 180.0), math.pi * geo.EARTH_RADIUS_MILES),
        ((90.0, 0.0), (-90.0, 0.0), math.pi * geo.EARTH_RADIUS_MILES),
        ((0.0, 179.5), (0.0, -179.5), 2 * math.pi * geo.EARTH_RADIUS_MILES / 360),
    ],
)
def test_distance_known_values(a, b, miles):
    assert geo.distance_miles(*a, *b) == pytest.approx(miles, abs=1e-6)


def test_distance_expression_agrees_with_python(db):
    place = geo.zip_lookup("53202")
    ProgramFactory(zip="53202", latitude=place.latitude, longitude=place.longitude)

    row = (
        Program.objects.filter(zip="53202")
        .annotate(d=geo.distance_miles_expression(*MADISON, "latitude", "longitude"))
        .values("d", lat=F("latitude"), lng=F("longitude"))
        .get()
    )

    assert row["d"] == pytest.approx(geo.distance_miles(*MADISON, row["lat"], row["lng"]))


def destination(lat: float, lng: float, bearing_deg: float, miles: float) -> tuple[float, float]:
    """The point `miles` from (lat, lng) along the initial bearing (spherical Earth)."""
    d = miles / geo.EARTH_RADIUS_MILES
    p1, l1, b = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


def circle(lat, lng, miles, steps=1440):
    return [destination(lat, lng, 360 * i / steps, miles) for i in range(steps)]


@pytest.mark.parametrize(
    ("lat", "lng", "miles"),
    [
        (*MADISON, 1),
        (*MADISON, 40),
        (*MADISON, 100),
        (46.6, -90.9, 150),  # Ashland, Lake Superior shore
        (25.8, -80.2, 300),  # Miami
        (21.3, -157.8, 500),  # Honolulu
        (0.0, 0.0, 500),
        (-33.9, 151.2, 200),  # southern hemisphere
        pytest.param(
            *MADISON,
            500,
            id="madison-500",
        ),
        pytest.param(
            61.2,
            -149.9,
            300,
            id="anchorage-300",
        ),
    ],
)
def test_bounding_box_contains_the_circle(lat, lng, miles):
    box = geo.bounding_box(lat, lng, miles)

    assert box["min_lat"] < lat < box["max_lat"]
    assert box["min_lng"] < lng < box["max_lng"]
    for plat, plng in circle(lat, lng, miles):
        assert geo.distance_miles(lat, lng, plat, plng) == pytest.approx(miles)
        assert box["min_lat"] <= plat <= box["max_lat"], (plat, plng)
        assert box["min_lng"] <= plng <= box["max_lng"], (plat, plng)


def test_bounding_box_is_not_much_larger_than_the_circle():
    box = geo.bounding_box(*MADISON, 50)

    assert (box["max_lat"] - box["min_lat"]) * 69.09 == pytest.approx(100, rel=0.01)
    assert geo.distance_miles(*MADISON, MADISON[0], box["max_lng"]) == pytest.approx(50, rel=0.01)
