"""The demo's equity data (docs/domain.md, "Equity" and "Tribal nations"): programs' subsidy
acceptance, YoungStar rating and, in counties with tribal lands, a tribal affiliation;
consented demographics on some child-focused requests; and the Alliance's reporting setting
for two nations, so the funder report has something to break down.

Each draws from a generator of its own (by seed and index), so the rest of the demo data stays
as it was."""

from demo.common import rng_for
from directory.models import TribalDataSetting
from directory.tribal import TribalReporting
from directory.vocabularies import RaceEthnicity, SettingType, TribalNation, YesNoUnknown

# Counties holding tribal lands, and the nation a demo program there may belong to.
TRIBAL_COUNTIES = {
    "Menominee County": TribalNation.MENOMINEE,
    "Shawano County": TribalNation.STOCKBRIDGE_MUNSEE,
    "Brown County": TribalNation.ONEIDA,
    "Outagamie County": TribalNation.ONEIDA,
    "Sawyer County": TribalNation.LAC_COURTE_OREILLES,
    "Vilas County": TribalNation.LAC_DU_FLAMBEAU,
    "Ashland County": TribalNation.BAD_RIVER,
    "Bayfield County": TribalNation.RED_CLIFF,
    "Forest County": TribalNation.FOREST_COUNTY_POTAWATOMI,
    "Burnett County": TribalNation.ST_CROIX,
    "Jackson County": TribalNation.HO_CHUNK,
    "Langlade County": TribalNation.SOKAOGON,
}
# The demo's stewards' decisions; every other nation is hidden (no setting).
SETTINGS = (
    (TribalNation.ONEIDA, TribalReporting.FULL),
    (TribalNation.MENOMINEE, TribalReporting.AGGREGATE_ONLY),
)
# YoungStar ratings of rated programs (2 to 5 stars; 1 star is rare).
RATINGS = (2, 3, 3, 3, 4, 4, 5)


def program_equity(seed: int, index: int, county_name: str, setting_type: str) -> dict:
    """Program `index`'s subsidy acceptance, rating and nation (the same on every run)."""
    rng = rng_for(seed, "program-equity", index)
    licensed = setting_type in (SettingType.CHILD_CARE_CENTER, SettingType.FAMILY_CHILD_CARE)
    draw = rng.random()
    nation = TRIBAL_COUNTIES.get(county_name)
    return {
        "accepts_subsidy": None if draw < 0.1 else draw < 0.75,
        "quality_rating": rng.choice(RATINGS) if licensed and rng.random() < 0.85 else None,
        "tribal_affiliation": nation if nation and rng.random() < 0.5 else "",
    }


def child_demographics(seed: int, index: int) -> dict:
    """A child-focused request's demographics: recorded for about two in three (the parent
    consented to record them), none for the others."""
    rng = rng_for(seed, "request-equity", index)
    if rng.random() >= 0.65:
        return {}
    races = rng.sample(RaceEthnicity.values, 2 if rng.random() < 0.15 else 1)
    return {
        "child_demographics_consent": True,
        "child_race_ethnicity": races if rng.random() < 0.9 else [],
        "child_has_iep_ifsp": rng.choice(
            (YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.NO, YesNoUnknown.UNKNOWN)
        ),
    }


def seed_tribal_settings() -> int:
    """The demo's settings for two nations (left as they are once made); how many were made."""
    made = 0
    for nation, reporting in SETTINGS:
        _setting, created = TribalDataSetting.objects.get_or_create(
            nation=nation,
            defaults={"reporting": reporting, "steward": "Demo data steward (fictional)"},
        )
        made += created
    return made
