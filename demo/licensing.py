"""The demo's licensing list: seed_demo's child care centers and family child care homes are
marked as on the state's list of licensed programs (as `manage.py import_programs` would mark
them), with a licensed capacity, so the reach report has a universe to measure against.
Head Start, public preschool, home visiting and clinics are not on a child care licensing
list, so they stay off it; their requests count apart.

One UPDATE per kind, of the demo programs not marked yet: nothing to do is one quick query.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Mod
from django.utils import timezone

from demo.programs import KEY_PREFIX
from directory.models import Program
from directory.vocabularies import ProgramLicenseType, SettingType

# (setting, license type, licensed capacity as an expression of the program's row)
LICENSED = (
    (
        SettingType.CHILD_CARE_CENTER,
        ProgramLicenseType.GROUP_CENTER,
        # Enrollment plus a few places to spare (0, 4, 8, 12 or 16), deterministic by row.
        Greatest(Coalesce(F("enrollment"), Value(24)), Value(9)) + Mod(F("id"), Value(5)) * 4,
    ),
    (SettingType.FAMILY_CHILD_CARE, ProgramLicenseType.FAMILY, Value(8) + Mod(F("id"), 2) * 4),
)


def mark_licensed() -> int:
    """Mark the demo's licensable programs as on the licensing list; how many were marked."""
    unmarked = Program.objects.filter(
        license_number__startswith=KEY_PREFIX, license_list_seen_at__isnull=True
    )
    now, marked = timezone.now(), 0
    for setting, license_type, capacity in LICENSED:
        marked += unmarked.filter(setting_type=setting).update(
            license_type=license_type,
            licensed_capacity=capacity,
            license_list_seen_at=now,
            is_active=True,
        )
    return marked
