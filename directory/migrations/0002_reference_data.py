"""Reference data: Wisconsin's 72 counties, the languages of ISO 639, and the Alliance admins'
group. Frozen here (not read from packages) so this migration means the same thing forever."""

from django.db import migrations

WISCONSIN_COUNTIES = [
    ("55001", "Adams County"),
    ("55003", "Ashland County"),
    ("55005", "Barron County"),
    ("55007", "Bayfield County"),
    ("55009", "Brown County"),
    ("55011", "Buffalo County"),
    ("55013", "Burnett County"),
    ("55015", "Calumet County"),
    ("55017", "Chippewa County"),
    ("55019", "Clark County"),
    ("55021", "Columbia County"),
    ("55023", "Crawford County"),
    ("55025", "Dane County"),
    ("55027", "Dodge County"),
    ("55029", "Door County"),
    ("55031", "Douglas County"),
    ("55033", "Dunn County"),
    ("55035", "Eau Claire County"),
    ("55037", "Florence County"),
    ("55039", "Fond du Lac County"),
    ("55041", "Forest County"),
    ("55043", "Grant County"),
    ("55045", "Green County"),
    ("55047", "Green Lake County"),
    ("55049", "Iowa County"),
    ("55051", "Iron County"),
    ("55053", "Jackson County"),
    ("55055", "Jefferson County"),
    ("55057", "Juneau County"),
    ("55059", "Kenosha County"),
    ("55061", "Kewaunee County"),
    ("55063", "La Crosse County"),
    ("55065", "Lafayette County"),
    ("55067", "Langlade County"),
    ("55069", "Lincoln County"),
    ("55071", "Manitowoc County"),
    ("55073", "Marathon County"),
    ("55075", "Marinette County"),
    ("55077", "Marquette County"),
    ("55078", "Menominee County"),
    ("55079", "Milwaukee County"),
    ("55081", "Monroe County"),
    ("55083", "Oconto County"),
    ("55085", "Oneida County"),
    ("55087", "Outagamie County"),
    ("55089", "Ozaukee County"),
    ("55091", "Pepin County"),
    ("55093", "Pierce County"),
    ("55095", "Polk County"),
    ("55097", "Portage County"),
    ("55099", "Price County"),
    ("55101", "Racine County"),
    ("55103", "Richland County"),
    ("55105", "Rock County"),
    ("55107", "Rusk County"),
    ("55109", "St. Croix County"),
    ("55111", "Sauk County"),
    ("55113", "Sawyer County"),
    ("55115", "Shawano County"),
    ("55117", "Sheboygan County"),
    ("55119", "Taylor County"),
    ("55121", "Trempealeau County"),
    ("55123", "Vernon County"),
    ("55125", "Vilas County"),
    ("55127", "Walworth County"),
    ("55129", "Washburn County"),
    ("55131", "Washington County"),
    ("55133", "Waukesha County"),
    ("55135", "Waupaca County"),
    ("55137", "Waushara County"),
    ("55139", "Winnebago County"),
    ("55141", "Wood County"),
]

# ISO 639-1 where a code exists, else ISO 639-3. Chosen for the languages spoken by
# Wisconsin's and the country's families, including the tribal nations of Wisconsin.
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("hmn", "Hmong"),
    ("so", "Somali"),
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("ru", "Russian"),
    ("vi", "Vietnamese"),
    ("fr", "French"),
    ("ase", "American Sign Language"),
    ("de", "German"),
    ("pl", "Polish"),
    ("uk", "Ukrainian"),
    ("pt", "Portuguese"),
    ("ht", "Haitian Creole"),
    ("ko", "Korean"),
    ("tl", "Tagalog"),
    ("hi", "Hindi"),
    ("ur", "Urdu"),
    ("bn", "Bengali"),
    ("ne", "Nepali"),
    ("my", "Burmese"),
    ("kar", "Karen"),
    ("lo", "Lao"),
    ("km", "Khmer"),
    ("th", "Thai"),
    ("ja", "Japanese"),
    ("fa", "Persian"),
    ("ps", "Pashto"),
    ("prs", "Dari"),
    ("sw", "Swahili"),
    ("am", "Amharic"),
    ("ti", "Tigrinya"),
    ("om", "Oromo"),
    ("rw", "Kinyarwanda"),
    ("bs", "Bosnian"),
    ("sq", "Albanian"),
    ("it", "Italian"),
    ("el", "Greek"),
    ("tr", "Turkish"),
    ("ojb", "Ojibwe"),
    ("mez", "Menominee"),
    ("win", "Ho-Chunk"),
    ("one", "Oneida"),
    ("pot", "Potawatomi"),
    ("nv", "Navajo"),
]

ALLIANCE_GROUP = "Alliance admins"
ALLIANCE_PERMISSIONS = [
    ("directory", "review_consultant"),
    ("directory", "view_consultant"),
    ("directory", "change_consultant"),
    ("directory", "view_listingreviewqueue"),
    ("directory", "change_listingreviewqueue"),
    ("directory", "view_listingdecision"),
    ("directory", "view_program"),
    ("directory", "change_program"),
    ("directory", "view_programmembership"),
    ("directory", "add_programmembership"),
    ("directory", "change_programmembership"),
    ("directory", "delete_programmembership"),
    ("directory", "view_county"),
    ("directory", "view_language"),
    ("accounts", "view_user"),
]


def load_reference_data(apps, schema_editor):
    County = apps.get_model("directory", "County")
    Language = apps.get_model("directory", "Language")
    for fips, name in WISCONSIN_COUNTIES:
        County.objects.update_or_create(fips=fips, defaults={"name": name, "state": "WI"})
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


def create_alliance_group(apps, schema_editor):
    # Permissions are normally created after migrations; create them now so the group can
    # hold them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_label in ("directory", "accounts"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the migration state's stub lacks it
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ALLIANCE_GROUP)
    for app_label, codename in ALLIANCE_PERMISSIONS:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
        migrations.RunPython(create_alliance_group, migrations.RunPython.noop),
    ]
