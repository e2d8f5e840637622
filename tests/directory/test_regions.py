"""Wisconsin's regions and county rurality, as the data migration loads them, and the admin
that edits regions (docs/domain.md, "Regions" and "Rurality")."""

import importlib
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from directory.models import County, Program, Region
from directory.regions import rural_condition, urban_condition
from tests import db_setup
from tests.factories import ProgramFactory, county

pytestmark = pytest.mark.django_db

# Frozen in the first reference-data migration: the 72 real counties' FIPS codes.
REFERENCE = importlib.import_module("directory.migrations.0002_reference_data")
WISCONSIN_FIPS = {fips for fips, _name in REFERENCE.WISCONSIN_COUNTIES}
LOADED = importlib.import_module("directory.migrations.0015_county_rurality_and_wisconsin_regions")

# The 27 metropolitan counties of the OMB delineation of July 2023 (Bulletin 23-01).
METRO = {
    "Brown", "Calumet", "Chippewa", "Columbia", "Dane", "Douglas", "Eau Claire", "Fond du Lac",
    "Green", "Iowa", "Kenosha", "Kewaunee", "La Crosse", "Marathon", "Milwaukee", "Oconto",
    "Outagamie", "Ozaukee", "Pierce", "Racine", "Rock", "Sheboygan", "St. Croix", "Vernon",
    "Washington", "Waukesha", "Winnebago",
}  # fmt: skip


def _fips(region: Region) -> list[str]:
    return list(region.counties.values_list("fips", flat=True))


@pytest.mark.parametrize(
    ("scheme", "regions"), [("licensing", 5), ("public_health", 5), ("ccrr", 9)]
)
def test_each_scheme_puts_every_county_in_exactly_one_region(scheme, regions):
    loaded = Region.objects.filter(state="WI", scheme=scheme)
    assert loaded.count() == regions
    counted = Counter(fips for region in loaded for fips in _fips(region))
    assert len(counted) == 72 and set(counted) == WISCONSIN_FIPS
    assert set(counted.values()) == {1}, [f for f, n in counted.items() if n > 1]
    assert all(region.source for region in loaded)


def test_the_five_regions_have_the_offices_names():
    for scheme in ("licensing", "public_health"):
        names = Region.objects.filter(state="WI", scheme=scheme).values_list("name", flat=True)
        assert sorted(names) == ["Northeastern", "Northern", "Southeastern", "Southern", "Western"]


def test_a_few_well_known_assignments():
    def region_of(scheme, name):
        return Region.objects.get(state="WI", scheme=scheme, counties__name=f"{name} County")

    assert region_of("public_health", "Milwaukee").code == "southeastern"
    assert region_of("public_health", "Brown").code == "northeastern"
    assert region_of("public_health", "Eau Claire").code == "western"
    assert region_of("licensing", "Dane").code == "southern"
    assert region_of("licensing", "Vilas").code == "northern"
    assert region_of("ccrr", "Marathon").code == "north-central"
    assert region_of("ccrr", "Buffalo").code == "west-central"


def test_every_wisconsin_county_has_a_code_and_metro_means_urban():
    counties = County.objects.filter(state="WI")
    assert counties.count() == 72
    assert all(1 <= c.rucc_code <= 9 for c in counties)
    urban = {c.name.removesuffix(" County") for c in counties if not c.is_rural}
    assert urban == METRO
    assert {c.name.removesuffix(" County") for c in counties if c.rucc_code <= 3} == METRO


def test_rural_in_sql_agrees_with_the_property():
    rural = ProgramFactory(county=county("Vilas County", "WI", "55125"))
    urban = ProgramFactory(county=county())
    unknown = ProgramFactory(county=county("Cook County", "IL", "17031"))
    assert list(Program.objects.filter(rural_condition()).values_list("pk", flat=True)) == [
        rural.pk
    ]
    assert list(Program.objects.filter(urban_condition()).values_list("pk", flat=True)) == [
        urban.pk
    ]
    assert (rural.county.is_rural, urban.county.is_rural, unknown.county.is_rural) == (
        True,
        False,
        None,
    )


def test_rucc_code_is_validated():
    from django.core.exceptions import ValidationError

    dane = county()
    dane.rucc_code = 10
    with pytest.raises(ValidationError):
        dane.full_clean()


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_to_nothing_and_loads_again():
    """From the database as migrated, going back before the migration leaves no region and
    every county; going forward again loads them all. One round trip: each migration takes
    seconds of Django's state rendering."""
    # An earlier test in a transaction may have flushed the reference data: as migrated first.
    db_setup.restore_reference_data()
    assert Region.objects.filter(state="WI").count() == 19
    before = [("directory", "0014_consultant_brief_team")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    assert old.get_model("directory", "Region").objects.count() == 0
    assert old.get_model("directory", "County").objects.filter(state="WI").count() == 72

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Region.objects.filter(state="WI").count() == len(LOADED.regions()) == 19
    for scheme in ("licensing", "public_health", "ccrr"):
        through = Region.counties.through.objects.filter(region__scheme=scheme)
        assert through.count() == through.values("county").distinct().count() == 72
    assert County.objects.filter(state="WI", rucc_code__isnull=True).count() == 0


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def test_admins_list_and_filter_regions(admin_client):
    url = reverse("admin:directory_region_changelist")
    response = admin_client.get(url, {"scheme__exact": "ccrr"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "North Central (Childcaring)" in html and "Northeastern" not in html
    counties = admin_client.get(reverse("admin:directory_county_changelist"), {"q": "Vilas"})
    assert "Rural" in counties.content.decode()


def _form(region: Region, counties) -> dict:
    return {
        "state": region.state,
        "scheme": region.scheme,
        "code": region.code,
        "name": region.name,
        "source": region.source,
        "counties": [c.pk for c in counties],
    }


def test_admins_move_a_county_between_regions(admin_client):
    northern = Region.objects.get(state="WI", scheme="licensing", code="northern")
    western = Region.objects.get(state="WI", scheme="licensing", code="western")
    clark = County.objects.get(fips="55019")
    assert clark in western.counties.all()
    change = reverse("admin:directory_region_change", args=[northern.pk])
    refused = admin_client.post(change, _form(northern, [*northern.counties.all(), clark]))
    assert refused.status_code == 200
    assert "Already in another region of this scheme: Clark County." in refused.content.decode()
    assert clark not in northern.counties.all()

    western_change = reverse("admin:directory_region_change", args=[western.pk])
    kept = [c for c in western.counties.all() if c != clark]
    assert admin_client.post(western_change, _form(western, kept)).status_code == 302
    assert (
        admin_client.post(change, _form(northern, [*northern.counties.all(), clark])).status_code
        == 302
    )
    assert clark in northern.counties.all()


def test_a_region_holds_only_counties_of_its_state(admin_client):
    cook = county("Cook County", "IL", "17031")
    region = Region(state="WI", scheme="licensing", code="extra", name="Extra")
    response = admin_client.post(reverse("admin:directory_region_add"), _form(region, [cook]))
    assert response.status_code == 200
    assert "These counties are not in WI: Cook County." in response.content.decode()
    assert not Region.objects.filter(code="extra").exists()


def test_a_region_takes_a_bounded_list_of_counties(admin_client):
    region = Region(state="WI", scheme="licensing", code="extra", name="Extra")
    data = _form(region, [])
    data["counties"] = list(range(1, 300))
    response = admin_client.post(reverse("admin:directory_region_add"), data)
    assert response.status_code == 200
    assert not Region.objects.filter(code="extra").exists()


# --- the API's list of regions ----------------------------------------------------------------

REGIONS = "/api/v1/regions/"


def test_anyone_lists_the_regions_with_their_counties(anon_client):
    rows = anon_client.get(REGIONS, {"state": "wi", "scheme": "public_health"}).json()
    assert [row["name"] for row in rows] == [
        "Northeastern", "Northern", "Southeastern", "Southern", "Western",
    ]  # fmt: skip
    milwaukee = County.objects.get(fips="55079").pk
    southeastern = next(row for row in rows if row["code"] == "southeastern")
    assert milwaukee in southeastern["counties"] and len(southeastern["counties"]) == 7
    assert set(southeastern) == {"id", "state", "scheme", "code", "name", "counties", "source"}
    assert len(anon_client.get(REGIONS).json()) == 19


def test_the_list_of_regions_takes_a_bounded_number_of_queries(
    anon_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert anon_client.get(REGIONS).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [({"state": "ZZ"}, "state"), ({"scheme": "galaxy"}, "scheme"), ({"state": "x" * 500}, "state")],
)
def test_a_bad_state_or_scheme_is_400(anon_client, query, field):
    response = anon_client.get(REGIONS, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]
