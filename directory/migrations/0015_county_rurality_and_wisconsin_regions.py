"""County rurality (the USDA Rural-Urban Continuum Code, 2023) and Wisconsin's regions: the DCF
child care licensing regions, the DHS public health regions and the CCR&R service areas.

Frozen here, so this migration means the same thing forever. Where each assignment comes from,
and which could not be checked against its source, is in docs/domain.md ("Regions" and
"Rurality"); admins correct a region in the admin, and a later migration corrects the data.
"""

import django.core.validators
from django.db import migrations, models

# Wisconsin's 72 counties: FIPS code and RUCC 2023. Codes 1-3 (metro) follow the OMB
# delineation of July 2023 (Bulletin 23-01) and the size of each metro area at the 2020 census;
# codes 4-9 (nonmetro) are estimates of the urban population and adjacency, to be checked
# against the ERS file (docs/domain.md, "Rurality"). Rural or urban rests only on 1-3 vs 4-9.
COUNTIES = {
    "Adams": ("55001", 8),
    "Ashland": ("55003", 7),
    "Barron": ("55005", 6),
    "Bayfield": ("55007", 8),
    "Brown": ("55009", 2),
    "Buffalo": ("55011", 8),
    "Burnett": ("55013", 8),
    "Calumet": ("55015", 3),
    "Chippewa": ("55017", 3),
    "Clark": ("55019", 8),
    "Columbia": ("55021", 2),
    "Crawford": ("55023", 6),
    "Dane": ("55025", 2),
    "Dodge": ("55027", 4),
    "Door": ("55029", 6),
    "Douglas": ("55031", 2),
    "Dunn": ("55033", 4),
    "Eau Claire": ("55035", 3),
    "Florence": ("55037", 9),
    "Fond du Lac": ("55039", 3),
    "Forest": ("55041", 9),
    "Grant": ("55043", 6),
    "Green": ("55045", 2),
    "Green Lake": ("55047", 6),
    "Iowa": ("55049", 2),
    "Iron": ("55051", 9),
    "Jackson": ("55053", 8),
    "Jefferson": ("55055", 4),
    "Juneau": ("55057", 6),
    "Kenosha": ("55059", 1),
    "Kewaunee": ("55061", 2),
    "La Crosse": ("55063", 3),
    "Lafayette": ("55065", 8),
    "Langlade": ("55067", 6),
    "Lincoln": ("55069", 6),
    "Manitowoc": ("55071", 4),
    "Marathon": ("55073", 3),
    "Marinette": ("55075", 6),
    "Marquette": ("55077", 8),
    "Menominee": ("55078", 8),
    "Milwaukee": ("55079", 1),
    "Monroe": ("55081", 6),
    "Oconto": ("55083", 2),
    "Oneida": ("55085", 7),
    "Outagamie": ("55087", 3),
    "Ozaukee": ("55089", 1),
    "Pepin": ("55091", 8),
    "Pierce": ("55093", 1),
    "Polk": ("55095", 8),
    "Portage": ("55097", 4),
    "Price": ("55099", 9),
    "Racine": ("55101", 3),
    "Richland": ("55103", 6),
    "Rock": ("55105", 3),
    "Rusk": ("55107", 8),
    "St. Croix": ("55109", 1),
    "Sauk": ("55111", 4),
    "Sawyer": ("55113", 9),
    "Shawano": ("55115", 6),
    "Sheboygan": ("55117", 3),
    "Taylor": ("55119", 8),
    "Trempealeau": ("55121", 8),
    "Vernon": ("55123", 3),
    "Vilas": ("55125", 9),
    "Walworth": ("55127", 4),
    "Washburn": ("55129", 8),
    "Washington": ("55131", 1),
    "Waukesha": ("55133", 1),
    "Waupaca": ("55135", 6),
    "Waushara": ("55137", 8),
    "Winnebago": ("55139", 3),
    "Wood": ("55141", 4),
}

# The five regional offices' areas. The DHS list is the Division of Public Health's; the DCF
# licensing regions are taken to keep the same boundaries (both come from the former DHFS
# regions). Neither list could be read offline: see docs/domain.md.
FIVE_REGIONS = {
    "northern": (
        "Northern",
        "Ashland Bayfield Florence Forest Iron Langlade Lincoln Marathon Oneida Portage Price "
        "Sawyer Taylor Vilas Wood",
    ),
    "northeastern": (
        "Northeastern",
        "Brown Calumet Door Fond_du_Lac Green_Lake Kewaunee Manitowoc Marinette Marquette "
        "Menominee Oconto Outagamie Shawano Sheboygan Waupaca Waushara Winnebago",
    ),
    "southeastern": (
        "Southeastern",
        "Kenosha Milwaukee Ozaukee Racine Walworth Washington Waukesha",
    ),
    "southern": (
        "Southern",
        "Adams Columbia Dane Dodge Grant Green Iowa Jefferson Juneau Lafayette Richland Rock Sauk",
    ),
    "western": (
        "Western",
        "Barron Buffalo Burnett Chippewa Clark Crawford Douglas Dunn Eau_Claire Jackson "
        "La_Crosse Monroe Pepin Pierce Polk Rusk St._Croix Trempealeau Vernon Washburn",
    ),
}
LICENSING_SOURCE = (
    "DCF Bureau of Early Care Regulation, regional licensing offices "
    "(https://dcf.wisconsin.gov/cclicensing). County list not verified offline: taken to follow "
    "the DHS regional boundaries (docs/domain.md, Regions)."
)
PUBLIC_HEALTH_SOURCE = (
    "DHS Division of Public Health regional offices, counties as listed at "
    "https://www.dhs.wisconsin.gov/lh-depts/counties.htm. Not verified offline "
    "(docs/domain.md, Regions)."
)

# The CCR&R network's nine service areas (the First Nations are served too; docs/domain.md).
CCRR_AREAS = {
    "northwest": (
        "Northwest",
        "Ashland Barron Bayfield Burnett Douglas Iron Polk Price Rusk Sawyer Washburn",
        "Agency and counties not verified offline.",
    ),
    "west-central": (
        "West Central (Western Dairyland)",
        "Buffalo Chippewa Clark Dunn Eau_Claire Jackson Pepin Pierce St._Croix Trempealeau",
        "Child Care Partnership, Western Dairyland: Buffalo, Chippewa, Dunn, Eau Claire named "
        "(https://volumeone.org/news/2015/06/04/9699_area_child_care_finding_a_program_that_fits"
        "); the rest not verified offline.",
    ),
    "la-crosse-area": (
        "La Crosse Area",
        "Crawford Juneau La_Crosse Monroe Vernon",
        "Agency and counties not verified offline.",
    ),
    "north-central": (
        "North Central (Childcaring)",
        "Adams Forest Langlade Lincoln Marathon Oneida Portage Taylor Vilas Wood",
        "Childcaring, Inc.: Adams, Langlade, Lincoln, Marathon, Portage, Taylor named "
        "(https://childcaring.org/?p=2587, tomahawkleader.com 2021-05-04); the rest not "
        "verified offline.",
    ),
    "northeast": (
        "Northeast",
        "Brown Door Florence Kewaunee Manitowoc Marinette Menominee Oconto Shawano",
        "Agency and counties not verified offline.",
    ),
    "fox-valley": (
        "Fox Valley and Lakeshore",
        "Calumet Fond_du_Lac Green_Lake Marquette Outagamie Sheboygan Waupaca Waushara Winnebago",
        "Agency and counties not verified offline.",
    ),
    "south-central": (
        "South Central and Southwest (4-C)",
        "Columbia Dane Dodge Grant Green Iowa Jefferson Lafayette Richland Rock Sauk",
        "Community Coordinated Child Care (4-C), Madison: Dane, Columbia named "
        "(http://www.wisbusiness.com/index.iml?Article=172995); the rest not verified offline.",
    ),
    "milwaukee-area": (
        "Milwaukee Area",
        "Milwaukee Ozaukee Washington Waukesha",
        "Agency and counties not verified offline.",
    ),
    "southeast": (
        "Southeast",
        "Kenosha Racine Walworth",
        "Agency and counties not verified offline.",
    ),
}

STATE = "WI"
# The Alliance admins edit the regions in the admin.
GROUP = "Alliance admins"
PERMISSIONS = ["view_region", "add_region", "change_region", "delete_region"]


def _fips(names: str) -> list[str]:
    return [COUNTIES[name.replace("_", " ")][0] for name in names.split()]


def regions() -> list[tuple[str, str, str, str, list[str]]]:
    """(scheme, code, name, source, county FIPS codes) of every region this migration loads."""
    rows = []
    for code, (name, counties) in FIVE_REGIONS.items():
        rows.append(("licensing", code, name, LICENSING_SOURCE, _fips(counties)))
        rows.append(("public_health", code, name, PUBLIC_HEALTH_SOURCE, _fips(counties)))
    for code, (name, counties, source) in CCRR_AREAS.items():
        rows.append(("ccrr", code, name, "CCR&R service area. " + source, _fips(counties)))
    return rows


def load(apps, schema_editor):
    County = apps.get_model("directory", "County")
    Region = apps.get_model("directory", "Region")
    for fips, rucc in COUNTIES.values():
        County.objects.filter(fips=fips).update(rucc_code=rucc)
    for scheme, code, name, source, fips_codes in regions():
        region, _ = Region.objects.update_or_create(
            state=STATE, scheme=scheme, code=code, defaults={"name": name, "source": source}
        )
        region.counties.set(County.objects.filter(fips__in=fips_codes))


def unload(apps, schema_editor):
    Region = apps.get_model("directory", "Region")
    for scheme, code, *_rest in regions():
        Region.objects.filter(state=STATE, scheme=scheme, code=code).delete()


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("directory")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="directory", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0014_consultant_brief_team"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="county",
            name="rucc_code",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(9),
                ],
                verbose_name="Rural-Urban Continuum Code (2023)",
                help_text="USDA ERS, 1-3 metro (urban), 4-9 nonmetro (rural).",
            ),
        ),
        migrations.RunPython(load, unload),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
