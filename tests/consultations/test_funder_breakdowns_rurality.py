"""The funder report by rurality: a county is rural when its USDA Rural-Urban Continuum Code is
4 to 9 (nonmetropolitan), urban when 1 to 3, unknown when it has none.

These tests need County.rucc_code, which the regions branch adds: on a branch without it they
fail with a FieldError until both branches are merged."""

import pytest

from consultations.funder_report import SUPPRESSED, funder_report
from directory.models import County
from tests.consultations.funder_helpers import engagements, program_in, rows_of

pytestmark = pytest.mark.django_db


def test_rural_urban_and_unknown_rows(world):
    dane = program_in("Dane County", "55025")
    iron = program_in("Iron County", "55051")
    vilas = program_in("Vilas County", "55125")
    unknown = program_in("Nowhere County", "55999")
    County.objects.filter(pk=dane.county_id).update(rucc_code=2)
    County.objects.filter(pk=iron.county_id).update(rucc_code=9)
    County.objects.filter(pk=vilas.county_id).update(rucc_code=4)  # the first rural code
    engagements(dane, world.listing, 15)
    engagements(iron, world.listing, 6)
    engagements(vilas, world.listing, 5)
    engagements(unknown, world.listing, 10)
    rows = rows_of(funder_report(by="rurality"), "rurality")
    assert list(rows) == ["Rural", "Urban", "Unknown"]
    assert rows["Rural"]["classrooms"] == 11
    assert rows["Urban"]["classrooms"] == 15
    assert rows["Unknown"]["classrooms"] == 10
    assert rows["Rural"]["programs"] == SUPPRESSED


def test_a_lone_small_rurality_cell_takes_the_next_smallest_with_it(world):
    dane = program_in("Dane County", "55025")
    iron = program_in("Iron County", "55051")
    County.objects.filter(pk=dane.county_id).update(rucc_code=1)
    County.objects.filter(pk=iron.county_id).update(rucc_code=8)
    engagements(dane, world.listing, 30)
    engagements(iron, world.listing, 12)
    engagements(program_in("Nowhere County", "55999"), world.listing, 3)
    rows = rows_of(funder_report(by="rurality"), "rurality")
    assert rows["Unknown"]["classrooms"] == SUPPRESSED
    assert rows["Rural"]["classrooms"] == SUPPRESSED  # 12: the next smallest
    assert rows["Urban"]["classrooms"] == 30


def test_the_csv_carries_the_rurality_table(world):
    from tests.consultations.page_helpers import client_for

    dane = program_in("Dane County", "55025")
    County.objects.filter(pk=dane.county_id).update(rucc_code=1)
    engagements(dane, world.listing, 10)
    response = client_for(world, "admin").get(
        "/alliance/reports/funder/", {"by": "rurality", "download": "csv"}
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1].startswith("Rural or urban county,Urban,0,10,")
