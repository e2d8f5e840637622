"""Data: each contact logged before activities gets the activity its old type meant.

Nothing is lost: the old `contact_type` column stays as it was on every existing contact. The
old type `other` says nothing about where the time went, so it maps to no activity (an empty
activity, counted with "other" in dosage) rather than to a guess such as phone_or_email; the
contact keeps `contact_type = "other"` and its note. See docs/domain.md, "Contacts by activity".
"""

from django.db import migrations

ACTIVITY_OF_TYPE = {
    "observation": "classroom_observation",
    "staff_consultation": "staff_meeting",
    "family_consultation": "family_meeting",
    "reflective_consultation": "reflective_consultation",
    "training": "training",
    "planning": "planning",
    "other": "",
}

# Back: the old type an activity falls under, for contacts logged after the change.
TYPE_OF_ACTIVITY = {
    "classroom_observation": "observation",
    "classroom_coaching": "observation",
    "staff_meeting": "staff_consultation",
    "family_meeting": "family_consultation",
    "reflective_consultation": "reflective_consultation",
    "training": "training",
    "planning": "planning",
    "phone_or_email": "other",
}


def activities_from_types(apps, schema_editor):
    Contact = apps.get_model("consultations", "Contact")
    for old, new in ACTIVITY_OF_TYPE.items():
        Contact.objects.filter(contact_type=old, activity="").update(activity=new)


def types_from_activities(apps, schema_editor):
    Contact = apps.get_model("consultations", "Contact")
    for activity, old in TYPE_OF_ACTIVITY.items():
        Contact.objects.filter(activity=activity, contact_type="").update(contact_type=old)
    Contact.objects.filter(contact_type="").update(contact_type="other")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0009_practice_plan_activity_measures_followup")]

    operations = [migrations.RunPython(activities_from_types, types_from_activities)]
